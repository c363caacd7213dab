"""A draft is saved page by page and outlives the session that wrote it."""

from __future__ import annotations

from tests import factories
from tests.factories import answer, question_url
from tests.web.checks import summary_text


def test_a_draft_survives_signing_out_and_in_again(app, client, submitter):
    factories.sign_in(client, submitter)
    offer = factories.draft_offer(submitter)
    response = answer(
        client,
        offer.id,
        "name-and-address",
        {"name": "Kept Court", "address": "3 Lane", "postcode": "le3 9qq"},
    )
    assert response.status_code == 302
    factories.sign_out(client)
    assert client.get(question_url(offer.id, "name-and-address")).status_code == 302

    factories.sign_in(client, submitter)
    shown = factories.form_values(client.get(question_url(offer.id, "name-and-address")))
    assert shown["name"] == ["Kept Court"]
    assert shown["postcode"] == ["LE3 9QQ"]
    check = summary_text(client.get(f"/offers/{offer.id}/check-answers"))
    assert "Kept Court" in check
    assert "Postcode LE3 9QQ" in check
    assert "1. Property and location In progress" in factories.text(
        client.get(f"/offers/{offer.id}")
    )


def test_a_colleague_carries_on_the_same_draft(app, submitter):
    first = factories.signed_in_client(app, submitter)
    offer = factories.draft_offer(submitter)
    answer(first, offer.id, "support-model", {"support_model": "floating"})
    colleague = factories.submitter(
        org=factories.get(type(submitter.user.organisation), submitter.user.organisation_id)
    )
    second = factories.signed_in_client(app, colleague)
    shown = factories.form_values(second.get(question_url(offer.id, "support-model")))
    assert shown["support_model"] == ["floating"]
    answer(second, offer.id, "age-range", {"age_min": "18", "age_max": "30"})
    assert "Age range 18 to 30" in summary_text(first.get(f"/offers/{offer.id}/check-answers"))


def test_returning_to_the_task_list_without_saving_keeps_the_earlier_answer(
    submitter_client, submitter
):
    offer = factories.complete_offer(submitter)
    page = factories.soup(submitter_client.get(question_url(offer.id, "landlord")))
    link = page.find("a", string="Return to the task list without saving this page")
    assert link["href"] == f"/offers/{offer.id}"
    assert factories.form_values(submitter_client.get(question_url(offer.id, "landlord")))[
        "landlord_name"
    ] == ["Example Homes"]


def test_answers_saved_at_the_same_moment_as_another_save_are_not_mixed(app, submitter):
    """Two colleagues save the same draft at once: the second save is refused
    (DraftChanged, which the page answers by showing the answers as they are now)
    rather than written over the first, and nothing of it is saved."""
    from sqlalchemy import update

    from triage import db
    from triage.models import Offer
    from triage.services import offers

    offer = factories.draft_offer(submitter, name="First name")
    with app.app_context():
        mine = db.session.get(Offer, offer.id)
        # A colleague's save lands between loading the page and saving it.
        with app.extensions["triage.engine"].begin() as connection:
            connection.execute(
                update(Offer)
                .where(Offer.id == offer.id)
                .values(name="Colleague's name", version=Offer.version + 1)
            )
        try:
            offers.save_answers(mine, lambda draft: setattr(draft, "name", "My name"))
        except offers.DraftChanged:
            refused = True
        else:
            refused = False
    assert refused
    assert factories.get(Offer, offer.id).name == "Colleague's name"


def test_a_submitted_offer_takes_no_more_answers(app, submitter):
    from triage import db
    from triage.models import Offer
    from triage.services import offers

    offer = factories.submitted_offer(submitter)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        try:
            offers.save_answers(stored, lambda draft: setattr(draft, "name", "Changed"))
        except offers.NotADraft:
            refused = True
        else:
            refused = False
    assert refused
    assert factories.get(Offer, offer.id).name == "Hamelin Court"


def test_a_document_uploaded_as_the_offer_is_submitted_is_refused(app, submitter):
    """The upload's page loaded the draft; the submission lands before the file is
    saved: the upload is refused and the submitted offer keeps its documents."""
    import io

    from sqlalchemy.orm.attributes import set_committed_value

    from triage import db
    from triage.models import Document, Offer, User
    from triage.services import documents
    from triage.services import offers as offer_service

    offer = factories.complete_offer(submitter)
    with app.app_context():
        draft_seen_by_upload = db.session.get(Offer, offer.id)
        version = draft_seen_by_upload.version
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        assert offer_service.submit(stored, db.session.get(User, submitter.id), "Sam")
    with app.app_context():
        late = db.session.get(Offer, offer.id)
        # The upload acts on the draft as its request loaded it, before the submission.
        set_committed_value(late, "status", "draft")
        set_committed_value(late, "version", version)
        refused = False
        try:
            documents.upload(
                late,
                db.session.get(User, submitter.id),
                "floor_plan",
                io.BytesIO(factories.PDF_BYTES),
                "plan.pdf",
            )
        except documents.NotADraft:
            refused = True
    assert refused
    assert factories.count(Document) == 0
    assert factories.get(Offer, offer.id).status == "submitted"
    assert list(documents_folder(app).glob("*")) == []


def documents_folder(app):
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder
