"""Glue between the database and the pure matcher in `rules.matching`: load the
people waiting and the homes with free places, and ask for one home's shortlist
or a proposal for every home at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rules.matching.people import Person, SharingRules, Unit
from rules.matching.proposal import Proposal, propose
from rules.matching.shortlist import Shortlist, shortlist
from rules.policy_data import Policy
from triage import db
from triage.db import transactional
from triage.models import Nomination, PlacementUnit, User, WaitingPerson
from triage.models.placement import OPEN_NOMINATION_STATUSES
from triage.services.audit import AuditAction, record
from triage.services.placement import units as unit_service
from triage.services.placement import waiting_list


def _people() -> list[Person]:
    return [row.as_person() for row in waiting_list.waiting_people()]


def _sharing() -> SharingRules:
    return SharingRules(may_share=waiting_list.all_sharing_pairs())


def _as_matchable(unit: PlacementUnit, occupancy: unit_service.Occupancy) -> Unit:
    """The home as the matcher sees it: the people already in it (or nominated to
    it) are occupants, who take places and whom newcomers must be able to share with."""
    return unit.as_unit(occupants=occupancy.occupants)


@dataclass(frozen=True)
class UnitShortlist:
    unit: PlacementUnit
    occupancy: unit_service.Occupancy
    result: Shortlist


def unit_shortlist(unit: PlacementUnit, policy: Policy, today: date) -> UnitShortlist:
    occupancy = unit_service.occupancy([unit])[unit.id]
    result = shortlist(_as_matchable(unit, occupancy), _people(), policy, today, _sharing())
    return UnitShortlist(unit, occupancy, result)


@transactional
def viewed_shortlist(
    unit: PlacementUnit, policy: Policy, today: date, officer: User
) -> UnitShortlist:
    """The shortlist an officer is shown, logged: it lists people waiting."""
    found = unit_shortlist(unit, policy, today)
    record(AuditAction.SHORTLIST_VIEWED, officer, detail=f"Home {unit.reference}")
    return found


@dataclass(frozen=True)
class HomesProposal:
    units: dict[str, PlacementUnit]
    proposal: Proposal
    # People left out because they hold an open nomination.
    nominated: int


def _nominated_references() -> set[str]:
    """People with an open nomination: a home is already being offered to them."""
    return set(
        db.session.scalars(
            select(WaitingPerson.reference)
            .join(Nomination, Nomination.person_id == WaitingPerson.id)
            .where(Nomination.status.in_(sorted(OPEN_NOMINATION_STATUSES)))
        )
    )


def proposal_for_all(policy: Policy, today: date) -> HomesProposal:
    """Every home with a free place, matched to the people waiting who have no
    open nomination (someone already being offered a home is not proposed for a
    second one; their shortlists still show them)."""
    free = unit_service.units_with_free_places()
    matchable = [_as_matchable(unit, occupancy) for unit, occupancy in free]
    nominated = _nominated_references()
    people = [person for person in _people() if person.reference not in nominated]
    result = propose(matchable, people, policy, today, _sharing())
    return HomesProposal({unit.reference: unit for unit, _ in free}, result, len(nominated))


@transactional
def viewed_proposal(policy: Policy, today: date, officer: User) -> HomesProposal:
    """The proposal an officer is shown, logged: it lists people waiting."""
    proposed = proposal_for_all(policy, today)
    record(AuditAction.PROPOSAL_VIEWED, officer, detail=f"{len(proposed.units)} homes")
    return proposed
