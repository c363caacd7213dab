"""The existing-supply register in real Chromium (issue 13): an administrator adds a
scheme (a mistake first, then right), sees it counted, and removes it again; axe on
every page, and the register's table does not scroll sideways at 320 px."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.test_offer_journey import Audit
from tests.browser.test_working_day_journey import NARROW, _no_sideways_scroll, _sign_in

pytestmark = pytest.mark.browser


def test_an_administrator_keeps_the_supply_register(
    app: Flask, browser: Browser, live_server: str, page: Page
) -> None:
    admin = factories.staff("admin")
    audit = Audit(page)
    _sign_in(page, admin, audit)

    page.goto("/admin/supply")
    audit.check()
    totals = page.locator(".app-supply-totals")
    expect(totals).to_contain_text("632 units")
    expect(totals).to_contain_text("0 of the units have a postcode")

    page.get_by_role("button", name="Add a scheme").click()
    page.wait_for_load_state("load")
    audit.check()
    page.get_by_label("Scheme name").fill("Aylestone Court")
    page.get_by_label("Supported living").check()
    page.get_by_label("Units", exact=True).fill("twelve")
    page.get_by_label("Schemes on this line").fill("1")
    page.get_by_label("Postcode").fill("LE2 8")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    audit.check("with errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a real postcode, like LE1 6ZG, or leave it empty")
    expect(page.get_by_label("Scheme name")).to_have_value("Aylestone Court")

    page.get_by_label("Units", exact=True).fill("12")
    page.get_by_label("Postcode").fill("le2 8aa")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    audit.check("added")
    expect(totals).to_contain_text("644 units")
    expect(totals).to_contain_text("12 of the units have a postcode")
    row = page.locator("tr", has_text="Aylestone Court")
    expect(row).to_contain_text("LE2 8AA")

    page.set_viewport_size(NARROW)
    page.reload()
    audit.check("at 320 px")
    _no_sideways_scroll(page)

    row.get_by_role("link", name="Remove").click()
    page.wait_for_load_state("load")
    audit.check()
    page.get_by_role("button", name="Remove it from the register").click()
    page.wait_for_load_state("load")
    audit.check("removed")
    expect(totals).to_contain_text("632 units")
    expect(page.locator("tr", has_text="Aylestone Court")).to_have_count(0)

    audit.assert_clean()
