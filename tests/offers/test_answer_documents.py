"""A submitter answers a request for information with text and a document: both
reach the commissioner's case page, and a refused file sends nothing."""

from __future__ import annotations

import io

from tests import factories
from tests.factories import PDF_BYTES, error_summary, soup, text
from triage import db
from triage.models import Document, Offer, OfferMessage, User
from triage.services import decisions


def _information_requested(app, submitter) -> int:
    commissioner = factories.staff("commissioner")
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        decisions.assign(stored, officer, officer, seen_version=stored.version)
        decisions.request_information(
            stored, officer, seen_version=stored.version, question="Send the floor plan, please."
        )
    return offer.id


def _answer(client, offer_id: int, content: bytes, filename: str):
    page = client.get(f"/offers/{offer_id}")
    version = soup(page).find("input", attrs={"name": "version"})["value"]
    return factories.submit_form(
        client,
        f"/offers/{offer_id}/respond",
        {
            "version": version,
            "answer": "Plan attached.",
            "attachment": (io.BytesIO(content), filename),
        },
        form_url=f"/offers/{offer_id}",
    )


def test_an_answer_with_a_document_reaches_the_case_page(app, submitter, submitter_client):
    offer_id = _information_requested(app, submitter)
    sent = _answer(submitter_client, offer_id, PDF_BYTES, "plan.pdf")
    assert sent.status_code == 302
    (answer,) = factories.rows(OfferMessage, offer_id=offer_id, from_council=False)
    (attached,) = factories.rows(Document, offer_id=offer_id)
    assert attached.message_id == answer.id
    assert attached.kind == "answer"
    commissioner = factories.staff("commissioner")
    case = factories.signed_in_client(app, commissioner).get(f"/queue/offers/{offer_id}")
    link = soup(case).find("a", string="plan.pdf")
    assert link is not None, "the attachment is not on the case page"
    assert "Plan attached." in text(case)


def test_a_refused_file_sends_nothing_and_keeps_the_answer_typed(app, submitter, submitter_client):
    offer_id = _information_requested(app, submitter)
    refused = _answer(submitter_client, offer_id, b"MZ\x90\x00 not a document", "plan.exe")
    assert refused.status_code == 200
    assert "The selected file must be a PDF, PNG or JPEG" in error_summary(refused)
    assert "Plan attached." in refused.text
    assert factories.rows(OfferMessage, offer_id=offer_id, from_council=False) == []
    assert factories.rows(Document, offer_id=offer_id) == []
    assert factories.get(Offer, offer_id).status == "information_requested"


def test_a_file_six_times_the_limit_is_refused_on_the_form_with_the_answer_kept(
    app, submitter, submitter_client
):
    """A 60MB video chosen by mistake: the form says so beside the file field,
    and what was typed is still there (only the file's first bytes are kept)."""
    from tests.factories import PDF_BYTES

    offer_id = _information_requested(app, submitter)
    content = PDF_BYTES + b"0" * (60 * 1024 * 1024)
    refused = _answer(submitter_client, offer_id, content, "big-plan.pdf")
    assert refused.status_code == 200
    assert "The selected file must be smaller than 10MB" in error_summary(refused)
    assert "Plan attached." in refused.text
    assert factories.rows(Document, offer_id=offer_id) == []
    assert factories.get(Offer, offer_id).status == "information_requested"
