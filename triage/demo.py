"""Demo accounts for `make run`: one per role, all with one known password."""

from __future__ import annotations

from sqlalchemy import select

from triage import db
from triage.auth.service import create_user, email_in_use
from triage.db import transactional
from triage.models import Organisation, User
from triage.models.users import OrganisationType, Role

DEMO_PASSWORD = "demo-offer-triage"  # noqa: S105  (printed for the demo; never in production)
DEMO_ORGANISATION = "Demo Housing Association"

ACCOUNTS = [
    (Role.SUBMITTER, "submitter@example.com", "Sam Submitter"),
    (Role.COMMISSIONER, "commissioner@example.com", "Chris Commissioner"),
    (Role.PLACEMENT_OFFICER, "placement@example.com", "Pat Placement"),
    (Role.ADMIN, "admin@example.com", "Alex Admin"),
]


@transactional
def load_demo_accounts() -> list[tuple[str, str]]:
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )
    if organisation is None:
        organisation = Organisation(
            name=DEMO_ORGANISATION,
            organisation_type=OrganisationType.REGISTERED_PROVIDER,
            rsh_registration_number="L0000",
        )
        db.session.add(organisation)
    for role, email, name in ACCOUNTS:
        if not email_in_use(email):
            create_user(
                email=email,
                full_name=name,
                password=DEMO_PASSWORD,
                role=role,
                organisation=organisation if role == Role.SUBMITTER else None,
            )
    return [(role.value, email) for role, email, _name in ACCOUNTS]


@transactional
def load_demo_placements() -> tuple[int, int]:
    """The example waiting list and homes in docs/, for the placement pages: people
    (pseudonymous references only), vacancies and who may share. Loaded once: a
    database with anyone on the waiting list is left alone."""
    from rules.matching.people_csv import parse_people_csv
    from rules.matching.units_json import parse_units_json
    from triage.config import PROJECT_ROOT
    from triage.models import PlacementUnit, SharingPair, WaitingPerson
    from triage.models.placement import PersonStatus, UnitSource
    from triage.services.policy import policy_in_force

    if db.session.scalar(select(WaitingPerson.id).limit(1)) is not None:
        return 0, 0
    cohorts = [cohort.code for cohort in policy_in_force().cohorts]
    docs = PROJECT_ROOT / "docs"
    parsed = parse_people_csv((docs / "example-people.csv").read_bytes(), cohorts)
    homes = parse_units_json((docs / "example-units.json").read_bytes(), cohorts)
    ids: dict[str, int] = {}
    for person in parsed.people:
        row = WaitingPerson(reference=person.reference, status=PersonStatus.WAITING)
        row.take(person)
        db.session.add(row)
        db.session.flush()
        ids[person.reference] = row.id
    for pair in homes.sharing.may_share:
        known = sorted(ids[reference] for reference in pair if reference in ids)
        if len(known) == 2:
            db.session.add(
                SharingPair(first_id=known[0], second_id=known[1], recorded_by_id=_admin_id())
            )
    for unit in homes.units:
        db.session.add(
            PlacementUnit(
                reference=unit.reference,
                source=UnitSource.REGISTERED_VACANCY,
                scheme=unit.scheme,
                cohorts=" ".join(sorted(unit.cohorts)),
                configuration=unit.configuration.value,
                postcode_district=unit.postcode_district,
                support_model=unit.support_model.value,
                self_contained=unit.self_contained,
                wheelchair_accessible=unit.wheelchair_accessible,
                level_access=unit.level_access,
                places=unit.places,
                age_min=unit.age_min,
                age_max=unit.age_max,
            )
        )
    return len(parsed.people), len(homes.units)


def _admin_id() -> int:
    user_id = db.session.scalar(select(User.id).where(User.email == "admin@example.com"))
    assert user_id is not None, "load the demo accounts first"
    return user_id
