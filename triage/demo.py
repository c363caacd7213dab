"""Demo accounts for `make run`: one per role, all with one known password."""

from __future__ import annotations

from sqlalchemy import select

from triage import db
from triage.auth.service import create_user, email_in_use, new_join_token
from triage.models import Organisation
from triage.models.users import OrganisationType, Role

DEMO_PASSWORD = "demo-offer-triage"  # noqa: S105  (printed for the demo; never in production)
DEMO_ORGANISATION = "Demo Housing Association"

ACCOUNTS = [
    (Role.SUBMITTER, "submitter@example.com", "Sam Submitter"),
    (Role.COMMISSIONER, "commissioner@example.com", "Chris Commissioner"),
    (Role.PLACEMENT_OFFICER, "placement@example.com", "Pat Placement"),
    (Role.ADMIN, "admin@example.com", "Alex Admin"),
]


def load_demo_accounts() -> list[tuple[str, str]]:
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )
    if organisation is None:
        organisation = Organisation(
            name=DEMO_ORGANISATION,
            organisation_type=OrganisationType.REGISTERED_PROVIDER,
            rsh_registration_number="L0000",
            join_token=new_join_token(),
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
    db.session.commit()
    return [(role.value, email) for role, email, _name in ACCOUNTS]
