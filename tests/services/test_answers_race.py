"""Answers are frozen at submission (issue #16), with real concurrency on SQLite:
a question page's save and the declaration run at the same moment, in two
threads, many times. Whichever wins, a submitted offer keeps the answers it was
submitted with: the save either landed before (and the submission, made on the
version before it, was refused) or was refused."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from tests import factories
from triage import db
from triage.models import Offer, User
from triage.models.offers import OfferStatus
from triage.services import offers

TRIALS = 20


def _race(app: Flask, offer_id: int, user_id: int) -> dict[str, Any]:
    both_loaded = threading.Barrier(2, timeout=10)
    outcome: dict[str, Any] = {}

    def save() -> None:
        with app.app_context():
            draft = db.session.get(Offer, offer_id)
            assert draft is not None
            both_loaded.wait()
            try:
                offers.save_answers(draft, lambda offer: setattr(offer, "name", "Changed"))
                outcome["saved"] = True
            except (offers.NotADraft, offers.DraftChanged):
                outcome["saved"] = False

    def declare() -> None:
        with app.app_context():
            draft = db.session.get(Offer, offer_id)
            user = db.session.get(User, user_id)
            assert draft is not None and user is not None
            both_loaded.wait()
            outcome["submitted"] = offers.submit(draft, user, "Sam Submitter")

    threads = [threading.Thread(target=save), threading.Thread(target=declare)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def test_a_save_racing_the_declaration_never_changes_a_submitted_offer(
    app: Flask, submitter: factories.Account
) -> None:
    seen = set()
    for _ in range(TRIALS):
        offer = factories.complete_offer(submitter)
        outcome = _race(app, offer.id, submitter.id)
        stored = factories.get(Offer, offer.id)
        if stored.status == OfferStatus.SUBMITTED:
            assert stored.name == "Hamelin Court", outcome
            assert outcome == {"saved": False, "submitted": True}
        else:
            # The save won: the declaration, made on the answers before it, was refused.
            assert (stored.status, stored.name) == (OfferStatus.DRAFT, "Changed"), outcome
            assert outcome == {"saved": True, "submitted": False}
        seen.add(stored.status)
    assert seen  # at least one trial ran to an end
