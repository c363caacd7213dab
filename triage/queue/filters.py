"""The queue's filters: read from the query string, and offered back as the
filter form's choices; triage.services.queue applies them to the queue's query,
and links (pagination, the CSV download) carry them over.

Anything the query string holds that is not one of the choices offered is
ignored, so a hand-edited or stale link shows the queue rather than an error; a
postcode district or search that cannot be used is reported beside its field,
and so is a rule chosen without a verdict (which could narrow nothing). The
column the queue is sorted by is read here too, from the same whitelist
(triage.services.queue.SORTS) the query is built from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from werkzeug.datastructures import MultiDict

from rules.offer import Configuration, choices
from rules.policy_data import RULE_NAMES, Policy
from rules.result import Verdict
from triage.fields import clean_text, normalise_postcode
from triage.models.offers import OFFER_STATUS_LABELS, OfferStatus
from triage.services.queue import SORTS, UNASSIGNED, Officer, QueueFilters

# The rules' titles as the score breakdown shows them (each rule names itself in
# its results; tests/queue/test_queue_filters.py checks these match).
RULE_TITLES = {
    "rent_affordability": "Rent affordability",
    "shared_housing": "Demand for shared housing",
    "configuration": "Self-contained, core and cluster",
    "cohort_need": "Unmet need in the target cohorts",
    "procurement": "Procurement and the Supported Living Framework",
    "location": "Location",
    "quality": "Accessibility and quality",
    "terms": "Terms: voids, lease, length of stay and funding",
    "deliverability": "Deliverability and timing",
}
VERDICT_LABELS = {Verdict.RED: "Red", Verdict.AMBER: "Amber", Verdict.GREEN: "Green"}
SEARCH_MAX = 200
# Statuses an offer can have once submitted: a draft is not in the queue.
STATUS_CHOICES = [
    (status.value, label)
    for status, label in OFFER_STATUS_LABELS.items()
    if status is not OfferStatus.DRAFT
]
CONFIGURATION_CHOICES = choices(Configuration)
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def _known(values: Iterable[str], allowed: Sequence[str]) -> list[str]:
    """The values that are among `allowed`, once each, in `allowed`'s order."""
    given = set(values)
    return [value for value in allowed if value in given]


def _one_of(value: str | None, allowed: Iterable[str]) -> str:
    return value if value is not None and value in set(allowed) else ""


def parse(args: MultiDict[str, str], policy: Policy, officers: Sequence[Officer]) -> QueueFilters:
    filters = QueueFilters(
        statuses=_known(args.getlist("status"), [value for value, _label in STATUS_CHOICES]),
        cohorts=_known(args.getlist("cohort"), [cohort.code for cohort in policy.cohorts]),
        configurations=_known(
            args.getlist("configuration"), [value for value, _label in CONFIGURATION_CHOICES]
        ),
        rule=_one_of(args.get("rule"), RULE_NAMES),
        verdict=_one_of(args.get("verdict"), [verdict.value for verdict in Verdict]),
        sort=_one_of(args.get("sort"), SORTS),
        officer=_one_of(
            args.get("officer"), [UNASSIGNED, *(str(officer.id) for officer in officers)]
        ),
    )
    if filters.sort:
        order = args.get("order")
        filters.descending = (
            order == "descending"
            if order in ("ascending", "descending")
            else SORTS[filters.sort][1]
        )
    if filters.rule and not filters.verdict:
        # Every scored offer has a verdict on every rule, so a rule with "Any
        # verdict" would narrow nothing: refused rather than silently ignored.
        filters.typed["rule"] = filters.rule
        filters.errors["verdict"] = (
            f"Choose the verdict on {RULE_TITLES[filters.rule].lower()} to look for, "
            "or choose “Any rule”"
        )
        filters.rule = ""
    district = clean_text(args.get("district", ""))
    if district:
        filters.typed["district"] = district[:100]
        outward = _outward_code(district)
        if outward is None:
            filters.errors["district"] = "Enter a postcode district, like LE1"
        else:
            filters.district = filters.typed["district"] = outward
    search = " ".join(clean_text(args.get("search", "")).split())
    if search:
        filters.typed["search"] = search[: SEARCH_MAX + 100]
        if len(search) > SEARCH_MAX:
            filters.errors["search"] = f"Reference or name must be {SEARCH_MAX} characters or fewer"
        else:
            filters.search = search
    return filters


def _outward_code(text: str) -> str | None:
    """'le1' -> 'LE1'; a whole postcode gives its district ('LE1 6ZG' -> 'LE1')."""
    if len(text) > 10:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    if _DISTRICT.match(compact):
        return compact
    postcode = normalise_postcode(compact)
    return postcode.split(" ")[0] if postcode else None


def status_items(filters: QueueFilters) -> list[dict[str, Any]]:
    return [
        {"value": value, "text": label, "checked": value in filters.statuses}
        for value, label in STATUS_CHOICES
    ]


def cohort_items(filters: QueueFilters, policy: Policy) -> list[dict[str, Any]]:
    return [
        {"value": cohort.code, "text": cohort.label, "checked": cohort.code in filters.cohorts}
        for cohort in policy.cohorts
    ]


def configuration_items(filters: QueueFilters) -> list[dict[str, Any]]:
    return [
        {"value": value, "text": label, "checked": value in filters.configurations}
        for value, label in CONFIGURATION_CHOICES
    ]


def rule_items(filters: QueueFilters) -> list[dict[str, Any]]:
    # A rule refused for want of a verdict stays chosen, to be completed.
    chosen = filters.rule or filters.typed.get("rule", "")
    return [{"value": "", "text": "Any rule"}] + [
        {"value": rule, "text": RULE_TITLES[rule], "selected": rule == chosen}
        for rule in RULE_NAMES
    ]


def verdict_items(filters: QueueFilters) -> list[dict[str, Any]]:
    return [{"value": "", "text": "Any verdict"}] + [
        {"value": verdict.value, "text": label, "selected": verdict.value == filters.verdict}
        for verdict, label in VERDICT_LABELS.items()
    ]


def officer_items(filters: QueueFilters, officers: Sequence[Officer]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"value": "", "text": "Anyone or nobody"},
        {"value": UNASSIGNED, "text": "Nobody yet", "selected": filters.officer == UNASSIGNED},
    ]
    return items + [
        {
            "value": str(officer.id),
            "text": officer.name if officer.active else f"{officer.name} (account closed)",
            "selected": str(officer.id) == filters.officer,
        }
        for officer in officers
    ]
