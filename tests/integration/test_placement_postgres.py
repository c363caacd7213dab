"""Placement on PostgreSQL: two officers nominating different people for a home's
last place at the same moment get one nomination, never two."""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from tests import factories
from tests.placement.helpers import vacant_home, waiting_person
from triage import clock, db
from triage.models import Nomination, PlacementUnit, User, WaitingPerson
from triage.services.placement import nominations
from triage.services.policy import policy_in_force

pytestmark = pytest.mark.integration


def test_two_officers_cannot_both_take_the_last_place(app: Flask) -> None:
    officers = [factories.staff("placement_officer") for _ in range(2)]
    with app.app_context():
        home = vacant_home("VAC-00001")
        db.session.add_all([home, waiting_person("P-0001"), waiting_person("P-0002")])
        db.session.commit()
        home_id = home.id

    start = threading.Barrier(2)
    outcomes: list[str] = []

    def nominate(officer: factories.Account, reference: str) -> None:
        with app.app_context():
            unit = db.session.get(PlacementUnit, home_id)
            person = db.session.query(WaitingPerson).filter_by(reference=reference).one()
            actor = db.session.get(User, officer.id)
            policy = policy_in_force()
            start.wait()
            try:
                nominations.nominate(unit, person, actor, policy, clock.today_uk())
                outcomes.append("nominated")
            except nominations.NominationRefused as refused:
                # nominate owns its transaction: a refusal is already rolled back.
                outcomes.append(str(refused))

    threads = [
        threading.Thread(target=nominate, args=(officer, reference))
        for officer, reference in zip(officers, ["P-0001", "P-0002"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This home has no free place.", "nominated"]
    assert len(factories.rows(Nomination, unit_id=home_id)) == 1
