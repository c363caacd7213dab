"""Commissioners act on an offer from its case page; the submitter answers on theirs."""

from __future__ import annotations

from tests import factories
from tests.factories import csrf_token, error_summary, soup, text
from triage import db
from triage.models import EmailMessage, Offer, OfferMessage, ScoreOverride, User


def _post(client, offer_id: int, action: str, data: dict, *, page: str | None = None):
    html = client.get(page or f"/queue/offers/{offer_id}").text
    form = factories.BeautifulSoup(html, "html.parser").find(
        "form", action=f"/queue/offers/{offer_id}/{action}"
    )
    assert form is not None, f"no {action} form on the page"
    version = form.find("input", attrs={"name": "version"})
    fields = {"csrf_token": csrf_token(str(form))}
    if version is not None:
        fields["version"] = version["value"]
    return client.post(f"/queue/offers/{offer_id}/{action}", data={**fields, **data})


def _officer_id(client, offer_id: int, name: str) -> str:
    page = soup(client.get(f"/queue/offers/{offer_id}"))
    option = next(
        o for o in page.select("select[name=officer] option") if o.get_text(strip=True) == name
    )
    return option["value"]


def test_a_commissioner_assigns_requests_information_and_the_submitter_answers(
    app, submitter, commissioner
):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    officer = _officer_id(staff, offer.id, commissioner.user.full_name)
    assert _post(staff, offer.id, "assign", {"officer": officer}).status_code == 302
    page = text(staff.get(f"/queue/offers/{offer.id}"))
    assert "Under review" in page and f"Assigned to {commissioner.user.full_name}" in page

    asked = _post(
        staff, offer.id, "request-information", {"question": "Send the floor plans, please."}
    )
    assert asked.status_code == 302
    assert factories.get(Offer, offer.id).status == "information_requested"
    # The acknowledgement of the submission, and the request emailed to the submitter.
    assert factories.count(EmailMessage) == 2

    owner = factories.signed_in_client(app, submitter)
    mine = owner.get(f"/offers/{offer.id}")
    assert "Send the floor plans, please." in text(mine)
    assert "The council has asked for more information" in text(mine)
    empty = factories.submit_form(
        owner, f"/offers/{offer.id}/respond", {"answer": ""}, form_url=f"/offers/{offer.id}"
    )
    assert error_summary(empty) == ["Enter your answer"]
    answered = factories.submit_form(
        owner,
        f"/offers/{offer.id}/respond",
        {
            "answer": "Attached to this message.",
            "version": str(factories.get(Offer, offer.id).version),
        },
        form_url=f"/offers/{offer.id}",
    )
    assert answered.status_code == 302
    assert factories.get(Offer, offer.id).status == "under_review"
    timeline = text(staff.get(f"/queue/offers/{offer.id}"))
    assert "Attached to this message." in timeline
    assert "Submitter responded (information requested to under review)" in timeline


def test_deciding_needs_reasons_and_a_decline_names_its_concerns(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    _post(
        staff,
        offer.id,
        "assign",
        {"officer": _officer_id(staff, offer.id, commissioner.user.full_name)},
    )
    refused = _post(staff, offer.id, "decide", {"decision": "decline", "reasons": ""})
    assert set(error_summary(refused)) == {
        "Select the Appendix C concerns the offer falls short on",
        "Enter the reasons for the decision",
    }
    assert soup(refused).title.get_text().startswith("Error: ")
    # Each concern ticked needs its own reason; what was typed is kept.
    unexplained = _post(
        staff,
        offer.id,
        "decide",
        {
            "decision": "decline",
            "concerns": ["rent", "quality"],
            "reason_rent": "Core rent is £60 above the benchmark.",
            "reasons": "Two concerns.",
        },
    )
    assert error_summary(unexplained) == [
        "Enter why it falls short: the accommodation does not meet the quality standards"
    ]
    page = soup(unexplained)
    assert [box["value"] for box in page.select("input[name=concerns][checked]")] == [
        "rent",
        "quality",
    ]
    assert page.select_one("textarea[name=reason_rent]").get_text() == (
        "Core rent is £60 above the benchmark."
    )
    assert factories.get(Offer, offer.id).status == "under_review"
    declined = _post(
        staff,
        offer.id,
        "decide",
        {
            "decision": "decline",
            "concerns": ["rent", "quality"],
            "reason_rent": "Rent far above benchmark.",
            "reason_quality": "No level access to the flats.",
            "reasons": "We cannot take it forward.",
        },
    )
    assert declined.status_code == 302
    stored = factories.get(Offer, offer.id)
    assert (stored.status, stored.decision_concern) == ("declined", "rent")
    named = [
        " ".join(li.get_text().split())
        for li in soup(staff.get(f"/queue/offers/{offer.id}")).select("#decline-concerns li")
    ]
    assert named == [
        "The rent is not met by housing benefit or other revenue: Rent far above benchmark.",
        "The accommodation does not meet the quality standards: No level access to the flats.",
    ]
    email = next(e for e in factories.rows(EmailMessage) if "declined" in e.subject)
    assert "- The rent is not met by housing benefit or other revenue: Rent far above" in (
        email.body
    )
    assert "- The accommodation does not meet the quality standards: No level access" in (
        email.body
    )
    # The submitter sees every concern with its reason, as the case page does.
    owner = factories.signed_in_client(app, submitter)
    own_page = owner.get(f"/offers/{offer.id}")
    assert "Declined" in text(own_page)
    assert "We cannot take it forward." in text(own_page)
    assert [
        " ".join(li.get_text().split()) for li in soup(own_page).select("#decline-concerns li")
    ] == named


def test_the_second_officer_is_told_the_offer_changed(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    first = factories.signed_in_client(app, commissioner)
    second_account = factories.staff("commissioner")
    second = factories.signed_in_client(app, second_account)
    stale_page = second.get(f"/queue/offers/{offer.id}").text  # opened before the first acts
    _post(
        first,
        offer.id,
        "assign",
        {"officer": _officer_id(first, offer.id, commissioner.user.full_name)},
    )
    form = factories.BeautifulSoup(stale_page, "html.parser").find(
        "form", action=f"/queue/offers/{offer.id}/assign"
    )
    response = second.post(
        f"/queue/offers/{offer.id}/assign",
        data={
            "csrf_token": csrf_token(str(form)),
            "version": form.find("input", attrs={"name": "version"})["value"],
            "officer": _officer_id(second, offer.id, second_account.user.full_name),
        },
    )
    assert response.status_code == 409
    assert "This offer changed since you opened it" in " ".join(error_summary(response))
    assert factories.get(Offer, offer.id).assigned_to_id == commissioner.id


def test_an_override_shows_beside_the_original_score(app, submitter, commissioner):
    from workers import tasks

    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
    staff = factories.signed_in_client(app, commissioner)
    refused = _post(staff, offer.id, "override", {"score": "101", "band": "A", "justification": ""})
    assert "Score must be 100 or less" in error_summary(refused)
    done = _post(
        staff,
        offer.id,
        "override",
        {"score": "88", "band": "A", "justification": "Visited: better than it reads."},
    )
    assert done.status_code == 302
    page = text(staff.get(f"/queue/offers/{offer.id}"))
    assert "Overridden to 88.0 (band A)" in page
    assert "out of 100" in page  # the rules' own score stays shown


def test_the_score_of_a_withdrawn_offer_cannot_be_overridden(app, submitter, commissioner):
    from triage.services import offers as offer_service
    from workers import tasks

    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
    staff = factories.signed_in_client(app, commissioner)
    page = staff.get(f"/queue/offers/{offer.id}")  # opened before the submitter withdraws
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        assert offer_service.withdraw(stored, db.session.get(User, submitter.id))
    refused = staff.post(
        f"/queue/offers/{offer.id}/override",
        data={
            "csrf_token": csrf_token(page.text),
            "score": "88",
            "band": "A",
            "justification": "Visited: better than it reads.",
        },
    )
    assert "the offer is withdrawn" in text(refused)
    assert factories.count(ScoreOverride) == 0


def test_placement_officers_and_submitters_cannot_act(app, submitter):
    offer = factories.submitted_offer(submitter)
    officer = factories.signed_in_client(app, factories.staff("placement_officer"))
    assert "Assign an officer" not in text(officer.get(f"/queue/offers/{offer.id}"))
    owner = factories.signed_in_client(app, submitter)
    token = csrf_token(owner.get(f"/offers/{offer.id}").text)
    for action in ("assign", "request-information", "propose-meeting", "decide", "override"):
        assert (
            owner.post(f"/queue/offers/{offer.id}/{action}", data={"csrf_token": token}).status_code
            == 404
        )
    assert factories.count(OfferMessage) == 0


def test_another_organisation_cannot_answer_for_an_offer(app, submitter, other_submitter):
    offer = factories.submitted_offer(submitter)
    intruder = factories.signed_in_client(app, other_submitter)
    token = csrf_token(intruder.get("/offers").text)
    response = intruder.post(
        f"/offers/{offer.id}/respond", data={"csrf_token": token, "answer": "x"}
    )
    assert response.status_code == 404
    assert factories.count(OfferMessage) == 0
