"""A commissioner triages an offer in real Chromium, with the submitter answering a
question in a browser of their own: filter the queue, open the offer, assign it,
ask for more information, read the answer, approve it in principle, and see the
dashboard's remaining need for the offer's cohort fall by the offer's units.
Every page is checked with axe-core (WCAG 2.2 A and AA), and neither browser may
log an error: no script errors, no failed loads, no CSP violations."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import update

from tests import factories
from tests.browser.test_offer_journey import Audit
from triage import db
from triage.models import OfferCohort, OfferUnitType
from workers import tasks

pytestmark = pytest.mark.browser

COHORT = "diversion_from_residential"
COHORT_LABEL = "Diversion from residential care (working age and older people)"
QUESTION = "Which floors are the wheelchair accessible flats on?"
ANSWER = "Both are on the ground floor, beside the lift."
REASONS = "It meets unmet need for diversion from residential care."


def offers_for_the_cohort(app: Flask, account: factories.Account) -> list[tuple[int, str, int]]:
    """Two submitted, scored offers aimed at COHORT: (id, reference, units) each."""
    made = [
        factories.submitted_offer(account, name=name) for name in ("Larkspur House", "Ivy Court")
    ]
    found = []
    with app.app_context():
        for offer in made:
            db.session.execute(
                update(OfferCohort).where(OfferCohort.offer_id == offer.id).values(cohort=COHORT)
            )
        db.session.commit()
        for offer in made:
            tasks.score_offer(offer.id)
        for offer in made:
            units = sum(
                unit.count
                for unit in db.session.query(OfferUnitType).filter_by(offer_id=offer.id).all()
            )
            assert offer.reference is not None
            found.append((offer.id, offer.reference, units))
    return found


def test_a_commissioner_triages_and_approves_an_offer_in_chromium(
    app: Flask, browser: Browser, live_server: str, page: Page
) -> None:
    submitter = factories.submitter()
    commissioner = factories.staff("commissioner")
    (offer_id, reference, units), _other = offers_for_the_cohort(app, submitter)
    assert units > 0

    officer = page
    audit = Audit(officer)
    submitter_context = browser.new_context(base_url=live_server, locale="en-GB")
    submitter_context.set_default_timeout(10_000)
    submitter_page = submitter_context.new_page()
    submitter_audit = Audit(submitter_page)

    def on_page(where: Page, check: Audit, title: str | re.Pattern[str], state: str = "") -> None:
        expect(where.get_by_role("heading", level=1)).to_have_text(title)
        check.check(state)

    def click_button(where: Page, name: str) -> None:
        where.get_by_role("button", name=name, exact=True).click()
        where.wait_for_load_state("load")

    def sign_in(where: Page, check: Audit, account: factories.Account) -> None:
        where.goto("/sign-in")
        on_page(where, check, "Sign in")
        where.get_by_label("Email address", exact=True).fill(account.email)
        where.get_by_label("Password", exact=True).fill(account.password)
        click_button(where, "Sign in")

    def remaining_need() -> int:
        officer.goto("/queue/dashboard")
        on_page(officer, audit, "Supply against demand")
        row = officer.locator("#need-table").get_by_role("row", name=COHORT_LABEL, exact=False)
        expect(row).to_have_count(1)
        return int(row.get_by_role("cell").last.inner_text().strip())

    def case_section(summary: str) -> Locator:
        details = officer.locator("details", has=officer.locator("summary", has_text=summary))
        details.locator("summary").click()
        return details

    # The commissioner signs in and reads the need left for the cohort.
    sign_in(officer, audit, commissioner)
    before = remaining_need()
    assert before >= units, f"remaining need {before} is less than the offer's {units} units"

    # The queue, filtered to the cohort and searched by the offer's name.
    officer.goto("/queue")
    on_page(officer, audit, "Submitted offers")
    officer.locator("summary", has_text="Cohort").click()
    officer.get_by_role("group", name="Cohort").get_by_label(COHORT_LABEL).check()
    officer.get_by_label("Reference or name", exact=True).fill("Larkspur")
    click_button(officer, "Apply filters")
    on_page(officer, audit, "Submitted offers", "filtered")
    table = officer.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("1 offer matches the filters")
    expect(table.locator("tbody").get_by_role("link")).to_have_text([reference])
    expect(table).to_contain_text("Larkspur House")
    expect(table).not_to_contain_text("Ivy Court")
    table.get_by_role("link", name=reference).click()

    # The case page: assign themself, then ask a question.
    on_page(officer, audit, "Larkspur House")
    case_section("Assign an officer").get_by_label("Assign to").select_option(
        label=commissioner.user.full_name
    )
    click_button(officer, "Assign")
    on_page(officer, audit, "Larkspur House", "assigned")
    status = officer.locator("#offer-status")
    expect(status.locator(".govuk-summary-list__row", has_text="Assigned to")).to_contain_text(
        commissioner.user.full_name
    )
    case_section("Ask the submitter for more information").get_by_label(
        "What do you need to know?"
    ).fill(QUESTION)
    click_button(officer, "Send the request")
    on_page(officer, audit, "Larkspur House", "information requested")
    expect(officer.get_by_text("Your request has been sent to the submitter")).to_be_visible()

    # The submitter, in a browser of their own, sees the question and answers it.
    sign_in(submitter_page, submitter_audit, submitter)
    on_page(submitter_page, submitter_audit, "Your offers")
    submitter_page.goto(f"/offers/{offer_id}")
    on_page(submitter_page, submitter_audit, "Larkspur House")
    messages = submitter_page.locator(".govuk-inset-text")
    expect(messages.filter(has_text="From the council")).to_contain_text(QUESTION)
    submitter_page.get_by_label("Your answer", exact=True).fill(ANSWER)
    click_button(submitter_page, "Send your answer")
    on_page(submitter_page, submitter_audit, "Larkspur House", "answered")
    expect(messages.filter(has_text="Your answer")).to_contain_text(ANSWER)

    # The commissioner reopens the offer, reads the answer and approves it.
    officer.goto(f"/queue/offers/{offer_id}")
    on_page(officer, audit, "Larkspur House", "answered")
    expect(officer.locator(".govuk-inset-text", has_text="The submitter")).to_contain_text(ANSWER)
    decide = case_section("Decide")
    decide.get_by_role("group", name="Decision").get_by_label(
        "Approve in principle", exact=True
    ).check()
    decide.get_by_label("Reasons", exact=True).fill(REASONS)
    click_button(officer, "Record the decision")
    on_page(officer, audit, "Larkspur House", "approved")
    expect(officer.get_by_text("The decision has been recorded")).to_be_visible()
    expect(status.locator(".govuk-summary-list__row", has_text="Decision")).to_contain_text(
        "Approved"
    )

    # The need left for the cohort falls by exactly the offer's units.
    assert remaining_need() == before - units

    submitter_context.close()
    audit.assert_clean()
    submitter_audit.assert_clean()
