"""The retention job: departed people's records reduced, closed offers' documents
deleted, each once, with an audit event that counts and never names."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests import factories
from tests.placement.helpers import vacant_home, waiting_person
from triage import clock, db
from triage.models import (
    AuditEvent,
    Document,
    Nomination,
    Offer,
    PlacementUnit,
    SharingPair,
    User,
    WaitingPerson,
)
from triage.models.placement import NominationStatus, PersonStatus
from triage.services import decisions, retention
from triage.services import offers as offer_service
from triage.services.audit import AuditAction
from triage.workflow import DeclineConcern
from workers import tasks

LONG_AGO = timedelta(days=800)
LATELY = timedelta(days=30)


@pytest.fixture
def officer(app: Flask) -> factories.Account:
    return factories.staff("placement_officer")


def _person(reference: str, status: PersonStatus, changed: timedelta) -> int:
    at = clock.now() - changed
    row = waiting_person(
        reference,
        referred_on=date(2024, 1, 15),
        wheelchair_user=True,
        level_access_needed=True,
        preferred_areas="LE1 LE2",
        excluded_areas="LE4",
        sharing_notes="Anxious in crowds; sees Dr Example weekly",
        unavailable_until=date(2024, 6, 1),
        status=status,
        created_at=at,
        updated_at=at,
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def _unit() -> PlacementUnit:
    unit = vacant_home("VAC-RET-1", places=2)
    db.session.add(unit)
    db.session.flush()
    return unit


def _people(app: Flask, officer: factories.Account) -> dict[str, int]:
    with app.app_context():
        ids = {
            "old_housed": _person("RET-OLD-IN", PersonStatus.MOVED_IN, LONG_AGO),
            "old_left": _person("RET-OLD-OUT", PersonStatus.REMOVED, LONG_AGO),
            "recent_left": _person("RET-NEW-OUT", PersonStatus.REMOVED, LATELY),
            "old_waiting": _person("RET-WAIT", PersonStatus.WAITING, LONG_AGO),
        }
        unit = _unit()
        db.session.add_all(
            [
                Nomination(
                    unit_id=unit.id,
                    person_id=ids["old_left"],
                    status=NominationStatus.DECLINED,
                    shortlist={},
                    decline_reason="Said the stairs were too much after the operation",
                    nominated_by_id=officer.id,
                ),
                Nomination(
                    unit_id=unit.id,
                    person_id=ids["old_housed"],
                    status=NominationStatus.MOVED_IN,
                    shortlist={},
                    nominated_by_id=officer.id,
                    moved_in_on=date(2024, 3, 1),
                ),
                SharingPair(
                    first_id=ids["old_housed"],
                    second_id=ids["old_waiting"],
                    recorded_by_id=officer.id,
                ),
                SharingPair(
                    first_id=ids["recent_left"],
                    second_id=ids["old_waiting"],
                    recorded_by_id=officer.id,
                ),
            ]
        )
        db.session.commit()
    return ids


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _retention_events() -> list[AuditEvent]:
    return factories.rows(AuditEvent, action=AuditAction.RETENTION_APPLIED.value)


def test_people_who_left_long_ago_are_reduced_to_what_statistics_need(app, officer):
    ids = _people(app, officer)
    untouched = {
        key: _columns(factories.get(WaitingPerson, ids[key]))
        for key in ("recent_left", "old_waiting")
    }

    with app.app_context():
        assert retention.reduce_departed_people() == 2

    for key, status in (("old_housed", "moved_in"), ("old_left", "removed")):
        person = factories.get(WaitingPerson, ids[key])
        assert person.sharing_notes == ""
        assert person.preferred_areas == "" and person.excluded_areas == ""
        assert person.unavailable_until is None
        assert not (
            person.wheelchair_user or person.level_access_needed or person.self_contained_required
        )
        assert person.reduced_at is not None
        # What statistics need stays.
        assert person.reference.startswith("RET-OLD")
        assert person.cohort == "mental_health_step_down"
        assert person.referred_on == date(2024, 1, 15)
        assert person.status == status
        assert person.age_band == "35-49"
        # Still a valid record.
        with app.app_context():
            assert db.session.get(WaitingPerson, ids[key]).as_person().sharing_notes == ""
    for key, before in untouched.items():
        assert _columns(factories.get(WaitingPerson, ids[key])) == before

    # Nominations keep their outcomes; the words written about the person go.
    nominations = {row.person_id: row for row in factories.rows(Nomination)}
    assert nominations[ids["old_left"]].status == NominationStatus.DECLINED
    assert nominations[ids["old_left"]].decline_reason is None
    assert nominations[ids["old_housed"]].status == NominationStatus.MOVED_IN
    assert nominations[ids["old_housed"]].moved_in_on == date(2024, 3, 1)
    # Who the reduced person might share with goes; other people's pairs stay.
    pairs = {(row.first_id, row.second_id) for row in factories.rows(SharingPair)}
    assert pairs == {(ids["recent_left"], ids["old_waiting"])}

    (event,) = _retention_events()
    assert event.actor_id is None and event.person_id is None
    assert event.detail == "2 waiting-list records reduced, 1 sharing records removed"
    assert "RET-" not in event.detail


def test_reducing_twice_changes_nothing_more(app, officer):
    ids = _people(app, officer)
    with app.app_context():
        assert retention.reduce_departed_people() == 2
    after_first = factories.database_state()

    with app.app_context():
        assert retention.reduce_departed_people() == 0
    assert factories.database_state() == after_first

    # Later, only the one who left since is reduced: the others are not chosen again.
    later = clock.now() + LONG_AGO
    with app.app_context():
        assert retention.reduce_departed_people(now=later) == 1
    assert factories.get(WaitingPerson, ids["recent_left"]).reduced_at == later
    after_later = factories.database_state()
    with app.app_context():
        assert retention.reduce_departed_people(now=later) == 0
    assert factories.database_state() == after_later
    assert len(_retention_events()) == 2


def test_a_reduced_record_filled_in_again_is_reduced_again_after_the_period(app, officer):
    ids = _people(app, officer)
    with app.app_context():
        assert retention.reduce_departed_people() == 2
        # As a re-import of an old file would: the notes come back.
        person = db.session.get(WaitingPerson, ids["old_left"])
        person.sharing_notes = "Back from an old file"
        db.session.commit()
        assert retention.reduce_departed_people() == 0
        assert retention.reduce_departed_people(now=clock.now() + LONG_AGO) == 2
    assert factories.get(WaitingPerson, ids["old_left"]).sharing_notes == ""


def test_the_period_comes_from_configuration(app, officer):
    ids = _people(app, officer)
    app.config["RETENTION_DAYS"] = 10
    with app.app_context():
        assert retention.reduce_departed_people() == 3
    assert factories.get(WaitingPerson, ids["old_waiting"]).reduced_at is None


def test_nothing_to_do_records_nothing(app):
    with app.app_context():
        assert retention.apply_retention() == (0, 0)
    assert _retention_events() == []


# Documents ---------------------------------------------------------------------


def _backdate(app: Flask, offer_id: int, **columns: datetime) -> None:
    with app.app_context():
        db.session.execute(update(Offer).where(Offer.id == offer_id).values(**columns))
        db.session.commit()


def _withdrawn_offer(app: Flask, submitter: factories.Account) -> int:
    offer = factories.complete_offer(submitter)
    factories.document(offer, submitter)
    factories.document(offer, submitter, content=factories.PNG_BYTES, filename="photo.png")
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        user = db.session.get(User, submitter.id)
        assert offer_service.submit(stored, user, "Sam Submitter")
        assert offer_service.withdraw(stored, user)
    return offer.id


def _declined_offer_with_an_answer(app: Flask, submitter: factories.Account) -> int:
    commissioner = factories.staff("commissioner")
    offer = factories.complete_offer(submitter)
    factories.document(offer, submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        user = db.session.get(User, submitter.id)
        officer = db.session.get(User, commissioner.id)
        assert offer_service.submit(stored, user, "Sam Submitter")
        decisions.assign(stored, officer, officer, seen_version=stored.version)
        decisions.request_information(
            stored, officer, seen_version=stored.version, question="Is there a lift?"
        )
        decisions.respond(
            stored,
            user,
            seen_version=stored.version,
            answer="Yes: see the plan.",
            attachment=(io.BytesIO(factories.PDF_BYTES), "lift.pdf"),
        )
        decisions.decline(
            stored,
            officer,
            seen_version=stored.version,
            concern=DeclineConcern.RENT,
            reasons="The rent is too high.",
        )
    return offer.id


def _files(offer_id: int) -> list[str]:
    return [row.stored_name for row in factories.rows(Document, offer_id=offer_id)]


def test_documents_of_offers_closed_long_ago_are_deleted_with_their_files(app, submitter):
    old_withdrawn = _withdrawn_offer(app, submitter)
    _backdate(app, old_withdrawn, withdrawn_at=clock.now() - LONG_AGO)
    recent_withdrawn = _withdrawn_offer(app, submitter)
    old_declined = _declined_offer_with_an_answer(app, submitter)
    _backdate(app, old_declined, decided_at=clock.now() - LONG_AGO)
    kinds = {row.kind for row in factories.rows(Document, offer_id=old_declined)}
    assert kinds == {"floor_plan", "answer"}
    old_draft = factories.complete_offer(submitter)
    factories.document(old_draft, submitter)
    _backdate(app, old_draft.id, created_at=clock.now() - LONG_AGO)
    open_offer = factories.complete_offer(submitter)
    factories.document(open_offer, submitter)
    with app.app_context():
        stored = db.session.get(Offer, open_offer.id)
        user = db.session.get(User, submitter.id)
        assert offer_service.submit(stored, user, "Sam Submitter")
    _backdate(app, open_offer.id, submitted_at=clock.now() - LONG_AGO)

    folder = factories.upload_dir()
    gone = _files(old_withdrawn) + _files(old_declined)
    kept = {
        offer_id: _files(offer_id) for offer_id in (recent_withdrawn, old_draft.id, open_offer.id)
    }
    assert len(gone) == 4 and all((folder / name).exists() for name in gone)

    with app.app_context():
        assert retention.remove_closed_offers_documents() == 4

    assert _files(old_withdrawn) == [] and _files(old_declined) == []
    assert not any((folder / name).exists() for name in gone)
    for offer_id, names in kept.items():
        assert _files(offer_id) == names and len(names) >= 1
        assert all((folder / name).exists() for name in names)
    # The offers themselves stay, as they were.
    assert factories.get(Offer, old_withdrawn).status == "withdrawn"
    assert factories.get(Offer, old_declined).status == "declined"

    (event,) = _retention_events()
    assert event.detail == "4 documents of 2 withdrawn or declined offers deleted"

    # Twice is once.
    before = factories.database_state()
    with app.app_context():
        assert retention.remove_closed_offers_documents() == 0
    assert factories.database_state() == before


def test_a_failed_run_keeps_every_file(app, submitter, monkeypatch):
    offer_id = _withdrawn_offer(app, submitter)
    _backdate(app, offer_id, withdrawn_at=clock.now() - LONG_AGO)
    names = _files(offer_id)

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(retention, "record", refuse)
    with app.app_context(), pytest.raises(RuntimeError):
        retention.remove_closed_offers_documents()

    assert _files(offer_id) == names
    assert all((factories.upload_dir() / name).exists() for name in names)


def test_the_daily_task_applies_both(app, officer, submitter):
    _people(app, officer)
    offer_id = _withdrawn_offer(app, submitter)
    _backdate(app, offer_id, withdrawn_at=clock.now() - LONG_AGO)
    with app.app_context():
        assert tasks.apply_retention() == (2, 2)
        assert tasks.apply_retention() == (0, 0)
        actions = db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == AuditAction.RETENTION_APPLIED.value
            )
        ).all()
    assert len(actions) == 2


def test_a_reduced_record_is_neither_edited_nor_filled_in_by_an_import(app, officer):
    from tests.placement.helpers import import_list, row, waiting_list_csv

    ids = _people(app, officer)
    with app.app_context():
        assert retention.reduce_departed_people() == 2
    reduced = factories.get(WaitingPerson, ids["old_left"])
    before = _columns(reduced)
    client = factories.signed_in_client(app, officer)

    # An old file that still lists the person changes nothing of theirs.
    done = import_list(
        client,
        waiting_list_csv(row(reduced.reference, sharing_notes="Back from an old file")),
    )
    assert done.status_code == 302
    assert _columns(factories.get(WaitingPerson, ids["old_left"])) == before

    # Nor can the team put them back on the list by hand.
    page = f"/placement/people/{ids['old_left']}/edit"
    shown = client.get(page)
    data: dict[str, Any] = dict(factories.form_values(shown))
    data["csrf_token"] = factories.csrf_token(shown.text)
    data["status"] = "waiting"
    response = client.post(page, data=data)
    assert "reduced under the retention policy" in " ".join(factories.error_summary(response))
    assert _columns(factories.get(WaitingPerson, ids["old_left"])) == before


def test_reduced_records_are_marked_on_the_list_and_left_out_of_the_download(app, officer):
    ids = _people(app, officer)
    with app.app_context():
        assert retention.reduce_departed_people() == 2
    client = factories.signed_in_client(app, officer)
    listed = factories.text(client.get("/placement/people?status=removed"))
    assert "RET-OLD-OUT" in listed and "Record reduced" in listed
    download = client.get("/placement/people.csv").get_data(as_text=True)
    assert factories.get(WaitingPerson, ids["old_left"]).reference not in download
    assert factories.get(WaitingPerson, ids["recent_left"]).reference in download
