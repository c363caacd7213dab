"""Homes: the list, registering a vacancy, one home with its shortlist and
nominations, recording outcomes, and the proposal for every home at once. The
proposal is a suggestion the team accepts or changes home by home; nothing about
a person is decided by the matcher."""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from rules.offer import SupportModel, label
from triage import clock
from triage.auth.access import acting_user
from triage.csv_export import csv_response, xlsx_response
from triage.models import Nomination, PlacementUnit
from triage.models.placement import NominationStatus
from triage.placement import bp
from triage.placement.common import (
    cohort_labels,
    flash_done,
    not_found_unless,
    placement_required,
    posted_id,
    redirect_to,
)
from triage.placement.forms import (
    OUTCOME_CHOICES,
    HomeFeaturesForm,
    NominateForm,
    OutcomeForm,
    VacancyForm,
)
from triage.services.placement import affordability as affordability_service
from triage.services.placement import matching, waiting_list
from triage.services.placement import nominations as nomination_service
from triage.services.placement import units as unit_service
from triage.services.policy import policy_in_force


@bp.get("/homes")
@placement_required
def homes() -> str:
    units = unit_service.all_units()
    return render_template(
        "views/placement/homes.html",
        units=units,
        occupancy=unit_service.occupancy(units),
        cohorts=cohort_labels(policy_in_force()),
    )


HOME_COLUMNS = ("Home", "Description", "Scheme", "Vacancy", "Area", "Cohorts", "Places", "Free")


def _home_rows() -> list[tuple[object, ...]]:
    """The homes list as rows of a spreadsheet (the page's columns, split)."""
    units = unit_service.all_units()
    occupancy = unit_service.occupancy(units)
    cohorts = cohort_labels(policy_in_force())
    rows: list[tuple[object, ...]] = [HOME_COLUMNS]
    for unit in units:
        rows.append(
            (
                unit.reference,
                unit.description,
                unit.scheme,
                "Yes" if unit.is_vacancy else "No",
                unit.postcode_district,
                "; ".join(cohorts.get(code, code) for code in unit.cohort_codes),
                unit.places,
                occupancy[unit.id].free,
            )
        )
    return rows


@bp.get("/homes.csv")
@placement_required
def homes_csv() -> Response:
    return csv_response(_home_rows(), "homes.csv")


@bp.get("/homes.xlsx")
@placement_required
def homes_xlsx() -> Response:
    return xlsx_response(_home_rows(), "homes.xlsx", "Homes")


@bp.route("/homes/new", methods=["GET", "POST"])
@placement_required
def register_vacancy() -> str | Response:
    policy = policy_in_force()
    form = VacancyForm(policy=policy)
    if form.validate_on_submit():
        unit = PlacementUnit(
            scheme=form.scheme.data,
            description=form.description.data,
            postcode_district=form.postcode_district.data.upper(),
            cohorts=form.cohorts.data,
            configuration=form.configuration.data,
            support_model=form.support_model.data,
            self_contained=bool(form.self_contained.answer),
            wheelchair_accessible=bool(form.wheelchair_accessible.answer),
            level_access=bool(form.level_access.answer),
            places=form.places.data,
            age_min=form.age_min.data,
            age_max=form.age_max.data,
            available_from=form.available_from.data,
        )
        unit_service.register_vacancy(unit, acting_user())
        flash_done(f"Vacancy {unit.reference} registered")
        return redirect_to("placement.home", unit_id=unit.id)
    return render_template("views/placement/vacancy_form.html", form=form)


def _render_home(unit: PlacementUnit, error: str | None = None) -> str:
    policy = policy_in_force()
    found = matching.viewed_shortlist(unit, policy, clock.today_uk(), acting_user())
    people = {row.reference: row for row in waiting_list.waiting_people()}
    nominations = nomination_service.for_unit(unit)
    return render_template(
        "views/placement/home.html",
        unit=unit,
        found=found,
        people=people,
        nominations=nominations,
        nominated={item.person_id for item in nominations if item.is_open},
        cohort_names=[cohort_labels(policy).get(code, code) for code in unit.cohort_codes],
        support_label=label(SupportModel(unit.support_model)),
        nominate_form=NominateForm(formdata=None),
        error=error,
    )


@bp.get("/homes/<int:unit_id>")
@placement_required
def home(unit_id: int) -> str:
    unit = not_found_unless(unit_service.get(unit_id))
    return _render_home(unit)


@bp.route("/homes/<int:unit_id>/features", methods=["GET", "POST"])
@placement_required
def home_features(unit_id: int) -> str | Response:
    unit = not_found_unless(unit_service.get(unit_id))
    form = HomeFeaturesForm(obj=unit)
    if form.validate_on_submit():
        unit_service.change_features(
            unit,
            acting_user(),
            {
                "self_contained": bool(form.self_contained.answer),
                "wheelchair_accessible": bool(form.wheelchair_accessible.answer),
                "level_access": bool(form.level_access.answer),
                "available_from": form.available_from.data,
            },
        )
        flash_done("The home's features are confirmed")
        return redirect_to("placement.home", unit_id=unit.id)
    return render_template("views/placement/home_features.html", form=form, unit=unit)


@bp.post("/homes/<int:unit_id>/nominate")
@placement_required
def nominate(unit_id: int) -> str | Response:
    unit = not_found_unless(unit_service.get(unit_id))
    form = NominateForm()
    person_id = posted_id(form.person_id.data)
    if not form.validate_on_submit() or person_id is None:
        return redirect_to("placement.home", unit_id=unit.id)
    person = not_found_unless(waiting_list.get(person_id))
    policy, today = policy_in_force(), clock.today_uk()
    # The same rent engine as the offer's score, on this person's benefit profile:
    # a shortfall is shown, and nominating needs the officer's confirmation.
    affordability = affordability_service.for_nomination(unit, person, policy, today)
    if affordability.needs_confirmation and form.confirm_shortfall.data != "yes":
        return render_template(
            "views/placement/nominate_confirm.html",
            unit=unit,
            person=person,
            affordability=affordability,
            form=form,
        )
    try:
        nomination = nomination_service.nominate(unit, person, acting_user(), policy, today)
    except nomination_service.NominationRefused as refused:
        return _render_home(unit, error=str(refused))
    flash_done("Nomination recorded")
    return redirect_to("placement.nomination", nomination_id=nomination.id)


def _render_nomination(nomination: Nomination, form: OutcomeForm, error: str | None = None) -> str:
    next_statuses = nomination_service.NEXT_STATUSES.get(NominationStatus(nomination.status), ())
    offered = {status.value for status in next_statuses}
    form.outcome.choices = [choice for choice in OUTCOME_CHOICES if choice[0] in offered]
    return render_template(
        "views/placement/nomination.html",
        nomination=nomination,
        form=form,
        next_statuses=next_statuses,
        error=error,
        affordability=affordability_service.for_nomination(
            nomination.unit, nomination.person, policy_in_force(), clock.today_uk()
        ),
    )


@bp.get("/nominations/<int:nomination_id>")
@placement_required
def nomination(nomination_id: int) -> str:
    found = not_found_unless(nomination_service.get(nomination_id))
    nomination_service.viewed(found, acting_user())
    form = OutcomeForm(formdata=None, seen_status=found.status)
    return _render_nomination(found, form)


@bp.post("/nominations/<int:nomination_id>")
@placement_required
def record_outcome(nomination_id: int) -> str | Response:
    found = not_found_unless(nomination_service.get(nomination_id))
    form = OutcomeForm()
    valid = form.validate_on_submit()
    if valid and form.moved_in_on.data and form.moved_in_on.data < found.nominated_at.date():
        form.moved_in_on.errors = ["Date moved in must be on or after the date of the nomination"]
        valid = False
    if valid:
        outcome = NominationStatus(form.outcome.data)
        try:
            closed = nomination_service.record_outcome(
                found,
                outcome,
                acting_user(),
                seen_status=form.seen_status.data or "",
                reason=form.decline_reason.data if outcome is NominationStatus.DECLINED else None,
                unavailable_until=form.unavailable_until.data
                if outcome is NominationStatus.DECLINED
                else None,
                moved_in_on=form.moved_in_on.data,
            )
        except nomination_service.NominationRefused as refused:
            # Rolled back, so `found` reloads: the page shows the nomination as it is now.
            return _render_nomination(
                found, OutcomeForm(formdata=None, seen_status=found.status), error=str(refused)
            )
        message = f"Outcome recorded: {found.status_label.lower()}"
        if closed:
            message += (
                f"; {len(closed)} other open nomination{'s' if len(closed) != 1 else ''} closed"
            )
        flash_done(message)
        return redirect_to("placement.nomination", nomination_id=found.id)
    return _render_nomination(found, form)


@bp.get("/proposal")
@placement_required
def proposal() -> str:
    policy = policy_in_force()
    proposed = matching.viewed_proposal(policy, clock.today_uk(), acting_user())
    people = {row.reference: row for row in waiting_list.waiting_people()}
    return render_template(
        "views/placement/proposal.html",
        proposed=proposed,
        people=people,
        cohorts=cohort_labels(policy),
        nominate_form=NominateForm(formdata=None),
    )
