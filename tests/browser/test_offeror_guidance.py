"""Issue 14 in real Chromium: a provider reads the public "What we need" page (at
320 px wide, with no horizontal scrolling), follows a guidance link on "check your
answers" to change an answer, and submits; the commissioner returns the offer for
changes to one section; the provider changes it and resubmits, by keyboard only;
the commissioner sees the difference. Axe checks every page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests import factories
from tests.browser.test_offer_journey import Audit
from triage import clock, db
from triage.models import Offer, User
from triage.services import decisions
from workers import tasks

pytestmark = pytest.mark.browser


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def test_a_provider_is_guided_and_changes_an_offer_in_chromium(
    app: Flask, browser: Browser, live_server: str, page: Page
) -> None:
    submitter = factories.submitter()
    commissioner = factories.staff("commissioner")
    draft = factories.complete_offer(submitter, configuration="shared_house", name="Elm House")
    with app.app_context():
        user = db.session.get(User, submitter.id)
        if hasattr(user, "email_confirmed_at") and user.email_confirmed_at is None:
            user.email_confirmed_at = clock.now()  # registration is not this test's subject
            db.session.commit()

    provider = page
    audit = Audit(provider)

    def on_page(where: Page, check: Audit, title: str | re.Pattern[str], state: str = "") -> None:
        expect(where.get_by_role("heading", level=1)).to_have_text(title)
        check.check(state)

    def press(target: Locator) -> None:
        """Keyboard only: focus, then Enter (links and buttons)."""
        target.focus()
        provider.keyboard.press("Enter")
        provider.wait_for_load_state("load")

    def type_into(target: Locator, value: str) -> None:
        target.focus()
        provider.keyboard.press("Control+A")
        provider.keyboard.type(value)

    # The public page, on a narrow phone, before signing in.
    provider.set_viewport_size({"width": 320, "height": 640})
    provider.goto("/")
    on_page(provider, audit, "Offer supported accommodation to the council")
    press(provider.locator("main").get_by_role("link", name="what the council needs"))
    on_page(provider, audit, "What the council needs")
    expect(provider.locator("main")).to_contain_text("little or no demand for shared housing")
    _no_horizontal_scroll(provider)
    provider.set_viewport_size({"width": 1024, "height": 768})

    # Sign in; check answers shows guidance, whose link leads to the answer.
    provider.goto("/sign-in")
    on_page(provider, audit, "Sign in")
    type_into(provider.get_by_label("Email address", exact=True), submitter.email)
    type_into(provider.get_by_label("Password", exact=True), submitter.password)
    press(provider.get_by_role("button", name="Sign in", exact=True))
    on_page(provider, audit, "Your offers")
    provider.goto(f"/offers/{draft.id}/check-answers")
    on_page(provider, audit, "Check your answers before submitting your offer", "guidance")
    guidance = provider.locator("#guidance")
    expect(guidance).to_contain_text("little or no demand for shared housing")
    shared = guidance.locator("li", has_text="shared housing")
    press(shared.get_by_role("link"))
    on_page(provider, audit, "How the homes are arranged")
    radio = provider.get_by_label("Self-contained flats, core and cluster")
    radio.focus()
    provider.keyboard.press("Space")
    press(provider.get_by_role("button", name="Save and continue"))
    on_page(provider, audit, "Check your answers before submitting your offer", "changed")
    expect(provider.locator("#guidance")).not_to_contain_text("shared housing")
    press(provider.get_by_role("button", name="Continue to the declaration"))
    on_page(provider, audit, re.compile("declaration", re.IGNORECASE))
    type_into(provider.get_by_label("Your full name"), submitter.user.full_name)
    box = provider.get_by_label("I confirm that the information I have given is correct")
    box.focus()
    provider.keyboard.press("Space")
    press(provider.get_by_role("button", name="Submit offer"))
    expect(provider.get_by_role("heading", level=1)).to_contain_text("submitted")
    audit.check("confirmation")

    # Scored, and picked up by the commissioner.
    tasks.score_offer(draft.id)
    with app.app_context():
        stored = db.session.get(Offer, draft.id)
        officer_user = db.session.get(User, commissioner.id)
        decisions.assign(stored, officer_user, officer_user, seen_version=stored.version)

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
    officer.goto(f"/queue/offers/{draft.id}")
    on_page(officer, officer_audit, "Elm House")
    officer.get_by_role("link", name="Return the offer to the submitter for changes").click()
    on_page(officer, officer_audit, "Return the offer for changes")
    officer.get_by_role("button", name="Return the offer for changes").click()
    on_page(officer, officer_audit, "Return the offer for changes", "errors")
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one section to change"
    )
    officer.get_by_label("Property and location").check()
    officer.get_by_label("What should they change, and why?").fill("Give the scheme's full name.")
    officer.get_by_role("button", name="Return the offer for changes").click()
    on_page(officer, officer_audit, "Elm House", "returned")

    # The provider, by keyboard: the banner, the section, resubmit.
    provider.goto("/offers")
    on_page(provider, audit, "Your offers", "answer needed")
    banner = provider.locator(".govuk-notification-banner", has_text="Answer needed")
    press(banner.get_by_role("link"))
    on_page(provider, audit, "Elm House", "changes requested")
    expect(provider.locator("#changes ~ .govuk-inset-text").first).to_contain_text("full name")
    press(provider.get_by_role("link", name="Change property and location"))
    on_page(provider, audit, "Property name and address")
    type_into(provider.get_by_label("Property or scheme name"), "Elm House Supported Living")
    press(provider.get_by_role("button", name="Save and continue"))
    for title in (
        "Confidential address",
        "Development and planning",
        "Site area",
        "Date available",
        "The site and capital funding",
    ):
        on_page(provider, audit, title)
        press(provider.get_by_role("button", name="Save and continue"))
    on_page(provider, audit, "Check your changes before resubmitting")
    press(provider.get_by_role("button", name="Resubmit your offer"))
    on_page(provider, audit, "Elm House Supported Living", "resubmitted")

    # Rescored; the commissioner sees the difference.
    tasks.score_offer(draft.id)
    officer.goto(f"/queue/offers/{draft.id}")
    on_page(officer, officer_audit, "Elm House Supported Living", "difference")
    changed = officer.locator("tr[data-changed]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Elm House")
    expect(changed).to_contain_text("Elm House Supported Living")

    audit.assert_clean()
    officer_audit.assert_clean()
    officer_context.close()
