"""Guidance on the draft from the answers issue 13 put to use: planning refused, a
date after the strategy, ages that leave out a cohort and care hours unlike the
support, each linking to the answer to change."""

from __future__ import annotations

from datetime import date

from tests import factories
from tests.factories import answer, soup


def _guidance(client, offer_id) -> dict[str, str]:
    block = soup(client.get(f"/offers/{offer_id}/check-answers")).select_one("#guidance")
    if block is None:
        return {}
    return {
        item.get_text(" ", strip=True): item.select_one("a")["href"] for item in block.select("li")
    }


def _link(items: dict[str, str], words: str) -> str:
    return next(href for text, href in items.items() if words in text)


def test_planning_refused_and_a_late_date_link_to_their_answers(submitter_client, submitter):
    offer = factories.complete_offer(
        submitter, care_provided=False, planning_status="refused", date_available=date(2033, 1, 1)
    )
    items = _guidance(submitter_client, offer.id)
    questions = f"/offers/{offer.id}/questions"
    assert _link(items, "Planning permission was refused") == (
        f"{questions}/development?return=check"
    )
    assert _link(items, "available in 2033, after the strategy's last phase (2026 to 2030)") == (
        f"{questions}/date-available?return=check"
    )


def test_ages_that_leave_out_the_cohort_link_to_the_age_range(submitter_client, submitter):
    offer = factories.complete_offer(submitter, care_provided=False)
    answer(submitter_client, offer.id, "cohorts", {"cohorts": ["looked_after_16_17"]})
    items = _guidance(submitter_client, offer.id)
    assert _link(items, "leave out Looked after children aged 16 to 17") == (
        f"/offers/{offer.id}/questions/age-range?return=check"
    )
    answer(submitter_client, offer.id, "age-range", {"age_min": "16", "age_max": "17"})
    assert not [t for t in _guidance(submitter_client, offer.id) if "leave out" in t]
