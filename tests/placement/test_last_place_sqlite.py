"""Placement on SQLite (the default database): two officers nominating different
people for a home's last place at the same moment get one nomination, never two.
`SELECT ... FOR UPDATE` does nothing on SQLite, so the nomination takes the
database's write lock before it counts the places taken (issue 16)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from tests import factories
from tests.placement.helpers import vacant_home, waiting_person
from triage import clock, db
from triage.models import Nomination, PlacementUnit, User, WaitingPerson
from triage.models.placement import (
    OPEN_NOMINATION_STATUSES,
    NominationStatus,
)
from triage.services.placement import nominations
from triage.services.policy import policy_in_force

ROUNDS = 5


def _home_with_one_place(app: Flask, round_number: int) -> tuple[int, list[str]]:
    """A one-place home and two people waiting who both fit it."""
    references = [f"P-{round_number}01", f"P-{round_number}02"]
    with app.app_context():
        home = vacant_home(f"VAC-{round_number:05d}")
        db.session.add_all([home, *(waiting_person(reference) for reference in references)])
        db.session.commit()
        return home.id, references


def _race(app: Flask, home_id: int, references: list[str]) -> list[str]:
    """Two officers, each in a thread with its own app context (and so its own
    session and connection), nominate a different person for the home at once."""
    officers = [factories.staff("placement_officer") for _ in references]
    start = threading.Barrier(len(references))
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def nominate(officer: factories.Account, reference: str) -> None:
        try:
            with app.app_context():
                # What the view loads before it calls the service.
                unit = db.session.get(PlacementUnit, home_id)
                person = db.session.query(WaitingPerson).filter_by(reference=reference).one()
                actor = db.session.get(User, officer.id)
                policy = policy_in_force()
                assert unit is not None and actor is not None
                start.wait(timeout=30)
                try:
                    nominations.nominate(unit, person, actor, policy, clock.today_uk())
                    outcomes.append("nominated")
                except nominations.NominationRefused as refused:
                    # nominate owns its transaction: a refusal is already rolled back.
                    outcomes.append(str(refused))
        except BaseException as error:  # anything else (a 500 on the page) fails the test
            failures.append(error)

    threads = [
        threading.Thread(target=nominate, args=(officer, reference))
        for officer, reference in zip(officers, references, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a nomination never finished"
    assert not failures, failures
    return outcomes


def test_two_officers_cannot_both_take_the_last_place_on_sqlite(app: Flask) -> None:
    assert app.config["DATABASE_URL"].startswith("sqlite")
    for round_number in range(1, ROUNDS + 1):
        home_id, references = _home_with_one_place(app, round_number)
        outcomes = _race(app, home_id, references)
        assert sorted(outcomes) == ["This home has no free place.", "nominated"], (
            f"round {round_number}: {outcomes}"
        )
        with app.app_context():
            open_nominations = [
                item
                for item in factories.rows(Nomination, unit_id=home_id)
                if item.status in OPEN_NOMINATION_STATUSES
            ]
        assert len(open_nominations) == 1, f"round {round_number}: the place was given twice"


def test_one_person_cannot_move_into_two_homes_at_once_on_sqlite(app: Flask) -> None:
    officers = [factories.staff("placement_officer") for _ in range(2)]
    with app.app_context():
        homes = [vacant_home("VAC-00101"), vacant_home("VAC-00102")]
        person = waiting_person("P-0101")
        db.session.add_all([*homes, person])
        db.session.commit()
        home_ids = [home.id for home in homes]
        for home in homes:
            nominations.nominate(
                home,
                person,
                db.session.get(User, officers[0].id),
                policy_in_force(),
                clock.today_uk(),
            )
        nomination_ids = [item.id for item in factories.rows(Nomination, person_id=person.id)]
    assert len(nomination_ids) == 2

    start = threading.Barrier(2)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def move_in(officer: factories.Account, nomination_id: int) -> None:
        try:
            with app.app_context():
                nomination = db.session.get(Nomination, nomination_id)
                actor = db.session.get(User, officer.id)
                assert nomination is not None and actor is not None
                seen = nomination.status
                start.wait(timeout=30)
                try:
                    nominations.record_outcome(
                        nomination, NominationStatus.MOVED_IN, actor, seen_status=seen
                    )
                    outcomes.append("moved in")
                except nominations.NominationRefused:
                    outcomes.append("refused")
        except BaseException as error:
            failures.append(error)

    threads = [
        threading.Thread(target=move_in, args=(officer, nomination_id))
        for officer, nomination_id in zip(officers, nomination_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert sorted(outcomes) == ["moved in", "refused"]
    with app.app_context():
        statuses = sorted(
            item.status
            for home_id in home_ids
            for item in factories.rows(Nomination, unit_id=home_id)
        )
    assert statuses == [NominationStatus.CLOSED, NominationStatus.MOVED_IN]


def test_a_lock_not_had_in_time_is_a_refusal_not_an_error(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_id, references = _home_with_one_place(app, 9)
    officer = factories.staff("placement_officer")

    def busy(*_args: object) -> None:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(db, "lock_rows", busy)
    with app.app_context():
        unit = db.session.get(PlacementUnit, home_id)
        person = db.session.query(WaitingPerson).filter_by(reference=references[0]).one()
        actor = db.session.get(User, officer.id)
        assert unit is not None and actor is not None
        with pytest.raises(nominations.NominationRefused, match="at the same moment"):
            nominations.nominate(unit, person, actor, policy_in_force(), clock.today_uk())
        assert factories.rows(Nomination, unit_id=home_id) == []
