"""Every question page of the offer form: it shows its question, saves a valid
answer, shows the answer on check answers and again when the page is reloaded, and
"Save and continue" goes where a person expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from rules.offer import KIND_BEDROOMS, UnitKind, label
from rules.policy_data import current_policy
from tests import factories
from tests.factories import answer, heading, question_url, soup, text
from tests.web.checks import summary_text
from triage.models import OfferCohort, OfferUnitType
from triage.offers.pages import PAGES_BY_KEY


@dataclass
class Case:
    key: str
    data: dict[str, Any]
    on_check_answers: list[str]
    on_reload: dict[str, list[str]] = field(default_factory=dict)
    offer: dict[str, Any] = field(default_factory=dict)

    @property
    def unit_kind(self) -> str | None:
        return self.key.split("/")[1] if "/" in self.key else None


COHORTS = [cohort for cohort in current_policy().cohorts][:2]

CASES = [
    Case(
        "name-and-address",
        {
            "name": "Riverside View",
            "address": "2 Side Street\r\nLeicester",
            "postcode": " le2  7aa ",
        },
        ["Riverside View", "2 Side Street Leicester", "Postcode LE2 7AA"],
        {"name": ["Riverside View"], "postcode": ["LE2 7AA"]},
    ),
    Case(
        "development",
        {"development_type": "conversion", "planning_status": "applied"},
        ["Conversion", "Applied for, waiting for a decision"],
        {"development_type": ["conversion"], "planning_status": ["applied"]},
    ),
    Case(
        "site-area",
        {"site_area_hectares": "1.25"},
        ["Site area 1.25 hectares"],
        {"site_area_hectares": ["1.25"]},
    ),
    Case("site-area", {"site_area_hectares": ""}, ["Site area Not known"]),
    Case(
        "date-available",
        {"date_available": ["5", "3", "2028"]},
        ["Date available 5 March 2028"],
        {"date_available": ["05", "03", "2028"]},
    ),
    Case(
        "configuration",
        {"configuration": "other", "configuration_other": "Two bungalows side by side"},
        ["Arrangement Other: Two bungalows side by side"],
        {"configuration": ["other"]},
    ),
    Case(
        "units",
        {"studio": "3", "one_bed": "1,000", "two_bed": "", "shared_room": "0"},
        ["Studio 3", "1-bedroom flat 1000"],
        {"studio": ["3"], "one_bed": ["1000"], "two_bed": [""], "shared_room": [""]},
    ),
    *(
        Case(
            f"unit-facilities/{kind.value}",
            {"own_bathroom": "no", "own_kitchen": "yes", "most_people_sharing": "2"},
            [
                f"{label(kind)}: facilities Own bathroom: No. Own kitchen: Yes. "
                "Most people sharing: 2"
            ],
            {"own_bathroom": ["no"], "own_kitchen": ["yes"], "most_people_sharing": ["2"]},
        )
        for kind in UnitKind
        if KIND_BEDROOMS[kind] is not None
    ),
    # Issue 13: a house, a bungalow or a flat of 4 or more says its bedrooms.
    *(
        Case(
            f"unit-facilities/{kind.value}",
            {
                "own_bathroom": "yes",
                "own_kitchen": "yes",
                "most_people_sharing": "1",
                "bedrooms": "4",
            },
            [f"{label(kind)}: facilities Bedrooms: 4. Own bathroom: Yes."],
            {"bedrooms": ["4"]},
        )
        for kind in UnitKind
        if KIND_BEDROOMS[kind] is None
    ),
    # Issue 13: accessibility per unit type (the units page gives each type 4 homes).
    *(
        Case(
            f"unit-access/{kind.value}",
            {
                "wheelchair_accessible": "2",
                "fully_adapted": "1",
                "level_access": "1",
                "lift": "3",
                "assistive_technology": "0",
            },
            [
                f"{label(kind)}: accessibility Of 4: wheelchair accessible 2, fully adapted 1, "
                "level access 1, upper floor with a lift 3, assistive technology 0"
            ],
            {"wheelchair_accessible": ["2"], "lift": ["3"], "assistive_technology": ["0"]},
        )
        for kind in UnitKind
    ),
    Case(
        "shared-facilities",
        {"communal_space": "yes", "staff_office": "no"},
        ["Communal space Yes", "Staff office or communal resource space No"],
        {"staff_office": ["no"]},
    ),
    Case(
        "accessibility",
        {"accessibility_standard": "m4_3"},
        ["M4(3) wheelchair user dwellings"],
        {"accessibility_standard": ["m4_3"]},
    ),
    # Issue 13: a dispersed scheme's addresses.
    Case(
        "addresses",
        {
            "address_1": "1 High Street",
            "postcode_1": "le2 0ab",
            "units_1": "2",
            "address_2": "4 Low Road\r\nBelgrave",
            "postcode_2": "LE4 1XY",
            "units_2": "3",
        },
        ["1 High Street, LE2 0AB: 2 units", "4 Low Road, Belgrave, LE4 1XY: 3 units"],
        {"postcode_1": ["LE2 0AB"], "units_2": ["3"]},
        offer={
            "configuration": "self_contained_dispersed",
            "unit_types": [OfferUnitType(kind="one_bed", count=5)],
        },
    ),
    Case(
        "cohorts",
        {"cohorts": [cohort.code for cohort in COHORTS]},
        [cohort.label for cohort in COHORTS],
        {"cohorts": sorted(cohort.code for cohort in COHORTS)},
    ),
    Case(
        "support-model",
        {"support_model": "floating"},
        ["Support on site Floating support"],
        {"support_model": ["floating"]},
    ),
    Case(
        "age-range",
        {"age_min": "25", "age_max": "70"},
        ["Age range 25 to 70"],
        {"age_min": ["25"], "age_max": ["70"]},
    ),
    *(
        Case(
            f"unit-charges/{kind.value}",
            {
                "core_rent_pence": "£1,234.50",
                "eligible_service_charge_pence": "0",
                "ineligible_service_charge_pence": "10",
                "ineligible_charges_cover": "Meals",
                "intensive_housing_management_pence": ".5",
            },
            [
                f"{label(kind)}: weekly charges Core rent £1,234.50",
                "Eligible service charges £0.00",
                "Ineligible service charges £10.00 (Meals)",
                "Intensive housing management £0.50",
            ],
            {"core_rent_pence": ["1234.50"], "intensive_housing_management_pence": ["0.50"]},
        )
        for kind in UnitKind
    ),
    Case(
        "landlord",
        {
            "landlord_name": "Acme Lettings",
            "landlord_type": "private_landlord",
            "landlord_provides_care": "no",
        },
        [
            "Landlord Acme Lettings",
            "Type of landlord Private landlord",
            "Landlord provides care, support or supervision No",
        ],
        {"landlord_name": ["Acme Lettings"], "landlord_provides_care": ["no"]},
    ),
    Case(
        "management",
        {"lease_model": "managing_agent"},
        ["Lease or management Managed by a managing agent"],
        {"lease_model": ["managing_agent"]},
    ),
    # Issue 13: the offer's terms.
    Case(
        "confidential-address",
        {"confidential_address": "yes"},
        ["Address kept confidential Yes"],
        {"confidential_address": ["yes"]},
    ),
    Case(
        "site-and-funding",
        {
            "site_status": "under_option",
            "capital_funding": ["right_to_buy_receipts", "homes_england"],
            "right_to_buy_percent": "30",
        },
        [
            "The site Under option or contract to buy",
            "Capital funding sought Right to Buy receipts from the council (30% of the capital "
            "cost), Homes England grant",
        ],
        {
            "capital_funding": ["right_to_buy_receipts", "homes_england"],
            "right_to_buy_percent": ["30"],
        },
    ),
    Case(
        "site-and-funding",
        {"site_status": "not_yet_found", "capital_funding": ["none"], "right_to_buy_percent": "9"},
        ["The site Not yet found", "Capital funding sought None"],
        # "None" is shown ticked again; a share for RTB receipts not sought is not kept.
        {"capital_funding": ["none"], "right_to_buy_percent": [""]},
    ),
    Case(
        "length-of-stay",
        {"intended_stay": "medium_stay", "tenancy_type": "licence"},
        [
            "Intended length of stay Medium stay: more than one year, with an expectation to "
            "move on",
            "Tenancy Licence agreement",
        ],
        {"intended_stay": ["medium_stay"], "tenancy_type": ["licence"]},
    ),
    Case(
        "client-groups",
        {"client_groups": ["mental_health", "offenders"], "support_level": "medium_level"},
        [
            "Client groups (CORE) Offenders and people at risk of offending",
            "People with mental health problems",
            "Level of support Medium level",
        ],
        {"client_groups": ["mental_health", "offenders"], "support_level": ["medium_level"]},
    ),
    Case(
        "lease-terms",
        {
            "lease_years": "25",
            "break_clause": "yes",
            "break_clause_after_years": "5",
            "repairs_by": "provider_repairs",
        },
        [
            "Length of the lease or agreement 25 years",
            "Break clause Yes, after 5 years",
            "Repairs done by The provider",
        ],
        {"lease_years": ["25"], "break_clause": ["yes"], "break_clause_after_years": ["5"]},
        offer={"lease_model": "lease_to_provider"},
    ),
    Case(
        "lease-terms",
        {
            "lease_years": "3",
            "break_clause": "no",
            "break_clause_after_years": "2",
            "repairs_by": "shared_repairs",
        },
        ["Break clause No", "Shared between the landlord and the provider"],
        # The years before a break the agreement does not have are not kept.
        {"break_clause": ["no"], "break_clause_after_years": [""]},
        offer={"lease_model": "managing_agent"},
    ),
    Case(
        "voids",
        {"void_payer": "shared_cost"},
        ["Who pays for empty homes Shared between the council and the landlord or provider"],
        {"void_payer": ["shared_cost"]},
    ),
    Case(
        "void-terms",
        {
            "voids_from": "after_weeks_empty",
            "voids_from_weeks": "6",
            "void_rate_basis": "pounds_per_week",
            "void_rate_percent": "40",
            "void_rate_pence_per_week": "95.5",
            "void_cover_months": "18",
        },
        [
            "The council’s terms for empty homes After 6 weeks empty, at £95.50 a week for "
            "each empty home, for 18 months"
        ],
        {"void_rate_pence_per_week": ["95.50"], "void_rate_percent": [""]},
        offer={"void_payer": "council_pays"},
    ),
    Case(
        "void-terms",
        {
            "voids_from": "from_handover",
            "voids_from_weeks": "6",
            "void_rate_basis": "percent_of_rent",
            "void_rate_percent": "100",
            "void_rate_pence_per_week": "",
            "void_cover_months": "1",
        },
        [
            "The council’s terms for empty homes From handover, at 100% of the rent and "
            "charges, for 1 month"
        ],
        {"voids_from_weeks": [""], "void_rate_percent": ["100"]},
        offer={"void_payer": "shared_cost"},
    ),
    Case(
        "cqc-registration",
        {"cqc_registered": "no"},
        ["Care provider registered with the CQC No"],
        {"cqc_registered": ["no"]},
        offer={"care_provided": True},
    ),
    Case(
        "ofsted-registration",
        {"ofsted_registered": "yes"},
        ["Registered with Ofsted as supported accommodation Yes"],
        {"ofsted_registered": ["yes"]},
        offer={"cohorts": [OfferCohort(cohort="looked_after_16_17")]},
    ),
    # Issue 13: the rent type and the council's nomination rights.
    Case(
        "rent-type",
        {"rent_type": "affordable"},
        ["Type of rent Affordable rent"],
        {"rent_type": ["affordable"]},
    ),
    Case(
        "nominations",
        {"nomination_share_percent": "75", "nomination_term_years": "1"},
        ["Council nomination rights 75% of the homes, for 1 year"],
        {"nomination_share_percent": ["75"], "nomination_term_years": ["1"]},
    ),
    Case(
        "nominations",
        {"nomination_share_percent": "0", "nomination_term_years": "0"},
        ["Council nomination rights None"],
        {"nomination_share_percent": ["0"], "nomination_term_years": ["0"]},
    ),
    Case(
        "care",
        {"care_provided": "yes"},
        ["Care and support included Yes"],
        {"care_provided": ["yes"]},
    ),
    Case(
        "care-provider",
        {
            "care_provider_name": "Kind Care",
            "care_framework_status": "not_known",
            "care_cost_pence_per_person_per_week": "310.5",
        },
        ["Care provider Kind Care", "Not known yet", "Expected care per person per week £310.50"],
        {"care_provider_name": ["Kind Care"], "care_cost_pence_per_person_per_week": ["310.50"]},
        offer={"care_provided": True},
    ),
]


def _start(client, submitter, case: Case) -> int:
    """A new draft with only what the page needs to apply."""
    offer = factories.draft_offer(submitter, **case.offer)
    if case.unit_kind:
        response = answer(client, offer.id, "units", {case.unit_kind: "4"})
        assert response.status_code == 302
    return offer.id


def test_every_question_page_is_covered():
    # The rent check pages appear only for a rent outside the usual range: their
    # own tests are in test_rent_check.py.
    rent_checks = {key for key in PAGES_BY_KEY if key.startswith("rent-check/")}
    assert {case.key for case in CASES} == set(PAGES_BY_KEY) - rent_checks


@pytest.mark.parametrize("case", CASES, ids=[f"{c.key}-{i}" for i, c in enumerate(CASES)])
def test_a_page_saves_its_answer_and_shows_it_again(submitter_client, submitter, case):
    offer_id = _start(submitter_client, submitter, case)
    url = question_url(offer_id, case.key)

    page = submitter_client.get(url)
    assert page.status_code == 200
    assert heading(page) == PAGES_BY_KEY[case.key].title
    assert "Error:" not in soup(page).title.get_text()

    saved = answer(submitter_client, offer_id, case.key, case.data)
    assert saved.status_code == 302, factories.error_summary(saved)

    check = summary_text(submitter_client.get(f"/offers/{offer_id}/check-answers"))
    for expected in case.on_check_answers:
        assert expected in check
    shown = factories.form_values(submitter_client.get(url))
    for name, values in case.on_reload.items():
        assert sorted(shown[name]) == sorted(values), name


def test_save_and_continue_walks_through_a_section_then_back_to_the_task_list(
    submitter_client, submitter
):
    offer = factories.draft_offer(submitter)
    steps = [
        ("name-and-address", {"name": "A", "address": "B", "postcode": "LE1 6ZG"}),
        ("confidential-address", {"confidential_address": "no"}),
        ("development", {"development_type": "new_build", "planning_status": "granted"}),
        ("site-area", {"site_area_hectares": ""}),
        ("date-available", {"date_available": ["1", "9", "2027"]}),
        ("site-and-funding", {"site_status": "owned", "capital_funding": ["none"]}),
    ]
    locations = [answer(submitter_client, offer.id, key, data).location for key, data in steps]
    assert locations == [
        question_url(offer.id, "confidential-address"),
        question_url(offer.id, "development"),
        question_url(offer.id, "site-area"),
        question_url(offer.id, "date-available"),
        question_url(offer.id, "site-and-funding"),
        f"/offers/{offer.id}",
    ]
    task_list = text(submitter_client.get(f"/offers/{offer.id}"))
    assert "1. Property and location Completed" in task_list


def test_save_and_continue_skips_pages_already_answered(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    response = answer(
        submitter_client,
        offer.id,
        "name-and-address",
        {"name": "New name", "address": "1 Road", "postcode": "LE1 6ZG"},
    )
    assert response.location == f"/offers/{offer.id}"


def test_a_change_link_returns_to_check_answers(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    check = soup(submitter_client.get(f"/offers/{offer.id}/check-answers"))
    change = check.select_one('a[href*="/questions/landlord"]')
    assert change is not None and change.get_text(" ", strip=True).startswith("Change")
    assert "return=check" in change["href"]
    response = factories.submit_form(
        submitter_client,
        change["href"],
        {
            "landlord_name": "Changed Homes",
            "landlord_type": "charity",
            "landlord_provides_care": "no",
        },
    )
    assert response.location == f"/offers/{offer.id}/check-answers"
    assert "Changed Homes" in summary_text(submitter_client.get(response.location))


def test_answering_care_yes_leads_to_the_provider_page_and_no_skips_it(submitter_client, submitter):
    offer = factories.draft_offer(submitter)
    provider_url = question_url(offer.id, "care-provider")
    assert submitter_client.get(provider_url).status_code == 404
    response = answer(submitter_client, offer.id, "care", {"care_provided": "yes"})
    assert response.location == provider_url
    assert submitter_client.get(provider_url).status_code == 200
    response = answer(submitter_client, offer.id, "care", {"care_provided": "no"})
    assert response.location == f"/offers/{offer.id}"
    assert submitter_client.get(provider_url).status_code == 404


def test_unit_pages_follow_the_unit_types_in_the_offer(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    studio = question_url(offer.id, "unit-facilities/studio")
    one_bed = question_url(offer.id, "unit-charges/one_bed")
    assert submitter_client.get(studio).status_code == 404
    response = answer(
        submitter_client, offer.id, "units", {"studio": "2", "one_bed": "0", "two_bed": ""}
    )
    assert response.location == studio
    assert submitter_client.get(studio).status_code == 200
    assert submitter_client.get(one_bed).status_code == 404
    check = summary_text(submitter_client.get(f"/offers/{offer.id}/check-answers"))
    assert "Studio 2" in check
    assert "1-bedroom flat" not in check


@pytest.mark.parametrize("key", ["nonsense", "units/extra", "unit-charges/penthouse", "", "../"])
def test_an_unknown_page_is_not_found(submitter_client, submitter, key):
    offer = factories.draft_offer(submitter)
    response = submitter_client.get(f"/offers/{offer.id}/questions/{key}")
    assert response.status_code == 404
    assert heading(response) == "Page not found"


def test_task_list_shows_each_section_status(submitter_client, submitter):
    offer = factories.draft_offer(submitter)
    page = text(submitter_client.get(f"/offers/{offer.id}"))
    assert heading(submitter_client.get(f"/offers/{offer.id}")) == "Offer accommodation"
    assert "You have completed 0 of 5 sections" in page
    assert "1. Property and location Incomplete" in page
    assert "4. Rent and charges Add the number of units in the design section first" in page
    assert "Cannot start yet" in page
    assert "6. Documents Optional" in page
    assert submitter_client.get(f"/offers/{offer.id}/sections/rent").status_code == 404

    answer(submitter_client, offer.id, "name-and-address", factories_valid_name())
    page = text(submitter_client.get(f"/offers/{offer.id}"))
    assert "1. Property and location In progress" in page

    complete = factories.complete_offer(submitter)
    page = text(submitter_client.get(f"/offers/{complete.id}"))
    assert "You have completed 5 of 5 sections" in page
    assert "Check your answers" in page


def factories_valid_name() -> dict[str, str]:
    return {"name": "Hamelin Court", "address": "1 Road", "postcode": "LE1 6ZG"}


@pytest.mark.parametrize(
    ("section", "first_page"),
    [
        ("property", "name-and-address"),
        ("design", "configuration"),
        ("who", "cohorts"),
        ("care", "care"),
    ],
)
def test_a_section_link_opens_its_first_unanswered_page(
    submitter_client, submitter, section, first_page
):
    offer = factories.draft_offer(submitter)
    response = submitter_client.get(f"/offers/{offer.id}/sections/{section}")
    assert response.location == question_url(offer.id, first_page)


def test_a_section_link_skips_answered_pages_and_documents_opens_the_upload_page(
    submitter_client, submitter
):
    offer = factories.draft_offer(submitter, name="A", address="B", postcode="LE1 6ZG")
    response = submitter_client.get(f"/offers/{offer.id}/sections/property")
    assert response.location == question_url(offer.id, "confidential-address")
    response = submitter_client.get(f"/offers/{offer.id}/sections/documents")
    assert response.location == f"/offers/{offer.id}/documents"
    assert submitter_client.get(f"/offers/{offer.id}/sections/nowhere").status_code == 404


def test_question_pages_of_a_submitted_offer_lead_to_the_offer(submitter_client, submitter):
    offer = factories.submitted_offer(submitter)
    response = submitter_client.get(question_url(offer.id, "name-and-address"))
    assert response.location == f"/offers/{offer.id}"
    before = factories.offer_state(offer.id)
    response = factories.submit_form(
        submitter_client,
        question_url(offer.id, "name-and-address"),
        factories_valid_name() | {"name": "Changed after submission"},
        form_url=f"/offers/{offer.id}",
    )
    assert response.location == f"/offers/{offer.id}"
    assert factories.offer_state(offer.id) == before
