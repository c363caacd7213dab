"""The council returns an offer for changes to named sections; the submitter
changes those, and only those, and resubmits; the offer is scored again and the
case page shows what changed."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.factories import error_summary, soup, submit_form, text
from triage import db
from triage.models import AuditEvent, EmailMessage, Offer, OfferScore, OutboxMessage, User
from triage.services import decisions, scoring
from triage.tasks import TaskName


def _under_review(app, submitter, commissioner, **answers) -> int:
    offer = factories.submitted_offer(submitter, **answers)
    with app.app_context():
        scoring.score_offer(offer.id)
        stored = db.session.get(Offer, offer.id)
        actor = db.session.get(User, commissioner.id)
        decisions.assign(stored, actor, actor, seen_version=stored.version)
        return stored.id


def _request(staff, offer_id, sections, reason="Please lower the rent."):
    return submit_form(
        staff,
        f"/offers/{offer_id}/request-changes",
        {"sections": sections, "reason": reason, "version": _version(staff, offer_id)},
    )


def _version(client, offer_id) -> str:
    page = soup(client.get(f"/offers/{offer_id}/request-changes"))
    return page.find("input", attrs={"name": "version"})["value"]


def test_the_whole_round_from_request_to_rescored_difference(
    app, submitter, submitter_client, commissioner, staff_client
):
    offer_id = _under_review(app, submitter, commissioner)
    case = soup(staff_client.get(f"/queue/offers/{offer_id}"))
    link = case.find("a", string="Return the offer to the submitter for changes")
    assert link["href"] == f"/offers/{offer_id}/request-changes"

    response = _request(staff_client, offer_id, ["property"], "The name is wrong.")
    assert response.status_code == 302
    assert response.location == f"/queue/offers/{offer_id}"
    assert factories.get(Offer, offer_id).status == "changes_requested"
    emails = factories.rows(EmailMessage)
    (asked,) = [email for email in emails if "asked for changes" in email.subject]
    # What happens next and by when.
    assert "Sections to change: Property and location" in asked.body
    assert "20 working days" in " ".join(asked.body.split())

    # The submitter sees an answer needed, and may change only the named section.
    page = soup(submitter_client.get(f"/offers/{offer_id}"))
    assert (
        page.select_one("main .govuk-summary-list .govuk-tag").get_text(strip=True)
        == "Answer needed"
    )
    assert "The name is wrong." in page.get_text()
    change = page.find("a", string="Change property and location")
    assert change is not None
    assert page.find("a", string="Change rent and charges") is None
    # Another section's page is refused: back to the offer.
    refused = submitter_client.get(f"/offers/{offer_id}/changes/questions/landlord")
    assert refused.location == f"/offers/{offer_id}"
    refused = submit_form(
        submitter_client,
        f"/offers/{offer_id}/changes/questions/landlord",
        {"landlord_name": "Other", "landlord_type": "council", "landlord_provides_care": "yes"},
        form_url=f"/offers/{offer_id}/changes/questions/name-and-address",
    )
    assert refused.location == f"/offers/{offer_id}"
    assert factories.get(Offer, offer_id).landlord_name == "Example Homes"

    first = submitter_client.get(change["href"])
    assert first.location == f"/offers/{offer_id}/changes/questions/name-and-address"
    saved = submit_form(
        submitter_client,
        first.location + "?return=resubmit",
        {"name": "Hamelin House", "address": "1 Example Road\nLeicester", "postcode": "LE1 6ZG"},
        form_url=first.location,
    )
    assert saved.location == f"/offers/{offer_id}/resubmit"
    check = submitter_client.get(saved.location)
    assert "Hamelin House" in text(check)

    version = soup(check).find("input", attrs={"name": "version"})["value"]
    done = submit_form(submitter_client, f"/offers/{offer_id}/resubmit", {"version": version})
    assert done.location == f"/offers/{offer_id}"
    offer = factories.get(Offer, offer_id)
    assert offer.status == "submitted"
    assert offer.answers_round == 1
    # Sent for scoring through the outbox: once at submission, once now.
    scoring_tasks = [
        message
        for message in factories.rows(OutboxMessage)
        if message.task_name == TaskName.SCORE_OFFER and message.args[:1] == [offer_id]
    ]
    assert len(scoring_tasks) == 2
    with app.app_context():
        scoring.score_offer(offer_id)
        scores = db.session.scalars(select(OfferScore).where(OfferScore.offer_id == offer_id)).all()
        assert len(scores) == 2  # scored afresh with the changed answers
        actions = [
            event.action
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.offer_id == offer_id).order_by(AuditEvent.id)
            )
        ]
    assert "request_changes" in actions and "resubmit" in actions
    assert any("received the changes" in e.body for e in factories.rows(EmailMessage))

    # The case page shows the round, old and new side by side.
    case = soup(staff_client.get(f"/queue/offers/{offer_id}"))
    changed = case.select("#changes ~ table tr[data-changed]")
    assert [row.find("th").get_text(" ", strip=True) for row in changed] == [
        "Property or scheme name Changed"
    ]
    cells = [cell.get_text(strip=True) for cell in changed[0].find_all("td")]
    assert cells == ["Hamelin Court", "Hamelin House"]
    timeline = text(staff_client.get(f"/queue/offers/{offer_id}"))
    assert "Changes requested" in timeline and "Resubmitted with changes" in timeline


def test_bad_requests_for_changes_show_an_error_summary(app, submitter, commissioner, staff_client):
    offer_id = _under_review(app, submitter, commissioner)
    response = _request(staff_client, offer_id, [], "")
    assert response.status_code == 200
    assert error_summary(response) == [
        "Select at least one section to change",
        "Enter what the submitter should change and why",
    ]
    assert soup(response).title.get_text().startswith("Error: ")
    response = _request(staff_client, offer_id, ["no-such-section"], "x")
    assert error_summary(response) == ["Select the sections to change from the list"]
    assert factories.get(Offer, offer_id).status == "under_review"


def test_a_stale_request_saves_nothing(app, submitter, commissioner, staff_client):
    offer_id = _under_review(app, submitter, commissioner)
    response = submit_form(
        staff_client,
        f"/offers/{offer_id}/request-changes",
        {"sections": ["rent"], "reason": "x", "version": "1"},
    )
    assert response.status_code == 409
    assert "changed since you opened it" in error_summary(response)[0]
    assert factories.get(Offer, offer_id).status == "under_review"


def test_who_may_ask_and_see_changes(app, submitter, other_submitter, commissioner, staff_client):
    offer_id = _under_review(app, submitter, commissioner)
    # A submitter cannot return an offer; placement officers cannot either.
    owner = factories.signed_in_client(app, submitter)
    assert owner.get(f"/offers/{offer_id}/request-changes").status_code == 404
    placement = factories.signed_in_client(app, factories.staff("placement_officer"))
    assert placement.get(f"/offers/{offer_id}/request-changes").status_code == 404
    _request(staff_client, offer_id, ["rent"])
    # Another organisation sees none of it.
    other = factories.signed_in_client(app, other_submitter)
    for url in (
        f"/offers/{offer_id}",
        f"/offers/{offer_id}/changes/sections/rent",
        f"/offers/{offer_id}/changes/questions/landlord",
        f"/offers/{offer_id}/resubmit",
    ):
        response = other.get(url)
        assert response.status_code == 404, url
        assert "lower the rent" not in response.text
    assert other.post(f"/offers/{offer_id}/copy").status_code in (400, 404)
    # A draft cannot be returned for changes.
    draft = factories.complete_offer(submitter)
    assert staff_client.get(f"/offers/{draft.id}/request-changes").status_code == 404


def test_bad_answers_while_changing_show_an_error_summary(
    app, submitter, submitter_client, commissioner, staff_client
):
    offer_id = _under_review(app, submitter, commissioner)
    _request(staff_client, offer_id, ["property"])
    url = f"/offers/{offer_id}/changes/questions/name-and-address"
    response = submit_form(submitter_client, url, {"name": "", "address": "", "postcode": "nope"})
    assert response.status_code == 200
    assert "Enter the property or scheme name" in error_summary(response)
    assert factories.get(Offer, offer_id).name == "Hamelin Court"


def test_copying_an_offer_makes_a_draft_with_its_design_but_not_its_address(
    app, submitter, submitter_client
):
    offer = factories.submitted_offer(submitter)
    response = submit_form(
        submitter_client, f"/offers/{offer.id}/copy", {}, form_url=f"/offers/{offer.id}"
    )
    copy_id = int(response.location.rsplit("/", 1)[1])
    copy = factories.get(Offer, copy_id)
    assert copy.status == "draft" and copy.reference is None
    assert copy.name == "Copy of Hamelin Court"
    assert copy.address is None and copy.postcode is None
    assert copy.configuration == "core_and_cluster"
    with app.app_context():
        stored = db.session.get(Offer, copy_id)
        assert [(u.kind, u.count, u.core_rent_pence) for u in stored.unit_types] == [
            ("one_bed", 8, 150_00)
        ]
        assert [row.cohort for row in stored.cohorts] == ["mental_health_step_down"]
    assert "Copy of Hamelin Court" in text(submitter_client.get("/offers"))


def test_staff_are_warned_of_a_possible_duplicate(app, submitter, other_submitter, staff_client):
    first = factories.submitted_offer(submitter, name="Twin Court", postcode="LE2 1AA")
    second = factories.submitted_offer(
        other_submitter, name="twin court ", postcode="le21aa", address="Somewhere else"
    )
    lone = factories.submitted_offer(
        submitter, name="Lone House", postcode="LE3 2BB", address="99 Other Street"
    )
    reference = factories.get(Offer, first.id).reference
    warning = soup(staff_client.get(f"/queue/offers/{second.id}")).select_one(
        "#possible-duplicates"
    )
    assert warning is not None
    assert warning.find("a", string=reference)["href"] == f"/queue/offers/{first.id}"
    assert (
        soup(staff_client.get(f"/queue/offers/{lone.id}")).select_one("#possible-duplicates")
        is None
    )
    # Submitters never see it.
    owner = factories.signed_in_client(app, submitter)
    assert "possible-duplicates" not in owner.get(f"/offers/{first.id}").text


def test_staff_are_warned_when_the_organisation_may_be_registered_twice(
    app, submitter, other_submitter, staff_client
):
    from triage import db
    from triage.models import Organisation

    offer = factories.submitted_offer(other_submitter)
    with app.app_context():
        twin = db.session.get(Organisation, other_submitter.user.organisation_id)
        twin.possible_duplicate_of_id = submitter.user.organisation_id
        first_name = db.session.get(Organisation, submitter.user.organisation_id).name
        db.session.commit()
    warning = soup(staff_client.get(f"/queue/offers/{offer.id}")).select_one(
        "#possible-duplicate-organisation"
    )
    assert warning is not None and first_name in warning.get_text()
    unflagged = factories.submitted_offer(submitter)
    page = soup(staff_client.get(f"/queue/offers/{unflagged.id}"))
    assert page.select_one("#possible-duplicate-organisation") is None
    # The submitter is never told.
    owner = factories.signed_in_client(app, other_submitter)
    assert "possible-duplicate-organisation" not in owner.get(f"/offers/{offer.id}").text


def test_a_unit_type_added_when_the_design_is_returned_gets_its_rent_pages_too(
    app, submitter, submitter_client, commissioner, staff_client
):
    """Only the design was returned; the submitter adds studios. Their rent and
    charges sit in the rent section, which was not returned: they can be answered
    (and must be) before resubmitting, and other rent pages stay closed."""
    offer_id = _under_review(app, submitter, commissioner)
    assert _request(staff_client, offer_id, ["design"], "Add some studios.").status_code == 302
    counts = submit_form(
        submitter_client,
        f"/offers/{offer_id}/changes/questions/units",
        {"one_bed": "6", "studio": "2"},
    )
    assert counts.status_code == 302
    # The studios' rent is asked for on the resubmit page, and the offer cannot
    # be resubmitted without it.
    resubmit = submitter_client.get(f"/offers/{offer_id}/resubmit")
    assert "Complete the section: Rent and charges" in error_summary(resubmit)
    charges = f"/offers/{offer_id}/changes/questions/unit-charges/studio"
    page = soup(resubmit)
    assert page.find("a", href=f"{charges}?return=resubmit") is not None
    # The one-bedroom flats' rent, and the landlord, were not returned: no change link.
    assert (
        page.find(
            "a", href=f"/offers/{offer_id}/changes/questions/unit-charges/one_bed?return=resubmit"
        )
        is None
    )
    refused = submitter_client.get(f"/offers/{offer_id}/changes/questions/unit-charges/one_bed")
    assert refused.location == f"/offers/{offer_id}"

    assert submitter_client.get(charges).status_code == 200
    saved = submit_form(
        submitter_client,
        charges,
        {
            "core_rent_pence": "140.00",
            "eligible_service_charge_pence": "30.00",
            "ineligible_service_charge_pence": "10.00",
            "ineligible_charges_cover": "Heating",
            "intensive_housing_management_pence": "0",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        stored = db.session.get(Offer, offer_id)
        assert stored.unit_type("studio").core_rent_pence == 140_00
