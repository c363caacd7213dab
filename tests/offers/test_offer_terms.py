"""The offer's terms (issue 13) from the form to the rules: the answers reach the
rules' data, answers a page no longer asks are not passed on, the lease and void
terms pages are asked only when they apply, and an offer whose voids answer was
moved from the old yes/no is asked for the terms it never gave."""

from __future__ import annotations

from tests import factories
from tests.factories import answer, question_url, soup, text
from triage import db
from triage.models import Offer


def _data(app, offer_id: int):
    with app.app_context():
        return db.session.get(Offer, offer_id).as_offer_data()


def test_the_answers_reach_the_rules(app, submitter):
    offer = factories.complete_offer(
        submitter,
        lease_model="lease_to_provider",
        lease_years=25,
        break_clause=True,
        break_clause_after_years=5,
        repairs_by="provider_repairs",
        void_payer="council_pays",
        voids_from="after_weeks_empty",
        voids_from_weeks=4,
        void_rate_basis="percent_of_rent",
        void_rate_percent=50,
        void_cover_months=12,
        intended_stay="short_stay",
        tenancy_type="licence",
        client_groups=["mental_health", "offenders"],
        support_level="medium_level",
        capital_funding=["right_to_buy_receipts"],
        right_to_buy_percent=30,
        site_status="under_option",
        confidential_address=True,
    )
    data = _data(app, offer.id)
    assert (data.lease_years, data.break_clause, data.break_clause_after_years) == (25, True, 5)
    assert data.repairs_by == "provider_repairs"
    assert (data.void_payer, data.voids_from, data.voids_from_weeks) == (
        "council_pays",
        "after_weeks_empty",
        4,
    )
    assert (data.void_rate_percent, data.void_rate_pence_per_week) == (50, None)
    assert data.void_cover_months == 12
    assert (data.intended_stay, data.tenancy_type) == ("short_stay", "licence")
    assert data.client_groups == ["mental_health", "offenders"]
    assert data.capital_funding == ["right_to_buy_receipts"]
    assert data.right_to_buy_percent == 30
    assert data.site_status == "under_option"
    assert data.confidential_address is True
    assert data.schema_version == 3


def test_terms_that_no_longer_apply_are_not_passed_on(app, submitter):
    # Answered once, then the landlord took the voids and the lease back.
    offer = factories.complete_offer(
        submitter,
        lease_model="landlord_manages",
        lease_years=25,
        break_clause=False,
        void_payer="landlord_or_provider",
        voids_from="from_handover",
        void_rate_basis="pounds_per_week",
        void_rate_pence_per_week=100_00,
        void_cover_months=60,
        capital_funding=["homes_england"],
        right_to_buy_percent=45,
    )
    data = _data(app, offer.id)
    assert (data.lease_years, data.break_clause) == (None, None)
    assert (data.voids_from, data.void_rate_pence_per_week, data.void_cover_months) == (
        None,
        None,
        None,
    )
    assert data.right_to_buy_percent is None


def test_the_lease_terms_page_is_asked_only_when_another_body_leases_or_manages(
    submitter_client, submitter
):
    offer = factories.complete_offer(
        submitter, lease_years=None, break_clause=None, repairs_by=None
    )
    assert submitter_client.get(question_url(offer.id, "lease-terms")).status_code == 404
    moved = answer(submitter_client, offer.id, "management", {"lease_model": "lease_to_provider"})
    # The new question is the next one to answer, and the section is not complete.
    assert moved.location == question_url(offer.id, "lease-terms")
    assert "4. Rent and charges In progress" in text(submitter_client.get(f"/offers/{offer.id}"))


def test_the_void_terms_page_follows_the_council_paying(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    assert submitter_client.get(question_url(offer.id, "void-terms")).status_code == 404
    moved = answer(submitter_client, offer.id, "voids", {"void_payer": "council_pays"})
    assert moved.location == question_url(offer.id, "void-terms")
    terms = {
        "voids_from": "from_handover",
        "void_rate_basis": "percent_of_rent",
        "void_rate_percent": "100",
        "void_cover_months": "6",
    }
    assert answer(submitter_client, offer.id, "void-terms", terms).status_code == 302
    back = answer(submitter_client, offer.id, "voids", {"void_payer": "landlord_or_provider"})
    assert back.status_code == 302
    assert submitter_client.get(question_url(offer.id, "void-terms")).status_code == 404
    assert "4. Rent and charges Completed" in text(submitter_client.get(f"/offers/{offer.id}"))


def test_a_draft_whose_yes_was_moved_is_asked_for_the_terms(submitter_client, submitter):
    # Migration 0022 turned "yes, cover voids" into the council paying, terms not said.
    offer = factories.complete_offer(submitter, void_payer="council_pays")
    task_list = text(submitter_client.get(f"/offers/{offer.id}"))
    assert "4. Rent and charges In progress" in task_list
    response = submitter_client.get(f"/offers/{offer.id}/sections/rent")
    assert response.location == question_url(offer.id, "void-terms")


def test_the_submitter_is_pointed_to_the_voids_question(submitter_client, submitter):
    # The draft's guidance (issue 14) names the page where voids are asked now.
    offer = factories.complete_offer(
        submitter,
        void_payer="council_pays",
        voids_from="from_handover",
        void_rate_basis="percent_of_rent",
        void_rate_percent=100,
        void_cover_months=6,
    )
    page = soup(submitter_client.get(f"/offers/{offer.id}/check-answers"))
    guidance = page.select_one("#guidance")
    assert guidance is not None
    links = {link["href"]: link.get_text(" ", strip=True) for link in guidance.select("a")}
    assert links[question_url(offer.id, "voids") + "?return=check"] == "Change empty homes (voids)"
    assert "cover empty homes (voids)" in guidance.get_text(" ")
