"""The queue of submitted offers: its filters and search, the CSV of what they
show, and assigning several offers at once."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy import event, update

from tests import factories
from tests.factories import csrf_token, error_messages, soup, text
from tests.web.checks import assert_error_summary
from triage import clock, db
from triage.cli import upgrade_database
from triage.models import EmailMessage, Offer, OfferScore, StaffNotification, User
from triage.models.scores import OfferScoreVerdict
from triage.queue.filters import RULE_TITLES
from triage.queue.views import CSV_HEADINGS, PAGE_SIZE
from triage.services import decisions, scoring
from triage.working_days import working_days_since
from workers import tasks

ORDER = "in priority order: red flags, band, score, then longest waiting"


# --- Helpers ------------------------------------------------------------------


def _aim(app, offer_id: int, cohort: str) -> None:
    with app.app_context():
        db.session.get(Offer, offer_id).cohorts[0].cohort = cohort
        db.session.commit()


def _score(app, *offer_ids: int) -> None:
    with app.app_context():
        for offer_id in offer_ids:
            tasks.score_offer(offer_id)


def _set(app, offer_id: int, **values: Any) -> None:
    """Change an offer behind the service's back (as time or another officer would)."""
    with app.app_context():
        db.session.execute(update(Offer).where(Offer.id == offer_id).values(**values))
        db.session.commit()


def _assign(app, offer_id: int, officer_id: int) -> None:
    """The officer assigns the offer to themself, from its case page."""
    version = factories.get(Offer, offer_id).version
    with app.app_context():
        officer = db.session.get(User, officer_id)
        decisions.assign(db.session.get(Offer, offer_id), officer, officer, seen_version=version)


def _ref(offer_id: int) -> str:
    return factories.get(Offer, offer_id).reference


def _refs(response) -> list[str]:
    """The references in the queue's table, top to bottom."""
    assert response.status_code == 200, response.status_code
    return [
        row.select_one("a.govuk-link").get_text(strip=True)
        for row in soup(response).select("tbody tr")
    ]


def _caption(response) -> str:
    caption = soup(response).select_one("table caption")
    return caption.get_text(" ", strip=True) if caption else ""


def _filter_form(response):
    form = soup(response).find("form", attrs={"method": "get"})
    assert form is not None, "no filter form"
    return form


def _filter(client, **choices: Any):
    """Fill in the filter form as a person would and press "Apply filters": every
    field is sent, the ones left alone empty. Each choice must be on the form."""
    form = _filter_form(client.get("/queue"))
    assert form.find("button", string=lambda s: s and s.strip() == "Apply filters")
    query: list[tuple[str, str]] = []
    for field in form.select("input[name], select[name]"):
        name = field["name"]
        chosen = choices.get(name)
        values = chosen if isinstance(chosen, list) else [chosen] if chosen is not None else []
        if field.get("type") == "checkbox":
            if field["value"] in values:
                query.append((name, field["value"]))
            continue
        if field.name == "select":
            offered = [option.get("value", "") for option in field.select("option")]
            for value in values:
                assert value in offered, f"{value!r} is not a choice of {name}"
        if (name, values[0] if values else "") not in query:
            query.append((name, values[0] if values else ""))
    for name, chosen in choices.items():
        values = chosen if isinstance(chosen, list) else [chosen]
        for value in values:
            assert (name, value) in query, f"the form has no {name} {value!r} to choose"
    return client.get("/queue?" + urlencode(query))


def _csv(response) -> list[list[str]]:
    """The rows of a CSV download, which starts with a byte-order mark (so Excel
    reads it as UTF-8)."""
    assert response.status_code == 200, response.status_code
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def officer(app) -> factories.Account:
    """A second commissioner, to assign offers to."""
    account = factories.staff("commissioner")
    with app.app_context():
        user = db.session.get(User, account.id)
        user.full_name = "Olu Officer"
        db.session.commit()
    return account


# --- The form -----------------------------------------------------------------


def test_the_filter_form_offers_every_choice(app, staff_client, submitter, officer):
    factories.submitted_offer(submitter)
    response = staff_client.get("/queue")
    form = _filter_form(response)
    labels = lambda name: [  # noqa: E731
        form.find("label", attrs={"for": box["id"]}).get_text(strip=True)
        for box in form.select(f"input[name={name}]")
    ]
    assert labels("status") == [
        "Submitted",
        "Being scored",
        "Scored",
        "Scoring failed",
        "Under review",
        "Information requested",
        "Changes requested",
        "Meeting proposed",
        "Progressed to feasibility",
        "Approved in principle",
        "Declined",
        "Withdrawn",
    ]
    cohorts = labels("cohort")
    assert len(cohorts) == 11
    assert "Mental health inpatient discharges (step down)" in cohorts
    assert labels("configuration") == [
        "Self-contained flats, core and cluster",
        "Self-contained flats in one block",
        "Self-contained homes, dispersed",
        "Shared house",
        "Extra care",
        "Other",
    ]
    options = lambda name: [  # noqa: E731
        option.get_text(strip=True) for option in form.select(f"select[name={name}] option")
    ]
    assert options("rule") == ["Any rule", *RULE_TITLES.values()]
    assert options("verdict") == ["Any verdict", "Red", "Amber", "Green"]
    assert options("officer") == [
        "Anyone or nobody",
        "Nobody yet",
        "Olu Officer",
        "Staff commissioner",
    ]
    assert form.find("a", string="Clear filters")["href"] == "/queue"
    assert "A rule’s verdict" in text(response)


def test_the_rule_titles_are_the_rules_own(app, submitter):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    with app.app_context():
        results = scoring.latest_score(offer.id).results
    assert {result["rule"]: result["title"] for result in results} == RULE_TITLES


# --- Each filter on its own -----------------------------------------------------


def test_filtering_by_status(app, staff_client, submitter):
    new = factories.submitted_offer(submitter, name="New")
    reviewing = factories.submitted_offer(submitter, name="Reviewing")
    declined = factories.submitted_offer(submitter, name="Declined")
    _set(app, reviewing.id, status="under_review")
    _set(app, declined.id, status="declined")

    everything = staff_client.get("/queue")
    assert sorted(_refs(everything)) == sorted(_ref(o.id) for o in (new, reviewing, declined))
    assert _caption(everything) == f"3 offers, {ORDER}"

    response = _filter(staff_client, status="under_review")
    assert _refs(response) == [_ref(reviewing.id)]
    assert _caption(response) == f"1 offer matches the filters, {ORDER}"
    assert factories.form_values(response)["status"] == ["under_review"]
    assert "Status (1 selected)" in text(response)

    both = _filter(staff_client, status=["under_review", "declined"])
    assert set(_refs(both)) == {_ref(reviewing.id), _ref(declined.id)}
    assert _caption(both) == f"2 offers match the filters, {ORDER}"


def test_filtering_by_cohort(app, staff_client, submitter):
    step_down = factories.submitted_offer(submitter)  # the factory's cohort
    extra_care = factories.submitted_offer(submitter)
    _aim(app, extra_care.id, "diversion_from_residential")
    response = _filter(staff_client, cohort="diversion_from_residential")
    assert _refs(response) == [_ref(extra_care.id)]
    response = _filter(
        staff_client, cohort=["diversion_from_residential", "mental_health_step_down"]
    )
    assert set(_refs(response)) == {_ref(step_down.id), _ref(extra_care.id)}
    assert _refs(_filter(staff_client, cohort="care_leavers_18_25")) == []


def test_filtering_by_configuration(app, staff_client, submitter):
    factories.submitted_offer(submitter)  # core and cluster
    block = factories.submitted_offer(submitter, configuration="self_contained_block")
    response = _filter(staff_client, configuration="self_contained_block")
    assert _refs(response) == [_ref(block.id)]
    assert "Configuration (1 selected)" in text(response)


@pytest.mark.usefixtures("firm_pipeline")
def test_filtering_by_a_rules_verdict(app, staff_client, submitter):
    # The factory's mental health offer meets no unmet need: cohort need is red.
    unmet = factories.submitted_offer(submitter, name="Need met already")
    needed = factories.submitted_offer(submitter, name="Needed")
    _aim(app, needed.id, "diversion_from_residential")
    outside = factories.submitted_offer(submitter, name="Outside", postcode="NG1 1AA")
    _aim(app, outside.id, "diversion_from_residential")
    unscored = factories.submitted_offer(submitter, name="Unscored")
    _score(app, unmet.id, needed.id, outside.id)
    with app.app_context():
        verdicts = {
            offer_id: {
                row["rule"]: row["verdict"] for row in scoring.latest_score(offer_id).results
            }
            for offer_id in (unmet.id, needed.id, outside.id)
        }
    assert verdicts[unmet.id]["cohort_need"] == "red"
    assert verdicts[needed.id]["cohort_need"] != "red"
    assert verdicts[outside.id]["location"] == "red"
    assert verdicts[needed.id]["location"] != "red"

    assert _refs(_filter(staff_client, rule="cohort_need", verdict="red")) == [_ref(unmet.id)]
    assert _refs(_filter(staff_client, rule="location", verdict="red")) == [_ref(outside.id)]
    # A verdict on any rule: every offer with a red flag.
    assert set(_refs(_filter(staff_client, verdict="red"))) == {_ref(unmet.id), _ref(outside.id)}
    # A rule on its own would narrow nothing (every scored offer has a verdict on
    # every rule): it is refused, saying what to choose, not silently ignored.
    refused = _filter(staff_client, rule="location")
    assert_error_summary(
        refused, "Choose the verdict on location to look for, or choose “Any rule”"
    )
    assert set(_refs(refused)) == {_ref(o.id) for o in (unmet, needed, outside, unscored)}
    assert [o.get_text() for o in soup(refused).select("select[name=rule] option[selected]")] == [
        "Location"
    ]
    green = {
        _ref(offer_id)
        for offer_id, verdict in verdicts.items()
        if verdict["rent_affordability"] == "green"
    }
    assert set(_refs(_filter(staff_client, rule="rent_affordability", verdict="green"))) == green
    response = _filter(staff_client, rule="cohort_need", verdict="red")
    assert [o.get_text() for o in soup(response).select("select[name=rule] option[selected]")] == [
        "Unmet need in the target cohorts"
    ]


@pytest.mark.usefixtures("firm_pipeline")
def test_only_the_newest_scores_verdict_counts(app, staff_client, submitter):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    assert _refs(_filter(staff_client, rule="cohort_need", verdict="red")) == [_ref(offer.id)]
    with app.app_context():
        old = scoring.latest_score(offer.id)
        results = [{**row, "verdict": "green"} for row in old.results]
        db.session.add(
            OfferScore(
                offer_id=offer.id,
                policy_version="rescored",
                supply_basis=old.supply_basis,
                score=90,
                band="A",
                band_label="Strong fit",
                red_flags=[],
                results=results,
                verdicts=[OfferScoreVerdict(rule=r["rule"], verdict="green") for r in results],
            )
        )
        db.session.commit()
    assert _refs(_filter(staff_client, rule="cohort_need", verdict="red")) == []
    assert _refs(_filter(staff_client, rule="cohort_need", verdict="green")) == [_ref(offer.id)]


def test_filtering_by_assigned_officer(app, staff_client, submitter, commissioner, officer):
    mine = factories.submitted_offer(submitter)
    theirs = factories.submitted_offer(submitter)
    nobodys = factories.submitted_offer(submitter)
    _set(app, mine.id, assigned_to_id=commissioner.id, status="under_review")
    _set(app, theirs.id, assigned_to_id=officer.id, status="under_review")

    response = _filter(staff_client, officer=str(officer.id))
    assert _refs(response) == [_ref(theirs.id)]
    row = soup(response).select_one("tbody tr")
    assert "Olu Officer" in row.get_text(" ")
    assert _refs(_filter(staff_client, officer="unassigned")) == [_ref(nobodys.id)]
    assert _refs(_filter(staff_client, officer=str(commissioner.id))) == [_ref(mine.id)]
    selected = soup(response).select("select[name=officer] option[selected]")
    assert [option.get_text() for option in selected] == ["Olu Officer"]


@pytest.mark.parametrize("typed", ["LE1", "le1", " le 1 ", "LE1 9ZZ", "le19zz"])
def test_filtering_by_postcode_district(app, staff_client, submitter, typed):
    le1 = factories.submitted_offer(submitter, postcode="LE1 6ZG")
    factories.submitted_offer(submitter, postcode="LE10 1AA")
    factories.submitted_offer(submitter, postcode="LE2 1AB")
    response = _filter(staff_client, district=typed)
    assert _refs(response) == [_ref(le1.id)]
    assert factories.form_values(response)["district"] == ["LE1"]
    assert _refs(_filter(staff_client, district="LE10")) != [_ref(le1.id)]
    assert len(_refs(_filter(staff_client, district="LE10"))) == 1


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("hamelin", ["Hamelin Court"]),
        ("COURT", ["Hamelin Court"]),
        ("  the   OLD ", ["The Old Mill"]),
        ("100%", ["100% Homes"]),
        ("_", ["Under_score"]),
        ("o", ["100% Homes", "Hamelin Court", "The Old Mill", "Under_score"]),
        ("nothing like it", []),
    ],
)
def test_searching_by_name(app, staff_client, submitter, typed, found):
    for name in ("Hamelin Court", "The Old Mill", "100% Homes", "Under_score"):
        factories.submitted_offer(submitter, name=name)
    response = _filter(staff_client, search=typed)
    names = [
        row.select("td")[1].get_text(strip=True).split(",")[0]
        for row in soup(response).select("tbody tr")
    ]
    assert sorted(names) == found
    if not found:
        assert "No offers match these filters." in text(response)


def test_searching_by_reference(app, staff_client, submitter):
    offers = [factories.submitted_offer(submitter) for _ in range(3)]
    reference = _ref(offers[1].id)
    assert _refs(_filter(staff_client, search=reference.lower())) == [reference]
    # Part of it: the number at its end.
    assert _refs(_filter(staff_client, search=reference[-3:])) == [reference]
    assert len(_refs(_filter(staff_client, search=reference[:7]))) == 3


# --- Together -------------------------------------------------------------------


@pytest.mark.usefixtures("firm_pipeline")
def test_filters_combine_and_keep_the_queue_order(app, staff_client, submitter, officer):
    offers = []
    for index in range(8):
        offer = factories.submitted_offer(
            submitter,
            name=f"Court {index}",
            postcode="LE1 6ZG" if index % 2 else "LE2 1AB",
            configuration="self_contained_block" if index % 3 else "core_and_cluster",
        )
        if index in (1, 4):
            _aim(app, offer.id, "diversion_from_residential")  # no red flags
        offers.append(offer)
    _score(app, *(offer.id for offer in offers[:6]))  # two are left unscored
    for offer in offers[2:5]:
        _set(app, offer.id, assigned_to_id=officer.id, status="under_review")
    _set(app, offers[0].id, submitted_at=datetime.now(UTC) - timedelta(days=30))

    everything = _refs(staff_client.get("/queue"))
    assert len(everything) == 8
    details = {_ref(o.id): factories.get(Offer, o.id) for o in offers}

    def shown(**choices: Any) -> list[str]:
        refs = _refs(_filter(staff_client, **choices))
        # Filtering only leaves out: what is left keeps the queue's order.
        assert refs == [ref for ref in everything if ref in refs]
        return refs

    in_le1 = shown(district="LE1")
    assert set(in_le1) == {ref for ref, o in details.items() if o.postcode == "LE1 6ZG"}
    block_in_le1 = shown(district="LE1", configuration="self_contained_block")
    assert set(block_in_le1) == {
        ref
        for ref, o in details.items()
        if o.postcode == "LE1 6ZG" and o.configuration == "self_contained_block"
    }
    assigned = shown(officer=str(officer.id), status="under_review", district="LE2")
    assert set(assigned) == {
        ref
        for ref, o in details.items()
        if o.assigned_to_id == officer.id and o.postcode == "LE2 1AB"
    }
    red_unassigned = shown(verdict="red", officer="unassigned", search="court")
    assert red_unassigned
    for ref in red_unassigned:
        assert details[ref].assigned_to_id is None
    nothing = _filter(staff_client, district="LE1", search="Court 0")
    assert _refs(nothing) == []
    assert "No offers match these filters." in text(nothing)
    assert text(nothing).count("Clear filters") == 2


def test_pages_and_the_csv_keep_the_filters(app, staff_client, submitter):
    for _ in range(PAGE_SIZE + 2):
        factories.submitted_offer(submitter, postcode="LE3 1AA", configuration="extra_care")
    factories.submitted_offer(submitter, postcode="LE3 1AA")  # another configuration
    factories.submitted_offer(submitter, configuration="extra_care")  # another district
    first = _filter(staff_client, district="le3", configuration="extra_care", search="hamelin")
    assert len(_refs(first)) == PAGE_SIZE
    assert _caption(first) == f"{PAGE_SIZE + 2} offers match the filters, {ORDER}"

    next_link = soup(first).find("a", rel="next")["href"]
    query = parse_qs(urlsplit(next_link).query)
    assert query == {
        "configuration": ["extra_care"],
        "district": ["LE3"],
        "search": ["hamelin"],
        "page": ["2"],
    }
    second = staff_client.get(next_link)
    assert len(_refs(second)) == 2
    assert _caption(second) == f"{PAGE_SIZE + 2} offers match the filters, {ORDER}"
    assert factories.form_values(second)["district"] == ["LE3"]
    back = soup(second).find("a", rel="prev")["href"]
    assert parse_qs(urlsplit(back).query)["page"] == ["1"]
    assert parse_qs(urlsplit(back).query)["district"] == ["LE3"]

    link = soup(first).find("a", string="Download these offers (CSV)")["href"]
    assert parse_qs(urlsplit(link).query) == {
        "configuration": ["extra_care"],
        "district": ["LE3"],
        "search": ["hamelin"],
    }
    rows = _csv(factories.fetch(staff_client, link))
    # Every matching offer, not just the page shown.
    assert len(rows) == 1 + PAGE_SIZE + 2
    assert [row[0] for row in rows[1:]] == _refs(first) + _refs(second)


def test_clear_filters_shows_everything_again(app, staff_client, submitter):
    factories.submitted_offer(submitter, postcode="LE2 1AB")
    factories.submitted_offer(submitter)
    filtered = _filter(staff_client, district="LE2")
    assert len(_refs(filtered)) == 1
    cleared = staff_client.get(soup(filtered).find("a", string="Clear filters")["href"])
    assert len(_refs(cleared)) == 2
    assert _caption(cleared) == f"2 offers, {ORDER}"


# --- Bad input ------------------------------------------------------------------

JUNK = [
    "status=bogus",
    "status=draft",
    "status=" + "x" * 10_000,
    "cohort=%3Cscript%3Ealert(1)%3C/script%3E",
    "configuration=" + "y" * 10_000,
    "rule=nope&verdict=purple",
    "rule=" + "z" * 10_000,
    "officer=99999999999999999999999999",
    "officer=" + "1" * 10_000,
    "officer=-1",
    "page=abc&status=",
    "search=%00%01",
    "district=",
    "district=%20%20",
    "status=submitted&status=submitted&status=" + "&status=".join(["nope"] * 500),
]


@pytest.mark.parametrize("query", JUNK, ids=[f"junk{i}" for i in range(len(JUNK))])
def test_choices_not_offered_are_ignored(app, staff_client, submitter, query):
    offer = factories.submitted_offer(submitter)
    response = staff_client.get(f"/queue?{query}")
    assert response.status_code == 200
    assert _refs(response) == [_ref(offer.id)]
    assert soup(response).select(".govuk-error-summary") == []
    # Nothing ignored is carried into the links.
    link = soup(response).find("a", string="Download these offers (CSV)")["href"]
    assert len(link) < 100
    csv_rows = _csv(factories.fetch(staff_client, f"/queue.csv?{query}"))
    assert [row[0] for row in csv_rows[1:]] == [_ref(offer.id)]


@pytest.mark.parametrize(
    "typed", ["%%%", "'; DROP TABLE offers;--", "\\", "<script>alert(1)</script>", "Hamelin\x00"]
)
def test_odd_searches_are_searched_for_as_typed(app, staff_client, submitter, typed):
    factories.submitted_offer(submitter)
    response = staff_client.get("/queue?" + urlencode({"search": typed}))
    assert response.status_code == 200
    assert soup(response).select(".govuk-error-summary") == []
    assert _refs(response) == ([_ref(1)] if typed.startswith("Hamelin") else [])
    assert factories.count(Offer) == 1


@pytest.mark.parametrize(
    "typed", ["LE", "1LE", "LEICESTER", "LE1 6Z", "LE1%25", "x" * 10_000, "%3Cscript%3E"]
)
def test_a_malformed_postcode_district_is_reported(app, staff_client, submitter, typed):
    offer = factories.submitted_offer(submitter)
    response = staff_client.get(f"/queue?district={typed}&status=submitted")
    assert_error_summary(response, "Enter a postcode district, like LE1")
    # The other filters still apply; the district is left out until it is corrected.
    assert _refs(response) == [_ref(offer.id)]
    assert factories.form_values(response)["status"] == ["submitted"]
    assert len(factories.form_values(response)["district"][0]) <= 100
    assert "district" not in soup(response).find("a", string="Download these offers (CSV)")["href"]


def test_a_search_too_long_is_reported(app, staff_client, submitter):
    factories.submitted_offer(submitter)
    response = staff_client.get("/queue?search=" + "a" * 10_000)
    assert_error_summary(response, "Reference or name must be 200 characters or fewer")
    assert len(_refs(response)) == 1


# --- The CSV ----------------------------------------------------------------------


@pytest.mark.usefixtures("firm_pipeline")
def test_the_csv_holds_what_the_queue_shows(app, staff_client, submitter, officer):
    flagged = factories.submitted_offer(submitter, name="Flagged Court")
    strong = factories.submitted_offer(submitter, name="Strong House", postcode="LE2 1AB")
    _aim(app, strong.id, "diversion_from_residential")
    waiting = factories.submitted_offer(submitter, name='=HYPERLINK("http://evil.example","x")')
    _score(app, flagged.id, strong.id)
    _assign(app, strong.id, officer.id)
    with app.app_context():
        flagged_score = scoring.latest_score(flagged.id)
        strong_score = scoring.latest_score(strong.id)
    # Five weeks: 25 working days less any bank holidays, over the target of 20.
    _set(app, flagged.id, submitted_at=datetime.now(UTC) - timedelta(days=35, hours=1))

    page = staff_client.get("/queue")
    link = soup(page).find("a", string="Download these offers (CSV)")
    assert link["href"] == "/queue.csv"
    response = factories.fetch(staff_client, link["href"])
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    rows = _csv(response)
    assert rows[0] == CSV_HEADINGS
    by_ref = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == _refs(page)
    organisation = soup(page).select("tbody tr td")[2].get_text(strip=True)
    submitted = factories.get(Offer, flagged.id).submitted_at
    waited = working_days_since(submitted)
    assert 20 < waited <= 25
    flagged_row = by_ref[_ref(flagged.id)]
    assert flagged_row == {
        **flagged_row,
        "Name": "Flagged Court",
        "Postcode": "LE1 6ZG",
        "Organisation": organisation,
        "Status": "Scored",
        "Submitted": submitted.astimezone(clock.UK).date().isoformat(),
        "Working days waiting": str(waited),
        "Overdue": "yes",
        "Assigned officer": "",
        "Score": str(flagged_score.score),
        "Band": flagged_score.band,
        "Overridden": "no",
        "Score before override": "",
        "Red flags": "Unmet need in the target cohorts",
    }
    # The units, cohorts and rent the queue shows too.
    with app.app_context():
        offer = db.session.get(Offer, flagged.id)
        kinds = {unit.kind: unit for unit in offer.unit_types}
        rents = [unit.core_rent_pence / 100 for unit in kinds.values()]
        assert flagged_row["Units"] == str(offer.total_units)
        assert flagged_row["Lowest core rent a week (£)"] == str(min(rents))
        assert flagged_row["Highest core rent a week (£)"] == str(max(rents))
        assert flagged_row["Cohorts"]
    strong_row = by_ref[_ref(strong.id)]
    assert strong_row["Status"] == "Under review"
    assert strong_row["Working days waiting"] == "0"
    assert strong_row["Overdue"] == "no"
    assert strong_row["Assigned officer"] == "Olu Officer"
    assert strong_row["Score"] == str(strong_score.score)
    assert strong_row["Red flags"] == ""
    # A name a spreadsheet would run as a formula is written as text.
    waiting_row = by_ref[_ref(waiting.id)]
    assert waiting_row["Name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert [waiting_row[name] for name in ("Score", "Band", "Red flags")] == ["", "", ""]


def test_the_csv_follows_the_filters_exactly(app, staff_client, submitter):
    wanted = [factories.submitted_offer(submitter, postcode="LE4 1AA") for _ in range(3)]
    factories.submitted_offer(submitter)
    _set(app, wanted[1].id, status="withdrawn", withdrawn_at=datetime.now(UTC))
    page = _filter(staff_client, district="LE4", status=["submitted", "withdrawn"])
    rows = _csv(
        factories.fetch(
            staff_client, soup(page).find("a", string="Download these offers (CSV)")["href"]
        )
    )
    assert [row[0] for row in rows[1:]] == _refs(page)
    assert sorted(_refs(page)) == sorted(_ref(o.id) for o in wanted)
    withdrawn = next(row for row in rows if row[0] == _ref(wanted[1].id))
    # No longer waiting for a decision: no days waiting, never overdue.
    columns = dict(zip(rows[0], withdrawn, strict=True))
    assert [columns[name] for name in ("Status", "Working days waiting", "Overdue")] == [
        "Withdrawn",
        "",
        "no",
    ]


def test_only_staff_download_the_csv(app, client, submitter_client, submitter, placement_officer):
    factories.submitted_offer(submitter)
    assert factories.fetch(submitter_client, "/queue.csv").status_code == 404
    assert factories.fetch(client, "/queue.csv").status_code == 302
    officer_client = factories.signed_in_client(app, placement_officer)
    assert len(_csv(factories.fetch(officer_client, "/queue.csv"))) == 2


# --- Assigning several offers at once ------------------------------------------------


def _bulk_form(response):
    form = soup(response).find("form", action="/queue/assign")
    assert form is not None, "no bulk assignment form"
    return form


def _bulk(
    client, refs: list[str], officer_name: str | None, *, url: str = "/queue", meanwhile=None
):
    """Tick `refs` on the queue page, choose the officer, press "Assign selected offers"."""
    form = _bulk_form(client.get(url))
    assert form.find("button", string=lambda s: s and s.strip() == "Assign selected offers")
    ticked = []
    for ref in refs:
        box = form.find("input", attrs={"aria-label": f"Select {ref}"})
        assert box is not None, f"no checkbox for {ref}"
        ticked.append(box["value"])
    choice = ""
    if officer_name is not None:
        choice = next(
            option["value"]
            for option in form.select("select[name=assign_to] option")
            if option.get_text(strip=True) == officer_name
        )
    data = {
        "csrf_token": csrf_token(str(form)),
        "return_to": form.find("input", attrs={"name": "return_to"})["value"],
        "offers": ticked,
        "assign_to": choice,
    }
    if meanwhile is not None:
        meanwhile()
    return client.post("/queue/assign", data=data)


def test_a_commissioner_assigns_several_offers_at_once(app, staff_client, submitter, officer):
    offers = [factories.submitted_offer(submitter, postcode="LE5 1AA") for _ in range(3)]
    factories.submitted_offer(submitter)
    refs = [_ref(o.id) for o in offers]
    response = _bulk(staff_client, refs[:2], "Olu Officer", url="/queue?district=LE5")
    assert response.status_code == 302
    # Back to the same filtered queue.
    assert parse_qs(urlsplit(response.location).query) == {"district": ["LE5"]}
    page = staff_client.get(response.location)
    assert "2 offers assigned to Olu Officer" in text(page)
    rows = {
        row.select_one("a.govuk-link").get_text(strip=True): row.get_text(" ")
        for row in soup(page).select("tbody tr")
    }
    assert set(rows) == set(refs)
    for ref in refs[:2]:
        assert "Olu Officer" in rows[ref] and "Under review" in rows[ref]
    assert "Nobody yet" in rows[refs[2]]
    for offer in offers[:2]:
        saved = factories.get(Offer, offer.id)
        assert (saved.assigned_to_id, saved.status) == (officer.id, "under_review")
    # Each went through the workflow: on record on the case page.
    case = text(staff_client.get(f"/queue/offers/{offers[0].id}"))
    assert "Assigned to Olu Officer" in case
    assert "not assigned" not in text(page)
    assert _refs(_filter(staff_client, officer=str(officer.id))) == sorted(
        refs[:2], key=_refs(staff_client.get("/queue")).index
    )


def test_an_offer_changed_meanwhile_is_reported_not_overwritten(
    app, staff_client, submitter, commissioner, officer
):
    first, second = (factories.submitted_offer(submitter) for _ in range(2))
    refs = [_ref(first.id), _ref(second.id)]

    def someone_else_assigns_it() -> None:
        _assign(app, second.id, commissioner.id)

    response = _bulk(staff_client, refs, "Olu Officer", meanwhile=someone_else_assigns_it)
    page = staff_client.get(response.location)
    shown = text(page)
    assert "1 offer assigned to Olu Officer" in shown
    assert "1 offer was not assigned" in shown
    assert f"{refs[1]} changed after you opened this page. Check it, then try again" in shown
    banner = soup(page).select_one(
        ".govuk-notification-banner:not(.govuk-notification-banner--success)"
    )
    assert banner.find("a", string=refs[1])["href"] == f"/queue/offers/{second.id}"
    assert factories.get(Offer, first.id).assigned_to_id == officer.id
    assert factories.get(Offer, second.id).assigned_to_id == commissioner.id
    # The report is shown once.
    assert "not assigned" not in text(staff_client.get("/queue"))


def test_offers_whose_status_does_not_allow_it_are_refused(app, staff_client, submitter, officer):
    open_offer = factories.submitted_offer(submitter)
    declined = factories.submitted_offer(submitter)
    draft = factories.complete_offer(submitter)
    _set(app, declined.id, status="declined", decided_at=datetime.now(UTC))
    page = staff_client.get("/queue")
    form = _bulk_form(page)
    # A decided offer has no checkbox...
    assert form.find("input", attrs={"aria-label": f"Select {_ref(declined.id)}"}) is None
    # ...and sent anyway (an old page, a hand-made request) it is refused.
    choice = next(
        o["value"]
        for o in form.select("select[name=assign_to] option")
        if o.get_text() == "Olu Officer"
    )
    versions = {o.id: factories.get(Offer, o.id).version for o in (open_offer, declined)}
    response = staff_client.post(
        "/queue/assign",
        data={
            "csrf_token": csrf_token(str(form)),
            "return_to": "https://evil.example/queue?status=declined&status=under_review",
            "offers": [
                f"{open_offer.id}:{versions[open_offer.id]}",
                f"{declined.id}:{versions[declined.id]}",
                f"{draft.id}:1",
                "junk",
            ],
            "assign_to": choice,
        },
    )
    assert response.status_code == 302
    assert response.location == "/queue?status=under_review&status=declined"
    shown = text(staff_client.get(response.location))
    assert "1 offer assigned to Olu Officer" in shown
    assert "2 offers were not assigned" in shown
    assert f"{_ref(declined.id)} is declined, so it cannot be assigned" in shown
    assert f"Offer {draft.id} is not a submitted offer" in shown
    assert factories.get(Offer, declined.id).assigned_to_id is None
    assert factories.get(Offer, declined.id).status == "declined"
    assert factories.get(Offer, draft.id).status == "draft"


@pytest.mark.parametrize(
    ("refs", "officer_name", "message"),
    [
        ([], "Olu Officer", "Select the offers to assign"),
        (["first"], None, "Select the officer to assign the offers to"),
    ],
)
def test_assigning_needs_offers_and_an_officer(
    app, staff_client, submitter, officer, refs, officer_name, message
):
    offer = factories.submitted_offer(submitter)
    response = _bulk(staff_client, [_ref(offer.id) for _ in refs], officer_name)
    assert assert_error_summary(response, message) == [message]
    assert message in error_messages(response)
    # The page is shown again as it was, with what was ticked still ticked.
    assert _refs(response) == [_ref(offer.id)]
    version = factories.get(Offer, offer.id).version
    ticked = [f"{offer.id}:{version}"] if refs else []
    assert factories.form_values(response).get("offers", []) == ticked
    assert factories.get(Offer, offer.id).assigned_to_id is None


def test_an_officer_not_allowed_to_decide_is_refused(app, staff_client, submitter, officer):
    offer = factories.submitted_offer(submitter)
    form = _bulk_form(staff_client.get("/queue"))
    response = staff_client.post(
        "/queue/assign",
        data={
            "csrf_token": csrf_token(str(form)),
            "offers": [f"{offer.id}:1"],
            "assign_to": str(factories.staff("placement_officer").id),
        },
    )
    assert_error_summary(response, "Select the officer to assign the offers to")
    assert factories.get(Offer, offer.id).assigned_to_id is None


def test_placement_officers_see_no_checkboxes_and_cannot_assign(
    app, submitter, placement_officer, officer
):
    offer = factories.submitted_offer(submitter)
    client = factories.signed_in_client(app, placement_officer)
    page = client.get("/queue")
    assert _refs(page) == [_ref(offer.id)]
    assert soup(page).select("input[name=offers]") == []
    assert soup(page).find("form", action="/queue/assign") is None
    assert "Assign offers" not in text(page)
    before = factories.database_state()
    response = client.post(
        "/queue/assign",
        data={
            "csrf_token": csrf_token(page.text),
            "offers": [f"{offer.id}:1"],
            "assign_to": str(officer.id),
        },
    )
    assert response.status_code == 404
    assert factories.database_state() == before


def test_submitters_cannot_assign(app, submitter_client, submitter, officer):
    offer = factories.submitted_offer(submitter)
    token = csrf_token(submitter_client.get("/offers").text)
    before = factories.database_state()
    response = submitter_client.post(
        "/queue/assign",
        data={"csrf_token": token, "offers": [f"{offer.id}:1"], "assign_to": str(officer.id)},
    )
    assert response.status_code == 404
    assert factories.database_state() == before


def test_at_most_a_page_of_offers_is_assigned_at_once(app, staff_client, submitter, officer):
    offer = factories.submitted_offer(submitter)
    form = _bulk_form(staff_client.get("/queue"))
    response = staff_client.post(
        "/queue/assign",
        data={
            "csrf_token": csrf_token(str(form)),
            "offers": [f"{offer.id}:1"] + [f"{n}:1" for n in range(1000, 1000 + PAGE_SIZE)],
            "assign_to": str(officer.id),
        },
    )
    message = f"Select {PAGE_SIZE} offers or fewer"
    assert assert_error_summary(response, message) == [message]
    assert factories.get(Offer, offer.id).assigned_to_id is None


# --- Pages ----------------------------------------------------------------------------


def test_pages_follow_one_another_in_queue_order(app, staff_client, submitter, monkeypatch):
    """Each page takes up where the one before stopped: together they are the whole
    queue, in order, each offer once (the CSV has it unpaged)."""
    monkeypatch.setattr("triage.queue.views.PAGE_SIZE", 3)
    now = datetime.now(UTC)
    ids = [factories.submitted_offer(submitter).id for _ in range(8)]
    _score(app, *ids[:7])  # the last is not scored yet
    # Waiting longest first, whatever order they came in.
    for offer_id, days in zip(ids, [3, 9, 1, 7, 5, 2, 8, 4], strict=True):
        _set(app, offer_id, submitted_at=now - timedelta(days=days))
    _set(app, ids[4], status="declined")  # decided: after every open offer
    shown = [_refs(staff_client.get(f"/queue?page={page}")) for page in (1, 2, 3)]
    assert [len(page) for page in shown] == [3, 3, 2]
    scored_open = [ids[1], ids[6], ids[3], ids[0], ids[5], ids[2]]  # by days waiting
    expected = [_ref(offer_id) for offer_id in [*scored_open, ids[7], ids[4]]]
    assert [ref for page in shown for ref in page] == expected
    # The unscored offer sorts after the scored ones (no band, no score).
    assert [row[0] for row in _csv(staff_client.get("/queue.csv"))[1:]] == expected
    assert _refs(staff_client.get("/queue?page=99")) == shown[2]


# --- Queries ------------------------------------------------------------------------


def _statements(app, client, url: str) -> list[str]:
    engine = app.extensions["triage.engine"]
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _add_offers(app, submitter, officer, count: int) -> None:
    for index in range(count):
        offer = factories.submitted_offer(submitter)
        _score(app, offer.id)
        if index % 2:
            _set(app, offer.id, assigned_to_id=officer.id, status="under_review")


@pytest.mark.parametrize(
    "url",
    ["/queue", "/queue?verdict=red&district=LE1&search=court&status=under_review"],
)
@pytest.mark.usefixtures("firm_pipeline")
def test_the_number_of_queries_does_not_grow_with_the_rows(
    app, staff_client, submitter, officer, url
):
    _add_offers(app, submitter, officer, 5)
    few = _statements(app, staff_client, url)
    assert len(_refs(staff_client.get(url))) == (5 if url == "/queue" else 2)  # half assigned
    _add_offers(app, submitter, officer, 35)
    many = _statements(app, staff_client, url)
    assert len(_refs(staff_client.get(url))) == (40 if url == "/queue" else 19)
    assert len(many) == len(few), "\n".join(many)


def test_the_csv_takes_the_same_queries_however_many_rows(app, staff_client, submitter, officer):
    _add_offers(app, submitter, officer, 3)
    few = _statements(app, staff_client, "/queue.csv")
    _add_offers(app, submitter, officer, 12)
    assert len(_statements(app, staff_client, "/queue.csv")) == len(few)


# --- The migration ---------------------------------------------------------------------


def test_the_migration_fills_verdicts_and_districts_from_what_is_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade_database(url, "0005_triage_workflow")
    engine = sa.create_engine(url)
    now = "2026-04-01 09:00:00.000000"
    results = [
        {"rule": "rent_affordability", "title": "Rent affordability", "verdict": "red"},
        {"rule": "location", "title": "Location", "verdict": "green"},
    ]
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, name, organisation_type, join_token, created_at)"
                " VALUES (1, 'Org', 'charity', 't', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO users (id, email, full_name, password_hash, role, is_active, created_at)"
                " VALUES (1, 'a@example.com', 'A', 'x', 'submitter', 1, :now)"
            ),
            {"now": now},
        )
        for offer_id, postcode in ((1, "LE1 6ZG"), (2, "NG10 1AA"), (3, None)):
            connection.execute(
                sa.text(
                    "INSERT INTO offers (id, organisation_id, created_by_id, status, created_at,"
                    " updated_at, site_area_answered, version, postcode)"
                    " VALUES (:id, 1, 1, 'scored', :now, :now, 0, 1, :postcode)"
                ),
                {"id": offer_id, "now": now, "postcode": postcode},
            )
        connection.execute(
            sa.text(
                "INSERT INTO offer_scores (id, offer_id, policy_version, supply_basis, score, band,"
                " band_label, red_flags, red_flag_count, results, created_at)"
                " VALUES (7, 1, 'p', 'b', 50, 'B', 'Possible', :flags, 1, :results, :now)"
            ),
            {
                "flags": json.dumps(["rent_affordability"]),
                "results": json.dumps(results),
                "now": now,
            },
        )
    upgrade_database(url, "0006_queue_filters")
    with engine.connect() as connection:
        verdicts = connection.execute(
            sa.text("SELECT score_id, rule, verdict FROM offer_score_verdicts ORDER BY rule")
        ).all()
        districts = connection.execute(
            sa.text("SELECT id, postcode_district FROM offers ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in verdicts] == [
        (7, "location", "green"),
        (7, "rent_affordability", "red"),
    ]
    assert [tuple(row) for row in districts] == [(1, "LE1"), (2, "NG10"), (3, None)]


def test_an_offers_district_follows_its_postcode(app, submitter):
    offer = factories.complete_offer(submitter, postcode="LE4 5AB")
    assert factories.get(Offer, offer.id).postcode_district == "LE4"
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        found.postcode = "NG1 1AA"
        db.session.commit()
        assert found.postcode_district == "NG1"
        found.postcode = None
        db.session.commit()
        assert found.postcode_district is None


def test_a_bulk_assignment_sends_the_officer_one_email_not_one_an_offer(
    app, staff_client, submitter, officer
):
    offers = [factories.submitted_offer(submitter) for _ in range(3)]
    refs = [_ref(o.id) for o in offers]
    assert _bulk(staff_client, refs, "Olu Officer").status_code == 302
    [email] = factories.rows(EmailMessage, to_address=officer.email)
    assert email.subject == "3 updates on your offers"
    for ref in refs:
        assert ref in email.body
    notified = factories.rows(StaffNotification, user_id=officer.id)
    assert len(notified) == 3
    assert {item.email_id for item in notified} == {email.id}
