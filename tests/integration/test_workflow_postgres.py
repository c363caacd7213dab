"""The workflow on PostgreSQL, which enforces column lengths that SQLite ignores."""

from __future__ import annotations

import pytest
from flask import Flask

from tests import factories
from triage import db
from triage.models import Offer, User
from triage.models.offers import OfferStatus
from triage.services import decisions

pytestmark = pytest.mark.integration


def test_every_status_fits_its_column(app: Flask, submitter: factories.Account) -> None:
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        for status in OfferStatus:
            db.session.get(Offer, offer.id).status = status
            db.session.commit()
            db.session.expire_all()
            assert db.session.get(Offer, offer.id).status == status


def test_asking_for_information_and_answering_on_postgresql(
    app: Flask, submitter: factories.Account
) -> None:
    offer = factories.submitted_offer(submitter)
    officer = factories.staff("commissioner")
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        actor = db.session.get(User, officer.id)
        decisions.assign(stored, actor, actor, seen_version=stored.version)
        decisions.request_information(stored, actor, seen_version=stored.version, question="EPC?")
        assert stored.status == OfferStatus.INFORMATION_REQUESTED
        owner = db.session.get(User, submitter.id)
        decisions.respond(stored, owner, seen_version=stored.version, answer="B")
        assert stored.status == OfferStatus.UNDER_REVIEW
