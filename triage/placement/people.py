"""The waiting list: the list, one person's record, adding and editing, the CSV
download, and who may share with whom. Each view or change is audit-logged."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.wrappers import Response

from rules.matching import people_csv as waiting_list_csv
from triage.auth.access import acting_user
from triage.csv_export import csv_response, xlsx_response
from triage.models.placement import PersonStatus, WaitingPerson
from triage.placement import bp
from triage.placement.common import (
    cohort_labels,
    flash_done,
    int_arg,
    not_found_unless,
    placement_required,
    posted_id,
    redirect_to,
)
from triage.placement.forms import (
    EditPersonForm,
    PersonForm,
    RemoveSharingForm,
    SearchForm,
    SharingForm,
)
from triage.services.placement import nominations as nomination_service
from triage.services.placement import waiting_list
from triage.services.policy import policy_in_force


@bp.get("/people")
@placement_required
def people() -> str:
    cohort = request.args.get("cohort") or None
    status = request.args.get("status") or None
    return _render_people(cohort, status, None)


def _render_people(cohort: str | None, status: str | None, search: str | None) -> str:
    cohorts = cohort_labels(policy_in_force())
    cohort = cohort if cohort in cohorts else None
    status = status if status in {item.value for item in PersonStatus} else None
    page = waiting_list.people_page(
        acting_user(),
        cohort=cohort,
        status=status,
        search=search,
        page=1 if search else int_arg("page"),
    )
    return render_template(
        "views/placement/people.html",
        page=page,
        cohorts=cohorts,
        chosen={"cohort": cohort or "", "status": status or ""},
        search=search or "",
        search_form=SearchForm(formdata=None, reference=search or ""),
    )


@bp.post("/people/search")
@placement_required
def search_people() -> str | Response:
    """Results straight from the POST: a reference typed to search for is never in
    an address (and so in access logs) nor in the session cookie."""
    form = SearchForm()
    if not form.validate_on_submit() or form.clear.data or not form.reference.data:
        return redirect_to("placement.people")
    return _render_people(None, None, form.reference.data.strip().upper()[:20])


@bp.get("/people.csv")
@placement_required
def people_csv() -> Response:
    """The waiting list in the import's own format, so a downloaded file can be
    edited and imported again. Status is not a column: it comes from nominations."""
    people = [row.as_person() for row in waiting_list.export(acting_user())]
    return csv_response(waiting_list_csv.people_to_csv_rows(people), "waiting-list.csv")


@bp.get("/people.xlsx")
@placement_required
def people_xlsx() -> Response:
    """The waiting list as an Excel workbook, in the same columns as the CSV."""
    people = [row.as_person() for row in waiting_list.export(acting_user())]
    return xlsx_response(
        waiting_list_csv.people_to_csv_rows(people), "waiting-list.xlsx", "Waiting list"
    )


@bp.route("/people/new", methods=["GET", "POST"])
@placement_required
def add_person() -> str | Response:
    policy = policy_in_force()
    form = PersonForm(policy=policy)
    if form.validate_on_submit():
        if waiting_list.reference_taken(form.reference.data):
            form.reference.errors = [
                *form.reference.errors,
                "Person reference is already on the waiting list",
            ]
        else:
            row = waiting_list.add(form.person(), acting_user())
            # Flashed messages travel in the session cookie: no reference in them.
            flash_done("Added to the waiting list")
            return redirect_to("placement.person", person_id=row.id)
    return render_template("views/placement/person_form.html", form=form, person=None)


@bp.get("/people/<int:person_id>")
@placement_required
def person(person_id: int) -> str:
    row = not_found_unless(waiting_list.get(person_id))
    waiting_list.viewed(row, acting_user())
    return _render_person(row)


def _render_person(row: WaitingPerson, sharing_form: SharingForm | None = None) -> str:
    policy = policy_in_force()
    return render_template(
        "views/placement/person.html",
        person=row,
        cohorts=cohort_labels(policy),
        partners=waiting_list.sharing_partners(row),
        nominations=nomination_service.for_person(row),
        sharing_form=sharing_form or SharingForm(formdata=None),
        remove_form=RemoveSharingForm(formdata=None),
    )


def _edit_form(row: WaitingPerson, **kwargs: object) -> EditPersonForm:
    moved_in = row.status == PersonStatus.MOVED_IN
    form = EditPersonForm(policy=policy_in_force(), obj=row, moved_in=moved_in, **kwargs)
    return form


def _current_record_form(row: WaitingPerson) -> EditPersonForm:
    """The form filled from the record as it is now, with the version it shows."""
    form = _edit_form(row, formdata=None)
    form.version.data = str(row.version)
    form.unavailable_until.data = row.unavailable_until
    return form


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@placement_required
def edit_person(person_id: int) -> str | Response:
    row = not_found_unless(waiting_list.get(person_id))
    if request.method == "GET":
        waiting_list.viewed(row, acting_user())
        form = _current_record_form(row)
        return render_template("views/placement/person_form.html", form=form, person=row)
    form = _edit_form(row)
    if form.validate_on_submit():
        try:
            changed = waiting_list.change(
                row,
                # The form does not edit the benefit profile: the record's stays.
                form.person(row.reference, benefit_profile=row.tenant_profile()),
                acting_user(),
                PersonStatus(form.status.data),
                seen_version=posted_id(form.version.data),
            )
        except waiting_list.RecordReduced:
            form.status.errors = [
                *form.status.errors,
                "This record was reduced under the retention policy and cannot be "
                "changed. If the person is referred again, add them with a new reference",
            ]
        except waiting_list.PersonChanged:
            # Show the record as it is now (the edit was rolled back, so `row`
            # reloads), so saving again cannot overwrite the other officer's
            # change unseen.
            form = _current_record_form(row)
            form.version.errors = [
                "This record changed since you opened it. It now shows the latest "
                "details: make your changes again."
            ]
        else:
            flash_done("Changes saved" if changed else "Nothing was changed")
            return redirect_to("placement.person", person_id=row.id)
    return render_template("views/placement/person_form.html", form=form, person=row)


@bp.post("/people/<int:person_id>/sharing")
@placement_required
def add_sharing(person_id: int) -> str | Response:
    row = not_found_unless(waiting_list.get(person_id))
    form = SharingForm()
    if form.validate_on_submit():
        other = waiting_list.by_reference(form.other_reference.data)
        if other is None:
            form.other_reference.errors = [
                *form.other_reference.errors,
                "There is nobody on the waiting list with that reference",
            ]
        elif other.id == row.id:
            form.other_reference.errors = [
                *form.other_reference.errors,
                "Enter someone else's reference",
            ]
        else:
            added = waiting_list.record_sharing(row, other, acting_user())
            flash_done(
                "Recorded that they may share a home"
                if added
                else "They were already recorded as able to share"
            )
            return redirect_to("placement.person", person_id=row.id, _anchor="sharing")
    return _render_person(row, sharing_form=form)


@bp.post("/people/<int:person_id>/sharing/remove")
@placement_required
def remove_sharing(person_id: int) -> Response:
    row = not_found_unless(waiting_list.get(person_id))
    form = RemoveSharingForm()
    other_id = posted_id(form.other_id.data)
    if not form.validate_on_submit() or other_id is None:
        return redirect_to("placement.person", person_id=row.id)
    other = not_found_unless(waiting_list.get(other_id))
    if waiting_list.remove_sharing(row, other, acting_user()):
        flash_done("They are no longer recorded as able to share")
    return redirect_to("placement.person", person_id=row.id, _anchor="sharing")
