"""The commissioner's working day in real Chromium: sort the queue by a column,
read an offer's key facts, decline it naming two Appendix C concerns each with
its reason; axe on every page; and at 320 px wide the queue, dashboard and audit
pages do not scroll sideways."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.test_offer_journey import Audit
from triage import db
from triage.models import Offer, User
from triage.services import decisions
from workers import tasks

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 900}


def _no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
          .slice(0, 8)
          .map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at 320px: {widths} {wide}"


def _sign_in(page: Page, account: factories.Account, audit: Audit | None = None) -> None:
    page.goto("/sign-in")
    if audit is not None:
        audit.check()
    page.get_by_label("Email address", exact=True).fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")
    if audit is not None:
        audit.check("signed in")


def test_sort_read_the_key_facts_and_decline_naming_two_concerns(
    app: Flask, browser: Browser, live_server: str, page: Page
) -> None:
    submitter = factories.submitter()
    commissioner = factories.staff("commissioner")
    admin = factories.staff("admin")
    small = factories.submitted_offer(submitter, name="Small House")
    large = factories.submitted_offer(submitter, name="Large Court")
    with app.app_context():
        for offer, count in ((large, 20), (small, 2)):
            unit_type = db.session.get(Offer, offer.id).unit_types[0]
            unit_type.count = count
            # Accessibility is counted per unit type (issue 13): never more than its homes.
            for answer in (
                "wheelchair_accessible",
                "fully_adapted",
                "lift",
                "assistive_technology",
            ):
                setattr(unit_type, answer, min(getattr(unit_type, answer) or 0, count))
        db.session.commit()
        for offer in (small, large):
            tasks.score_offer(offer.id)
        # Assigned, so it can be decided.
        officer = db.session.get(User, commissioner.id)
        found = db.session.get(Offer, large.id)
        decisions.assign(found, officer, officer, seen_version=found.version)
    audit = Audit(page)
    _sign_in(page, commissioner, audit)

    # The queue, sorted by units: the most first, then the fewest.
    page.goto("/queue")
    audit.check()
    header = page.locator("th", has=page.get_by_role("link", name="Units"))
    expect(header).to_have_attribute("aria-sort", "none")
    page.get_by_role("link", name="Units").click()
    page.wait_for_load_state("load")
    audit.check("sorted")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Units")
    links = page.locator("tbody").get_by_role("link")
    expect(links).to_have_text([large.reference, small.reference])
    page.locator("thead").get_by_role("link", name="Units").click()
    page.wait_for_load_state("load")
    audit.check("sorted ascending")
    expect(links).to_have_text([small.reference, large.reference])

    # The case page leads with the key facts.
    page.get_by_role("link", name=large.reference).click()
    page.wait_for_load_state("load")
    audit.check()
    facts = page.locator("#key-facts")
    expect(facts.locator(".govuk-summary-list__row", has_text="Units")).to_contain_text("20")
    expect(facts.locator(".govuk-summary-list__row", has_text="Waiting")).to_contain_text(
        "of 20 working days"
    )
    expect(facts.locator(".govuk-summary-list__row", has_text="Status")).to_contain_text(
        "Under review"
    )

    # Decline, naming two concerns, each with its reason.
    details = page.locator("details", has=page.locator("summary", has_text="Decide"))
    details.locator("summary").click()
    details.get_by_role("group", name="Decision").get_by_label("Decline", exact=True).check()
    concerns = details.get_by_role("group", name="If you decline it")
    concerns.get_by_role("checkbox", name="The rent is not met by housing benefit").check()
    details.get_by_role("textbox", name="(The rent is not met by housing benefit").fill(
        "Core rent is well above the benchmark."
    )
    concerns.get_by_role("checkbox", name="The accommodation does not meet the quality").check()
    details.get_by_role("textbox", name="(The accommodation does not meet the quality").fill(
        "No level access."
    )
    details.get_by_label("Reasons", exact=True).fill("We cannot take it forward.")
    audit.check("deciding")
    page.get_by_role("button", name="Record the decision", exact=True).click()
    page.wait_for_load_state("load")
    audit.check("declined")
    expect(page.locator("#decline-concerns li")).to_have_text(
        [
            "The rent is not met by housing benefit or other revenue: "
            "Core rent is well above the benchmark.",
            "The accommodation does not meet the quality standards: No level access.",
        ]
    )

    # Small screens: nothing scrolls sideways.
    page.set_viewport_size(NARROW)
    for url in ("/queue", "/queue?sort=rent&order=ascending", "/queue/dashboard"):
        page.goto(url)
        audit.check("320px")
        _no_sideways_scroll(page)
    page.screenshot(path=str(app.config["INSTANCE_DIR"]) + "/queue-320.png", full_page=True)
    audit.assert_clean()

    # The audit log, as an administrator, in a browser of their own.
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport=NARROW)
    context.set_default_timeout(10_000)
    admin_page = context.new_page()
    admin_audit = Audit(admin_page)
    _sign_in(admin_page, admin, admin_audit)
    admin_page.goto("/admin/audit")
    admin_audit.check("320px")
    _no_sideways_scroll(admin_page)
    context.close()
    admin_audit.assert_clean()
