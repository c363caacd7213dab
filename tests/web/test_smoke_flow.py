import re

from tests import factories
from tests.factories import error_summary, soup, submit_form
from triage.models import EmailMessage


def test_a_submitter_registers_completes_and_submits_an_offer(client, app):
    response = submit_form(
        client,
        "/register",
        {
            "organisation_name": "Riverside Homes",
            "organisation_type": "registered_provider",
            "rsh_registration_number": "l4850",
            "full_name": "Rita Jones",
            "email": "Rita@Example.com",
            "password": "a long enough passphrase",
            "confirm_password": "a long enough passphrase",
        },
    )
    assert response.status_code == 302, error_summary(response)
    # Sign in, and confirm the address with the link emailed.
    signed_in = submit_form(
        client, "/sign-in", {"email": "rita@example.com", "password": "a long enough passphrase"}
    )
    assert signed_in.status_code == 302
    [email] = factories.rows(EmailMessage, to_address="rita@example.com")
    link = re.search(r"http://localhost(/confirm/\S+)", email.body)
    assert link is not None
    client.get(link.group(1))
    assert submit_form(client, "/confirm-email", {}).status_code == 302
    response = submit_form(client, "/offers/new", {}, form_url="/offers")
    assert response.status_code == 302
    offer_url = response.headers["Location"]
    task_list = client.get(offer_url)
    assert "Offer accommodation" in task_list.text
    offer_id = int(offer_url.rstrip("/").split("/")[-1])

    def answer(key, data):
        url = f"/offers/{offer_id}/questions/{key}"
        result = submit_form(client, url, data)
        assert result.status_code == 302, (key, error_summary(result))
        return result

    answer(
        "name-and-address", {"name": "Hamelin Court", "address": "1 Road", "postcode": "le1 6zg"}
    )
    answer("development", {"development_type": "new_build", "planning_status": "granted"})
    answer("site-area", {"site_area_hectares": "0.25"})
    answer("date-available", {"date_available": ["1", "9", "2027"]})
    answer("confidential-address", {"confidential_address": "no"})
    answer("site-and-funding", {"site_status": "owned", "capital_funding": ["none"]})
    answer("configuration", {"configuration": "core_and_cluster"})
    answer("units", {"one_bed": "8", "studio": "", "two_bed": "", "shared_room": ""})
    answer(
        "unit-facilities/one_bed",
        {"own_bathroom": "yes", "own_kitchen": "yes", "most_people_sharing": "1"},
    )
    # Issue 13: accessibility per unit type.
    answer(
        "unit-access/one_bed",
        {
            "wheelchair_accessible": "2",
            "fully_adapted": "1",
            "level_access": "2",
            "lift": "0",
            "assistive_technology": "8",
        },
    )
    answer("shared-facilities", {"communal_space": "yes", "staff_office": "yes"})
    answer("accessibility", {"accessibility_standard": "m4_2"})
    answer("cohorts", {"cohorts": ["mental_health_step_down"]})
    answer("support-model", {"support_model": "on_site_24_7"})
    answer("age-range", {"age_min": "18", "age_max": "64"})
    answer("length-of-stay", {"intended_stay": "medium_stay", "tenancy_type": "assured"})
    answer("client-groups", {"client_groups": ["mental_health"], "support_level": "high_level"})
    answer(
        "unit-charges/one_bed",
        {
            "core_rent_pence": "150.00",
            "eligible_service_charge_pence": "35",
            "ineligible_service_charge_pence": "12.00",
            "ineligible_charges_cover": "Heating",
            "intensive_housing_management_pence": "0",
        },
    )
    answer(
        "landlord",
        {
            "landlord_name": "Riverside Homes",
            "landlord_type": "registered_provider",
            "landlord_provides_care": "yes",
        },
    )
    answer("management", {"lease_model": "landlord_manages"})
    answer("voids", {"void_payer": "landlord_or_provider"})
    answer("rent-type", {"rent_type": "social"})
    answer("nominations", {"nomination_share_percent": "100", "nomination_term_years": "25"})
    answer("care", {"care_provided": "no"})

    check = client.get(f"/offers/{offer_id}/check-answers")
    assert "£150.00" in check.text
    assert "LE1 6ZG" in check.text
    assert "You cannot submit" not in check.text, check.text
    response = submit_form(
        client,
        f"/offers/{offer_id}/declaration",
        {"declaration_name": "Rita Jones", "confirm": "y"},
    )
    assert response.status_code == 302, error_summary(response)
    confirmation = client.get(response.headers["Location"])
    panel = soup(confirmation).select_one(".govuk-panel").get_text(" ", strip=True)
    assert "SA-2026-" in panel or "SA-20" in panel
    listing = client.get("/offers")
    assert "Submitted" in listing.text
