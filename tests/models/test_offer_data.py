"""A completed offer reads as the rules' OfferData, with money in whole pence."""

from tests import factories
from triage import db
from triage.models import Offer
from triage.offers.pages import incomplete_sections


def test_a_complete_offer_converts_to_the_rules_types(app, submitter):
    created = factories.complete_offer(
        submitter,
        care_provided=True,
        care_provider_name="Care Co",
        care_framework_status="not_on_framework",
        care_cost_pence_per_person_per_week=45_000,
    )
    with app.app_context():
        offer = db.session.get(Offer, created.id)
        assert incomplete_sections(offer) == []
        data = offer.as_offer_data()
    assert data.total_units == 8
    assert data.unit_types[0].core_rent_pence == 15_000
    assert data.care_provider_framework_status == "not_on_framework"
    assert data.care_cost_pence_per_person_per_week == 45_000
    assert data.cohorts == ["mental_health_step_down"]


def test_care_answers_are_dropped_when_the_offer_includes_no_care(app, submitter):
    created = factories.complete_offer(
        submitter, care_provided=False, care_provider_name="Old answer"
    )
    with app.app_context():
        data = db.session.get(Offer, created.id).as_offer_data()
    assert data.care_provider_name is None
