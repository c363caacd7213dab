"""Markup typed into any text field is shown as the text it is, on every page that
shows it, and never becomes an element."""

from __future__ import annotations

import pytest
from werkzeug.test import TestResponse

from tests import factories
from tests.factories import answer, soup, submit_form
from tests.web.answers import TEXT_FIELDS, valid
from triage.models import Offer, User

SHAPES = {
    "script": '<script>alert("{field}")</script>',
    "attribute": '"><img src=x onerror=alert("{field}")>',
    "template": "{{{{7*7}}}} {{% raw %}}{field}",
}


def payload(shape: str, field: str) -> str:
    return SHAPES[shape].format(field=field)


def assert_shown_as_text(response: TestResponse, texts: list[str]) -> None:
    assert response.status_code == 200
    page = soup(response)
    shown = page.get_text()
    for expected in texts:
        assert expected in shown, f"{expected!r} is not shown as text"
    for script in page.find_all("script"):
        assert "alert" not in script.get_text(), "typed markup became a script"
    assert page.find_all(attrs={"onerror": True}) == []
    assert page.find_all("img") == []


def fill_every_text_field(client, offer_id: int, shape: str) -> list[str]:
    """Type the markup into every text field, one page at a time."""
    pages: dict[str, dict[str, str]] = {}
    for key, name, extra in TEXT_FIELDS:
        pages.setdefault(key, {}).update(extra)
        pages[key][name] = payload(shape, name)
    for key, changes in pages.items():
        response = answer(client, offer_id, key, valid(key, **changes))
        assert response.status_code == 302, (key, factories.error_summary(response))
    return [payload(shape, name) for _key, name, _extra in TEXT_FIELDS]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_markup_in_every_offer_text_field_is_shown_escaped(
    app, submitter_client, submitter, commissioner, shape
):
    offer = factories.complete_offer(submitter, care_provided=True)
    typed = fill_every_text_field(submitter_client, offer.id, shape)
    saved = factories.get(Offer, offer.id)
    assert saved.name == payload(shape, "name")

    assert_shown_as_text(submitter_client.get(f"/offers/{offer.id}/check-answers"), typed)
    assert_shown_as_text(submitter_client.get(f"/offers/{offer.id}"), [typed[0]])
    assert_shown_as_text(submitter_client.get("/offers"), [typed[0]])

    declared = payload(shape, "declaration_name")
    response = submit_form(
        submitter_client,
        f"/offers/{offer.id}/declaration",
        {"declaration_name": declared, "confirm": "y"},
    )
    assert response.status_code == 302, factories.error_summary(response)
    assert factories.get(Offer, offer.id).declaration_name == declared

    assert_shown_as_text(submitter_client.get(f"/offers/{offer.id}"), typed)
    staff = factories.signed_in_client(app, commissioner)
    assert_shown_as_text(staff.get(f"/queue/offers/{offer.id}"), typed)
    assert_shown_as_text(staff.get("/queue"), [typed[0]])


def test_markup_shown_back_in_an_error_page_is_escaped(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    typed = payload("script", "postcode")
    response = answer(
        submitter_client, offer.id, "name-and-address", valid("name-and-address", postcode=typed)
    )
    assert factories.error_summary(response) == ["Enter a real postcode, like LE1 6ZG"]
    # Shown back in the box, as the text typed.
    assert factories.form_values(response)["postcode"] == [typed]
    for script in soup(response).find_all("script"):
        assert "alert" not in script.get_text()


@pytest.mark.parametrize("shape", ["script", "attribute"])
def test_markup_in_account_names_is_shown_escaped(app, client, admin_client, shape):
    organisation_name = payload(shape, "organisation")
    full_name = payload(shape, "person")
    response = submit_form(
        client,
        "/register",
        {
            "organisation_name": organisation_name,
            "organisation_type": "charity",
            "full_name": full_name,
            "email": "mallory@example.com",
            "password": "a long enough passphrase",
            "confirm_password": "a long enough passphrase",
        },
    )
    assert response.status_code == 302, factories.error_summary(response)
    [user] = factories.rows(User, email="mallory@example.com")
    account = factories.Account(user, user.email, "a long enough passphrase")
    factories.sign_in(client, account)
    assert_shown_as_text(client.get("/organisation"), [organisation_name, full_name])
    assert_shown_as_text(client.get("/offers"), [organisation_name])
    assert_shown_as_text(admin_client.get("/admin/organisations"), [organisation_name])

    factories.confirm_email(account)
    offer = factories.complete_offer(account)
    assert_shown_as_text(client.get(f"/offers/{offer.id}/declaration"), [organisation_name])

    # A member of staff's name is the one they type accepting their invitation.
    staff_name = payload(shape, "staff")
    factories.staff("commissioner", full_name=staff_name)
    assert_shown_as_text(admin_client.get("/admin/users"), [staff_name])


def test_markup_in_an_organisation_name_is_escaped_for_staff(app, admin_client, submitter):
    with app.app_context():
        from triage import db
        from triage.models import Organisation

        organisation = db.session.get(Organisation, submitter.user.organisation_id)
        organisation.name = payload("script", "organisation")
        db.session.commit()
    offer = factories.submitted_offer(submitter)
    expected = [payload("script", "organisation")]
    assert_shown_as_text(admin_client.get("/queue"), expected)
    assert_shown_as_text(admin_client.get(f"/queue/offers/{offer.id}"), expected)
