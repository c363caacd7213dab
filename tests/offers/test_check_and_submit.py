"""Check answers, the declaration, the confirmation, "Your offers" and withdrawing."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.factories import error_summary, heading, soup, submit_form, text
from tests.web.checks import assert_error_summary, summary_text
from triage.models import Offer, OfferCohort, OutboxMessage

REFERENCE = re.compile(r"^SA-\d{4}-\d{5}$")


def test_check_answers_of_a_new_draft_lists_every_section_to_complete(submitter_client, submitter):
    offer = factories.draft_offer(submitter)
    response = submitter_client.get(f"/offers/{offer.id}/check-answers")
    assert response.status_code == 200
    assert heading(response) == "Check your answers before submitting your offer"
    summary = soup(response).select_one(".govuk-error-summary")
    assert summary is not None
    assert "You cannot submit this offer yet" in summary.get_text()
    assert error_summary(response) == [
        "Complete the section: Property and location",
        "Complete the section: Design",
        "Complete the section: Who it is for",
        "Complete the section: Rent and charges",
        "Complete the section: Care and support",
    ]
    links = [a["href"] for a in summary.select("a")]
    assert links[0] == f"/offers/{offer.id}/sections/property"
    assert "Continue to the declaration" not in text(response)


def test_check_answers_of_a_complete_offer_leads_to_the_declaration(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    response = submitter_client.get(f"/offers/{offer.id}/check-answers")
    assert soup(response).select_one(".govuk-error-summary") is None
    answers = summary_text(response)
    for expected in ("Hamelin Court", "LE1 6ZG", "1 September 2027", "Core rent £150.00"):
        assert expected in answers
    button = soup(response).find("a", string=re.compile("Continue to the declaration"))
    assert button is not None and button["href"] == f"/offers/{offer.id}/declaration"


def test_check_answers_shows_answers_that_no_longer_agree(submitter_client, submitter):
    offer = factories.complete_offer(submitter, units_wheelchair_accessible=20)
    response = submitter_client.get(f"/offers/{offer.id}/check-answers")
    # Accessibility is counted per unit type (issue 13).
    assert error_summary(response) == [
        "1-bedroom flat: wheelchair accessible homes (20) must be no more than the 8 homes "
        "of this type"
    ]
    link = soup(response).select_one(".govuk-error-summary a")
    assert link["href"] == f"/offers/{offer.id}/questions/unit-access/one_bed"
    # The declaration cannot be reached around the problem.
    response = submitter_client.get(f"/offers/{offer.id}/declaration")
    assert response.location == f"/offers/{offer.id}/check-answers"


def test_a_cohort_the_policy_no_longer_has_must_be_chosen_again(app, submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    with app.app_context():
        from triage import db

        found = db.session.get(Offer, offer.id)
        found.cohorts.append(OfferCohort(cohort="retired_cohort"))
        db.session.commit()
    response = submitter_client.get(f"/offers/{offer.id}/check-answers")
    assert error_summary(response) == [
        "Choose who the homes are for again: the council’s list of groups has changed"
    ]


def test_the_declaration_is_filled_with_the_signed_in_name(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    response = submitter_client.get(f"/offers/{offer.id}/declaration")
    assert heading(response) == "Declaration"
    assert factories.form_values(response)["declaration_name"] == ["Sam Submitter"]
    assert factories.form_values(response)["confirm"] == []


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({"declaration_name": "Sam Submitter"}, ["Confirm that the information is correct"]),
        ({"declaration_name": "", "confirm": "y"}, ["Enter your full name"]),
        ({"declaration_name": "\t \n", "confirm": "y"}, ["Enter your full name"]),
        (
            {"declaration_name": "x" * 201, "confirm": "y"},
            ["Your full name must be 200 characters or fewer"],
        ),
        ({}, ["Enter your full name", "Confirm that the information is correct"]),
    ],
    ids=["not confirmed", "no name", "blank name", "long name", "nothing"],
)
def test_the_declaration_refuses_until_confirmed(submitter_client, submitter, data, messages):
    offer = factories.complete_offer(submitter)
    before = factories.offer_state(offer.id)
    response = submit_form(submitter_client, f"/offers/{offer.id}/declaration", data)
    assert assert_error_summary(response, *messages) == messages
    assert factories.offer_state(offer.id) == before
    assert factories.count(OutboxMessage) == 0


def test_an_incomplete_draft_cannot_be_declared(submitter_client, submitter):
    offer = factories.complete_offer(submitter, landlord_name=None)
    response = submitter_client.get(f"/offers/{offer.id}/declaration")
    assert response.location == f"/offers/{offer.id}/check-answers"
    token = factories.csrf_token(submitter_client.get("/offers").text)
    response = submitter_client.post(
        f"/offers/{offer.id}/declaration",
        data={"csrf_token": token, "declaration_name": "Sam", "confirm": "y"},
    )
    assert response.location == f"/offers/{offer.id}/check-answers"
    assert factories.get(Offer, offer.id).status == "draft"


def test_submitting_shows_the_reference_and_lists_the_offer(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    response = submit_form(
        submitter_client,
        f"/offers/{offer.id}/declaration",
        {"declaration_name": "Sam Q. Submitter", "confirm": "y"},
    )
    assert response.location == f"/offers/{offer.id}/confirmation"
    saved = factories.get(Offer, offer.id)
    assert saved.status == "submitted"
    assert REFERENCE.match(saved.reference)
    assert saved.declaration_name == "Sam Q. Submitter"

    confirmation = submitter_client.get(response.location)
    panel = soup(confirmation).select_one(".govuk-panel")
    assert panel is not None
    assert "Offer submitted" in panel.get_text()
    assert saved.reference in panel.get_text()
    assert f"We will send a confirmation email to {submitter.email}" in text(confirmation)

    listing = text(submitter_client.get("/offers"))
    assert f"Hamelin Court {saved.reference}" in listing
    assert "Submitted" in listing


def test_the_confirmation_of_a_draft_leads_back_to_the_draft(submitter_client, submitter):
    offer = factories.complete_offer(submitter)
    response = submitter_client.get(f"/offers/{offer.id}/confirmation")
    assert response.location == f"/offers/{offer.id}"


def test_your_offers_lists_the_organisations_offers_only(
    app, submitter_client, submitter, other_submitter
):
    draft = factories.draft_offer(submitter)
    submitted = factories.submitted_offer(submitter, name="Submitted Place")
    factories.complete_offer(other_submitter, name="Someone Else's Place")
    colleague = factories.submitter(
        org=factories.get(type(submitter.user.organisation), submitter.user.organisation_id)
    )

    response = submitter_client.get("/offers")
    assert heading(response) == "Your offers"
    rows = [" ".join(row.get_text(" ").split()) for row in soup(response).select("tbody tr")]
    assert len(rows) == 2
    assert any(
        row.startswith("Untitled draft Not submitted yet") and "Draft" in row for row in rows
    )
    assert any(
        row.startswith(f"Submitted Place {factories.get(Offer, submitted.id).reference}")
        for row in rows
    )
    assert "Someone Else" not in text(response)

    # A colleague in the same organisation sees the same offers.
    colleague_client = factories.signed_in_client(app, colleague)
    assert f"/offers/{draft.id}" in colleague_client.get("/offers").text


def test_start_a_new_offer_opens_its_task_list(submitter_client, submitter):
    response = submit_form(submitter_client, "/offers/new", {}, form_url="/offers")
    assert response.status_code == 302
    offer_id = int(response.location.rsplit("/", 1)[1])
    assert factories.get(Offer, offer_id).organisation_id == submitter.user.organisation_id
    assert heading(submitter_client.get(response.location)) == "Offer accommodation"


def test_a_submitted_offer_shows_its_answers_and_a_withdraw_button(submitter_client, submitter):
    offer = factories.submitted_offer(submitter)
    reference = factories.get(Offer, offer.id).reference
    response = submitter_client.get(f"/offers/{offer.id}")
    assert heading(response) == "Hamelin Court"
    page = text(response)
    assert reference in page
    assert "Status Submitted" in page
    assert "Core rent £150.00" in summary_text(response)
    withdraw = soup(response).find("a", string=re.compile("Withdraw this offer"))
    assert withdraw["href"] == f"/offers/{offer.id}/withdraw"
    # No change links once submitted.
    assert soup(response).find("a", string=re.compile("Change")) is None


def test_withdrawing_asks_first_then_withdraws(app, submitter_client, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    reference = factories.get(Offer, offer.id).reference
    url = f"/offers/{offer.id}/withdraw"

    question = submitter_client.get(url)
    assert heading(question) == f"Withdraw offer {reference}?"
    assert "Yes, withdraw the offer" in text(question)
    assert factories.get(Offer, offer.id).status == "submitted"

    response = submit_form(submitter_client, url, {})
    assert response.location == "/offers"
    listing = submitter_client.get("/offers")
    assert f"{reference} has been withdrawn" in text(listing)
    assert "Withdrawn" in text(listing)
    assert factories.get(Offer, offer.id).status == "withdrawn"

    # Nothing more to withdraw: the page leads back to the offer, which has no button.
    assert submitter_client.get(url).location == f"/offers/{offer.id}"
    assert "Withdraw this offer" not in text(submitter_client.get(f"/offers/{offer.id}"))

    staff = factories.signed_in_client(app, commissioner)
    assert f"{reference}" in text(staff.get("/queue"))
    assert "Status Withdrawn" in text(staff.get(f"/queue/offers/{offer.id}"))


def test_deleting_a_draft_keeps_it_away_from_staff(app, submitter_client, submitter, commissioner):
    offer = factories.draft_offer(submitter)
    question = submitter_client.get(f"/offers/{offer.id}/withdraw")
    assert heading(question) == "Delete this draft?"
    response = submit_form(submitter_client, f"/offers/{offer.id}/withdraw", {})
    assert response.location == "/offers"
    assert "The draft offer has been deleted" in text(submitter_client.get("/offers"))

    # A deleted draft is gone from the submitter's side: not listed, not found.
    assert f"/offers/{offer.id}" not in submitter_client.get("/offers").text
    assert submitter_client.get(f"/offers/{offer.id}").status_code == 404

    staff = factories.signed_in_client(app, commissioner)
    assert "No offers have been submitted yet" in text(staff.get("/queue"))
    assert staff.get(f"/queue/offers/{offer.id}").status_code == 404
