"""Accounts in real Chromium, with axe-core on every page: a forgotten password
reset with the keyboard alone, and a colleague invited, accepting and removed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import link_in_email
from tests.browser.test_offer_journey import Audit

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase"


def tab_to(page: Page, name: str, limit: int = 60) -> None:
    """Press Tab until the element named `name` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.labels && e.labels[0] ? e.labels[0].innerText : '')"
            " || e.innerText || e.value || ''; }"
        )
        if name in focused:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_forgotten_password_is_reset_with_the_keyboard_alone(page: Page, submitter) -> None:
    audit = Audit(page)

    def on_page(title: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        audit.check()

    page.goto("/sign-in")
    on_page("Sign in")
    tab_to(page, "Forgotten your password?")
    page.keyboard.press("Enter")
    on_page("Reset your password")
    tab_to(page, "Email address")
    page.keyboard.type(submitter.email)
    page.keyboard.press("Enter")
    on_page("Check your email")

    # The link in the email, opened as a mail program would.
    page.goto(link_in_email(submitter.email, "/reset-password/"))
    on_page("Create a new password")
    assert "/reset-password/" not in page.url
    tab_to(page, "New password")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "Confirm your new password")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    on_page("Sign in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your password has been changed"
    )

    tab_to(page, "Email address")
    page.keyboard.type(submitter.email)
    tab_to(page, "Password")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    on_page("Your offers")
    audit.assert_clean()


def test_a_colleague_is_invited_accepts_and_is_removed(
    browser: Browser, live_server: str, page: Page, submitter
) -> None:
    audit = Audit(page)

    def on_page(where: Page, title: str, checker: Audit) -> None:
        expect(where.get_by_role("heading", level=1)).to_have_text(title)
        checker.check()

    page.goto("/sign-in")
    on_page(page, "Sign in", audit)
    page.get_by_label("Email address", exact=True).fill(submitter.email)
    page.get_by_label("Password", exact=True).fill(submitter.password)
    page.get_by_role("button", name="Sign in").click()
    on_page(page, "Your offers", audit)
    page.get_by_role("link", name="Your organisation").click()
    organisation = page.get_by_role("heading", level=1).inner_text()
    audit.check()
    page.get_by_role("button", name="Invite a colleague").click()
    on_page(page, "Invite a colleague", audit)
    page.get_by_label("Email address", exact=True).fill("colin@example.com")
    page.get_by_role("button", name="Send invitation").click()
    on_page(page, organisation, audit)
    expect(page.locator(".app-invitations")).to_contain_text("colin@example.com")

    context = browser.new_context(base_url=live_server, locale="en-GB")
    colleague = context.new_page()
    colleague_audit = Audit(colleague)
    colleague.goto(link_in_email("colin@example.com", "/join/"))
    on_page(colleague, f"Join {organisation}", colleague_audit)
    colleague.get_by_label("Your full name", exact=True).fill("Colin Colleague")
    colleague.get_by_label("Create a password", exact=True).fill("another long passphrase")
    colleague.get_by_label("Confirm your password", exact=True).fill("another long passphrase")
    colleague.get_by_role("button", name="Create account").click()
    on_page(colleague, "Your offers", colleague_audit)

    page.reload()
    audit.check()
    page.get_by_role("link", name="Remove Colin Colleague").click()
    on_page(page, f"Remove Colin Colleague from {organisation}", audit)
    page.get_by_role("button", name="Remove Colin Colleague").click()
    on_page(page, organisation, audit)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been removed")

    # The colleague's next request finds them signed out.
    colleague.reload()
    on_page(colleague, "Sign in", colleague_audit)
    context.close()
    audit.assert_clean()
    colleague_audit.assert_clean()


def test_the_other_new_account_pages_pass_axe(
    browser: Browser, live_server: str, page: Page, admin, commissioner
) -> None:
    """Registering and confirming, the pages for links that do not work, and the
    administrators' staff and organisation pages."""
    audit = Audit(page)

    def visit(path: str, title: str, where: Page = page, checker: Audit = audit) -> None:
        where.goto(path)
        expect(where.get_by_role("heading", level=1)).to_have_text(title)
        checker.check()

    visit("/join/not-a-real-token", "This link to join does not work")
    visit("/confirm/not-a-real-token", "This link to confirm your email address does not work")
    visit("/register", "Create an account")
    page.get_by_label("Organisation name", exact=True).fill("Riverside Homes")
    page.get_by_label("Registered charity", exact=True).check()
    page.get_by_label("Your full name", exact=True).fill("Rita Jones")
    page.get_by_label("Email address", exact=True).fill("rita@example.com")
    page.get_by_label("Create a password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Confirm your password", exact=True).fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    audit.check()
    visit(link_in_email("rita@example.com", "/confirm/"), "Confirm your email address")

    context = browser.new_context(base_url=live_server, locale="en-GB")
    staff_page = context.new_page()
    staff_audit = Audit(staff_page)
    visit("/sign-in", "Sign in", staff_page, staff_audit)
    staff_page.get_by_label("Email address", exact=True).fill(admin.email)
    staff_page.get_by_label("Password", exact=True).fill(admin.password)
    staff_page.get_by_role("button", name="Sign in").click()
    expect(staff_page.get_by_role("heading", level=1)).to_be_visible()
    staff_audit.check()
    visit("/admin/users/new", "Invite a member of staff", staff_page, staff_audit)
    staff_page.get_by_label("Email address", exact=True).fill("nina@example.com")
    staff_page.get_by_label("Placement officer", exact=True).check()
    staff_page.get_by_role("button", name="Send invitation").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    staff_audit.check()
    visit(f"/admin/users/{commissioner.id}", "Staff commissioner", staff_page, staff_audit)
    staff_page.get_by_role("button", name="Deactivate account").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Staff commissioner")
    staff_audit.check()
    visit("/admin/organisations", "Organisations registered", staff_page, staff_audit)
    context.close()
    audit.assert_clean()
    staff_audit.assert_clean()
