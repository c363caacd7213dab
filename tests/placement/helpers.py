"""Building blocks for the placement tests: a waiting person and a vacant home
(unsaved rows), a waiting-list file, an approved offer with its homes, and the
pages' forms."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.factories import csrf_token
from triage import db
from triage.models import Offer, PlacementUnit, User, WaitingPerson
from triage.models.placement import PersonStatus, UnitSource
from triage.services import decisions


def waiting_person(reference: str, **overrides: Any) -> WaitingPerson:
    """A person waiting in the step-down cohort who fits `vacant_home`."""
    values: dict[str, Any] = {
        "reference": reference,
        "cohort": "mental_health_step_down",
        "referred_on": date(2025, 1, 1),
        "priority": "high",
        "support_needed": "regular_on_site",
        "self_contained_required": True,
        "wheelchair_user": False,
        "level_access_needed": False,
        "age_band": "35-49",
        "status": PersonStatus.WAITING,
    }
    return WaitingPerson(**(values | overrides))


def vacant_home(reference: str, **overrides: Any) -> PlacementUnit:
    """A registered vacancy with one place, in a core-and-cluster scheme."""
    values: dict[str, Any] = {
        "reference": reference,
        "source": UnitSource.REGISTERED_VACANCY,
        "scheme": "Ashfield Court",
        "cohorts": "mental_health_step_down",
        "configuration": "core_and_cluster",
        "postcode_district": "LE3",
        "support_model": "on_site_24_7",
        "self_contained": True,
        "wheelchair_accessible": False,
        "level_access": False,
        "places": 1,
    }
    return PlacementUnit(**(values | overrides))


HEADER = (
    "person_reference,cohort,date_referred,priority,support_needed,self_contained_required,"
    "wheelchair_user,level_access_needed,age_band,preferred_areas,excluded_areas,sharing_notes"
)


def row(reference: str, **overrides: str) -> str:
    values = {
        "person_reference": reference,
        "cohort": "mental_health_step_down",
        "date_referred": "2025-01-15",
        "priority": "high",
        "support_needed": "regular_on_site",
        "self_contained_required": "yes",
        "wheelchair_user": "no",
        "level_access_needed": "no",
        "age_band": "35-49",
        "preferred_areas": "LE1",
        "excluded_areas": "",
        "sharing_notes": "",
    }
    values.update(overrides)
    return ",".join(_quoted(values[name]) for name in HEADER.split(","))


def _quoted(value: str) -> str:
    if any(mark in value for mark in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def waiting_list_csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def upload_list(client: FlaskClient, data: bytes, filename: str = "list.csv") -> Any:
    return factories.submit_form(
        client, "/placement/import", {"waiting_list": (io.BytesIO(data), filename)}
    )


def post_page_form(client: FlaskClient, page_url: str, action: str, data: dict[str, Any]) -> Any:
    """Post the form on `page_url` whose action is `action`, as a browser would."""
    page = client.get(page_url)
    assert page.status_code == 200, f"{page_url} gave {page.status_code}"
    form = BeautifulSoup(page.text, "html.parser").find("form", action=action)
    assert form is not None, f"no form for {action} on {page_url}"
    return client.post(action, data={"csrf_token": csrf_token(str(form)), **data})


def import_list(client: FlaskClient, data: bytes) -> Any:
    """Upload and confirm a clean file; returns the confirmation's response."""
    preview = upload_list(client, data)
    assert preview.status_code == 302, "the file was refused"
    return post_page_form(client, preview.location, preview.location, {})


def approved_offer(app: Flask, submitter: factories.Account, **overrides: Any) -> int:
    """An offer approved in principle through the workflow, so its homes are referred."""
    commissioner = factories.staff("commissioner")
    offer = factories.submitted_offer(submitter, **overrides)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        actor = db.session.get(User, commissioner.id)
        decisions.assign(stored, actor, actor, seen_version=stored.version)
        decisions.approve(stored, actor, seen_version=stored.version, reasons="Meets need.")
        return stored.id


def unit_ids(offer_id: int) -> list[int]:
    return [unit.id for unit in factories.rows(PlacementUnit, offer_id=offer_id)]
