"""The existing-supply register on PostgreSQL (issue 13): migration 0024 seeds
the strategy's totals, and the scoring service reads the register and the
approved shared houses."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.migrations.test_supply_register_migration import seeds_the_register
from tests.servers import PostgresServer
from triage import db
from triage.models import Offer
from triage.models.offers import OfferStatus
from triage.services import supply_register

pytestmark = pytest.mark.integration


def test_the_register_is_seeded_on_postgresql(postgres_server: PostgresServer) -> None:
    name = "triage_supply_register"
    url = postgres_server.create_database(name)
    try:
        seeds_the_register(url)
    finally:
        postgres_server.drop_database(name)


def test_the_scoring_service_reads_the_register_on_postgresql(
    app: Flask, submitted_offer: Offer
) -> None:
    with app.app_context():
        register = supply_register.register()
        assert (register.total_units, register.unplaced_units) == (632, 632)
        assert supply_register.approved_shared_houses() == {}
        offer = db.session.get(Offer, submitted_offer.id)
        assert offer is not None
        offer.configuration = "shared_house"
        offer.cohorts[0].cohort = "send_transitions"
        offer.status = OfferStatus.APPROVED
        db.session.commit()
        assert supply_register.approved_shared_houses() == {"send_transitions": 1}
