"""Facts the offer now says (issue 13), read by the rules: the rent type picks
CORE's range, and nomination rights feed the procurement rule. Offers from before
the questions were asked still read: social rent, nomination rights not said."""

from __future__ import annotations

from tests import factories
from triage import db
from triage.models import Offer


def _data(app, offer_id: int):
    with app.app_context():
        return db.session.get(Offer, offer_id).as_offer_data()


def test_the_answers_reach_the_rules(app, submitter):
    offer = factories.complete_offer(
        submitter, rent_type="intermediate", nomination_share_percent=60, nomination_term_years=7
    )
    data = _data(app, offer.id)
    assert data.rent_type == "intermediate"
    assert (data.nomination_share_percent, data.nomination_term_years) == (60, 7)


def test_an_offer_from_before_the_questions_reads_as_social_rent_with_rights_not_said(
    app, submitter
):
    offer = factories.complete_offer(
        submitter, rent_type=None, nomination_share_percent=None, nomination_term_years=None
    )
    data = _data(app, offer.id)
    assert data.rent_type == "social"
    assert data.nomination_share_percent is None
