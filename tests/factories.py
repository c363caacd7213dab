"""Plain functions that make accounts and offers, and drive forms like a browser."""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bs4 import BeautifulSoup, Tag
from flask import Flask, current_app
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from triage import db
from triage.auth.service import create_user
from triage.db import Base
from triage.models import (
    Document,
    EmailMessage,
    Offer,
    OfferCohort,
    OfferUnitType,
    Organisation,
    User,
)
from triage.models.users import Role
from triage.services import documents
from triage.services import offers as offer_service

P = ParamSpec("P")
R = TypeVar("R")

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
_app: Flask | None = None


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole run: every test builds a new app, and
    compiling the GOV.UK macros again for each would take most of the test's time.
    Buckets are keyed by the template's source, so an edited template recompiles."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def share_compiled_templates(app: Flask) -> None:
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE


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
def staff(role: str, full_name: str | None = None) -> Account:
    email = f"{role}{next(_numbers)}@example.com"
    user = create_user(
        email=email,
        full_name=full_name or f"Staff {role}",
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


def _complete_offer(account: Account, **overrides: Any) -> Offer:
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
        accessibility_standard="m4_2",
        support_model="on_site_24_7",
        age_min=18,
        age_max=64,
        landlord_name="Example Homes",
        landlord_type="registered_provider",
        landlord_provides_care=True,
        lease_model="landlord_manages",
        # Issue 13, the offer's terms: voids borne by the landlord (no lease terms
        # asked: the landlord manages), CORE's stay, tenancy, client group, support.
        void_payer="landlord_or_provider",
        # Kept for a test that switches to a lease (the rules ignore them until then).
        lease_years=10,
        break_clause=False,
        repairs_by="landlord_repairs",
        confidential_address=False,
        site_status="owned",
        capital_funding=[],
        intended_stay="medium_stay",
        tenancy_type="assured_shorthold",
        client_groups=["mental_health"],
        support_level="high_level",
        # Issue 13: the rent type and nomination rights pages.
        rent_type="social",
        nomination_share_percent=100,
        nomination_term_years=25,
        # Asked only where care is bundled / for looked-after 16-17-year-olds.
        cqc_registered=True,
        ofsted_registered=True,
        care_provided=False,
    )
    # Homes (issue 13): accessibility is the unit type's; the offer-level names
    # older tests pass are given to it (2 wheelchair homes on the ground floor, 1
    # of them fully adapted, 6 upstairs with a lift, assistive technology in all).
    access = {
        "wheelchair_accessible": overrides.pop("units_wheelchair_accessible", 2),
        "fully_adapted": overrides.pop("units_fully_adapted", 1),
        "level_access": 2,
        "lift": 6 if overrides.pop("lift", True) else 0,
        "assistive_technology": 8 if overrides.pop("assistive_technology", True) else 0,
    }
    values.update(overrides)
    offer = _draft_offer(account, **values)
    offer.unit_types.append(
        OfferUnitType(
            **access,
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


complete_offer = in_app_context(_complete_offer)


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
    fields = {"csrf_token": csrf_token(page.text), **data}
    if any(isinstance(value, tuple) for value in fields.values()):
        body, content_type = multipart(fields)
        kwargs.pop("content_type", None)
        return client.post(url, data=body, content_type=content_type, **kwargs)
    return client.post(url, data=fields, **kwargs)


def multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it, built in memory.

    Files are `(stream, filename)` tuples. The filename is escaped as browsers escape
    it (a quote, CR and LF become %22, %0D and %0A). Werkzeug's test client would
    spool a large body to a temporary file it never closes.
    """
    values: MultiDict[str, Any] = MultiDict()
    for key, value in fields.items():
        if isinstance(value, tuple):
            stream, filename = value
            escaped = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
            values.add(
                key,
                FileStorage(stream, filename=escaped, content_type="application/octet-stream"),
            )
        elif isinstance(value, list):
            for item in value:
                values.add(key, item)
        else:
            values.add(key, value)
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


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


# --- More accounts, offers and documents -------------------------------------

# The first bytes decide a file's type: these are the smallest files each sniffer accepts.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


@in_app_context
def submitted_offer(account: Account, **overrides: Any) -> Offer:
    """A complete offer, submitted as the web form would (reference, outbox row)."""
    offer = _complete_offer(account, **overrides)
    user = db.session.get(User, account.id)
    assert user is not None
    assert offer_service.submit(offer, user, account.user.full_name)
    return offer


@in_app_context
def document(
    offer: Offer,
    account: Account,
    *,
    content: bytes = PDF_BYTES,
    filename: str = "floor-plan.pdf",
    kind: str = "floor_plan",
) -> Document:
    found = db.session.get(Offer, offer.id)
    user = db.session.get(User, account.id)
    assert found is not None and user is not None
    return documents.upload(found, user, kind, io.BytesIO(content), filename)


@in_app_context
def invitation_token(inviter: Account, email: str) -> str:
    """Invite `email` as `inviter` (into their organisation, or to staff as a
    commissioner when `inviter` is an administrator) and return the link's token."""
    from triage.services import invitations

    user = db.session.get(User, inviter.id)
    assert user is not None
    with current_app.test_request_context():  # the link is an absolute URL
        if user.organisation is not None:
            invitation = invitations.invite_colleague(user, email)
        else:
            invitation = invitations.invite_staff(user, email, Role.COMMISSIONER)
    message = db.session.scalar(
        select(EmailMessage).where(EmailMessage.idempotency_key == f"invitation:{invitation.id}")
    )
    assert message is not None
    return message.body.split("/join/", 1)[1].split()[0]


@in_app_context
def confirm_email(account: Account) -> None:
    """Mark a registered person's address confirmed, as its emailed link does."""
    from triage import clock

    user = db.session.get(User, account.id)
    assert user is not None
    user.email_confirmed_at = clock.now()
    db.session.commit()


@in_app_context
def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


# --- Reading the database back ------------------------------------------------


@in_app_context
def get(model: type[Base], id_: int) -> Any:
    """One row by id, detached; only its columns can be read."""
    return db.session.get(model, id_)


@in_app_context
def rows(model: type[Base], **filters: Any) -> list[Any]:
    return list(db.session.scalars(select(model).filter_by(**filters)))


@in_app_context
def count(model: type[Base], **filters: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters)) or 0


@in_app_context
def offer_state(offer_id: int) -> dict[str, Any]:
    """Every answer an offer holds, with its unit types, cohorts and documents."""
    offer = db.session.get(Offer, offer_id)
    assert offer is not None

    def columns(row: Base) -> dict[str, Any]:
        return {column.key: getattr(row, column.key) for column in row.__table__.columns}

    return {
        "offer": columns(offer),
        "unit_types": [columns(unit) for unit in offer.unit_types],
        "cohorts": sorted(row.cohort for row in offer.cohorts),
        "documents": [columns(doc) for doc in offer.documents],
        "addresses": [columns(row) for row in offer.addresses],
    }


@in_app_context
def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, and the files in UPLOAD_DIR: to prove nothing changed.
    Refusals of access are left out: recording them is the one write a refused
    request makes (tests/web/test_access.py checks them)."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        if table.name == "audit_events":
            query = query.where(table.c.action != "access_refused")
        state[table.name] = [tuple(row) for row in db.session.execute(query)]
    folder = Path(current_app.config["UPLOAD_DIR"])
    state["upload files"] = (
        [(path.name, path.stat().st_size) for path in sorted(folder.glob("*"))]
        if folder.exists()
        else []
    )
    return state


# --- Driving the web pages ----------------------------------------------------


def signed_in_client(app: Flask, account: Account) -> FlaskClient:
    client = app.test_client()
    sign_in(client, account)
    return client


def question_url(offer_id: int, key: str) -> str:
    return f"/offers/{offer_id}/questions/{key}"


def answer(client: FlaskClient, offer_id: int, key: str, data: dict[str, Any]) -> TestResponse:
    """Fill in one question page of the offer form and press "Save and continue"."""
    return submit_form(client, question_url(offer_id, key), data)


def sign_out(client: FlaskClient) -> TestResponse:
    """Press "Sign out", as the header's form does."""
    return submit_form(client, "/sign-out", {}, form_url="/organisation")


def upload(
    client: FlaskClient,
    offer_id: int,
    content: bytes,
    filename: str = "floor-plan.pdf",
    kind: str = "floor_plan",
) -> TestResponse:
    return submit_form(
        client,
        f"/offers/{offer_id}/documents",
        {"kind": kind, "file": (io.BytesIO(content), filename)},
    )


def heading(response: TestResponse) -> str:
    h1 = soup(response).find("h1")
    assert h1 is not None, f"no <h1> on the page ({response.status_code})"
    return h1.get_text(" ", strip=True)


def text(response: TestResponse) -> str:
    """What a person reads on the page: its text, whitespace collapsed."""
    return " ".join(soup(response).get_text(" ").split())


def error_messages(response: TestResponse) -> list[str]:
    """The inline messages beside fields, without the hidden "Error:" prefix."""
    messages = []
    for item in soup(response).select(".govuk-error-message"):
        for hidden in item.select(".govuk-visually-hidden"):
            hidden.decompose()
        messages.append(item.get_text(" ", strip=True))
    return messages


def form_values(response: TestResponse) -> dict[str, list[str]]:
    """What each field of the page's forms shows: typed text, or the options ticked."""
    values: dict[str, list[str]] = {}
    for field in soup(response).select("input[name], textarea[name]"):
        assert isinstance(field, Tag)
        name = str(field["name"])
        if name == "csrf_token" or field.get("type") in ("submit", "file"):
            continue
        if field.name == "textarea":
            value = field.get_text()
        elif field.get("type") in ("radio", "checkbox"):
            if not field.has_attr("checked"):
                values.setdefault(name, [])
                continue
            value = str(field.get("value", ""))
        else:
            value = str(field.get("value", ""))
        values.setdefault(name, []).append(value)
    return values


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(current_session_cookie_name(client))
    assert cookie is not None, "no session cookie"
    return cookie.value


def current_session_cookie_name(client: FlaskClient) -> str:
    return str(client.application.config["SESSION_COOKIE_NAME"])


def fetch(client: FlaskClient, url: str, **kwargs: Any) -> TestResponse:
    """GET, reading the whole body and closing it: a file download holds its file open
    until the response is closed."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response
