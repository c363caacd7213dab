"""Honest statuses for submitters: tag colours by meaning, "Answer needed" when the
council has asked something, and deleted drafts gone from the list."""

from __future__ import annotations

from tests import factories
from tests.factories import soup, submit_form
from triage import db
from triage.models import AuditEvent, Offer, User
from triage.services import decisions
from triage.workflow import DeclineConcern


def _tags(client) -> dict[str, tuple[str, list[str]]]:
    rows = soup(client.get("/offers")).select("tbody tr")
    return {
        row.select_one("a").get_text(strip=True): (
            row.select_one(".govuk-tag").get_text(strip=True),
            row.select_one(".govuk-tag")["class"],
        )
        for row in rows
    }


def _reviewing(app, offer_id, commissioner):
    stored = db.session.get(Offer, offer_id)
    actor = db.session.get(User, commissioner.id)
    decisions.assign(stored, actor, actor, seen_version=stored.version)
    return stored, actor


def test_each_status_has_the_colour_of_its_meaning(app, submitter_client, submitter, commissioner):
    factories.draft_offer(submitter, name="Drafty")
    factories.submitted_offer(submitter, name="Sent")
    asked = factories.submitted_offer(submitter, name="Asked")
    approved = factories.submitted_offer(submitter, name="Yes")
    declined = factories.submitted_offer(submitter, name="No")
    with app.app_context():
        offer, actor = _reviewing(app, asked.id, commissioner)
        decisions.request_information(offer, actor, seen_version=offer.version, question="Why?")
        offer, actor = _reviewing(app, approved.id, commissioner)
        decisions.approve(offer, actor, seen_version=offer.version, reasons="Good")
        offer, actor = _reviewing(app, declined.id, commissioner)
        decisions.decline(
            offer,
            actor,
            seen_version=offer.version,
            concern=DeclineConcern.RENT,
            reasons="Too dear",
        )
    tags = _tags(submitter_client)
    assert tags["Drafty"] == ("Draft", ["govuk-tag", "govuk-tag--grey"])
    assert tags["Sent"] == ("Submitted", ["govuk-tag", "govuk-tag--blue"])
    assert tags["Asked"] == ("Answer needed", ["govuk-tag", "govuk-tag--orange"])
    assert tags["Yes"] == ("Approved in principle", ["govuk-tag", "govuk-tag--green"])
    assert tags["No"] == ("Declined", ["govuk-tag", "govuk-tag--red"])


def test_a_question_from_the_council_shows_a_banner_until_it_is_answered(
    app, submitter_client, submitter, commissioner
):
    asked = factories.submitted_offer(submitter, name="Asked Court")
    with app.app_context():
        offer, actor = _reviewing(app, asked.id, commissioner)
        decisions.request_information(offer, actor, seen_version=offer.version, question="Why?")
    listing = soup(submitter_client.get("/offers"))
    banner = listing.select_one(".govuk-notification-banner")
    assert banner is not None and "Answer needed" in banner.get_text()
    assert banner.select_one(f'a[href="/offers/{asked.id}"]') is not None

    page = soup(submitter_client.get(f"/offers/{asked.id}"))
    banner = page.select_one(".govuk-notification-banner")
    assert banner is not None
    assert banner.select_one('a[href="#respond"]') is not None
    assert page.select_one("#respond") is not None

    version = page.find("input", attrs={"name": "version"})["value"]
    response = submit_form(
        submitter_client,
        f"/offers/{asked.id}/respond",
        {"answer": "Because.", "version": version},
        form_url=f"/offers/{asked.id}",
    )
    assert response.status_code == 302
    after = soup(submitter_client.get("/offers"))
    assert "Answer needed" not in after.get_text()
    assert _tags(submitter_client)["Asked Court"][0] == "Being reviewed"


def test_a_deleted_draft_is_gone_but_a_withdrawn_offer_stays(app, submitter_client, submitter):
    draft = factories.draft_offer(submitter, name="Gone Soon")
    sent = factories.submitted_offer(submitter, name="Withdrawn Place")
    submit_form(submitter_client, f"/offers/{draft.id}/withdraw", {})
    submit_form(submitter_client, f"/offers/{sent.id}/withdraw", {})
    tags = _tags(submitter_client)
    assert "Gone Soon" not in tags
    assert tags["Withdrawn Place"] == ("Withdrawn", ["govuk-tag", "govuk-tag--grey"])


def test_opening_your_own_deleted_draft_is_a_404_that_is_not_recorded_as_refused(
    app, submitter_client, submitter, other_submitter
):
    """A deleted draft is gone, but it was the organisation's own: no "access
    refused" event (audit noise). Another organisation's offer still is one."""
    draft = factories.draft_offer(submitter, name="Gone Soon")
    submit_form(submitter_client, f"/offers/{draft.id}/withdraw", {})
    refused = {"action": "access_refused"}
    before = factories.count(AuditEvent, **refused)
    for url in (f"/offers/{draft.id}", f"/offers/{draft.id}/documents"):
        assert submitter_client.get(url).status_code == 404
    assert factories.count(AuditEvent, **refused) == before

    stranger = factories.signed_in_client(app, other_submitter)
    assert stranger.get(f"/offers/{draft.id}").status_code == 404
    assert factories.count(AuditEvent, **refused) == before + 1
