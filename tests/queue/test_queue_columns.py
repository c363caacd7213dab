"""The queue's working columns (units, cohorts, rent, overrides), sorting by a
column, numbered pages, the Excel download, and the case page's key facts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from rules.policy_data import current_policy
from tests import factories
from tests.factories import soup
from triage import db
from triage.models import Offer, OfferUnitType, User
from triage.queue.views import CSV_HEADINGS, PAGE_SIZE
from triage.services import decisions
from triage.working_days import add_working_days, working_days_between
from workers import tasks

# --- Helpers ------------------------------------------------------------------

# The factories' offers are aimed at this cohort (its label in the policy).
STEP_DOWN = next(c.label for c in current_policy().cohorts if c.code == "mental_health_step_down")


def _not_yet(client, offer_id: int) -> list[str]:
    """What the case page says cannot be done yet, and why."""
    box = soup(client.get(f"/queue/offers/{offer_id}")).select_one("#not-yet-possible")
    return [] if box is None else [" ".join(li.get_text().split()) for li in box.select("li")]


def _score(app, *offer_ids: int) -> None:
    with app.app_context():
        for offer_id in offer_ids:
            tasks.score_offer(offer_id)


def _units(app, offer_id: int, *kinds: tuple[str, int, int]) -> None:
    """Replace the offer's unit types with (kind, count, weekly core rent in pence)."""
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        template = offer.unit_types[0]
        offer.unit_types.clear()
        db.session.flush()
        for kind, count, rent in kinds:
            offer.unit_types.append(
                OfferUnitType(
                    kind=kind,
                    count=count,
                    own_bathroom=True,
                    own_kitchen=True,
                    most_people_sharing=1,
                    core_rent_pence=rent,
                    eligible_service_charge_pence=template.eligible_service_charge_pence,
                    ineligible_service_charge_pence=template.ineligible_service_charge_pence,
                    ineligible_charges_cover=template.ineligible_charges_cover,
                    intensive_housing_management_pence=0,
                )
            )
        db.session.commit()


def _ref(offer_id: int) -> str:
    return factories.get(Offer, offer_id).reference


def _refs(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [
        row.select_one("a.govuk-link").get_text(strip=True)
        for row in soup(response).select("tbody tr")
    ]


def _header_link(response, heading: str) -> Any:
    for header in soup(response).select("thead th"):
        link = header.find("a")
        if link is not None and link.get_text(" ", strip=True).startswith(heading):
            return header, link["href"]
    raise AssertionError(f"no sortable heading {heading!r}")


def _cells(response, ref: str) -> dict[str, str]:
    """The row of `ref` in the queue, by column heading."""
    page = soup(response)
    headings = [th.get_text(" ", strip=True).rstrip("▲▼ ") for th in page.select("thead th")]
    for row in page.select("tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in row.select("td")]
        if cells[0].endswith(ref):
            return dict(zip(headings, cells, strict=True))
    raise AssertionError(f"{ref} is not in the queue")


def _override(app, offer_id: int, actor_id: int, score: float, band: str) -> None:
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        actor = db.session.get(User, actor_id)
        decisions.override_score(
            offer, actor, score=score, band=band, justification="Known to be needed"
        )


# --- Columns ------------------------------------------------------------------


def test_the_queue_shows_units_cohorts_and_rent(app, staff_client, submitter):
    offer = factories.submitted_offer(submitter, name="Mixed House")
    _units(app, offer.id, ("studio", 4, 120_00), ("one_bed", 2, 155_50))
    row = _cells(staff_client.get("/queue"), _ref(offer.id))
    assert row["Units"] == "6 Studio: 4; 1-bedroom flat: 2"
    assert row["Cohorts"] == STEP_DOWN
    assert row["Core rent a week"] == "£120.00 to £155.50"


# --- Sorting ------------------------------------------------------------------


def test_sorting_by_a_column_and_back(app, staff_client, submitter):
    small = factories.submitted_offer(submitter, name="Small")
    large = factories.submitted_offer(submitter, name="Large")
    middling = factories.submitted_offer(submitter, name="Middling")
    _units(app, small.id, ("studio", 2, 170_00))
    _units(app, large.id, ("studio", 12, 110_00))
    _units(app, middling.id, ("studio", 6, 140_00))
    queue = staff_client.get("/queue")
    header, href = _header_link(queue, "Units")
    # The policy's order is the default: no column is marked sorted.
    assert header["aria-sort"] == "none"
    assert "priority order" in soup(queue).select_one("caption").get_text()

    by_units = staff_client.get(href)
    assert _refs(by_units) == [_ref(large.id), _ref(middling.id), _ref(small.id)]
    header, href = _header_link(by_units, "Units")
    assert header["aria-sort"] == "descending"
    assert "sorted by units (descending)" in soup(by_units).select_one("caption").get_text()
    # Clicking again turns it round.
    ascending = staff_client.get(href)
    assert _refs(ascending) == [_ref(small.id), _ref(middling.id), _ref(large.id)]
    assert _header_link(ascending, "Units")[0]["aria-sort"] == "ascending"

    by_rent = staff_client.get(_header_link(queue, "Core rent a week")[1])
    assert _refs(by_rent) == [_ref(large.id), _ref(middling.id), _ref(small.id)]
    by_name = staff_client.get(_header_link(queue, "Property")[1])
    assert _refs(by_name) == [_ref(large.id), _ref(middling.id), _ref(small.id)]


@pytest.mark.parametrize(
    "column",
    [
        "reference",
        "property",
        "organisation",
        "submitted",
        "assigned",
        "status",
        "units",
        "rent",
        "score",
        "red_flags",
    ],
)
def test_every_sortable_column_sorts_and_keeps_the_filters(app, staff_client, submitter, column):
    offers = [factories.submitted_offer(submitter, name=f"Court {index}") for index in range(3)]
    _score(app, offers[0].id, offers[1].id)
    response = staff_client.get(f"/queue?sort={column}&order=ascending&search=Court")
    assert sorted(_refs(response)) == sorted(_ref(o.id) for o in offers)
    # The links that page, download and re-sort carry the filters along.
    csv_link = soup(response).find("a", string="Download these offers (CSV)")["href"]
    assert parse_qs(urlsplit(csv_link).query) == {
        "search": ["Court"],
        "sort": [column],
        "order": ["ascending"],
    }


@pytest.mark.parametrize(
    "query", ["sort=offers.id;drop", "sort=__class__", "sort=units&order=sideways", "order=up"]
)
def test_a_sort_not_offered_is_ignored(app, staff_client, submitter, query):
    offer = factories.submitted_offer(submitter)
    response = staff_client.get(f"/queue?{query}")
    assert response.status_code == 200
    assert _refs(response) == [_ref(offer.id)]


# --- Overrides ----------------------------------------------------------------


def test_an_override_places_the_offer_where_its_score_puts_it(
    app, staff_client, submitter, commissioner
):
    first = factories.submitted_offer(submitter, name="First")
    second = factories.submitted_offer(submitter, name="Second")
    _score(app, first.id, second.id)
    before = _refs(staff_client.get("/queue"))
    assert len(before) == 2
    bottom_id = first.id if before[-1] == _ref(first.id) else second.id
    # Lifted above everything: an A and full marks.
    _override(app, bottom_id, commissioner.id, 100.0, "A")
    queue = staff_client.get("/queue")
    assert _refs(queue)[0] == _ref(bottom_id)
    row = _cells(queue, _ref(bottom_id))
    assert row["Score"].split(" Scored ")[0] in ("100 (A) Overridden", "100.0 (A) Overridden")
    rows = _csv_rows(factories.fetch(staff_client, "/queue.csv"))
    assert [r["Reference"] for r in rows] == _refs(queue)
    assert float(rows[0]["Score"]) == 100 and rows[0]["Band"] == "A"
    assert rows[0]["Overridden"] == "yes"
    assert rows[0]["Score before override"] != ""
    assert rows[1]["Overridden"] == "no"


# --- Pages --------------------------------------------------------------------


def test_numbered_pages(app, staff_client, submitter):
    for _ in range(PAGE_SIZE * 3 + 1):
        factories.submitted_offer(submitter)
    first = staff_client.get("/queue?sort=reference&order=ascending")
    pagination = soup(first).select_one("nav.govuk-pagination")
    numbers = [a.get_text(strip=True) for a in pagination.select(".govuk-pagination__item a")]
    assert numbers == ["1", "2", "4"]
    assert pagination.select_one(".govuk-pagination__item--ellipsis") is not None
    current = pagination.select_one(".govuk-pagination__item--current a")
    assert current.get_text(strip=True) == "1" and current["aria-current"] == "page"
    assert pagination.select_one(".govuk-pagination__prev") is None
    last_href = pagination.select(".govuk-pagination__item a")[-1]["href"]
    assert parse_qs(urlsplit(last_href).query)["sort"] == ["reference"]
    last = staff_client.get(last_href)
    assert len(_refs(last)) == 1
    assert soup(last).select_one("nav.govuk-pagination .govuk-pagination__next") is None
    third = staff_client.get("/queue?sort=reference&order=ascending&page=3")
    numbers = [
        a.get_text(strip=True)
        for a in soup(third).select("nav.govuk-pagination .govuk-pagination__item a")
    ]
    assert numbers == ["1", "2", "3", "4"]


# --- Spreadsheets -------------------------------------------------------------


def _csv_rows(response) -> list[dict[str, str]]:
    import csv

    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADINGS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_queue_as_an_excel_workbook(app, staff_client, submitter):
    evil = factories.submitted_offer(submitter, name="=cmd|' /C calc'!A0")
    plain = factories.submitted_offer(submitter, name="Café Court – £ and é")
    page = staff_client.get("/queue")
    link = soup(page).find("a", string="Download these offers (Excel spreadsheet)")["href"]
    response = factories.fetch(staff_client, link)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == CSV_HEADINGS
    by_ref = {row[0]: dict(zip(CSV_HEADINGS, row, strict=True)) for row in values[1:]}
    assert [row[0] for row in values[1:]] == _refs(page)
    assert by_ref[_ref(evil.id)]["Name"] == "'=cmd|' /C calc'!A0"
    assert by_ref[_ref(plain.id)]["Name"] == "Café Court – £ and é"
    # Numbers stay numbers; no cell is a formula.
    assert by_ref[_ref(plain.id)]["Units"] == 8
    assert by_ref[_ref(plain.id)]["Lowest core rent a week (£)"] == 150.0
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_only_staff_download_the_workbook(app, client, submitter_client, submitter):
    factories.submitted_offer(submitter)
    assert factories.fetch(submitter_client, "/queue.xlsx").status_code == 404
    assert factories.fetch(client, "/queue.xlsx").status_code == 302


# --- Working days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # Good Friday and Easter Monday
        (date(2026, 12, 24), date(2026, 12, 29), 1),  # Christmas, Boxing Day (Mon 28th)
        (date(2026, 11, 6), date(2026, 11, 9), 1),  # a weekend
        (date(2026, 11, 9), date(2026, 11, 9), 0),
        (date(2026, 11, 9), date(2026, 11, 23), 10),
    ],
)
def test_working_days_leave_out_weekends_and_bank_holidays(start, end, days):
    assert working_days_between(start, end) == days


def test_a_target_falls_due_in_working_days():
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 11, 6), 5) == date(2026, 11, 13)


# --- The case page ------------------------------------------------------------


def test_the_case_page_leads_with_the_key_facts(app, staff_client, submitter):
    offer = factories.submitted_offer(submitter, name="Fact House")
    _units(app, offer.id, ("studio", 3, 130_00), ("two_bed", 1, 190_00))
    _score(app, offer.id)
    with app.app_context():
        db.session.execute(
            update(Offer)
            .where(Offer.id == offer.id)
            .values(submitted_at=datetime.now(UTC) - timedelta(days=1))
        )
        db.session.commit()
    response = staff_client.get(f"/queue/offers/{offer.id}")
    page = soup(response)
    card = page.select_one("#key-facts")
    facts = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in card.select(".govuk-summary-list__row")
    }
    assert facts["Units"] == "4 Studio: 3; 2-bedroom flat: 1"
    assert facts["Cohorts"] == STEP_DOWN
    assert facts["Core rent a week"].startswith("£130.00 to £190.00 Benefits: ")
    assert facts["Band and red flags"].startswith("Band ")
    assert facts["Status"].startswith("Scored")
    assert facts["Waiting"].startswith(f"{facts['Waiting'].split()[0]} of 20 working days")
    # The key facts come first, then the sections, the answers before the history.
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings.index("Key facts") < headings.index("The offer") < headings.index("Timeline")
    assert headings.index("The offer") < headings.index("Messages")
    assert headings.index("The offer") < headings.index("Score")
    contents = [a["href"] for a in page.select("nav.app-case-contents a")]
    for anchor in contents:
        assert page.find(id=anchor[1:]) is not None, anchor


def test_actions_not_yet_possible_say_why(app, staff_client, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    _score(app, offer.id)
    reasons = _not_yet(staff_client, offer.id)
    assert "Decide: Assign it to someone before deciding" in reasons
    assert (
        "Invite the submitter to meet: Assign it to someone first: the review starts when it"
        " is assigned" in reasons
    )
    with app.app_context():
        user = db.session.get(User, commissioner.id)
        found = db.session.get(Offer, offer.id)
        decisions.assign(found, user, user, seen_version=found.version)
    # Under review: everything can be done.
    assert _not_yet(staff_client, offer.id) == []
    status = soup(staff_client.get(f"/queue/offers/{offer.id}")).find("dt", string="Status")
    assert " ".join(status.find_next("dd").get_text().split()) == (
        "Under review Next: assign an officer; ask the submitter for more information;"
        " invite the submitter to meet; decide"
    )


def test_a_closed_offer_says_once_that_nothing_more_can_be_done(app, staff_client, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        db.session.execute(update(Offer).where(Offer.id == offer.id).values(status="withdrawn"))
        db.session.commit()
    assert _not_yet(staff_client, offer.id) == [
        "Actions: It has been withdrawn, so nothing more can be done"
    ]
