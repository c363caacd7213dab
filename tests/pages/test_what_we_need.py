"""The public "What we need" page: no sign-in, the dashboard's figures, only totals."""

from __future__ import annotations

import csv
import io

from tests import factories
from tests.factories import soup, text
from triage import db
from triage.models import Offer, OfferCohort, User
from triage.services import decisions, supply
from triage.services.policy import policy_in_force


def _approved_offer(app, submitter, commissioner, **answers):
    offer = factories.submitted_offer(submitter, **answers)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        actor = db.session.get(User, commissioner.id)
        decisions.assign(stored, actor, actor, seen_version=stored.version)
        decisions.approve(stored, actor, seen_version=stored.version, reasons="Fits the need")
        return stored.reference


def _page_remaining(client) -> dict[str, int]:
    page = soup(client.get("/what-we-need"))
    return {
        block["data-cohort"]: int(block.select_one('[data-figure="remaining"]').get_text())
        for block in page.select("[data-cohort]")
    }


def test_anyone_can_read_it_without_signing_in(client):
    response = client.get("/what-we-need")
    assert response.status_code == 200
    page = text(response)
    assert "What the council needs" in page
    assert "little or no demand for shared housing" in page
    assert "Young people in transition (SEND)" in page  # the one exception
    assert "£54.46 to £272.48 a week" in page  # CORE range, registered provider
    assert "£124.27 a week" in page  # LHA 1 bedroom
    assert "Supported Living Framework, live since 1 July 2021" in page
    links = {a.get_text(strip=True): a["href"] for a in soup(response).select("main a")}
    assert links["MyChoice"] == "https://mychoice.leicester.gov.uk/"
    assert links["East Midlands Procurement Portal"] == "https://www.eastmidstenders.org/"
    assert "caas.carehomes@leicester.gov.uk" in page


def test_the_start_page_and_footer_link_to_it(client):
    start = soup(client.get("/"))
    assert start.select_one('main a[href="/what-we-need"]') is not None
    assert start.select_one('footer a[href="/what-we-need"]') is not None


def test_its_figures_equal_the_dashboards_and_follow_an_approval(
    app, client, submitter, commissioner
):
    before = _page_remaining(client)
    # 8 homes shared between two cohorts: 4 to diversion from residential care.
    _approved_offer(
        app, submitter, commissioner, cohorts=[OfferCohort(cohort="diversion_from_residential")]
    )
    after = _page_remaining(client)
    with app.app_context():
        figures = supply.dashboard(policy_in_force())
    assert after == {row.code: row.remaining for row in figures.cohorts}
    assert after["diversion_from_residential"] == before["diversion_from_residential"] - 4
    assert sum(after.values()) == figures.totals.remaining
    staff = factories.signed_in_client(app, commissioner)
    dashboard = soup(staff.get("/queue/dashboard"))
    assert str(figures.totals.remaining) in dashboard.get_text()


def test_the_open_data_has_the_same_figures_and_the_policy_version(app, client):
    with app.app_context():
        figures = supply.dashboard(policy_in_force())
        version = policy_in_force().version
    data = client.get("/what-we-need.json").get_json()
    assert data["policy_version"] == version
    assert data["policy_effective_from"] == "2026-04-01"
    assert data["framework_live_since"] == "2021-07-01"
    assert {row["code"]: row["remaining"] for row in data["cohorts"]} == {
        row.code: row.remaining for row in figures.cohorts
    }
    response = client.get("/what-we-need.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Policy version", version]
    by_code = {row[0]: row for row in rows if len(row) > 4}
    for row in figures.cohorts:
        assert int(by_code[row.code][4]) == row.remaining


def test_it_says_nothing_about_any_offer_or_organisation(app, client, submitter, commissioner):
    reference = _approved_offer(
        app, submitter, commissioner, name="Zanzibar Gardens", postcode="LE2 7QQ"
    )
    factories.submitted_offer(submitter, name="Quixote Mews", postcode="LE3 1XJ")
    with app.app_context():
        organisation = db.session.get(User, submitter.id).organisation.name
    for url in ("/what-we-need", "/what-we-need.csv", "/what-we-need.json"):
        body = client.get(url).data.decode("utf-8-sig")
        for secret in (reference, "Zanzibar", "Quixote", "LE2 7QQ", "LE3 1XJ", organisation):
            assert secret not in body, f"{url} shows {secret}"
