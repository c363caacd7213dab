"""Issue 14 in real Chromium, meeting the council: the commissioner proposes a
meeting (a mistake first, explained by the error summary), the provider, by
keyboard only, looks at suggesting another time and then accepts; the
commissioner records the outcome. Axe checks every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests import factories
from tests.browser.test_offer_journey import Audit
from triage import clock, db
from triage.models import Meeting, Offer, User
from triage.services import decisions

pytestmark = pytest.mark.browser


def test_a_meeting_is_proposed_accepted_by_keyboard_and_recorded_in_chromium(
    app: Flask, browser: Browser, live_server: str, page: Page
) -> None:
    submitter = factories.submitter()
    commissioner = factories.staff("commissioner")
    offer = factories.submitted_offer(submitter, name="Elm House")
    with app.app_context():
        user = db.session.get(User, submitter.id)
        if hasattr(user, "email_confirmed_at") and user.email_confirmed_at is None:
            user.email_confirmed_at = clock.now()  # registration is not this test's subject
            db.session.commit()
        stored = db.session.get(Offer, offer.id)
        officer_user = db.session.get(User, commissioner.id)
        decisions.assign(stored, officer_user, officer_user, seen_version=stored.version)
    day = clock.today_uk() + timedelta(days=14)

    def on_page(where: Page, check: Audit, title: str | re.Pattern[str], state: str = "") -> None:
        expect(where.get_by_role("heading", level=1)).to_have_text(title)
        check.check(state)

    # The commissioner, with a mouse.
    officer_context = browser.new_context(base_url=live_server, locale="en-GB")
    officer_context.set_default_timeout(10_000)
    officer = officer_context.new_page()
    officer_audit = Audit(officer)
    officer.goto("/sign-in")
    on_page(officer, officer_audit, "Sign in")
    officer.get_by_label("Email address", exact=True).fill(commissioner.email)
    officer.get_by_label("Password", exact=True).fill(commissioner.password)
    officer.get_by_role("button", name="Sign in", exact=True).click()
    on_page(officer, officer_audit, "Submitted offers")
    officer.goto(f"/queue/offers/{offer.id}")
    on_page(officer, officer_audit, "Elm House")
    officer.get_by_role("link", name="Invite the submitter to meet").first.click()
    on_page(officer, officer_audit, "Invite the submitter to meet")
    officer.get_by_label("Day").fill(str(day.day))
    officer.get_by_label("Month").fill(str(day.month))
    officer.get_by_label("Year").fill(str(day.year))
    officer.get_by_label("Start time").fill("10am")
    officer.get_by_label("End time").fill("9am")
    officer.get_by_label("Who will attend").fill("Sam Patel, commissioning officer")
    officer.get_by_role("button", name="Propose the meeting").click()
    on_page(officer, officer_audit, "Invite the submitter to meet", "errors")
    summary = officer.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end time must be after the start time")
    expect(summary).to_contain_text("Enter a place or a video link")
    # What was typed is still there.
    expect(officer.get_by_label("Who will attend")).to_have_value(
        "Sam Patel, commissioning officer"
    )
    officer.get_by_label("End time").fill("11am")
    officer.get_by_label("Video link").fill("https://meet.example.org/abc-defg")
    officer.get_by_role("button", name="Propose the meeting").click()
    on_page(officer, officer_audit, "Elm House", "meeting proposed")
    expect(officer.locator("#meeting")).to_contain_text("Proposed, waiting for the submitter")

    # The provider, by keyboard only.
    provider = page
    audit = Audit(provider)

    def press(target: Locator) -> None:
        target.focus()
        provider.keyboard.press("Enter")
        provider.wait_for_load_state("load")

    def type_into(target: Locator, value: str) -> None:
        target.focus()
        provider.keyboard.press("Control+A")
        provider.keyboard.type(value)

    provider.goto("/sign-in")
    on_page(provider, audit, "Sign in")
    type_into(provider.get_by_label("Email address", exact=True), submitter.email)
    type_into(provider.get_by_label("Password", exact=True), submitter.password)
    press(provider.get_by_role("button", name="Sign in", exact=True))
    on_page(provider, audit, "Your offers")
    press(provider.get_by_role("link", name="Elm House"))
    on_page(provider, audit, "Elm House", "meeting proposed")
    meeting = provider.locator("#meeting ~ .govuk-summary-list").first
    expect(meeting).to_contain_text(f"{day.day} {day:%B %Y}, 10am to 11am")
    expect(meeting).to_contain_text("https://meet.example.org/abc-defg")
    press(provider.get_by_role("link", name="Suggest another time"))
    on_page(provider, audit, "Suggest another time to meet")
    press(provider.get_by_role("button", name="Suggest this time"))
    on_page(provider, audit, "Suggest another time to meet", "errors")
    expect(provider.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date of the meeting"
    )
    press(provider.get_by_role("link", name="Back to your offer"))
    on_page(provider, audit, "Elm House", "back")
    press(provider.get_by_role("button", name="Accept this meeting"))
    on_page(provider, audit, "Elm House", "accepted")
    expect(provider.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have accepted the meeting"
    )
    expect(provider.locator("main")).to_contain_text("Arranged")
    assert factories.rows(Meeting, offer_id=offer.id)[0].status == "accepted"

    # After the meeting, the commissioner records what happened.
    officer.goto(f"/queue/offers/{offer.id}")
    on_page(officer, officer_audit, "Elm House", "accepted")
    expect(officer.locator("#meeting")).to_contain_text("Accepted")
    officer.get_by_role("link", name="Record the outcome of the meeting").click()
    on_page(officer, officer_audit, "Record the outcome of the meeting")
    officer.get_by_label("Yes, it was held").check()
    officer.get_by_label("Notes").fill("Agreed to change the design.")
    officer.get_by_role("button", name="Record the outcome").click()
    on_page(officer, officer_audit, "Elm House", "outcome")
    expect(officer.locator("#timeline ~ ol")).to_contain_text(
        "Meeting outcome recorded (meeting proposed to under review)"
    )

    audit.assert_clean()
    officer_audit.assert_clean()
    officer_context.close()
