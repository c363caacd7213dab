"""A submitter's whole journey in real Chromium: register, complete every section
of an offer through the task list, upload a document, submit, and find the offer
listed. Every page is checked with axe-core (WCAG 2.2 A and AA), and the browser
must log no errors: no script errors, no failed loads, no CSP violations."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Error, Frame, Locator, Page, expect

from tests.browser.helpers import link_in_email
from triage.config import Test

pytestmark = pytest.mark.browser

SERVICE_NAME = Test.SERVICE_NAME
COUNCIL_NAME = Test.COUNCIL_NAME
# The footer's links and the heading of the page each leads to.
FOOTER_PAGES = [
    ("Accessibility statement", f"Accessibility statement for {SERVICE_NAME}"),
    ("Privacy notice", "Privacy notice"),
    ("Cookies", "Cookies"),
    ("Contact", f"Contact {COUNCIL_NAME}"),
]
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFERENCE = re.compile(r"SA-\d{4}-\d{5}")

# Reports each Content Security Policy violation to the test, as well as to the console.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


@dataclass
class Audit:
    """What axe and the browser found wrong, across every page of the journey."""

    page: Page
    axe: Axe = field(default_factory=Axe)
    visited: set[str] = field(default_factory=set)
    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    browser_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)
        self.page.on("framenavigated", self._navigated)
        self.page.expose_function("reportCspViolation", self._csp_violation)
        self.page.add_init_script(REPORT_CSP_VIOLATIONS)

    def _navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.visited.add(frame.url.partition("#")[0])

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.browser_errors.append(f"{self.page.url}: console error: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.browser_errors.append(f"{self.page.url}: uncaught {error.name}: {error.message}")

    def _csp_violation(self, description: str) -> None:
        self.browser_errors.append(f"{self.page.url}: CSP violation: {description}")

    def check(self, state: str = "") -> None:
        """Run axe on the page as it is now."""
        self.page.wait_for_load_state("load")
        url = self.page.url.partition("#")[0]
        where = url + (f" ({state})" if state else "")
        self.checked.append(url)
        results = self.axe.run(
            self.page,
            options={"runOnly": {"type": "tag", "values": WCAG_22_A_AA}},
        )
        for violation in results.response["violations"]:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"])
            self.violations.append(f"{where}: {violation['id']} ({violation['help']}): {targets}")

    def assert_clean(self) -> None:
        report = []
        if unchecked := sorted(self.visited - set(self.checked)):
            report += ["Pages visited but not checked with axe:", *unchecked]
        if self.violations:
            report += ["axe found WCAG 2.2 A/AA violations (page: rule: nodes):", *self.violations]
        if self.browser_errors:
            report += ["The browser reported errors:", *self.browser_errors]
        assert not report, "\n".join(report)


def tiny_png() -> bytes:
    """A real 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_submitter_completes_and_submits_an_offer_in_chromium(page: Page, tmp_path: Path) -> None:
    audit = Audit(page)

    def heading() -> Locator:
        return page.get_by_role("heading", level=1)

    def on_page(title: str, state: str = "") -> None:
        """Arrived on the page headed `title`: check it with axe."""
        expect(heading()).to_have_text(title)
        audit.check(state)

    def labelled(label: str) -> Locator:
        return page.get_by_label(label, exact=True)

    def group(legend: str) -> Locator:
        return page.get_by_role("group", name=legend, exact=True)

    def choose(legend: str, option: str) -> None:
        group(legend).get_by_label(option, exact=True).check()

    def click_button(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).click()

    def save_and_continue() -> None:
        click_button("Save and continue")
        page.wait_for_load_state("load")
        errors = page.locator(".govuk-error-summary")
        assert errors.count() == 0, f"{page.url}: {errors.inner_text()}"

    def task_status(title: str) -> Locator:
        item = page.locator(".govuk-task-list__item", has_text=title)
        return item.locator(".govuk-task-list__status")

    def open_section(title: str) -> None:
        on_page("Offer accommodation")
        page.get_by_role("link", name=title, exact=True).click()

    # The council's identity and its footer pages, from the start page's footer.
    page.goto("/")
    on_page("Offer supported accommodation to the council")
    header = page.locator("header.govuk-template__header")
    expect(header.locator(".govuk-generic-header")).to_have_text(COUNCIL_NAME)
    expect(header.locator(".govuk-service-navigation__service-name")).to_have_text(SERVICE_NAME)
    expect(page).to_have_title(re.compile(f" – {SERVICE_NAME} – {COUNCIL_NAME}$"))
    assert "GDS Transport" not in page.locator("h1").evaluate(
        "element => getComputedStyle(element).fontFamily"
    )
    for link, title in FOOTER_PAGES:
        page.locator("footer").get_by_role("link", name=link, exact=True).click()
        on_page(title)
        expect(header.locator(".govuk-service-navigation__service-name")).to_have_text(SERVICE_NAME)
    page.get_by_role("link", name=SERVICE_NAME, exact=True).click()

    # Start page, then register an organisation.
    on_page("Offer supported accommodation to the council")
    click_button("Create an account")
    on_page("Create an account")
    labelled("Organisation name").fill("Riverside Homes")
    choose("Type of organisation", "Registered provider or housing association")
    labelled("Regulator of Social Housing registration number (if you have one)").fill("L4850")
    labelled("Your full name").fill("Rita Jones")
    labelled("Email address").fill("rita@example.com")
    labelled("Create a password").fill("a long enough passphrase")
    labelled("Confirm your password").fill("a long enough passphrase")
    click_button("Create account")

    # Confirm the address with the emailed link, then sign in.
    on_page("Check your email")
    page.goto(link_in_email("rita@example.com", "/confirm/"))
    on_page("Confirm your email address")
    click_button("Confirm my email address")
    on_page("Sign in")
    labelled("Email address").fill("rita@example.com")
    labelled("Password").fill("a long enough passphrase")
    click_button("Sign in")

    # Your offers: start a new one.
    on_page("Your offers")
    click_button("Start a new offer")
    expect(task_status("4. Rent and charges")).to_have_text("Cannot start yet")

    # 1. Property and location, with one validation error on the way.
    open_section("1. Property and location")
    on_page("Property name and address")
    labelled("Property or scheme name").fill("Hamelin Court")
    labelled("Address").fill("1 Example Road\nLeicester")
    labelled("Postcode").fill("NOT A POSTCODE")
    click_button("Save and continue")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary.get_by_role("link")).to_have_text(["Enter a real postcode, like LE1 6ZG"])
    expect(page.locator("#postcode-error")).to_contain_text("Enter a real postcode")
    on_page("Property name and address", "with a validation error")
    summary.get_by_role("link", name="Enter a real postcode, like LE1 6ZG").click()
    expect(labelled("Postcode")).to_be_focused()
    expect(labelled("Postcode")).to_have_value("NOT A POSTCODE")
    labelled("Postcode").fill("le1 6zg")
    save_and_continue()

    on_page("Confidential address")
    choose("Must the address be kept confidential?", "No")
    save_and_continue()

    on_page("Development and planning")
    choose("Type of development", "New build")
    choose("Planning permission", "Granted")
    save_and_continue()

    on_page("Site area")
    labelled("Site area in hectares").fill("0.25")
    save_and_continue()

    on_page("Date available")
    date = group("When will the homes be available to let?")
    click_button("Save and continue")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter the date the homes will be available").click()
    expect(date.get_by_label("Day")).to_be_focused()
    on_page("Date available", "with a validation error")
    date.get_by_label("Day").fill("1")
    date.get_by_label("Month").fill("9")
    date.get_by_label("Year").fill("2027")
    save_and_continue()

    # Issue 13: the site and the capital sought (Right to Buy receipts: their share).
    on_page("The site and capital funding")
    choose("Do you have the site?", "Owned")
    group("What capital funding are you seeking?").get_by_label(
        "Right to Buy receipts from the council"
    ).check()
    labelled(
        "If Right to Buy receipts, for what share of the scheme’s capital cost, as a percentage?"
    ).fill("20")
    save_and_continue()
    expect(task_status("1. Property and location")).to_have_text("Completed")

    # 2. Design, with two unit types, so two pages of bathrooms and kitchens.
    open_section("2. Design")
    on_page("How the homes are arranged")
    choose("How are the homes arranged?", "Self-contained flats, core and cluster")
    save_and_continue()

    on_page("Number of units")
    labelled("Studios").fill("2")
    labelled("1-bedroom flats").fill("8")
    save_and_continue()

    for unit in ("Studio", "1-bedroom flat"):
        on_page("Bathrooms and kitchens")
        expect(page.locator(".govuk-caption-l")).to_have_text(f"Design: {unit}")
        choose("Does each unit have its own bathroom?", "Yes")
        choose("Does each unit have its own kitchen?", "Yes")
        labelled("What is the most people who share a bathroom or kitchen?").fill("1")
        save_and_continue()

    # Issue 13: each unit type's accessibility (the ground floor only: no lift).
    for unit, count, wheelchair in (("Studio", "2", "0"), ("1-bedroom flat", "8", "2")):
        on_page("Accessibility of these homes")
        expect(page.locator(".govuk-caption-l")).to_have_text(f"Design: {unit}")
        labelled("How many are wheelchair accessible?").fill(wheelchair)
        labelled("How many are fully adapted?").fill("1" if wheelchair != "0" else "0")
        labelled("How many have level access?").fill("2")
        labelled("How many are on an upper floor served by a lift?").fill("0")
        labelled("How many have assistive technology fitted?").fill(count)
        save_and_continue()

    on_page("Shared facilities")
    choose("Is there a communal space for tenants?", "Yes")
    choose("Is there a staff office or communal resource space?", "Yes")
    save_and_continue()

    on_page("Accessibility standard")
    choose(
        "Which accessibility standard do the homes meet?",
        "M4(2) accessible and adaptable dwellings",
    )
    save_and_continue()
    expect(task_status("2. Design")).to_have_text("Completed")

    # 3. Who it is for.
    open_section("3. Who it is for")
    on_page("Who the homes are for")
    cohorts = group("Who are the homes for?")
    cohorts.get_by_label("Mental health inpatient discharges (step down)").check()
    cohorts.get_by_label("Care leavers aged 18 to 25 not needing adult social care").check()
    save_and_continue()

    on_page("Support on site")
    choose("What support is there on site?", "24/7 support on site")
    save_and_continue()

    on_page("Age range")
    labelled("Youngest age").fill("18")
    labelled("Oldest age").fill("64")
    save_and_continue()

    # Issue 13: in CORE's terms.
    on_page("Length of stay and tenancy")
    choose(
        "How long are tenants expected to stay?",
        "Medium stay: more than one year, with an expectation to move on",
    )
    choose("What will tenants have?", "Assured shorthold tenancy")
    save_and_continue()

    on_page("Client groups and support level")
    group("Which client groups are the homes for?").get_by_label(
        "People with mental health problems"
    ).check()
    choose("What level of support is given?", "High level: intensive staffing 24 hours a day")
    save_and_continue()
    expect(task_status("3. Who it is for")).to_have_text("Completed")

    # 4. Rent and charges: weekly charges for each unit type.
    open_section("4. Rent and charges")
    for unit, rent in (("Studio", "135.50"), ("1-bedroom flat", "150.00")):
        on_page("Weekly rent and charges")
        expect(page.locator(".govuk-caption-l")).to_have_text(f"Rent and charges: {unit}")
        labelled("Core rent").fill(rent)
        labelled("Eligible service charges").fill("35")
        labelled("Ineligible service charges").fill("12.00")
        labelled("What do the ineligible service charges cover?").fill("Heating and lighting")
        labelled("Intensive housing management charge").fill("0")
        save_and_continue()

    on_page("The landlord")
    labelled("Landlord’s name").fill("Riverside Homes")
    choose("Type of landlord", "Registered provider or housing association")
    choose(
        "Does the landlord, or someone on its behalf, provide care, support or supervision?",
        "Yes",
    )
    save_and_continue()

    # Issue 13: a lease to a provider brings its terms; voids shared bring theirs.
    on_page("Leasing, management and voids")
    choose("How will the homes be leased or managed?", "Leased to a registered provider or charity")
    save_and_continue()

    on_page("Lease or management terms")
    labelled("How many years does the lease or management agreement run for?").fill("10")
    choose("Is there a break clause?", "Yes")
    labelled("If there is a break clause, after how many years can it be used?").fill("5")
    choose("Who does the repairs?", "The landlord")
    save_and_continue()

    on_page("Empty homes (voids)")
    choose(
        "Who will pay the rent and charges of a home while it is empty (a void)?",
        "Shared between the council and the landlord or provider",
    )
    save_and_continue()

    on_page("What the council would pay for empty homes")
    choose(
        "From when would the council pay for an empty home?",
        "After a home has been empty for a number of weeks",
    )
    labelled("If after a number of weeks, how many weeks empty?").fill("4")
    choose("At what rate would the council pay?", "A percentage of the rent and charges")
    labelled("If a percentage, what percentage of the rent and charges?").fill("50")
    labelled("For how many months in all would the council pay for empty homes?").fill("12")
    save_and_continue()

    # Issue 13: the rent type and the council's nomination rights.
    on_page("Type of rent")
    choose("What type of rent will tenants pay?", "Social rent")
    save_and_continue()

    on_page("Nomination rights")
    labelled("What share of the homes will the council nominate tenants to, as a percentage?").fill(
        "100"
    )
    labelled("For how many years will the council have these nomination rights?").fill("25")
    save_and_continue()
    expect(task_status("4. Rent and charges")).to_have_text("Completed")

    # 5. Care and support: yes, so the provider page follows.
    open_section("5. Care and support")
    on_page("Care and support")
    choose("Does the offer include care and support?", "Yes")
    save_and_continue()

    on_page("Care and support provider")
    labelled("Who provides the care and support?").fill("Riverside Care")
    choose(
        "Is the provider on the council’s Supported Living Framework?",
        "Yes, on the Supported Living Framework",
    )
    labelled("Expected hours of care and support per person per week").fill("12.5")
    labelled("Expected cost of care and support per person per week").fill("250")
    save_and_continue()

    on_page("CQC registration")
    choose(
        "Is the care provider registered with the Care Quality Commission (CQC) for personal care?",
        "Yes",
    )
    save_and_continue()
    expect(task_status("5. Care and support")).to_have_text("Completed")

    # 6. Documents: upload a real PNG made here.
    open_section("6. Documents")
    on_page("Documents")
    floor_plan = tmp_path / "floor-plan.png"
    floor_plan.write_bytes(tiny_png())
    choose("What is the document?", "Floor plan")
    labelled("Upload a file").set_input_files(floor_plan)
    click_button("Upload file")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "floor-plan.png has been uploaded"
    )
    expect(page.get_by_role("table")).to_contain_text("floor-plan.png")
    on_page("Documents", "after an upload")
    click_button("Return to the task list")
    expect(task_status("6. Documents")).to_have_text("Completed")
    expect(page.get_by_text("You have completed 5 of 5 sections")).to_be_visible()
    on_page("Offer accommodation", "every section completed")

    # Check answers, declaration, submit.
    click_button("Check your answers")
    on_page("Check your answers before submitting your offer")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    main = page.get_by_role("main")
    site_area = main.locator(".govuk-summary-list__row", has_text="Site area")
    expect(site_area).to_contain_text("0.25 hectares")
    site_area.get_by_role("link", name="Change site area").click()
    on_page("Site area", "changing an answer")
    expect(labelled("Site area in hectares")).to_have_value("0.25")
    labelled("Site area in hectares").fill("0.3")
    save_and_continue()
    on_page("Check your answers before submitting your offer", "after a change")
    expect(site_area).to_contain_text("0.3 hectares")
    for answer in (
        "LE1 6ZG",
        "1 September 2027",
        "£135.50",
        "£150.00",
        "Riverside Care",
        "After 4 weeks empty, at 50% of the rent and charges, for 12 months",
    ):
        expect(main).to_contain_text(answer)
    expect(main.get_by_role("link", name="floor-plan.png")).to_be_visible()
    click_button("Continue to the declaration")
    on_page("Declaration")
    expect(labelled("Your full name")).to_have_value("Rita Jones")
    page.get_by_label("I confirm that the information I have given is correct").check()
    click_button("Submit offer")

    # Confirmation with the reference, then the offer listed as submitted.
    on_page("Offer submitted")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert REFERENCE.fullmatch(reference), reference
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your offers").click()
    on_page("Your offers")
    row = page.get_by_role("row", name=re.compile("Hamelin Court"))
    expect(row.get_by_role("cell")).to_have_text(
        ["Hamelin Court", reference, re.compile(r"\d"), "Submitted"]
    )

    audit.assert_clean()
