"""The homes pages of the offer form (issue 13): a dispersed scheme's addresses
(GOV.UK's "add another" pattern, without JavaScript), accessibility per unit type,
and the bedrooms of a house; who may see them, and what the council sees."""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import answer, error_summary, form_values, question_url, soup, submit_form
from tests.web.checks import draft_kept, summary_text
from triage.models import Offer, OfferUnitType

DISPERSED = {"configuration": "self_contained_dispersed"}
TWO_ADDRESSES = {
    "address_1": "1 Example Close",
    "postcode_1": "le2 0ab",
    "units_1": "3",
    "address_2": "8 Sample Road",
    "postcode_2": "LE4 1XY",
    "units_2": "5",
}


def _legends(response) -> list[str]:
    return [legend.get_text(strip=True) for legend in soup(response).select("legend")]


def test_the_addresses_page_is_asked_only_of_a_dispersed_scheme(submitter_client, submitter):
    block = factories.complete_offer(submitter)
    assert submitter_client.get(question_url(block.id, "addresses")).status_code == 404
    dispersed = factories.complete_offer(submitter, **DISPERSED)
    page = submitter_client.get(question_url(dispersed.id, "addresses"))
    assert page.status_code == 200
    assert "how many of the 8 units are there" in page.text
    # The design section is not complete until the addresses are given.
    task_list = soup(submitter_client.get(f"/offers/{dispersed.id}")).get_text(" ")
    assert "Design" in task_list
    assert "Incomplete" in task_list or "In progress" in task_list


def test_add_another_address_keeps_what_was_typed_and_saves_nothing(submitter_client, submitter):
    offer = factories.complete_offer(submitter, **DISPERSED)
    url = question_url(offer.id, "addresses")
    with draft_kept(submitter_client, offer.id, url):
        typed = {"address_1": "1 Example Close", "postcode_1": "LE2 0AB", "units_1": "3"}
        response = submit_form(submitter_client, url, {**typed, "add_address": "yes"})
        assert response.status_code == 200
        assert _legends(response) == ["Address 1", "Address 2"]
        shown = form_values(response)
        assert shown["address_1"] == ["1 Example Close"] and shown["units_1"] == ["3"]
        assert shown["address_2"] == [""]
        assert soup(response).select_one(".govuk-error-summary") is None


def test_remove_takes_out_that_address_only(submitter_client, submitter):
    offer = factories.complete_offer(submitter, **DISPERSED)
    url = question_url(offer.id, "addresses")
    three = {**TWO_ADDRESSES, "address_3": "Flat 2", "postcode_3": "LE5 1AA", "units_3": "1"}
    response = submit_form(submitter_client, url, {**three, "remove_address": "2"})
    assert response.status_code == 200
    assert _legends(response) == ["Address 1", "Address 2"]
    shown = form_values(response)
    assert shown["address_1"] == ["1 Example Close"]
    assert shown["address_2"] == ["Flat 2"] and shown["postcode_2"] == ["LE5 1AA"]
    # Every address can be removed but the last one.
    one = submit_form(submitter_client, url, {**TWO_ADDRESSES, "remove_address": "1"})
    assert _legends(one) == ["Address 1"]
    assert "Remove" not in [b.get_text(strip=True) for b in soup(one).select("button")]


def test_saved_addresses_are_on_check_answers_and_the_council_sees_them(
    app, submitter_client, submitter, staff_client
):
    offer = factories.complete_offer(submitter, **DISPERSED)
    saved = answer(submitter_client, offer.id, "addresses", TWO_ADDRESSES)
    assert saved.status_code == 302, error_summary(saved)
    check = summary_text(submitter_client.get(f"/offers/{offer.id}/check-answers"))
    assert "1 Example Close, LE2 0AB: 3 units" in check
    assert "8 Sample Road, LE4 1XY: 5 units" in check
    # The page shows them again, with a fresh pair of boxes for neither.
    shown = form_values(submitter_client.get(question_url(offer.id, "addresses")))
    assert shown["postcode_1"] == ["LE2 0AB"] and shown["units_2"] == ["5"]
    assert "address_3" not in shown

    # Changing to fewer addresses removes the others.
    one = {"address_1": "1 Example Close", "postcode_1": "LE2 0AB", "units_1": "8"}
    assert answer(submitter_client, offer.id, "addresses", one).status_code == 302
    with app.app_context():
        from triage import db

        stored = db.session.get(Offer, offer.id)
        assert stored is not None
        assert [(a.postcode, a.units) for a in stored.addresses] == [("LE2 0AB", 8)]
        assert stored.as_offer_data().postcodes == ["LE1 6ZG", "LE2 0AB"]

    answer(submitter_client, offer.id, "addresses", TWO_ADDRESSES)
    declared = submit_form(
        submitter_client,
        f"/offers/{offer.id}/declaration",
        {"declaration_name": "Sam Submitter", "confirm": "y"},
    )
    assert declared.status_code == 302, error_summary(declared)
    case = staff_client.get(f"/queue/offers/{offer.id}")
    card = soup(case).select_one("#key-facts")
    assert card is not None
    key_facts = card.get_text(" ")
    assert "LE2 0AB: 3 units" in key_facts and "LE4 1XY: 5 units" in key_facts
    export = staff_client.get("/queue.csv").text
    assert "LE1 6ZG; LE2 0AB; LE4 1XY" in export


def test_addresses_that_no_longer_hold_the_units_stop_the_declaration(submitter_client, submitter):
    offer = factories.complete_offer(submitter, **DISPERSED)
    answer(submitter_client, offer.id, "addresses", TWO_ADDRESSES)
    # The submitter then adds two more flats: the addresses hold 8 of 10.
    answer(submitter_client, offer.id, "units", {"one_bed": "10"})
    response = submitter_client.get(f"/offers/{offer.id}/check-answers")
    assert (
        "The units at the addresses (8) must add up to the 10 units in the offer"
        in error_summary(response)
    )


@pytest.mark.parametrize("key", ["addresses", "unit-access/one_bed", "unit-facilities/house"])
def test_another_organisations_submitter_gets_not_found(app, submitter, other_submitter, key):
    offer = factories.complete_offer(
        submitter, **DISPERSED, unit_types=[OfferUnitType(kind="house", count=2)]
    )
    other = factories.signed_in_client(app, other_submitter)
    assert other.get(question_url(offer.id, key)).status_code == 404
    posted = other.post(question_url(offer.id, key), data=TWO_ADDRESSES)
    assert posted.status_code in (400, 404)


def test_a_house_says_its_bedrooms(submitter_client, submitter):
    offer = factories.draft_offer(submitter)
    assert answer(submitter_client, offer.id, "units", {"house": "2"}).status_code == 302
    url = question_url(offer.id, "unit-facilities/house")
    page = submitter_client.get(url)
    assert "How many bedrooms does each home have?" in page.text
    facilities = {"own_bathroom": "yes", "own_kitchen": "yes", "most_people_sharing": "1"}
    refused = answer(submitter_client, offer.id, "unit-facilities/house", facilities)
    assert error_summary(refused) == ["Enter how many bedrooms each home has"]
    saved = answer(
        submitter_client, offer.id, "unit-facilities/house", {**facilities, "bedrooms": "3"}
    )
    assert saved.status_code == 302
    check = summary_text(submitter_client.get(f"/offers/{offer.id}/check-answers"))
    assert "House: facilities Bedrooms: 3." in check


def test_each_unit_types_accessibility_is_asked_on_its_own_page(submitter_client, submitter):
    offer = factories.draft_offer(submitter)
    answer(submitter_client, offer.id, "units", {"one_bed": "4", "bungalow": "2"})
    for kind, caption in (("one_bed", "1-bedroom flat"), ("bungalow", "Bungalow")):
        page = submitter_client.get(question_url(offer.id, f"unit-access/{kind}"))
        assert page.status_code == 200
        shown_caption = soup(page).select_one(".govuk-caption-l")
        assert shown_caption is not None and caption in shown_caption.get_text()
    refused = answer(
        submitter_client,
        offer.id,
        "unit-access/bungalow",
        {
            "wheelchair_accessible": "3",
            "fully_adapted": "0",
            "level_access": "2",
            "lift": "0",
            "assistive_technology": "2",
        },
    )
    assert error_summary(refused) == [
        "Wheelchair accessible homes must be 2 or fewer, the number of bungalows in the offer"
    ]
