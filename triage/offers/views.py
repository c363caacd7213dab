"""The routes of the submitter's side (see the package)."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from triage.auth.access import acting_user, submitter_required
from triage.models import Document, Offer
from triage.offers import bp, forms, pages
from triage.offers.checks import offer_problems
from triage.services import audit, decisions, documents, offers, registration
from triage.services.guidance import draft_guidance
from triage.workflow import Action, StaleOffer, TransitionRefused, allowed


def _own_offer(offer_id: int) -> Offer:
    offer = offers.offer_for_organisation(offer_id, current_user.organisation_id)
    if offer is None:
        # Another organisation's: recorded, by id. Their own deleted draft is not.
        if offers.belongs_to_another_organisation(offer_id, current_user.organisation_id):
            audit.access_refused(acting_user(), request.endpoint or "", offer_id=offer_id)
        abort(404)
    return offer


def _own_draft(offer_id: int) -> Offer | Response:
    offer = _own_offer(offer_id)
    if not offer.is_draft:
        return redirect(url_for("offers.view", offer_id=offer.id))
    return offer


@bp.get("")
@submitter_required
def index() -> str:
    return render_template(
        "views/offers/index.html",
        offers=offers.offers_for_organisation(current_user.organisation_id),
        new_offer_form=forms.NewOfferForm(),
    )


@bp.post("/new")
@submitter_required
def new() -> Response:
    if not forms.NewOfferForm().validate_on_submit():
        abort(400)
    offer = offers.start_offer(acting_user())
    return redirect(url_for("offers.view", offer_id=offer.id))


@bp.get("/<int:offer_id>")
@submitter_required
def view(offer_id: int) -> Any:
    offer = _own_offer(offer_id)
    if offer.is_draft:
        return render_template("views/offers/task_list.html", offer=offer, sections=pages.SECTIONS)
    return _submitted_page(offer)


def _submitted_page(
    offer: Offer, form: forms.RespondForm | None = None, problem: str | None = None
) -> Any:
    messages = offers.messages_of(offer)
    respond_form = form or forms.RespondForm(data={"version": offer.version})
    return render_template(
        "views/offers/submitted.html",
        offer=offer,
        sections=pages.SECTIONS,
        summary=pages.summary,
        messages=messages,
        respond_form=respond_form,
        can_respond=allowed(offer, Action.RESPOND),
        named_concerns=decisions.decline_concerns(offer),
        form=respond_form if respond_form.errors else None,
        problem=problem,
        page_error=problem is not None,
    ), (409 if problem else 200)


@bp.post("/<int:offer_id>/respond")
@submitter_required
def respond(offer_id: int) -> Any:
    offer = _own_offer(offer_id)
    form = forms.RespondForm()
    if not form.validate_on_submit():
        return _submitted_page(offer, form)
    upload = request.files.get(form.attachment.name)
    attachment = (upload.stream, upload.filename) if upload and upload.filename else None
    try:
        version = int(form.version.data or -1)
        decisions.respond(
            offer,
            acting_user(),
            seen_version=version,
            answer=form.answer.data,
            attachment=attachment,
        )
    except documents.UploadRefused as refused:
        form.attachment.errors = [str(refused)]
        return _submitted_page(offer, form)
    except (StaleOffer, TransitionRefused, ValueError):
        return _submitted_page(
            offer,
            problem="The offer changed since you opened it, so your answer was not sent. "
            "Check the latest request below and answer again.",
        )
    flash("Your answer has been sent to the council")
    return redirect(url_for("offers.view", offer_id=offer.id))


@bp.get("/<int:offer_id>/sections/<section_slug>")
@submitter_required
def section(offer_id: int, section_slug: str) -> Response:
    found = _own_draft(offer_id)
    if isinstance(found, Response):
        return found
    chosen = pages.SECTIONS_BY_SLUG.get(section_slug)
    if chosen is None or chosen.cannot_start(found):
        abort(404)
    if chosen.slug == "documents":
        return redirect(url_for("offers.documents_page", offer_id=found.id))
    page = pages.first_page(found, chosen)
    if page is None:
        abort(404)
    return redirect(url_for("offers.question", offer_id=found.id, key=page.key))


@bp.route("/<int:offer_id>/questions/<path:key>", methods=["GET", "POST"])
@submitter_required
def question(offer_id: int, key: str) -> str | Response:
    found = _own_draft(offer_id)
    if isinstance(found, Response):
        return found
    offer = found
    located = pages.locate(offer, key)
    if located is None:
        abort(404)
    page = located.page
    form = page.make_form(offer, request.form if request.method == "POST" else None)
    # "Add another" or "Remove" on the addresses page: shown again, nothing saved.
    rearranged = getattr(form, "rearranged", False)
    if request.method == "POST" and not rearranged and form.validate():
        try:
            offers.save_answers(offer, lambda draft: page.apply(draft, form))
        except offers.NotADraft:
            return redirect(url_for("offers.view", offer_id=offer.id))
        except offers.DraftChanged:
            # Saved by someone else at the same moment: show the answers as they are now.
            return redirect(url_for("offers.question", offer_id=offer.id, key=key))
        if request.args.get("return") == "check":
            return redirect(url_for("offers.check_answers", offer_id=offer.id))
        following = pages.next_page(offer, located.section, page)
        if following is not None:
            return redirect(url_for("offers.question", offer_id=offer.id, key=following.key))
        return redirect(url_for("offers.view", offer_id=offer.id))
    return render_template(
        page.template, offer=offer, page=page, section=located.section, form=form
    )


@bp.route("/<int:offer_id>/documents", methods=["GET", "POST"])
@submitter_required
def documents_page(offer_id: int) -> str | Response:
    found = _own_draft(offer_id)
    if isinstance(found, Response):
        return found
    offer = found
    form = forms.DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors.append("Select a file to upload")
        else:
            try:
                documents.upload(
                    offer, acting_user(), form.kind.data, upload.stream, upload.filename
                )
            except documents.UploadRefused as refusal:
                form.file.errors.append(str(refusal))
            except documents.NotADraft:
                # Submitted (or saved by a colleague) while the file was on its way.
                return redirect(url_for("offers.view", offer_id=offer.id))
            else:
                flash(f"{upload.filename} has been uploaded")
                return redirect(url_for("offers.documents_page", offer_id=offer.id))
    return render_template(
        "views/offers/documents.html", offer=offer, form=form, remove_form=forms.ConfirmForm()
    )


@bp.post("/<int:offer_id>/documents/<int:document_id>/remove")
@submitter_required
def remove_document(offer_id: int, document_id: int) -> Response:
    found = _own_draft(offer_id)
    if isinstance(found, Response):
        return found
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    document = _document_of(found, document_id)
    try:
        documents.remove(document)
    except documents.NotADraft:
        return redirect(url_for("offers.view", offer_id=found.id))
    flash(f"{document.original_filename} has been removed")
    return redirect(url_for("offers.documents_page", offer_id=found.id))


def _document_of(offer: Offer, document_id: int) -> Document:
    document = documents.document_of(offer, document_id)
    if document is None:
        abort(404)
    return document


@bp.get("/<int:offer_id>/documents/<int:document_id>/download")
@login_required
def download_document(offer_id: int, document_id: int) -> Response:
    if current_user.is_staff:
        found = offers.submitted_offer(offer_id)
        if found is None:
            abort(404)
        offer = found
    else:
        offer = _own_offer(offer_id)
    document = _document_of(offer, document_id)
    path = documents.path_of(document)
    if not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:offer_id>/check-answers")
@submitter_required
def check_answers(offer_id: int) -> str | Response:
    found = _own_draft(offer_id)
    if isinstance(found, Response):
        return found
    incomplete = pages.incomplete_sections(found)
    problems = offer_problems(found)
    return render_template(
        "views/offers/check_answers.html",
        offer=found,
        sections=pages.SECTIONS,
        summary=pages.summary,
        incomplete=incomplete,
        problems=problems,
        guidance=[]
        if incomplete or problems
        else pages.guidance_links(found, draft_guidance(found)),
    )


@bp.route("/<int:offer_id>/declaration", methods=["GET", "POST"])
@submitter_required
def declaration(offer_id: int) -> str | Response:
    offer = _own_offer(offer_id)
    if not offer.is_draft:
        # A second click on "Submit offer" lands on the confirmation, not an error.
        return redirect(url_for("offers.confirmation", offer_id=offer.id))
    if pages.incomplete_sections(offer) or offer_problems(offer):
        return redirect(url_for("offers.check_answers", offer_id=offer.id))
    if registration.needs_confirmation(acting_user()):
        # An organisation's first user confirms their address before submitting.
        return render_template("views/auth/confirm_before_submitting.html", offer=offer)
    form = forms.DeclarationForm()
    if request.method == "GET":
        form.declaration_name.data = current_user.full_name
    if form.validate_on_submit():
        offers.submit(offer, acting_user(), form.declaration_name.data)
        return redirect(url_for("offers.confirmation", offer_id=offer.id))
    return render_template("views/offers/declaration.html", offer=offer, form=form)


@bp.get("/<int:offer_id>/confirmation")
@submitter_required
def confirmation(offer_id: int) -> str | Response:
    offer = _own_offer(offer_id)
    if offer.reference is None:
        return redirect(url_for("offers.view", offer_id=offer.id))
    return render_template("views/offers/confirmation.html", offer=offer)


@bp.route("/<int:offer_id>/withdraw", methods=["GET", "POST"])
@submitter_required
def withdraw(offer_id: int) -> str | Response:
    offer = _own_offer(offer_id)
    if not offer.can_withdraw:
        return redirect(url_for("offers.view", offer_id=offer.id))
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        was_draft = offer.is_draft
        if not offers.withdraw(offer, acting_user()):
            flash("The offer changed since you opened it, so it was not withdrawn")
            return redirect(url_for("offers.view", offer_id=offer.id))
        if was_draft:
            flash(f"{offer.name or 'The draft offer'} has been deleted")
        else:
            flash(f"{offer.reference} has been withdrawn")
        return redirect(url_for("offers.index"))
    return render_template("views/offers/withdraw.html", offer=offer, form=form)
