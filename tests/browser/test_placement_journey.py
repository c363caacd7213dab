"""A placement officer in real Chromium: import the waiting list from a CSV file
(checked, previewed, confirmed), open a home from an approved offer, read its
shortlist with the reasons, nominate the best fit, and record that they moved in.
Every page is checked with axe-core (WCAG 2.2 A and AA), with no browser errors."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.test_offer_journey import Audit
from tests.placement.helpers import approved_offer, row, waiting_list_csv
from triage.models import PlacementUnit

pytestmark = pytest.mark.browser


def test_a_placement_officer_imports_matches_and_records_a_move_in(
    app: Flask, live_server: str, page: Page
) -> None:
    offer_id = approved_offer(app, factories.submitter())
    officer = factories.staff("placement_officer")
    audit = Audit(page)

    def on_page(title: str | re.Pattern[str], state: str = "") -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        audit.check(state)

    def click_button(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).click()
        page.wait_for_load_state("load")

    page.goto("/sign-in")
    on_page("Sign in")
    page.get_by_label("Email address", exact=True).fill(officer.email)
    page.get_by_label("Password", exact=True).fill(officer.password)
    click_button("Sign in")
    # The placement team lands on its own work.
    on_page("Placements")
    page.get_by_role("link", name="Import the waiting list from a CSV file").click()
    on_page("Import the waiting list")

    # A file with a problem first: reported by row and column, nothing imported.
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[
            {
                "name": "list.csv",
                "mimeType": "text/csv",
                "buffer": waiting_list_csv(row("P-0001", cohort="no_such_cohort")),
            }
        ]
    )
    click_button("Check the file")
    on_page("Import the waiting list", "problems")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#problems + table")).to_contain_text("no_such_cohort")

    clean = waiting_list_csv(
        row("P-0001", priority="medium"),
        row("P-0002", priority="urgent", date_referred="2024-03-01"),
        row("P-0003", wheelchair_user="yes"),
    )
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[{"name": "list.csv", "mimeType": "text/csv", "buffer": clean}]
    )
    click_button("Check the file")
    on_page("Check the import")
    expect(page.get_by_text("add 3 people")).to_be_visible()
    click_button("Import these people")
    on_page("Waiting list", "imported")
    expect(page.locator(".govuk-table caption")).to_contain_text("3 people")

    # A home from the approved offer that is not for a wheelchair user.
    page.get_by_role("link", name="Placements").click()
    page.get_by_role("link", name="Homes", exact=True).click()
    on_page("Homes")
    units = factories.rows(PlacementUnit, offer_id=offer_id)
    home = next(unit for unit in units if not unit.wheelchair_accessible)
    page.get_by_role("link", name=home.reference).click()
    on_page(f"Home {home.reference}")
    shortlist = page.locator("#shortlist-table")
    expect(shortlist.locator("tbody th")).to_have_text(["P-0002", "P-0001"])
    expect(shortlist.locator("tbody tr").first).to_contain_text("Urgent")
    page.locator("#excluded summary").click()
    expect(page.locator("#excluded")).to_contain_text("P-0003")
    audit.check("left out shown")

    shortlist.get_by_role("button", name="Nominate P-0002").click()
    page.wait_for_load_state("load")
    on_page(f"Nomination of P-0002 for {home.reference}")
    page.get_by_label("Moved in", exact=True).check()
    click_button("Record the outcome")
    on_page(f"Nomination of P-0002 for {home.reference}", "moved in")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Moved in")

    page.get_by_role("link", name="P-0002").first.click()
    on_page("P-0002 Moved in")

    # The rest of the team's pages, each checked with axe: a vacancy refused then
    # registered, a home's features confirmed, the proposal, a person's record.
    page.goto("/placement/homes/new")
    on_page("Register a vacancy")
    click_button("Register the vacancy")
    on_page("Register a vacancy", "errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the scheme name")
    page.get_by_label("Scheme name").fill("Ashfield Court")
    page.get_by_label("Which home in the scheme").fill("Flat 2, ground floor")
    page.get_by_label("Postcode district").fill("LE3")
    page.get_by_label("Cohort the home is for").select_option("mental_health_step_down")
    page.get_by_role("group", name="Type of scheme").get_by_label(
        "Self-contained flats, core and cluster"
    ).check()
    page.get_by_role("group", name="Support on site").get_by_label("24/7 support on site").check()
    for question in (
        "Is the home self-contained?",
        "Is it suitable for a wheelchair user?",
        "Does it have level access or is it on the ground floor?",
    ):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_label("How many people can live there?").fill("1")
    page.get_by_label("Youngest age").fill("18")
    page.get_by_label("Oldest age").fill("64")
    click_button("Register the vacancy")
    on_page(re.compile(r"Home VAC-\d+"), "registered")
    expect(page.locator("#shortlist-table")).to_contain_text("P-0003")

    page.goto(f"/placement/homes/{units[-1].id}/features")
    on_page(f"Features of home {units[-1].reference}")
    click_button("Confirm these features")
    on_page(f"Home {units[-1].reference}", "features confirmed")

    page.goto("/placement/proposal")
    on_page("Proposal for every home")
    page.goto("/placement/people")
    on_page("Waiting list", "list")
    page.get_by_role("link", name="P-0001").click()
    on_page("P-0001 Waiting")
    page.get_by_role("link", name="Change").first.click()
    on_page("Change P-0001")

    audit.assert_clean()
