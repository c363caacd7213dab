"""A council's service, not GOV.UK's: every page carries the council's name and the
Generic header, never the crown, the GOV.UK logotype, the coat of arms or Crown
copyright; every footer links to the accessibility statement, privacy notice,
cookies and contact pages; the start and confirmation pages and every email give
the council's contact details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests import factories
from tests.factories import soup, text
from triage import db
from triage.config import PROJECT_ROOT, Test
from triage.models import EmailMessage

FOOTER_PAGES = {
    "/accessibility": "Accessibility statement",
    "/privacy": "Privacy notice",
    "/cookies": "Cookies",
    "/contact": "Contact",
}
TITLE_SUFFIX = f" – {Test.SERVICE_NAME} – {Test.COUNCIL_NAME}"
EMAILS = PROJECT_ROOT / "templates" / "emails"

# What GOV.UK's own brand leaves in a page: the crown and logotype (header and
# footer), the royal coat of arms (the copyright link's image), the licence line.
GOVUK_BRAND = [
    "govuk-header",
    "govuk-logo",
    "govuk-footer__crown",
    "govuk-footer__copyright-logo",
    "govuk-footer__licence",
    "govuk-crest",
    "govuk-icon",
    "favicon.ico",
    "Crown copyright",
    "Open Government Licence",
    "www.gov.uk",
    "nationalarchives.gov.uk",
]


PageGetter = Callable[[pytest.FixtureRequest], TestResponse]


def _anonymous(url: str) -> PageGetter:
    def get(request: pytest.FixtureRequest) -> TestResponse:
        client: FlaskClient = request.getfixturevalue("client")
        return client.get(url)

    return get


def _submitters_offers(request: pytest.FixtureRequest) -> TestResponse:
    client: FlaskClient = request.getfixturevalue("submitter_client")
    return client.get("/offers")


def _confirmation(request: pytest.FixtureRequest) -> TestResponse:
    submitter = request.getfixturevalue("submitter")
    client: FlaskClient = request.getfixturevalue("submitter_client")
    offer = factories.submitted_offer(submitter)
    return client.get(f"/offers/{offer.id}/confirmation")


def _staff_queue(request: pytest.FixtureRequest) -> TestResponse:
    client: FlaskClient = request.getfixturevalue("staff_client")
    return client.get("/queue")


PAGES: dict[str, PageGetter] = {
    "start": _anonymous("/"),
    "sign-in": _anonymous("/sign-in"),
    "a submitter's offers": _submitters_offers,
    "offer confirmation": _confirmation,
    "staff queue": _staff_queue,
    "not found": _anonymous("/no-such-page"),
    **{url: _anonymous(url) for url in FOOTER_PAGES},
}


@pytest.fixture(params=list(PAGES))
def page(request: pytest.FixtureRequest) -> TestResponse:
    return PAGES[request.param](request)


def test_no_page_carries_the_govuk_brand(page: TestResponse) -> None:
    html = page.get_data(as_text=True)
    assert page.status_code in (200, 404)
    found = [mark for mark in GOVUK_BRAND if mark in html]
    assert not found, f"GOV.UK's brand on the page: {found}"
    assert "GDS Transport" not in html
    header = soup(page).select_one("header")
    assert header is not None
    assert "GOV.UK" not in header.get_text()


def test_every_page_has_the_councils_generic_header_and_title(page: TestResponse) -> None:
    page_soup = soup(page)
    homepage = page_soup.select_one(".govuk-generic-header .govuk-generic-header__homepage-link")
    assert homepage is not None
    assert homepage.get_text(strip=True) == Test.COUNCIL_NAME
    assert homepage["href"] == Test.COUNCIL_WEBSITE
    service = page_soup.select_one("header .govuk-service-navigation__service-name")
    assert service is not None and service.get_text(strip=True) == Test.SERVICE_NAME
    title = page_soup.title
    assert title is not None and title.string is not None
    assert title.string.endswith(TITLE_SUFFIX), title.string


def test_every_page_footer_links_to_the_four_pages(page: TestResponse) -> None:
    footer = soup(page).select_one("footer")
    assert footer is not None
    links = {a["href"]: a.get_text(strip=True) for a in footer.select("a")}
    for url, label in FOOTER_PAGES.items():
        assert links.get(url) == label, f"footer has no link to {url}: {links}"
    assert f"mailto:{Test.CONTACT_EMAIL}" in links


def test_the_stylesheet_sets_a_font_other_than_gds_transport() -> None:
    """The page's GOV.UK Frontend is the council's build (triage/sass): Arial, and
    not even an @font-face for GDS Transport, so its files are never fetched."""
    built = PROJECT_ROOT / "triage" / "static" / "frontend.min.css"
    assert built.is_file(), "run `make assets` (make test does) to build the stylesheet"
    css = built.read_text()
    assert "font-family:arial,sans-serif" in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert not (built.parent / "fonts").exists(), "GDS Transport's files are not served"


@pytest.mark.parametrize("url", FOOTER_PAGES)
def test_the_footer_pages_are_there_for_everyone(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")


def test_the_accessibility_statement_follows_the_model(client: FlaskClient) -> None:
    page = text(client.get("/accessibility"))
    for part in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Equality and Human Rights Commission",
        "Equality Advisory and Support Service",
        "Technical information about this service’s accessibility",
        "Compliance status",
        "partially compliant",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "axe-core",
        "Chromium",
        "keyboard",
        Test.CONTACT_EMAIL,
    ):
        assert part in page, part


def test_the_privacy_notice_names_the_lawful_bases_and_the_dpo(client: FlaskClient) -> None:
    page = text(client.get("/privacy"))
    for part in (
        f"{Test.COUNCIL_NAME} is the controller",
        "pseudonymous reference",
        "special category data",
        "Article 6(1)(e)",
        "Article 9(2)(h)",
        "Article 9(2)(g)",
        "Schedule 1 to the Data Protection Act 2018",
        f"after {Test.RETENTION_PERIOD}",
        "Your rights",
        Test.DPO_EMAIL,
        "Information Commissioner’s Office",
    ):
        assert part in page, part


def test_the_cookies_page_lists_every_cookie_the_service_sets(
    app: Flask, client: FlaskClient, submitter: factories.Account
) -> None:
    factories.sign_in(client, submitter)
    set_cookies = {cookie.key for cookie in client._cookies.values()}  # noqa: SLF001
    assert set_cookies == {app.config["SESSION_COOKIE_NAME"]}

    page = soup(client.get("/cookies"))
    listed = {code.get_text(strip=True) for code in page.select("table code")}
    assert listed == set_cookies
    assert "We do not use analytics cookies" in page.get_text()


def test_the_contact_page_gives_the_councils_details(client: FlaskClient) -> None:
    page = text(client.get("/contact"))
    for part in (Test.CONTACT_EMAIL, Test.CONTACT_PHONE, Test.CONTACT_HOURS, Test.COUNCIL_ADDRESS):
        assert part in page, part


def test_the_start_page_gives_the_contact_details(client: FlaskClient) -> None:
    page = text(client.get("/"))
    assert Test.CONTACT_EMAIL in page
    assert Test.CONTACT_PHONE in page


def test_the_confirmation_page_gives_the_contact_details(
    submitter_client: FlaskClient, submitter: factories.Account
) -> None:
    offer = factories.submitted_offer(submitter)
    page = text(submitter_client.get(f"/offers/{offer.id}/confirmation"))
    assert Test.CONTACT_EMAIL in page
    assert Test.CONTACT_PHONE in page
    assert f"Quote your reference number, {offer.reference}" in page


def test_another_council_sets_its_own_identity(app: Flask, client: FlaskClient) -> None:
    app.config.update(
        COUNCIL_NAME="Rutland County Council",
        COUNCIL_WEBSITE="https://www.rutland.gov.uk",
        CONTACT_EMAIL="housing@rutland.gov.uk",
        COUNCIL_LOGO="app-icon.svg",
    )
    page = soup(client.get("/contact"))
    assert page.title is not None and page.title.string is not None
    assert page.title.string.endswith(" – Rutland County Council")
    homepage = page.select_one(".govuk-generic-header__homepage-link")
    assert homepage is not None and homepage["href"] == "https://www.rutland.gov.uk"
    logo = homepage.select_one("img")
    assert logo is not None and logo["src"] == "/assets/app-icon.svg" and logo["alt"] == ""
    assert "housing@rutland.gov.uk" in page.get_text()
    assert Test.COUNCIL_NAME not in page.get_text()


# --- Emails -------------------------------------------------------------------


def assert_contact_details(body: str) -> None:
    for part in (Test.COUNCIL_NAME, Test.CONTACT_EMAIL, Test.CONTACT_PHONE, Test.CONTACT_HOURS):
        assert part in body, f"{part!r} missing from:\n{body}"


def test_the_acknowledgement_email_gives_the_contact_details(
    app: Flask, submitter: factories.Account
) -> None:
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        bodies = db.session.scalars(
            select(EmailMessage.body).where(EmailMessage.to_address == submitter.email)
        ).all()
    assert bodies, "no acknowledgement was written"
    for body in bodies:
        assert offer.reference is not None and offer.reference in body
        assert_contact_details(body)


def email_templates() -> list[str]:
    return sorted(path.name for path in Path(EMAILS).glob("*.txt") if not path.name.startswith("_"))


@pytest.mark.parametrize("name", email_templates())
def test_every_email_gives_the_contact_details(app: Flask, name: str) -> None:
    now = datetime.now(UTC)
    notification = SimpleNamespace(summary="Hamelin Court was submitted", created_at=now)
    with app.app_context():
        body = render_template(
            f"emails/{name}",
            user=SimpleNamespace(full_name="Rita Jones"),
            offer=SimpleNamespace(
                reference="SA-2026-00001",
                name="Hamelin Court",
                postcode="LE1 6ZG",
                postcode_in_emails="LE1 6ZG",  # Offer's, for a confidential address (#13)
                submitted_at=now,
            ),
            outcome="Your offer has been approved.",
            reasons="It meets the strategy's priorities.",
            question="What is the rent for each unit?",
            notification=notification,
            notifications=[notification],
            link="https://offers.example/reset-password/not-a-real-token",
            lifetime="1 hour",
            # Invitations, confirming an address, registering with one in use.
            days=7,
            inviter=SimpleNamespace(full_name="Sam Submitter"),
            organisation=SimpleNamespace(name="Riverside Homes"),
            role_label="Submitter",
            sign_in="https://offers.example/sign-in",
            reset="https://offers.example/forgotten-password",
            # Changes asked for, and what happens next by when (issue 14).
            titles="Rent and charges",
            reason="The rent is above the usual range.",
            target_days=20,
            review_by=now.date(),
            # A scheduled policy put in force (issue 15).
            version="2027-04-01",
            total=3,
            # Meeting the council (issue 14).
            event="proposed",
            again=False,
            when="Tuesday 12 January 2027, 10:00am to 11:00am",
            where="Room 2, City Hall",
            meeting=SimpleNamespace(attendees="Commissioning team", note=""),
            answer_by=now.date(),
        )
    assert_contact_details(body)
