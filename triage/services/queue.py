"""The queue of submitted offers, read: who can be assigned, the filters applied,
the policy's order, one page (or every row, for the CSV), and what the case page
shows of an offer's history. The queue's pages ask here and never query
themselves.

The queue is read in two steps within one statement. The inner query sorts
narrow rows of one table (each offer's id, its newest score's and override's ids
and the sort keys, all copies kept on the offer: Offer.queue_*, see
triage/models/queue_keys.py) and takes one page of them; the outer query joins
that page to the whole offer, organisation, score and override. So the database
sorts keys, never whole offers with their scores' JSON, and groups no scores,
overrides or units, however deep the page. Red flags come first (or
last), then band, score and time waiting in the order the policy gives; open
offers come before decided or withdrawn ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Row, Select, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased, selectinload

from rules.policy_data import RULE_NAMES, Policy
from triage import db
from triage.models import (
    AuditEvent,
    Offer,
    OfferCohort,
    OfferMessage,
    OfferScore,
    Organisation,
    ScoreOverride,
    User,
)
from triage.models.offers import OFFER_STATUS_LABELS, OPEN_STATUSES
from triage.models.scores import OfferScoreVerdict
from triage.models.users import DECIDER_ROLES

# Keeps the sort keys this module reads (Offer.queue_*) in step: registers its
# session hook on import.
from triage.services import queue_keys as _keys_kept_in_step  # noqa: F401

# Offers on a page of the queue, and the most bulk assignment takes at once.
PAGE_SIZE = 50
# The officer filter's value for offers nobody has yet.
UNASSIGNED = "unassigned"

Columns = TypeVarTuple("Columns")
# The sort keys: an expression, and whether it sorts in descending order.
SortValue = ColumnElement[Any] | InstrumentedAttribute[Any]
SortKey = tuple[SortValue, bool]

Assignee = aliased(User, name="assignee")


@dataclass(frozen=True)
class Officer:
    id: int
    name: str
    active: bool


@dataclass
class QueueFilters:
    """What the queue is narrowed to. Empty means "any". Read from the query
    string by triage.queue.filters.parse."""

    statuses: list[str] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)
    configurations: list[str] = field(default_factory=list)
    rule: str = ""
    verdict: str = ""
    officer: str = ""  # "", UNASSIGNED or an officer's id
    district: str = ""  # an outward code, like LE1
    search: str = ""
    # The column the queue is sorted by ("" for the policy's order; one of SORTS)
    # and whether it is sorted descending. Not a filter: kept apart in query_args.
    sort: str = ""
    descending: bool = False
    # As typed, to show back beside an error; and the errors, by field name.
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.query_args())

    def query_args(self) -> dict[str, Any]:
        """The filters as query-string arguments: only values that are in use and
        valid, so a link built from them never carries junk along."""
        args: dict[str, Any] = {
            "status": self.statuses,
            "cohort": self.cohorts,
            "configuration": self.configurations,
            "rule": self.rule,
            "verdict": self.verdict,
            "officer": self.officer,
            "district": self.district,
            "search": self.search,
        }
        return {name: value for name, value in args.items() if value}

    def sort_args(self) -> dict[str, str]:
        """The order as query-string arguments (none for the policy's order)."""
        if not self.sort:
            return {}
        return {"sort": self.sort, "order": "descending" if self.descending else "ascending"}

    def link_args(self) -> dict[str, Any]:
        """What a link to another page of this queue carries: filters and order."""
        return {**self.query_args(), **self.sort_args()}


# --- Officers ----------------------------------------------------------------------


def officers() -> list[Officer]:
    """Everyone who can be assigned an offer (commissioners and administrators), in
    one query; accounts since closed too, as offers may still be assigned to them."""
    rows = db.session.execute(
        select(User.id, User.full_name, User.is_active)
        .where(User.role.in_([role.value for role in DECIDER_ROLES]))
        .order_by(User.full_name, User.id)
    )
    return [Officer(row.id, row.full_name, row.is_active) for row in rows]


def officer(user_id: int) -> User | None:
    """The officer, if `user_id` is someone who can be assigned an offer."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.has_role(*DECIDER_ROLES) else None


# --- Filters -----------------------------------------------------------------------


def apply(query: Select[*Columns], filters: QueueFilters) -> Select[*Columns]:
    """`query` (the queue's: queue_keys()) narrowed to the offers that pass every
    filter. Each is a condition on an indexed column; they combine with AND and
    none changes the order."""
    if filters.statuses:
        query = query.where(Offer.status.in_(filters.statuses))
    if filters.cohorts:
        query = query.where(
            Offer.id.in_(
                select(OfferCohort.offer_id).where(OfferCohort.cohort.in_(filters.cohorts))
            )
        )
    if filters.configurations:
        query = query.where(Offer.configuration.in_(filters.configurations))
    if filters.rule or filters.verdict:
        # On the newest score only (the one the queue joins): an older score's
        # verdicts no longer stand. Naming the rules when any will do lets the
        # (rule, verdict) index find the scores.
        verdicts = select(OfferScoreVerdict.score_id).where(
            OfferScoreVerdict.rule.in_([filters.rule] if filters.rule else RULE_NAMES)
        )
        if filters.verdict:
            verdicts = verdicts.where(OfferScoreVerdict.verdict == filters.verdict)
        query = query.where(Offer.queue_score_id.in_(verdicts))
    if filters.officer == UNASSIGNED:
        query = query.where(Offer.assigned_to_id.is_(None))
    elif filters.officer:
        query = query.where(Offer.assigned_to_id == int(filters.officer))
    if filters.district:
        query = query.where(Offer.postcode_district == filters.district)
    if filters.search:
        query = query.where(
            or_(
                Offer.reference.icontains(filters.search, autoescape=True),
                Offer.name.icontains(filters.search, autoescape=True),
            )
        )
    return query


# --- Order -------------------------------------------------------------------------


def queue_keys() -> Select[int]:
    """Submitted offers' ids, unordered: the query the filters (apply) narrow. One
    table: what the queue sorts and filters by are the offer's own columns or its
    copies (Offer.queue_*, kept in step by triage/models/queue_keys.py).

    Submitted, whatever has happened since; a draft deleted before it was
    submitted is not staff's business.
    """
    return select(Offer.id.label("offer_id")).where(Offer.submitted_at.is_not(None))


def effective_score() -> ColumnElement[Any]:
    """The score the queue ranks by: an officer's override where there is one
    (it says what the offer is worth), else the newest score's."""
    return Offer.queue_score.expression


def effective_band() -> ColumnElement[Any]:
    return Offer.queue_band.expression


def _open_first() -> SortKey:
    return (
        case((Offer.status.in_([status.value for status in OPEN_STATUSES]), 0), else_=1),
        False,
    )


def policy_keys(policy: Policy) -> list[SortKey]:
    """The policy's order as (expression, descending) pairs, after open offers
    first: red flags first (or last), then band, score and time waiting as the
    policy lists them. An override's score and band count as the offer's."""
    flagged_first = policy.queue.red_flags == "first"
    keys: list[SortKey] = [
        _open_first(),
        (
            case(
                (Offer.queue_red_flags > 0, 0 if flagged_first else 1),
                else_=1 if flagged_first else 0,
            ),
            False,
        ),
    ]
    bands = {band.name: position for position, band in enumerate(policy.scoring.bands)}
    for key in policy.queue.order:
        if key == "band":
            keys.append((case(bands, value=effective_band(), else_=len(bands)), False))
        elif key == "score":
            keys.append((func.coalesce(effective_score(), -1), True))
        else:
            keys.append((Offer.submitted_at, False))
    return keys


def _status_position() -> ColumnElement[Any]:
    positions = {status.value: position for position, status in enumerate(OFFER_STATUS_LABELS)}
    return case(positions, value=Offer.status, else_=len(positions))


# A select of any columns (the queue's keys, however joined).
AnySelect = Select[*tuple[Any, ...]]
SortJoin = Callable[[AnySelect], tuple[AnySelect, SortValue]]


def _on_offer(expression: Callable[[], Any]) -> SortJoin:
    """A sort on a column of the offer (its own or a copy in Offer.queue_*): no join."""
    return lambda keys: (keys, expression())


def _by_assignee(keys: AnySelect) -> tuple[AnySelect, SortValue]:
    officer = aliased(User, name="sort_officer")
    return keys.outerjoin(officer, officer.id == Offer.assigned_to_id), officer.full_name


# The columns the queue may be sorted by (the only values ?sort= accepts): how to
# reach each one's value from the queue's keys, and the direction a first click
# sorts it in (the highest score, the most units and the most red flags first).
SORTS: dict[str, tuple[SortJoin, bool]] = {
    "reference": (_on_offer(lambda: Offer.reference), False),
    "property": (_on_offer(lambda: Offer.name), False),
    "organisation": (_on_offer(lambda: Offer.queue_organisation), False),
    "submitted": (_on_offer(lambda: Offer.submitted_at), False),
    "assigned": (_by_assignee, False),
    "status": (_on_offer(_status_position), False),
    "units": (_on_offer(lambda: Offer.queue_units), True),
    "rent": (_on_offer(lambda: Offer.queue_rent_pence), False),
    "score": (_on_offer(effective_score), True),
    "red_flags": (_on_offer(lambda: Offer.queue_red_flags), True),
}


def sort_keys(
    policy: Policy, keys: AnySelect, sort: str = "", descending: bool = False
) -> tuple[AnySelect, list[SortKey]]:
    """`keys` (joined to what the sort needs) and the queue's order as (expression,
    descending) pairs, on columns of the offer, its newest score and override;
    the offer's id settles any tie. With `sort` (one of SORTS), that column
    first, then the policy's order."""
    if not sort:
        return keys, policy_keys(policy)
    keys, expression = SORTS[sort][0](keys)
    return keys, [(expression, descending), *policy_keys(policy)[1:]]


def in_queue_order(
    policy: Policy,
    keys: Select[int],
    *,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "",
    descending: bool = False,
    from_the_end: bool = False,
) -> Select[Offer, Organisation, OfferScore, ScoreOverride]:
    """Rows of (offer, organisation, newest score or None, newest override or None)
    for the offers `keys` (queue_keys(), filtered) finds, in queue order (or sorted
    by the column `sort`); with `limit`, one page of them. One statement, however
    many rows.

    `from_the_end`: `offset` counts from the last offer back, for a page in the
    second half of the queue. The database sorts (and skips) fewer rows to reach
    it; the page still comes in queue order."""
    keys, order = sort_keys(policy, keys, sort, descending)
    labels = [f"key_{index}" for index in range(len(order))]
    narrow = keys.add_columns(
        *(expression.label(label) for (expression, _), label in zip(order, labels, strict=True))
    )
    if limit is not None:
        narrow = (
            narrow.order_by(
                *(
                    _direction(
                        expression,
                        descending,
                        nulls_last=bool(sort) and index == 0,
                        reverse=from_the_end,
                    )
                    for index, (expression, descending) in enumerate(order)
                ),
                Offer.id.desc() if from_the_end else Offer.id.asc(),
            )
            .limit(limit)
            .offset(offset)
        )
    page = narrow.subquery("page")
    return (
        select(Offer, Organisation, OfferScore, ScoreOverride)
        .select_from(page)
        .join(Offer, Offer.id == page.c.offer_id)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        # The newest score's and override's ids are read from the offer's row
        # here, not carried through the sort: the narrower the rows the database
        # sorts, the faster (a deep page sorts thousands).
        .outerjoin(OfferScore, OfferScore.id == Offer.queue_score_id)
        .outerjoin(ScoreOverride, ScoreOverride.id == Offer.queue_override_id)
        .order_by(
            *(
                _direction(page.c[label], descending, nulls_last=bool(sort) and index == 0)
                for index, (label, (_, descending)) in enumerate(zip(labels, order, strict=True))
            ),
            page.c.offer_id.asc(),
        )
        # The units and cohorts the queue shows: two statements for the page.
        .options(
            selectinload(Offer.unit_types),
            selectinload(Offer.cohorts),
            # A dispersed scheme's addresses (issue 13): their postcodes are exported.
            selectinload(Offer.addresses),
        )
    )


def _direction(
    expression: Any, descending: bool, *, nulls_last: bool, reverse: bool = False
) -> Any:
    """ORDER BY one key; a sorted column puts offers without a value (not scored,
    no rent given) last either way, as SQLite and PostgreSQL otherwise disagree.
    `reverse`: the opposite order, exactly (what was last comes first)."""
    ordered = expression.desc() if descending != reverse else expression.asc()
    if not nulls_last:
        return ordered
    return ordered.nulls_first() if reverse else ordered.nulls_last()


# --- The queue, read ------------------------------------------------------------------

# (offer, organisation, newest score or None, newest override or None, assigned
# officer's name or None)
QueueRow = Row[Offer, Organisation, OfferScore | None, ScoreOverride | None, str | None]


def filtered_queue(
    policy: Policy,
    filters: QueueFilters,
    *,
    limit: int | None = None,
    offset: int = 0,
    from_the_end: bool = False,
) -> Select[Any]:
    """Rows of (offer, organisation, newest score or None, newest override or None,
    assigned officer's name or None), filtered, in queue order or the order chosen
    (with `limit`, one page; `from_the_end`: see in_queue_order): one query
    however many rows."""
    return (
        in_queue_order(
            policy,
            apply(queue_keys(), filters),
            limit=limit,
            offset=offset,
            sort=filters.sort,
            descending=filters.descending,
            from_the_end=from_the_end,
        )
        .outerjoin(Assignee, Assignee.id == Offer.assigned_to_id)
        .add_columns(Assignee.full_name.label("assigned_name"))
    )


def count_filtered(filters: QueueFilters) -> int:
    """How many submitted offers pass the filters."""
    keys = apply(queue_keys(), filters).subquery()
    return db.session.scalar(select(func.count()).select_from(keys)) or 0


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[QueueRow]
    number: int  # from 1
    pages: int  # at least 1
    total: int  # offers passing the filters, on every page


def queue_page(policy: Policy, filters: QueueFilters, page: int, page_size: int) -> QueuePage:
    """One page of the filtered queue. The number is clamped, so a page past the
    end (or past what the database can hold) is the last page rather than a failure."""
    total = count_filtered(filters)
    pages = max((total + page_size - 1) // page_size, 1)
    number = min(max(page, 1), pages)
    offset = (number - 1) * page_size
    if offset <= total // 2:
        query = filtered_queue(policy, filters, limit=page_size, offset=offset)
    else:
        # Deep in the queue: counted back from its end, the database sorts and
        # skips at most half the offers, not all but one page of them.
        size = min(page_size, total - offset)
        query = filtered_queue(
            policy, filters, limit=size, offset=total - offset - size, from_the_end=True
        )
    return QueuePage(db.session.execute(query).all(), number, pages, total)


def every_row(policy: Policy, filters: QueueFilters) -> Sequence[QueueRow]:
    """Every offer the filters pass, in queue order (the CSV download)."""
    return db.session.execute(filtered_queue(policy, filters)).all()


def submitted_offers(offer_ids: Iterable[int]) -> dict[int, Offer]:
    """The submitted offers among `offer_ids`, by id: one query."""
    ids = list(set(offer_ids))
    if not ids:
        return {}
    return {
        offer.id: offer
        for offer in db.session.scalars(
            select(Offer).where(Offer.id.in_(ids), Offer.submitted_at.is_not(None))
        )
    }


# --- The case page ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseHistory:
    organisation: Organisation | None
    events: Sequence[AuditEvent]  # oldest first
    messages: Sequence[OfferMessage]  # oldest first
    # The names of everyone the page mentions (actors, authors, the assigned officer).
    people: dict[int, str]


def case_history(offer: Offer) -> CaseHistory:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.offer_id == offer.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    messages = db.session.scalars(
        select(OfferMessage)
        .where(OfferMessage.offer_id == offer.id)
        .order_by(OfferMessage.created_at)
    ).all()
    mentioned = (
        {event.actor_id for event in events if event.actor_id is not None}
        | {message.author_id for message in messages}
        | ({offer.assigned_to_id} if offer.assigned_to_id is not None else set())
    )
    people = {
        user_id: name
        for user_id, name in db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(mentioned))
        )
    }
    return CaseHistory(
        organisation=db.session.get(Organisation, offer.organisation_id),
        events=events,
        messages=messages,
        people=people,
    )
