"""What the case page's partial (templates/views/offers/case_changes.html) shows:
each round of changes, side by side, and possible duplicates. View helpers, read
only; offered to templates by the blueprint's context processor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from triage.models import Offer, Organisation
from triage.offers import pages
from triage.services import offer_changes, offers
from triage.services.offer_changes import SectionChanges


@dataclass(frozen=True)
class Round:
    number: int
    reason: str
    sections: list[str]
    requested_at: datetime
    resubmitted_at: datetime | None
    changes: list[SectionChanges]


def rounds(offer_id: int) -> list[Round]:
    titles = {section.slug: section.title for section in pages.SECTIONS}
    return [
        Round(
            change.round,
            change.reason,
            [titles.get(slug, slug) for slug in change.sections],
            change.requested_at,
            change.resubmitted_at,
            offer_changes.differences(change.before, change.after),
        )
        for change in offer_changes.rounds_of(offer_id)
    ]


def duplicates(offer: Offer) -> list[Offer]:
    return offers.possible_duplicates(offer)


def organisation_twin(offer: Offer) -> Organisation | None:
    return offers.organisation_registered_earlier(offer)
