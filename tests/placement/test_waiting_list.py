"""The waiting list: importing (previewed, all or nothing, no duplicates), adding
and editing, the download, and what the audit log keeps (never the content)."""

from __future__ import annotations

import csv
import io
import logging

import pytest

from tests import factories
from tests.factories import error_summary, soup, text
from tests.placement.helpers import import_list, row, upload_list, waiting_list_csv
from triage.models import AuditEvent, WaitingListImport, WaitingPerson
from triage.services.audit import AuditAction

INJECTION = '=HYPERLINK("http://example.com/steal","click me")'


@pytest.fixture
def officer_client(app, placement_officer):
    return factories.signed_in_client(app, placement_officer)


def references() -> list[str]:
    return sorted(person.reference for person in factories.rows(WaitingPerson))


def test_an_import_is_previewed_and_saves_nothing_until_confirmed(officer_client):
    data = waiting_list_csv(row("P-0001"), row("P-0002", priority="urgent"))
    preview = upload_list(officer_client, data)
    assert preview.status_code == 302
    page = officer_client.get(preview.location)
    assert "add 2 people" in text(page)
    assert references() == []
    confirmed = import_list(officer_client, data)
    assert confirmed.status_code == 302
    assert references() == ["P-0001", "P-0002"]
    stored = factories.rows(WaitingListImport)
    assert [item.content for item in stored] == [None], "the uploaded file is kept after import"


def test_importing_the_same_file_again_adds_nobody_and_a_changed_row_updates(officer_client):
    data = waiting_list_csv(row("P-0001"), row("P-0002"))
    import_list(officer_client, data)
    import_list(officer_client, data)
    assert references() == ["P-0001", "P-0002"]
    changed = waiting_list_csv(row("P-0001", priority="urgent"), row("P-0002"))
    preview = upload_list(officer_client, changed)
    page = officer_client.get(preview.location)
    assert "add 0 people" in text(page)
    assert "update 1 person" in text(page)
    import_list(officer_client, changed)
    (first,) = factories.rows(WaitingPerson, reference="P-0001")
    assert first.priority == "urgent"
    assert len(factories.rows(WaitingPerson)) == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"person_reference,cohort\r\nP-1,mental_health_step_down\r\n", "date_referred"),
        (waiting_list_csv(row("P-0001", cohort="no_such_cohort")), "no_such_cohort"),
        (waiting_list_csv(row("P-0001", date_referred="31/02/2024")), "date_referred"),
        (waiting_list_csv(row("P-0001"), row("P-0001")), "P-0001"),
        (waiting_list_csv(row(INJECTION)), "person_reference"),
    ],
    ids=["missing-columns", "unknown-cohort", "bad-date", "duplicate", "formula"],
)
def test_a_bad_file_gets_a_report_by_row_and_column_and_changes_nothing(
    officer_client, data, expected
):
    import_list(officer_client, waiting_list_csv(row("P-0009")))
    before = factories.database_state()
    page = upload_list(officer_client, data)
    assert page.status_code == 200
    assert error_summary(page), "no error summary"
    problems = soup(page).find(id="problems")
    assert problems is not None, "the problems are not listed"
    table = problems.find_next("table")
    assert table is not None and expected in table.get_text()
    assert factories.database_state() == before


def test_a_file_that_is_not_a_csv_is_refused_in_the_error_summary(officer_client):
    before = factories.database_state()
    page = upload_list(officer_client, bytes(range(256)) * 200)
    assert page.status_code == 200
    assert error_summary(page) == ["The file is not a CSV file. Save the list as CSV (UTF-8)"]
    assert factories.database_state() == before


def test_a_file_too_large_is_refused_on_the_form(officer_client):
    """60MB chosen by mistake: the import page says so in its error summary."""
    before = factories.database_state()
    junk = b"x," * (30 * 1024 * 1024)
    page = upload_list(officer_client, junk)
    assert page.status_code == 200
    assert "The selected file must be 5 MB or smaller" in error_summary(page)
    assert factories.database_state() == before


def test_the_download_neutralises_a_formula_typed_in_notes(officer_client):
    import_list(officer_client, waiting_list_csv(row("P-0001", sharing_notes=INJECTION)))
    response = officer_client.get("/placement/people.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["sharing_notes"] == "'" + INJECTION


def test_views_and_changes_are_audited_by_id_without_content(app, officer_client, caplog):
    caplog.set_level(logging.DEBUG)
    import_list(officer_client, waiting_list_csv(row("P-0001", sharing_notes="Quiet, likes music")))
    (person,) = factories.rows(WaitingPerson)
    page = officer_client.get(f"/placement/people/{person.id}")
    assert page.status_code == 200
    assert "Quiet, likes music" in page.text
    events = factories.rows(AuditEvent, person_id=person.id)
    assert [event.action for event in events] == [
        AuditAction.PERSON_ADDED,
        AuditAction.PERSON_VIEWED,
    ]
    for event in factories.rows(AuditEvent):
        assert "Quiet" not in (event.detail or "")
        assert "P-0001" not in (event.detail or "")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Quiet" not in logged and "P-0001" not in logged


def test_pages_are_not_cached(officer_client):
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    (person,) = factories.rows(WaitingPerson)
    for url in ["/placement/", "/placement/people", f"/placement/people/{person.id}"]:
        response = officer_client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url


def test_adding_a_person_by_hand_and_bad_input(officer_client):
    form = {
        "reference": "P-0100",
        "cohort": "mental_health_step_down",
        "referred_on": ["3", "2", "2025"],
        "priority": "medium",
        "support_needed": "floating",
        "self_contained_required": "no",
        "wheelchair_user": "yes",
        "level_access_needed": "yes",
        "age_band": "25-34",
        "preferred_areas": "le2, LE3",
        "excluded_areas": "",
        "sharing_notes": "",
    }
    bad = factories.submit_form(
        officer_client,
        "/placement/people/new",
        {**form, "reference": "Jane Smith", "preferred_areas": "Leicester"},
    )
    assert bad.status_code == 200
    messages = error_summary(bad)
    assert any("Person reference must be" in message for message in messages)
    assert any("Preferred areas must be postcode districts" in message for message in messages)
    assert references() == []
    added = factories.submit_form(officer_client, "/placement/people/new", form)
    assert added.status_code == 302
    (person,) = factories.rows(WaitingPerson)
    assert person.preferred_areas == "LE2 LE3"
    again = factories.submit_form(officer_client, "/placement/people/new", form)
    assert "already on the waiting list" in " ".join(error_summary(again))


def test_an_edit_made_on_an_old_page_is_refused(officer_client):
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    (person,) = factories.rows(WaitingPerson)
    url = f"/placement/people/{person.id}/edit"
    old_page = officer_client.get(url)
    fields = factories.form_values(old_page)
    data = {
        key: values if len(values) > 1 else values[0] for key, values in fields.items() if values
    }
    data.update(csrf_token=factories.csrf_token(old_page.text), cohort=person.cohort)
    first = officer_client.post(url, data={**data, "priority": "urgent"})
    assert first.status_code == 302
    second = officer_client.post(url, data={**data, "priority": "low"})
    assert second.status_code == 200
    assert "changed since you opened it" in text(second)
    assert factories.get(WaitingPerson, person.id).priority == "urgent"


def test_an_edit_that_loses_a_race_saves_nothing(app, placement_officer, officer_client):
    """Another officer's change lands between loading the record and saving this
    edit: the version in the UPDATE no longer matches, so nothing is saved."""
    from dataclasses import replace

    from sqlalchemy import update

    from rules.matching.people import Priority
    from triage import db
    from triage.models import User
    from triage.models.placement import PersonStatus
    from triage.services.placement import waiting_list

    import_list(officer_client, waiting_list_csv(row("P-0001")))
    (person,) = factories.rows(WaitingPerson)
    with app.app_context():
        officer = db.session.get(User, placement_officer.id)
        stored = db.session.get(WaitingPerson, person.id)
        seen = stored.version
        db.session.execute(
            update(WaitingPerson)
            .where(WaitingPerson.id == stored.id)
            .values(version=seen + 1)
            .execution_options(synchronize_session=False)
        )
        edited = replace(stored.as_person(), priority=Priority.URGENT)
        with pytest.raises(waiting_list.PersonChanged):
            waiting_list.change(stored, edited, officer, PersonStatus.WAITING, seen_version=seen)
    assert factories.get(WaitingPerson, person.id).priority == "high"
    assert factories.rows(AuditEvent, action=AuditAction.PERSON_CHANGED) == []


def test_an_upload_never_confirmed_is_deleted_after_a_day(app, officer_client):
    from datetime import timedelta

    from triage import clock, db
    from workers import tasks

    upload_list(officer_client, waiting_list_csv(row("P-0001")))
    (pending,) = factories.rows(WaitingListImport)
    with app.app_context():
        assert tasks.purge_abandoned_imports() == 0
        stored = db.session.get(WaitingListImport, pending.id)
        stored.uploaded_at = clock.now() - timedelta(hours=25)
        db.session.commit()
        assert tasks.purge_abandoned_imports() == 1
        assert tasks.purge_abandoned_imports() == 0
    assert factories.rows(WaitingListImport) == []
    assert references() == []
