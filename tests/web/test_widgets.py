"""govuk-frontend-wtf's widgets, as this service renders them, against the pinned
GOV.UK Frontend: each has the GOV.UK classes and structure, shows an error the GOV.UK
way, and uses no class or JavaScript module the pinned release does not have."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests import factories
from tests.factories import soup, submit_form
from triage.config import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "node_modules" / "govuk-frontend"


@cache
def pinned_frontend() -> Path:
    """The GOV.UK Frontend package.json pins, as installed by `make assets`."""
    if not (FRONTEND / "package.json").exists():
        message = "GOV.UK Frontend is not installed: run `make assets`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    pinned = json.loads((PROJECT_ROOT / "package.json").read_text())["dependencies"]
    installed = json.loads((FRONTEND / "package.json").read_text())["version"]
    assert installed == pinned["govuk-frontend"], "node_modules is not the pinned release"
    return FRONTEND / "dist" / "govuk"


@cache
def fixture_classes(component: str) -> frozenset[str]:
    """Every class in the pinned release's own examples of a component."""
    path = pinned_frontend() / "components" / component / "fixtures.json"
    classes: set[str] = set()
    for example in json.loads(path.read_text())["fixtures"]:
        for element in BeautifulSoup(example["html"], "html.parser").select("[class]"):
            classes.update(element["class"])
    return frozenset(classes)


@cache
def frontend_modules() -> str:
    return (pinned_frontend() / "govuk-frontend.min.js").read_text()


# Parts every form widget is made of, each its own component in GOV.UK Frontend.
SHARED = ("label", "hint", "fieldset", "error-message")


@dataclass
class Widget:
    name: str
    components: tuple[str, ...]
    page: Callable[[FlaskClient, int], TestResponse]
    invalid: Callable[[FlaskClient, int], TestResponse]
    field_id: str
    element: str  # CSS selector for the control itself
    error_class: str | None
    expected_message: str

    @property
    def for_anyone(self) -> bool:
        """On the registration page, which needs no sign-in."""
        return self.page is _register_page


def _register_page(client: FlaskClient, _offer_id: int) -> TestResponse:
    return client.get("/register")


def _register_invalid(client: FlaskClient, _offer_id: int) -> TestResponse:
    return submit_form(
        client,
        "/register",
        {"organisation_name": "", "password": "short", "confirm_password": "short"},
    )


def _question(key: str, data: dict) -> tuple[Callable, Callable]:
    def page(client: FlaskClient, offer_id: int) -> TestResponse:
        return client.get(f"/offers/{offer_id}/questions/{key}")

    def invalid(client: FlaskClient, offer_id: int) -> TestResponse:
        return submit_form(client, f"/offers/{offer_id}/questions/{key}", data)

    return page, invalid


def _declaration() -> tuple[Callable, Callable]:
    def page(client: FlaskClient, offer_id: int) -> TestResponse:
        return client.get(f"/offers/{offer_id}/declaration")

    def invalid(client: FlaskClient, offer_id: int) -> TestResponse:
        return submit_form(client, f"/offers/{offer_id}/declaration", {"declaration_name": ""})

    return page, invalid


def _documents() -> tuple[Callable, Callable]:
    def page(client: FlaskClient, offer_id: int) -> TestResponse:
        return client.get(f"/offers/{offer_id}/documents")

    def invalid(client: FlaskClient, offer_id: int) -> TestResponse:
        return factories.upload(client, offer_id, b"")

    return page, invalid


name_page, name_invalid = _question("name-and-address", {"name": "", "address": "", "postcode": ""})
date_page, date_invalid = _question("date-available", {"date_available": ["31", "2", "2027"]})
cohort_page, cohort_invalid = _question("cohorts", {})
declaration_page, declaration_invalid = _declaration()
documents_page, documents_invalid = _documents()

WIDGETS = [
    Widget(
        "text input",
        ("input",),
        name_page,
        name_invalid,
        "name",
        'input.govuk-input[type="text"][name="name"]',
        "govuk-input--error",
        "Enter the property or scheme name",
    ),
    Widget(
        "password",
        ("password-input",),
        _register_page,
        _register_invalid,
        "password",
        'input.govuk-input.govuk-password-input__input[type="password"][name="password"]',
        "govuk-input--error",
        "Password must be 8 characters or more",
    ),
    Widget(
        "radios",
        ("radios",),
        _register_page,
        _register_invalid,
        "organisation_type",
        'input.govuk-radios__input[type="radio"][name="organisation_type"]',
        None,
        "Select the type of organisation",
    ),
    Widget(
        "checkboxes",
        ("checkboxes",),
        cohort_page,
        cohort_invalid,
        "cohorts",
        'input.govuk-checkboxes__input[type="checkbox"][name="cohorts"]',
        None,
        "Select who the homes are for",
    ),
    Widget(
        "single checkbox",
        ("checkboxes",),
        declaration_page,
        declaration_invalid,
        "confirm",
        'input.govuk-checkboxes__input[type="checkbox"][name="confirm"][value="y"]',
        None,
        "Confirm that the information is correct",
    ),
    Widget(
        "textarea",
        ("textarea",),
        name_page,
        name_invalid,
        "address",
        'textarea.govuk-textarea[name="address"]',
        "govuk-textarea--error",
        "Enter the address",
    ),
    Widget(
        "date input",
        ("date-input",),
        date_page,
        date_invalid,
        "date_available",
        'input.govuk-input.govuk-date-input__input[name="date_available"]',
        "govuk-input--error",
        "Date available must be a real date",
    ),
    Widget(
        "file upload",
        ("file-upload",),
        documents_page,
        documents_invalid,
        "file",
        'input.govuk-file-upload[type="file"][name="file"]',
        "govuk-file-upload--error",
        "The selected file is empty",
    ),
]


def form_group(response: TestResponse, widget: Widget) -> Tag:
    control = soup(response).select_one(widget.element)
    assert control is not None, f"no {widget.element} on the page"
    group = control.find_parent(class_="govuk-form-group")
    # Date inputs nest a form group per part: the widget's own group is the outer one.
    while group is not None and group.find_parent(class_="govuk-form-group") is not None:
        group = group.find_parent(class_="govuk-form-group")
    assert group is not None
    return group


def govuk_classes(element: Tag) -> set[str]:
    classes = set(element.get("class") or [])
    for child in element.select("[class]"):
        classes.update(child["class"])
    return {name for name in classes if name.startswith("govuk-")}


@pytest.fixture
def offer_id(submitter) -> int:
    return factories.complete_offer(submitter).id


@pytest.mark.parametrize("widget", WIDGETS, ids=[w.name for w in WIDGETS])
def test_a_widget_renders_the_govuk_markup(app, submitter, offer_id, widget):
    client = app.test_client()
    if not widget.for_anyone:
        client = factories.signed_in_client(app, submitter)
    group = form_group(widget.page(client, offer_id), widget)
    controls = group.select(widget.element)
    assert controls
    label = group.select_one(".govuk-label, .govuk-fieldset__legend")
    assert label is not None and label.get_text(strip=True)
    for control in controls:
        control_id = control.get("id")
        assert control_id and group.find("label", attrs={"for": control_id}) is not None
    assert group.select(".govuk-error-message") == []
    assert "govuk-form-group--error" not in group["class"]

    known = set().union(*(fixture_classes(c) for c in (*widget.components, *SHARED)))
    unknown = govuk_classes(group) - known
    assert not unknown, f"classes the pinned GOV.UK Frontend does not use: {unknown}"


@pytest.mark.parametrize("widget", WIDGETS, ids=[w.name for w in WIDGETS])
def test_a_widget_shows_its_error_the_govuk_way(app, submitter, offer_id, widget):
    client = app.test_client()
    if not widget.for_anyone:
        client = factories.signed_in_client(app, submitter)
    group = form_group(widget.invalid(client, offer_id), widget)
    assert "govuk-form-group--error" in group["class"]
    message = group.select_one(".govuk-error-message")
    assert message is not None
    assert message.get_text(" ", strip=True) == f"Error: {widget.expected_message}"
    assert message.select_one(".govuk-visually-hidden").get_text(strip=True) == "Error:"
    described = group.select_one(f'[aria-describedby~="{message["id"]}"]')
    assert described is not None, "the error message is not tied to the field"
    if widget.error_class:
        for control in group.select(widget.element):
            assert widget.error_class in control["class"]

    known = set().union(*(fixture_classes(c) for c in (*widget.components, *SHARED)))
    unknown = govuk_classes(group) - known
    assert not unknown, f"classes the pinned GOV.UK Frontend does not use: {unknown}"


def test_the_submit_button_is_a_govuk_button(submitter_client, offer_id):
    page = soup(submitter_client.get(f"/offers/{offer_id}/questions/name-and-address"))
    [button] = page.select("main form .govuk-button-group .govuk-button")
    assert button.get_text(strip=True) == "Save and continue"
    assert button.get("type") == "submit"
    assert button.get("data-module") == "govuk-button"
    assert govuk_classes(button) <= fixture_classes("button")

    declaration = soup(submitter_client.get(f"/offers/{offer_id}/declaration"))
    [submit] = declaration.select('main form [type="submit"].govuk-button')
    assert submit.get("data-prevent-double-click") == "true"


def test_every_javascript_module_on_the_pages_is_in_the_pinned_release(
    app, submitter_client, offer_id
):
    pages = [
        submitter_client.get(f"/offers/{offer_id}/questions/{key}")
        for key in ("name-and-address", "date-available", "cohorts", "development")
    ]
    pages += [
        submitter_client.get(f"/offers/{offer_id}/documents"),
        submitter_client.get(f"/offers/{offer_id}/declaration"),
        app.test_client().get("/register"),
        submit_form(app.test_client(), "/register", {}),
    ]
    modules = {
        str(element["data-module"])
        for response in pages
        for element in soup(response).select("[data-module]")
    }
    assert {"govuk-radios", "govuk-checkboxes", "govuk-button", "govuk-error-summary"} <= modules
    script = frontend_modules()
    for module in modules:
        assert f'moduleName="{module}"' in script, f"{module} is not in the pinned release"
