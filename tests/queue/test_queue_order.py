"""The queue's order read from the offers' sort keys (issue 15): each column both
ways, offers without a value last either way, ties settled by the policy's order
and then the offer, and every page (those near the end are read counting back
from it) together the whole queue, each offer once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from tests import factories
from tests.queue.test_queue_columns import _score, _units
from triage import db
from triage.models import Offer, Organisation
from triage.services import queue as queue_service
from triage.services.policy import policy_in_force

ORDERS = [(column, descending) for column in queue_service.SORTS for descending in (False, True)]


def _queue(app, *, page_size: int | None = None, **filters: Any) -> list[Any]:
    """The queue's rows in order: all at once, or page by page of `page_size`."""
    with app.app_context():
        policy = policy_in_force()
        chosen = queue_service.QueueFilters(**filters)
        if page_size is None:
            return [row[0].id for row in queue_service.every_row(policy, chosen)]
        first = queue_service.queue_page(policy, chosen, 1, page_size)
        ids = [row[0].id for row in first.rows]
        for number in range(2, first.pages + 1):
            page = queue_service.queue_page(policy, chosen, number, page_size)
            assert len(page.rows) == (
                page_size if number < first.pages else first.total - page_size * (number - 1)
            )
            ids += [row[0].id for row in page.rows]
        return ids


def _values(app, column: str, ids: list[int]) -> list[Any]:
    """What each offer shows in the column sorted by, in `ids` order."""
    with app.app_context():
        policy = policy_in_force()
        rows = {
            row[0].id: row for row in queue_service.every_row(policy, queue_service.QueueFilters())
        }
        shown = []
        for offer_id in ids:
            offer, organisation, score, override, _assignee = rows[offer_id]
            rents = [u.core_rent_pence for u in offer.unit_types if u.core_rent_pence is not None]
            shown.append(
                {
                    "reference": offer.reference,
                    "property": offer.name,
                    "organisation": organisation.name,
                    "units": offer.total_units,
                    "rent": min(rents) if rents else None,
                    "score": (override or score).score if (override or score) else None,
                    "red_flags": score.red_flag_count if score else None,
                    "submitted": offer.submitted_at,
                }[column]
            )
        return shown


@pytest.fixture
def mixed_queue(app, submitter, other_submitter) -> list[int]:
    """Seven offers of two organisations: units tied, a rent not given, three scored
    (one with a red flag), four not."""
    ids = []
    for index, owner in enumerate([submitter, other_submitter] * 3 + [submitter]):
        postcode = "NG1 1AA" if index == 2 else "LE1 1AA"  # outside the city: a red flag
        ids.append(factories.submitted_offer(owner, name=f"Court {index}", postcode=postcode).id)
    _units(app, ids[0], ("studio", 4, 120_00))
    _units(app, ids[1], ("studio", 4, 120_00))  # the same as the first: a tie
    _units(app, ids[3], ("studio", 2, None))  # no rent given
    _units(app, ids[5], ("studio", 9, 99_00))
    _score(app, ids[0], ids[2], ids[5])
    with app.app_context():
        # Submitted a day apart, the first longest ago: the policy's last key.
        start = datetime(2026, 11, 2, 9, tzinfo=UTC)
        for position, offer_id in enumerate(ids):
            db.session.execute(
                update(Offer)
                .where(Offer.id == offer_id)
                .values(submitted_at=start + timedelta(days=position))
            )
        db.session.commit()
    return ids


@pytest.mark.parametrize(("column", "descending"), ORDERS)
def test_every_page_together_is_the_whole_queue_in_order(app, mixed_queue, column, descending):
    everything = _queue(app, sort=column, descending=descending)
    assert sorted(everything) == sorted(mixed_queue)
    for page_size in (1, 2, 3):
        assert _queue(app, page_size=page_size, sort=column, descending=descending) == everything


@pytest.mark.parametrize(
    ("column", "descending"),
    [
        (column, descending)
        for column, descending in ORDERS
        if column not in ("assigned", "status", "submitted")
    ],
)
def test_a_sorted_column_runs_one_way_with_offers_without_a_value_last(
    app, mixed_queue, column, descending
):
    values = _values(app, column, _queue(app, sort=column, descending=descending))
    present = [value for value in values if value is not None]
    assert values == present + [None] * (len(values) - len(present))
    assert present == sorted(present, reverse=descending)


def test_ties_are_settled_by_the_policys_order(app, mixed_queue):
    first, second = mixed_queue[0], mixed_queue[1]
    # Four units each: the scored one comes first (a score before none), either way.
    for descending in (False, True):
        order = _queue(app, sort="units", descending=descending)
        assert order.index(first) + 1 == order.index(second)
    # Not scored, so no score, band or red flags to tell them apart: the one
    # waiting longest first, whichever way the scores run.
    unscored = [mixed_queue[1], mixed_queue[3], mixed_queue[4], mixed_queue[6]]
    for descending in (False, True):
        assert _queue(app, sort="score", descending=descending)[-4:] == unscored


def test_a_deep_page_is_the_same_page_counted_from_either_end(app, submitter):
    ids = [factories.submitted_offer(submitter, name=f"House {n}").id for n in range(9)]
    with app.app_context():
        policy = policy_in_force()
        filters = queue_service.QueueFilters(sort="reference")
        pages = [queue_service.queue_page(policy, filters, n, 2) for n in range(1, 6)]
    assert [len(page.rows) for page in pages] == [2, 2, 2, 2, 1]
    assert [row[0].id for page in pages for row in page.rows] == ids


def test_an_organisation_renamed_moves_its_offers_in_the_queue(app, submitter, other_submitter):
    mine = factories.submitted_offer(submitter)
    theirs = factories.submitted_offer(other_submitter)
    with app.app_context():
        for account, name in ((submitter, "Beta Homes"), (other_submitter, "Alpha Homes")):
            db.session.get(Organisation, account.user.organisation_id).name = name
        db.session.commit()
    assert _queue(app, sort="organisation") == [theirs.id, mine.id]
    with app.app_context():
        db.session.get(Organisation, other_submitter.user.organisation_id).name = "Zeta Homes"
        db.session.commit()
    assert _queue(app, sort="organisation") == [mine.id, theirs.id]
