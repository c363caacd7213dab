"""The waiting list: the list, one person's record, adding and editing, the CSV
download, and who may share with whom. Each view or change is audit-logged."""

from __future__ import annotations

from flask import render_template, request, session
from werkzeug.wrappers import Response

from triage.csv_export import csv_response
from triage.models.placement import PersonStatus, WaitingPerson
from triage.placement.forms import (
    EditPersonForm,
    PersonForm,
    RemoveSharingForm,
    SearchForm,
    SharingForm,
)
from triage.placement.views import (
    blueprint,
    cohort_labels,
    flash_done,
    int_arg,
    not_found_unless,
    officer,
    placement_required,
    redirect_to,
)
from triage.services.placement import nominations as nomination_service
from triage.services.placement import waiting_list
from triage.services.policy import policy_in_force

SEARCH_KEY = "placement_people_search"

CSV_COLUMNS = (
    "person_reference",
    "cohort",
    "date_referred",
    "priority",
    "support_needed",
    "self_contained_required",
    "wheelchair_user",
    "level_access_needed",
    "age_band",
    "preferred_areas",
    "excluded_areas",
    "sharing_notes",
    "unavailable_until",
    "status",
)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@blueprint.get("/people")
@placement_required
def people() -> str:
    policy = policy_in_force()
    cohorts = cohort_labels(policy)
    cohort = request.args.get("cohort") or None
    status = request.args.get("status") or None
    # Kept in the session, not the address: a reference typed to search for would
    # otherwise be written to every access log the request passes through.
    search = session.get(SEARCH_KEY) or None
    cohort = cohort if cohort in cohorts else None
    status = status if status in {item.value for item in PersonStatus} else None
    page = waiting_list.people_page(
        officer(), cohort=cohort, status=status, search=search, page=int_arg("page")
    )
    return render_template(
        "views/placement/people.html",
        page=page,
        cohorts=cohorts,
        chosen={"cohort": cohort or "", "status": status or ""},
        search=search or "",
        search_form=SearchForm(formdata=None, reference=search or ""),
    )


@blueprint.post("/people/search")
@placement_required
def search_people() -> Response:
    form = SearchForm()
    if form.validate_on_submit():
        session[SEARCH_KEY] = (form.reference.data or "").strip().upper()[:20]
        if form.clear.data:
            session.pop(SEARCH_KEY, None)
    return redirect_to("placement.people")


@blueprint.get("/people.csv")
@placement_required
def people_csv() -> Response:
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    for person in waiting_list.export(officer()):
        rows.append(
            [
                person.reference,
                person.cohort,
                person.referred_on.isoformat(),
                person.priority,
                person.support_needed,
                _yes_no(person.self_contained_required),
                _yes_no(person.wheelchair_user),
                _yes_no(person.level_access_needed),
                person.age_band,
                person.preferred_areas,
                person.excluded_areas,
                person.sharing_notes,
                person.unavailable_until.isoformat() if person.unavailable_until else "",
                person.status,
            ]
        )
    return csv_response(rows, "waiting-list.csv")


@blueprint.route("/people/new", methods=["GET", "POST"])
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
            row = waiting_list.add(form.person(), officer())
            flash_done(f"{row.reference} added to the waiting list")
            return redirect_to("placement.person", person_id=row.id)
    return render_template("views/placement/person_form.html", form=form, person=None)


@blueprint.get("/people/<int:person_id>")
@placement_required
def person(person_id: int) -> str:
    row = not_found_unless(waiting_list.get(person_id))
    waiting_list.viewed(row, officer())
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


@blueprint.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@placement_required
def edit_person(person_id: int) -> str | Response:
    row = not_found_unless(waiting_list.get(person_id))
    policy = policy_in_force()
    form = EditPersonForm(policy=policy, obj=row)
    if request.method == "GET":
        form.reference.data = row.reference
        form.version.data = str(row.version)
        form.unavailable_until.data = row.unavailable_until
        waiting_list.viewed(row, officer())
    if form.validate_on_submit():
        if form.version.data != str(row.version):
            form.version.errors = [
                "This record changed since you opened it. Check the changes and try again."
            ]
            form.version.data = str(row.version)
        elif waiting_list.reference_taken(form.reference.data, except_id=row.id):
            form.reference.errors = [
                *form.reference.errors,
                "Person reference is already on the waiting list",
            ]
        else:
            changed = waiting_list.change(
                row, form.person(), officer(), PersonStatus(form.status.data)
            )
            flash_done("Changes saved" if changed else "Nothing was changed")
            return redirect_to("placement.person", person_id=row.id)
    return render_template("views/placement/person_form.html", form=form, person=row)


@blueprint.post("/people/<int:person_id>/sharing")
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
            added = waiting_list.record_sharing(row, other, officer())
            flash_done(
                f"Recorded that {row.reference} and {other.reference} may share a home"
                if added
                else f"{row.reference} and {other.reference} were already recorded as able to share"
            )
            return redirect_to("placement.person", person_id=row.id, _anchor="sharing")
    return _render_person(row, sharing_form=form)


@blueprint.post("/people/<int:person_id>/sharing/remove")
@placement_required
def remove_sharing(person_id: int) -> Response:
    row = not_found_unless(waiting_list.get(person_id))
    form = RemoveSharingForm()
    other_id = form.other_id.data or ""
    if not form.validate_on_submit() or not other_id.isdigit():
        return redirect_to("placement.person", person_id=row.id)
    other = not_found_unless(waiting_list.get(int(other_id)))
    if waiting_list.remove_sharing(row, other, officer()):
        flash_done(f"{row.reference} and {other.reference} are no longer recorded as able to share")
    return redirect_to("placement.person", person_id=row.id, _anchor="sharing")
