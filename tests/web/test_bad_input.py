"""Hostile and mistaken input to the offer form. Each kind is refused with a GOV.UK
error summary (or cleaned and kept, where that is the right answer), and the saved
draft keeps every earlier answer: its rows, the reloaded page and check answers.

Other kinds of bad input live with their forms: accounts and passwords in
test_accounts.py and test_sign_in.py, files in test_documents.py, a double-clicked
submit in test_submission.py, markup in test_escaping.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.factories import answer, question_url, submit_form, text
from tests.web.answers import TEXT_FIELDS, offer_overrides, valid
from tests.web.checks import assert_error_summary, refused_and_kept, summary_text
from triage.models import Offer

CORE_RENT_MONEY = "Core rent must be an amount of money, like 150.00"
REAL_DATE = "Date available must be a real date"
REAL_POSTCODE = "Enter a real postcode, like LE1 6ZG"

# (kind of bad input, page, changes to a valid answer, the message shown)
BAD_INPUT: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "negative money",
        "unit-charges/one_bed",
        {"core_rent_pence": "-150.00"},
        "Core rent must be £0.00 or more",
    ),
    (
        "negative money after the pound sign",
        "unit-charges/one_bed",
        {"core_rent_pence": "£-0.01"},
        "Core rent must be £0.00 or more",
    ),
    (
        "non-numeric money",
        "unit-charges/one_bed",
        {"core_rent_pence": "one hundred"},
        CORE_RENT_MONEY,
    ),
    (
        "money in exponent notation",
        "unit-charges/one_bed",
        {"core_rent_pence": "1e9"},
        CORE_RENT_MONEY,
    ),
    (
        "absurd money",
        "unit-charges/one_bed",
        {"core_rent_pence": "1000000000"},
        "Core rent must be £5,000.00 or less",
    ),
    (
        "money a penny over the limit",
        "unit-charges/one_bed",
        {"core_rent_pence": "£5,000.01"},
        "Core rent must be £5,000.00 or less",
    ),
    (
        "money with 3 decimal places",
        "unit-charges/one_bed",
        {"core_rent_pence": "150.001"},
        "Core rent must be in pounds and pence, like 150.00",
    ),
    (
        "money in another currency",
        "unit-charges/one_bed",
        {"core_rent_pence": "$150"},
        CORE_RENT_MONEY,
    ),
    (
        "zero units of every type",
        "units",
        {"studio": "0", "one_bed": "0", "two_bed": "0", "shared_room": "0"},
        "Enter how many units of at least one type the offer has",
    ),
    ("100,000 units", "units", {"one_bed": "100,000"}, "1-bedroom flats must be 1,000 or fewer"),
    ("100000 units", "units", {"one_bed": "100000"}, "1-bedroom flats must be 1,000 or fewer"),
    ("negative units", "units", {"two_bed": "-3"}, "2-bedroom flats must be 0 or more"),
    (
        "fractional units",
        "units",
        {"one_bed": "7.5"},
        "1-bedroom flats must be a whole number, like 12",
    ),
    ("postcode without its inward code", "name-and-address", {"postcode": "LE1"}, REAL_POSTCODE),
    (
        "postcode with a letter for a digit",
        "name-and-address",
        {"postcode": "LEI 6ZG"},
        REAL_POSTCODE,
    ),
    ("zip code", "name-and-address", {"postcode": "90210"}, REAL_POSTCODE),
    (
        "postcode with SQL",
        "name-and-address",
        {"postcode": "LE1 6ZG'; DROP TABLE offers;--"},
        REAL_POSTCODE,
    ),
    ("postcode with an emoji", "name-and-address", {"postcode": "LE1 6ZG🏠"}, REAL_POSTCODE),
    ("postcode of spaces", "name-and-address", {"postcode": "     "}, "Enter the postcode"),
    (
        "unknown radio value",
        "development",
        {"development_type": "skyscraper"},
        "Select the type of development",
    ),
    (
        "markup as a radio value",
        "landlord",
        {"landlord_type": "<script>alert(1)</script>"},
        "Select the type of landlord",
    ),
    (
        "unknown yes or no",
        "care",
        {"care_provided": "maybe"},
        "Select yes if the offer includes care and support",
    ),
    (
        "unknown cohort code",
        "cohorts",
        {"cohorts": ["mental_health_step_down", "made_up_group"]},
        "Select who the homes are for from the list",
    ),
    ("age below 16", "age-range", {"age_min": "15"}, "Youngest age must be 16 or more"),
    ("age above 120", "age-range", {"age_max": "200"}, "Oldest age must be 120 or fewer"),
    ("negative age", "age-range", {"age_min": "-18"}, "Youngest age must be 16 or more"),
    (
        "youngest age over oldest",
        "age-range",
        {"age_min": "64", "age_max": "18"},
        "Oldest age must be the same as or more than the youngest age",
    ),
    (
        "more wheelchair units than units",
        "unit-access/one_bed",
        {"wheelchair_accessible": "9"},
        "Wheelchair accessible homes must be 8 or fewer, the number of 1-bedroom flats in "
        "the offer",
    ),
    (
        "addresses whose units do not add up",
        "addresses",
        {"units_1": "1"},
        "The units at each address must add up to 8, the number of units in the offer "
        "(they add up to 6)",
    ),
    (
        "date with a part missing",
        "date-available",
        {"date_available": ["1", "", "2027"]},
        "Date available must include a month",
    ),
    ("impossible date", "date-available", {"date_available": ["31", "2", "2027"]}, REAL_DATE),
    (
        "29 February outside a leap year",
        "date-available",
        {"date_available": ["29", "2", "2027"]},
        REAL_DATE,
    ),
    ("letters in a date", "date-available", {"date_available": ["1", "Sept", "2027"]}, REAL_DATE),
    (
        "superscript digits in a date",
        "date-available",
        {"date_available": ["²", "9", "2027"]},
        REAL_DATE,
    ),
    ("negative date part", "date-available", {"date_available": ["-1", "9", "2027"]}, REAL_DATE),
    (
        "two-digit year",
        "date-available",
        {"date_available": ["1", "9", "27"]},
        "Date available must be between 2000 and 2100",
    ),
    (
        "too many date parts",
        "date-available",
        {"date_available": ["1", "9", "2027", "4"]},
        REAL_DATE,
    ),
    ("one date part", "date-available", {"date_available": ["1"]}, REAL_DATE),
    (
        "not a number",
        "site-area",
        {"site_area_hectares": "NaN"},
        "Site area must be a number, like 0.25",
    ),
    (
        "infinity",
        "site-area",
        {"site_area_hectares": "inf"},
        "Site area must be a number, like 0.25",
    ),
    (
        "control characters only",
        "name-and-address",
        {"name": "\x00\x01\x1b\x7f"},
        "Enter the property or scheme name",
    ),
    ("whitespace only", "landlord", {"landlord_name": " \t\r\n "}, "Enter the landlord’s name"),
]


@pytest.mark.parametrize(
    ("kind", "key", "changes", "message"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_refused_and_the_draft_keeps_its_answers(
    submitter_client, submitter, kind, key, changes, message
):
    offer = factories.complete_offer(submitter, **offer_overrides(key))
    refused_and_kept(submitter_client, offer.id, key, valid(key, **changes), message)


def test_there_are_at_least_thirty_kinds_of_bad_input():
    assert len({kind for kind, *_rest in BAD_INPUT}) >= 30


@pytest.mark.parametrize(
    ("key", "name", "extra"), TEXT_FIELDS, ids=[name for _k, name, _e in TEXT_FIELDS]
)
def test_ten_thousand_characters_in_any_text_field_are_refused(
    submitter_client, submitter, key, name, extra
):
    offer = factories.complete_offer(submitter, **offer_overrides(key))
    listed = refused_and_kept(
        submitter_client, offer.id, key, valid(key, **extra, **{name: "x" * 10_000})
    )
    assert len(listed) == 1
    assert listed[0].endswith("characters or fewer")


def test_ten_thousand_characters_in_the_declaration_are_refused(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    before = factories.offer_state(offer.id)
    response = submit_form(
        submitter_client,
        f"/offers/{offer.id}/declaration",
        {"declaration_name": "x" * 10_000, "confirm": "y"},
    )
    assert_error_summary(response, "Your full name must be 200 characters or fewer")
    assert factories.offer_state(offer.id) == before


def test_control_characters_are_removed_and_the_rest_is_kept(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    response = answer(
        submitter_client,
        offer.id,
        "name-and-address",
        valid("name-and-address", name="Hamelin\x00 Court\x07\x1b[31m", postcode="le1\x0b6zg"),
    )
    assert response.status_code == 302, factories.error_summary(response)
    saved = factories.get(Offer, offer.id)
    assert saved.name == "Hamelin Court[31m"
    assert saved.postcode == "LE1 6ZG"


UNICODE_NAME = "Tŷ Gwyn – Ærø Court 🏠 مرحبا 你好"


def test_unicode_answers_are_kept_exactly(app, submitter_client, submitter, commissioner):
    offer = factories.complete_offer(submitter)
    response = answer(
        submitter_client,
        offer.id,
        "name-and-address",
        valid("name-and-address", name=UNICODE_NAME, address="1 Ffordd y Môr\nAberystwyth"),
    )
    assert response.status_code == 302
    assert factories.get(Offer, offer.id).name == UNICODE_NAME
    check = summary_text(submitter_client.get(f"/offers/{offer.id}/check-answers"))
    assert UNICODE_NAME in check
    assert "1 Ffordd y Môr Aberystwyth" in check
    factories.submit_form(
        submitter_client,
        f"/offers/{offer.id}/declaration",
        {"declaration_name": "Siân Ŵyn", "confirm": "y"},
    )
    staff = factories.signed_in_client(app, commissioner)
    assert UNICODE_NAME in text(staff.get(f"/queue/offers/{offer.id}"))
    assert factories.get(Offer, offer.id).declaration_name == "Siân Ŵyn"


def test_fields_the_page_does_not_ask_for_are_ignored(submitter_client, submitter, other_submitter):
    """Mass assignment: posting status, reference or organisation changes none of them."""
    offer = factories.complete_offer(submitter)
    response = answer(
        submitter_client,
        offer.id,
        "name-and-address",
        valid(
            "name-and-address",
            status="submitted",
            reference="SA-2026-00001",
            organisation_id=str(other_submitter.user.organisation_id),
            created_by_id=str(other_submitter.id),
            id="999",
        ),
    )
    assert response.status_code == 302
    saved = factories.get(Offer, offer.id)
    assert saved.status == "draft"
    assert saved.reference is None
    assert saved.organisation_id == submitter.user.organisation_id
    assert saved.created_by_id == submitter.id


def test_a_value_posted_twice_uses_the_first(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    url = question_url(offer.id, "support-model")
    response = submit_form(submitter_client, url, {"support_model": ["floating", "none"]})
    assert response.status_code == 302
    assert factories.get(Offer, offer.id).support_model == "floating"
