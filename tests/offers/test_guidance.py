"""Guidance on the draft, on "check your answers", before the declaration."""

from __future__ import annotations

from tests import factories
from tests.factories import answer, soup, submit_form
from triage.models import OfferUnitType


def _guidance(client, offer_id):
    page = soup(client.get(f"/offers/{offer_id}/check-answers"))
    block = page.select_one("#guidance")
    if block is None:
        return []
    return [
        (item.get_text(" ", strip=True), item.select_one("a")["href"])
        for item in block.select("li")
    ]


def test_a_sound_offer_gets_no_guidance(submitter_client, submitter):
    offer = factories.complete_offer(submitter, care_provided=False)
    # The default offer is for step-down, whose need planned schemes meet: change it.
    items = _guidance(submitter_client, offer.id)
    assert [text for text, _ in items if "Planned schemes already meet" in text]
    answer(submitter_client, offer.id, "cohorts", {"cohorts": ["diversion_from_residential"]})
    assert _guidance(submitter_client, offer.id) == []


def test_guidance_links_to_the_answer_and_back_to_check_answers(submitter_client, submitter):
    offer = factories.complete_offer(
        submitter,
        configuration="shared_house",
        care_provided=True,
        care_provider_name="Outside Care Ltd",
        care_framework_status="not_on_framework",
    )
    items = dict(_guidance(submitter_client, offer.id))
    shared = next(text for text in items if "little or no demand for shared housing" in text)
    assert items[shared] == f"/offers/{offer.id}/questions/configuration?return=check"
    care = next(text for text in items if "direct payments" in text)
    assert "Outside Care Ltd" in care
    assert items[care] == f"/offers/{offer.id}/questions/care-provider?return=check"
    # No scores or verdicts are shown.
    page = submitter_client.get(f"/offers/{offer.id}/check-answers").text.lower()
    for word in ("score", "red flag", "band a", "amber"):
        assert word not in page

    # Following the link and changing the answer brings the submitter back, without it.
    response = submit_form(submitter_client, items[shared], {"configuration": "core_and_cluster"})
    assert response.location == f"/offers/{offer.id}/check-answers"
    assert not [t for t, _ in _guidance(submitter_client, offer.id) if "shared housing" in t]


def test_a_core_rent_above_the_range_links_to_that_units_charges(app, submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    with app.app_context():
        from triage import db

        unit = db.session.get(OfferUnitType, offer.unit_types[0].id)
        unit.core_rent_pence = 300_00
        unit.core_rent_confirmed_pence = 300_00
        db.session.commit()
    items = dict(_guidance(submitter_client, offer.id))
    rent = next(text for text in items if "above the usual range" in text)
    assert "£300.00" in rent
    assert items[rent] == f"/offers/{offer.id}/questions/unit-charges/one_bed?return=check"


def test_no_guidance_while_the_offer_is_incomplete(submitter_client, submitter):
    offer = factories.draft_offer(submitter, configuration="shared_house")
    assert _guidance(submitter_client, offer.id) == []


def test_another_organisation_cannot_see_a_drafts_guidance(app, submitter, other_submitter):
    offer = factories.complete_offer(submitter, configuration="shared_house")
    other = factories.signed_in_client(app, other_submitter)
    response = other.get(f"/offers/{offer.id}/check-answers")
    assert response.status_code == 404
    assert "shared housing" not in response.text
