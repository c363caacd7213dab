"""Plain functions that make accounts and offers, and drive forms like a browser."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec, TypeVar

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from triage import db
from triage.auth.service import create_user, new_join_token
from triage.models import Offer, OfferCohort, OfferUnitType, Organisation, User
from triage.models.users import Role

P = ParamSpec("P")
R = TypeVar("R")

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
_app: Flask | None = None


def use_app(app: Flask) -> None:
    global _app
    _app = app


def in_app_context(make: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(make)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        assert _app is not None, "the app fixture sets the app factories use"
        with _app.app_context():
            return make(*args, **kwargs)

    return wrapped


@dataclass
class Account:
    user: User
    email: str
    password: str = PASSWORD

    @property
    def id(self) -> int:
        return self.user.id


@in_app_context
def organisation(name: str | None = None) -> Organisation:
    org = Organisation(
        name=name or f"Housing Association {next(_numbers)}",
        organisation_type="registered_provider",
        join_token=new_join_token(),
    )
    db.session.add(org)
    db.session.commit()
    return org


@in_app_context
def submitter(org: Organisation | None = None) -> Account:
    org = org or organisation()
    email = f"submitter{next(_numbers)}@example.com"
    user = create_user(
        email=email,
        full_name="Sam Submitter",
        password=PASSWORD,
        role=Role.SUBMITTER,
        organisation=org,
    )
    db.session.commit()
    return Account(user, email)


@in_app_context
def staff(role: str) -> Account:
    email = f"{role}{next(_numbers)}@example.com"
    user = create_user(
        email=email,
        full_name=f"Staff {role}",
        password=PASSWORD,
        role=Role(role),
        organisation=None,
    )
    db.session.commit()
    return Account(user, email)


def _draft_offer(account: Account, **overrides: Any) -> Offer:
    offer = Offer(organisation_id=account.user.organisation_id, created_by_id=account.id)
    for key, value in overrides.items():
        setattr(offer, key, value)
    db.session.add(offer)
    db.session.commit()
    return offer


draft_offer = in_app_context(_draft_offer)


@in_app_context
def complete_offer(account: Account, **overrides: Any) -> Offer:
    """A draft with every required answer given, ready to submit."""
    values: dict[str, Any] = dict(
        name="Hamelin Court",
        address="1 Example Road\nLeicester",
        postcode="LE1 6ZG",
        development_type="new_build",
        planning_status="granted",
        site_area_hectares=0.4,
        site_area_answered=True,
        date_available=date(2027, 9, 1),
        configuration="core_and_cluster",
        communal_space=True,
        staff_office=True,
        lift=True,
        assistive_technology=True,
        units_wheelchair_accessible=2,
        units_fully_adapted=1,
        accessibility_standard="m4_2",
        support_model="on_site_24_7",
        age_min=18,
        age_max=64,
        landlord_name="Example Homes",
        landlord_type="registered_provider",
        landlord_provides_care=True,
        lease_model="landlord_manages",
        council_asked_to_cover_voids=False,
        care_provided=False,
    )
    values.update(overrides)
    offer = _draft_offer(account, **values)
    offer.unit_types.append(
        OfferUnitType(
            kind="one_bed",
            count=8,
            own_bathroom=True,
            own_kitchen=True,
            most_people_sharing=1,
            core_rent_pence=150_00,
            eligible_service_charge_pence=35_00,
            ineligible_service_charge_pence=12_00,
            ineligible_charges_cover="Heating and lighting in the flat",
            intensive_housing_management_pence=0,
        )
    )
    offer.cohorts.append(OfferCohort(cohort="mental_health_step_down"))
    db.session.commit()
    return offer


def csrf_token(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, "page has no CSRF token"
    return str(field["value"])


def submit_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    *,
    form_url: str | None = None,
    **kwargs: Any,
) -> TestResponse:
    """GET the page the form is on, then POST to `url` with its CSRF token, as a browser would."""
    page = client.get(form_url or url)
    assert page.status_code == 200, f"{form_url or url} gave {page.status_code}"
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs)


def sign_in(client: FlaskClient, account: Account) -> TestResponse:
    response = submit_form(
        client, "/sign-in", {"email": account.email, "password": account.password}
    )
    assert response.status_code == 302, "sign-in failed"
    return response


def soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def error_summary(response: TestResponse) -> list[str]:
    summary = soup(response).select(".govuk-error-summary__list a")
    return [item.get_text(strip=True) for item in summary]
