"""A core rent outside the usual range for supported housing in Leicester is not
refused: the submitter is warned, as the national lettings return warns, and
asked to confirm it or change it."""

from __future__ import annotations

from tests import factories
from tests.factories import answer, error_summary, question_url, text
from triage.models import OfferUnitType


def _charges(core_rent: str) -> dict[str, str]:
    return {
        "core_rent_pence": core_rent,
        "eligible_service_charge_pence": "35.00",
        "ineligible_service_charge_pence": "0",
        "ineligible_charges_cover": "",
        "intensive_housing_management_pence": "0",
    }


def _unit(offer_id: int) -> OfferUnitType:
    [unit] = factories.rows(OfferUnitType, offer_id=offer_id)
    return unit


def test_a_rent_above_the_range_asks_for_confirmation_before_submission(
    submitter_client, submitter
):
    offer = factories.complete_offer(submitter)  # registered provider landlord
    saved = answer(submitter_client, offer.id, "unit-charges/one_bed", _charges("300.00"))
    assert saved.status_code == 302
    # Saving the rent goes straight to the check, which names the figures.
    assert saved.headers["Location"].endswith("/questions/rent-check/one_bed")
    check_page = submitter_client.get(saved.headers["Location"])
    assert "£300.00 a week is above £272.48" in text(check_page)
    # Until it is confirmed the offer cannot be submitted.
    check_answers = submitter_client.get(f"/offers/{offer.id}/check-answers")
    assert "Complete the section: Rent and charges" in error_summary(check_answers)

    refused = answer(submitter_client, offer.id, "rent-check/one_bed", {})
    assert error_summary(refused) == ["Select yes if the core rent is correct"]

    confirmed = answer(submitter_client, offer.id, "rent-check/one_bed", {"rent_correct": "yes"})
    assert confirmed.status_code == 302
    assert _unit(offer.id).core_rent_confirmed_pence == 300_00
    check_answers = submitter_client.get(f"/offers/{offer.id}/check-answers")
    assert "You cannot submit" not in text(check_answers)
    assert "Confirmed as correct" in text(check_answers)


def test_saying_the_rent_is_wrong_goes_back_to_the_rent(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    answer(submitter_client, offer.id, "unit-charges/one_bed", _charges("20.00"))
    page = submitter_client.get(question_url(offer.id, "rent-check/one_bed"))
    assert "below £54.46" in text(page)
    wrong = answer(submitter_client, offer.id, "rent-check/one_bed", {"rent_correct": "no"})
    assert wrong.headers["Location"].endswith("/questions/unit-charges/one_bed")
    assert _unit(offer.id).core_rent_pence is None
    # A rent inside the range needs no check at all.
    fixed = answer(submitter_client, offer.id, "unit-charges/one_bed", _charges("150.00"))
    assert "rent-check" not in fixed.headers["Location"]
    assert submitter_client.get(question_url(offer.id, "rent-check/one_bed")).status_code == 404


def test_changing_a_confirmed_rent_asks_again(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    answer(submitter_client, offer.id, "unit-charges/one_bed", _charges("300.00"))
    answer(submitter_client, offer.id, "rent-check/one_bed", {"rent_correct": "yes"})
    changed = answer(submitter_client, offer.id, "unit-charges/one_bed", _charges("310.00"))
    assert changed.headers["Location"].endswith("/questions/rent-check/one_bed")


def test_a_private_landlords_rent_has_no_supported_housing_range(submitter_client, submitter):
    offer = factories.complete_offer(submitter, landlord_type="private_landlord")
    saved = answer(submitter_client, offer.id, "unit-charges/one_bed", _charges("300.00"))
    assert "rent-check" not in saved.headers["Location"]
