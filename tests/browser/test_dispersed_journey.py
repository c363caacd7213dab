"""A submitter drafts a dispersed scheme in real Chromium (issue 13): adds bungalows
to its flats, gives the scheme's two addresses with GOV.UK's "add another" pattern
(no JavaScript needed), says each unit type's accessibility, checks the answers and
submits. Every page is checked with axe-core (WCAG 2.2 A and AA), and the browser
may log no errors."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests import factories
from tests.browser.test_offer_journey import REFERENCE, Audit

pytestmark = pytest.mark.browser


def test_a_submitter_offers_a_dispersed_scheme_at_two_addresses_in_chromium(
    app: Flask, page: Page
) -> None:
    submitter = factories.submitter()
    # Every other answer given already: 8 one-bedroom flats, dispersed.
    draft = factories.complete_offer(submitter, configuration="self_contained_dispersed")
    audit = Audit(page)

    def on_page(title: str, state: str = "") -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        audit.check(state)

    def labelled(label: str) -> Locator:
        return page.get_by_label(label, exact=True)

    def choose(legend: str, option: str) -> None:
        page.get_by_role("group", name=legend, exact=True).get_by_label(option, exact=True).check()

    def click_button(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).click()
        page.wait_for_load_state("load")

    def save_and_continue() -> None:
        click_button("Save and continue")
        errors = page.locator(".govuk-error-summary")
        assert errors.count() == 0, f"{page.url}: {errors.inner_text()}"

    page.goto("/sign-in")
    on_page("Sign in")
    labelled("Email address").fill(submitter.email)
    labelled("Password").fill(submitter.password)
    click_button("Sign in")
    on_page("Your offers")

    # Two bungalows join the eight flats.
    page.goto(f"/offers/{draft.id}/questions/units")
    on_page("Number of units")
    labelled("Bungalows").fill("2")
    save_and_continue()

    # The addresses: one, then another, with the units split between them.
    on_page("Addresses")
    expect(page.get_by_text("how many of the 10 units are there")).to_be_visible()
    page.locator("#address_1").fill("1 Example Close\nLeicester")
    page.locator("#postcode_1").fill("le2 0ab")
    page.locator("#units_1").fill("2")
    click_button("Add another address")
    on_page("Addresses", "a second address added")
    expect(page.locator("#address_1")).to_have_value("1 Example Close\nLeicester")
    page.locator("#address_2").fill("Flats 1 to 8, 8 Sample Road")
    page.locator("#postcode_2").fill("LE4 1XY")
    page.locator("#units_2").fill("7")
    click_button("Save and continue")
    # Units that do not add up are refused, with what was typed kept.
    on_page("Addresses", "units that do not add up")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The units at each address must add up to 10"
    )
    expect(page.locator("#postcode_2")).to_have_value("LE4 1XY")
    page.locator("#units_2").fill("8")
    save_and_continue()

    # The bungalows' bedrooms, bathrooms and kitchens, then their accessibility.
    on_page("Bedrooms, bathrooms and kitchens")
    expect(page.locator(".govuk-caption-l")).to_have_text("Design: Bungalow")
    # Two people share each bungalow, a bedroom each, and its bathroom and kitchen.
    choose("Does each unit have its own bathroom?", "No")
    choose("Does each unit have its own kitchen?", "No")
    labelled("What is the most people who share a bathroom or kitchen?").fill("2")
    labelled("How many bedrooms does each home have?").fill("2")
    save_and_continue()
    on_page("Accessibility of these homes")
    expect(page.locator(".govuk-caption-l")).to_have_text("Design: Bungalow")
    labelled("How many are wheelchair accessible?").fill("2")
    labelled("How many are fully adapted?").fill("1")
    labelled("How many have level access?").fill("2")
    labelled("How many are on an upper floor served by a lift?").fill("0")
    labelled("How many have assistive technology fitted?").fill("2")
    save_and_continue()

    # The flats' accessibility came from the draft; the bungalows' rent is still owed.
    on_page("Offer accommodation")
    page.goto(f"/offers/{draft.id}/questions/unit-charges/bungalow")
    on_page("Weekly rent and charges")
    labelled("Core rent").fill("160.00")
    labelled("Eligible service charges").fill("20.00")
    labelled("Ineligible service charges").fill("10.00")
    labelled("What do the ineligible service charges cover?").fill("Heating in the bungalow")
    labelled("Intensive housing management charge").fill("0")
    save_and_continue()

    page.goto(f"/offers/{draft.id}/check-answers")
    on_page("Check your answers before submitting your offer")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    main = page.get_by_role("main")
    for answer in (
        "1 Example Close, Leicester, LE2 0AB: 2 units",
        "Flats 1 to 8, 8 Sample Road, LE4 1XY: 8 units",
        "Bungalow: facilities Bedrooms: 2.",
        "Of 2: wheelchair accessible 2, fully adapted 1, level access 2",
    ):
        expect(main).to_contain_text(answer)
    click_button("Continue to the declaration")
    on_page("Declaration")
    page.get_by_label("I confirm that the information I have given is correct").check()
    click_button("Submit offer")
    on_page("Offer submitted")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert REFERENCE.fullmatch(reference), reference
    expect(page.get_by_text(re.compile("Offer submitted"))).to_be_visible()

    audit.assert_clean()
