"""Loading a new policy version (its problems in plain words, with the line),
previewing what it would change in the queue, putting it in force now or
scheduling it for its effective date, and downloading any version."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import yaml
from flask import render_template
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rules.policy_data import POLICY_DIR, Policy, PolicyError, load_policy, parse_policy
from rules.scoring import OfferScore as RulesScore
from rules.scoring import score_offer
from triage import clock, db
from triage.db import transactional
from triage.models import Offer, PolicyVersion, RescoreRun, ScoreOverride, User
from triage.models.offers import OPEN_STATUSES
from triage.models.users import Role
from triage.services import emails, scoring, supply_register
from triage.services.audit import AuditAction, record
from triage.services.policy import forget, policy_in_force

MAX_POLICY_BYTES = 512 * 1024


class PolicyRefused(ValueError):
    """A policy that cannot be loaded or scheduled; `problems` says why, each in
    plain words (with the line of the file, where there is one)."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


# What YAML's own messages mean, for someone editing a policy file by hand.
_YAML_PROBLEMS = [
    (
        "that cannot start any token",
        "there is a tab or a character YAML cannot read here: indent with spaces, and put text with symbols in quotes",
    ),
    (
        "mapping values are not allowed",
        "there is a colon where none is expected: put text that contains “: ” in quotes",
    ),
    ("could not find expected ':'", "a line is missing the colon between its name and its value"),
    ("expected <block end>", "the indentation does not line up with the lines above"),
    ("found duplicate anchor", "the same anchor (&name) is used twice"),
    ("found undefined alias", "an alias (*name) refers to nothing"),
    ("while scanning a quoted scalar", "a quotation mark is opened and never closed"),
]


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = str(getattr(error, "problem", "") or error)
    context = str(getattr(error, "context", "") or "")
    plain = next(
        (words for pattern, words in _YAML_PROBLEMS if pattern in problem or pattern in context),
        f"the file is not valid YAML ({problem})",
    )
    where = f"Line {mark.line + 1}: " if mark is not None else ""
    return f"{where}{plain[0].upper()}{plain[1:]}"


def _node_line(root: yaml.Node | None, location: Sequence[str | int]) -> int | None:
    """The line (from 1) of the setting at `location` in the YAML, or of the
    nearest setting above it that is there (a missing key's mapping)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            found = next(
                ((key, value) for key, value in node.value if key.value == str(part)), None
            )
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _plain(message: str) -> str:
    if message == "Field required":
        return "is missing"
    if message == "Extra inputs are not permitted":
        return "is not a setting the policy has (check its spelling and indentation)"
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    if message.startswith("Input should be "):
        return "must be " + message.removeprefix("Input should be ")
    return message[0].lower() + message[1:] if message else message


def policy_problems(text: str) -> list[str]:
    """What is wrong with a policy file, in plain words, each with its line; empty
    if it can be used."""
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        return [_yaml_problem(error)]
    if not isinstance(raw, dict):
        return [
            "Line 1: The file must be a list of settings (name: value), as the policy in force is"
        ]
    try:
        Policy.model_validate(raw)
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            location = [part for part in problem["loc"] if isinstance(part, str | int)]
            line = _node_line(root, location)
            name = ".".join(str(part) for part in location) or "The policy"
            where = f"Line {line}: " if line is not None else ""
            problems.append(f"{where}{name} {_plain(problem['msg'])}")
        return problems
    return []


@transactional
def load_version(text: str, filename: str, user: User) -> PolicyVersion:
    """Validate and store a policy (not yet in force). Raises PolicyRefused."""
    problems = policy_problems(text)
    if problems:
        raise PolicyRefused(*problems)
    try:
        policy = parse_policy(text, filename)
    except PolicyError as error:
        raise PolicyRefused(str(error)) from error
    clash = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == policy.version))
    if clash is not None or policy.version == policy_in_force().version:
        raise PolicyRefused(
            f"{filename}: version: a policy with version {policy.version} is already loaded. "
            "Give the new policy a new version"
        )
    row = PolicyVersion(version=policy.version, yaml_text=text, loaded_by_id=user.id)
    db.session.add(row)
    return row


def recent_versions(limit: int = 20) -> Sequence[PolicyVersion]:
    """The policies loaded most recently, newest first."""
    return db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.loaded_at.desc()).limit(limit)
    ).all()


def recent_runs(limit: int = 5) -> list[tuple[RescoreRun, int, int]]:
    """The latest rescoring runs, newest first, each with how many of its offers are
    done and how many it has."""
    runs = db.session.scalars(select(RescoreRun).order_by(RescoreRun.id.desc()).limit(limit))
    return [(run, *scoring.run_progress(run)) for run in runs]


def get_version(version_id: int) -> PolicyVersion | None:
    return db.session.get(PolicyVersion, version_id)


def get_run(run_id: int) -> RescoreRun | None:
    return db.session.get(RescoreRun, run_id)


def parsed(row: PolicyVersion) -> Policy:
    return parse_policy(row.yaml_text, f"policy {row.version}")


@dataclass(frozen=True)
class RuleChange:
    """One rule whose score or verdict the candidate changes, with its new reason."""

    title: str
    old_verdict: str
    new_verdict: str
    old_score: float
    new_score: float
    reason: str


@dataclass(frozen=True)
class Change:
    offer: Offer
    old: RulesScore
    new: RulesScore
    old_rank: int
    new_rank: int
    changed_rules: list[RuleChange]
    # Why the offer moves in the queue when no rule of its own changed (the
    # queue's order in the policy, or other offers moving around it).
    order_reasons: list[str]
    # What in the policy's scoring changed (weights, bands): why a score or band
    # moves when no rule's own score did.
    scoring_reasons: list[str]
    overridden: bool = False

    @property
    def band_moved(self) -> bool:
        return self.old.band.name != self.new.band.name

    @property
    def score_moved(self) -> bool:
        return self.old.score != self.new.score

    @property
    def rank_moved(self) -> bool:
        return self.old_rank != self.new_rank

    @property
    def red_flags_moved(self) -> bool:
        return sorted(self.old.red_flags) != sorted(self.new.red_flags)


@dataclass(frozen=True)
class _Ranked:
    """What the queue sorts an open offer by (services.queue.policy_keys)."""

    offer_id: int
    flagged: bool
    band: str
    score: float
    submitted: float


def queue_ranks(policy: Policy, offers: Sequence[_Ranked]) -> dict[int, int]:
    """Each open offer's place in the queue under `policy`, from 1: the queue's
    own order (red flags first or last, then band, score and time waiting as the
    policy lists them; the offer's id settles ties), not the score alone."""
    bands = {band.name: position for position, band in enumerate(policy.scoring.bands)}
    flagged_first = policy.queue.red_flags == "first"

    def key(item: _Ranked) -> tuple[float | int, ...]:
        keys: list[float | int] = [0 if item.flagged == flagged_first else 1]
        for name in policy.queue.order:
            if name == "band":
                keys.append(bands.get(item.band, len(bands)))
            elif name == "score":
                keys.append(-item.score)
            else:
                keys.append(item.submitted)
        return (*keys, item.offer_id)

    ordered = sorted(offers, key=key)
    return {item.offer_id: position for position, item in enumerate(ordered, start=1)}


def _order_reasons(current: Policy, candidate: Policy) -> list[str]:
    reasons = []
    if current.queue.red_flags != candidate.queue.red_flags:
        reasons.append(
            f"Offers with red flags come {candidate.queue.red_flags} "
            f"(were {current.queue.red_flags})"
        )
    if current.queue.order != candidate.queue.order:
        reasons.append(
            f"The queue is ordered by {', then '.join(candidate.queue.order)} "
            f"(was {', then '.join(current.queue.order)})"
        )
    if [b.name for b in current.scoring.bands] != [b.name for b in candidate.scoring.bands]:
        reasons.append("The bands are different")
    return reasons


def _scoring_reasons(current: Policy, candidate: Policy) -> list[str]:
    reasons = []
    titles = {name: name.replace("_", " ").capitalize() for name in current.scoring.weights}
    for name, weight in candidate.scoring.weights.items():
        before = current.scoring.weights.get(name)
        if before != weight:
            reasons.append(f"{titles.get(name, name)} weighs {weight:g} (was {before:g})")
    old_bands = {band.name: band.min_score for band in current.scoring.bands}
    for band in candidate.scoring.bands:
        if old_bands.get(band.name) != band.min_score:
            was = old_bands.get(band.name)
            reasons.append(
                f"Band {band.name} starts at {band.min_score:g}"
                + (f" (was {was:g})" if was is not None else " (a new band)")
            )
    return reasons


def preview(candidate: Policy) -> tuple[list[Change], int]:
    """Every open offer scored under the policy in force and the candidate, and
    placed in the queue's order under each; returns every offer whose score, band,
    rank or red flags change (with the rules and figures that moved, or what in
    the queue's order moved it), and how many open offers were compared. An
    officer's override stands under either policy, as the queue ranks by it."""
    current = policy_in_force()
    approved = scoring.approved_units_by_cohort()
    offers = db.session.scalars(
        select(Offer)
        .where(Offer.status.in_([status.value for status in OPEN_STATUSES]))
        .options(selectinload(Offer.unit_types), selectinload(Offer.cohorts))
    ).all()
    overrides = _overrides([offer.id for offer in offers])
    # The existing-supply register, as the scoring service reads it (issue 13).
    register = supply_register.register()
    scored = []
    for offer in offers:
        data = offer.as_offer_data()
        scored.append(
            (
                offer,
                score_offer(data, current, approved, register=register),
                score_offer(data, candidate, approved, register=register),
            )
        )

    def ranked(offer: Offer, result: RulesScore) -> _Ranked:
        override = overrides.get(offer.id)
        submitted = offer.submitted_at.timestamp() if offer.submitted_at else 0.0
        return _Ranked(
            offer.id,
            bool(result.red_flags),
            override[1] if override else result.band.name,
            override[0] if override else result.score,
            submitted,
        )

    old_rank = queue_ranks(current, [ranked(offer, old) for offer, old, _new in scored])
    new_rank = queue_ranks(candidate, [ranked(offer, new) for offer, _old, new in scored])
    order_reasons = _order_reasons(current, candidate)
    scoring_reasons = _scoring_reasons(current, candidate)
    changes = []
    for offer, old, new in scored:
        change = Change(
            offer,
            old,
            new,
            old_rank[offer.id],
            new_rank[offer.id],
            [
                RuleChange(
                    after.title,
                    before.verdict.value,
                    after.verdict.value,
                    before.score,
                    after.score,
                    after.reasons[0] if after.reasons else "",
                )
                for before, after in zip(old.results, new.results, strict=True)
                if before.score != after.score or before.verdict != after.verdict
            ],
            order_reasons,
            scoring_reasons,
            overridden=offer.id in overrides,
        )
        if change.score_moved or change.band_moved or change.rank_moved or change.red_flags_moved:
            changes.append(change)
    changes.sort(key=lambda change: change.new_rank)
    return changes, len(scored)


def _overrides(offer_ids: Sequence[int]) -> dict[int, tuple[float, str]]:
    """Each overridden offer's newest override (score, band), as the queue reads it."""
    if not offer_ids:
        return {}
    rows = db.session.execute(
        select(ScoreOverride.offer_id, ScoreOverride.score, ScoreOverride.band)
        .where(ScoreOverride.offer_id.in_(offer_ids))
        .order_by(ScoreOverride.id)
    )
    return {offer_id: (score, band) for offer_id, score, band in rows}


@transactional
def activate(row: PolicyVersion, actor: User | None = None) -> RescoreRun:
    """Put the policy in force and send every open offer to be rescored against it,
    together: never a policy in force with no rescoring queued. `actor` None: the
    service put it in force on its scheduled day."""
    row.activated_at = clock.now()
    row.scheduled_for = None
    forget(row.id)
    run = scoring.rescore(scoring.open_offer_ids(), f"Policy {row.version} put in force")
    record(
        AuditAction.POLICY_ACTIVATED,
        actor,
        detail=f"Policy {row.version} put in force"
        + ("" if actor is not None else " on its scheduled day")
        + f": {run.total} open offers sent for rescoring",
    )
    return run


@transactional
def schedule(row: PolicyVersion, actor: User) -> date:
    """Schedule the version to be put in force on its effective_from date (by the
    beat task activate_due, early that morning). Raises PolicyRefused if it is
    already in force or its date is not after today (put it in force now)."""
    policy = parsed(row)
    if row.activated_at is not None:
        raise PolicyRefused(f"Policy {row.version} is already in force")
    if policy.effective_from <= clock.today_uk():
        raise PolicyRefused(
            f"Policy {row.version} takes effect on {policy.effective_from:%-d %B %Y}, "
            "which is not after today: put it in force now instead"
        )
    row.scheduled_for = policy.effective_from
    record(
        AuditAction.POLICY_SCHEDULED,
        actor,
        detail=f"Policy {row.version} to be put in force on {policy.effective_from.isoformat()}",
    )
    return policy.effective_from


@transactional
def cancel_schedule(row: PolicyVersion, actor: User) -> bool:
    """Cancel the version's schedule; False if it had none (or is in force)."""
    if row.scheduled_for is None or row.activated_at is not None:
        return False
    record(
        AuditAction.POLICY_SCHEDULE_CANCELLED,
        actor,
        detail=f"Policy {row.version} was to be put in force on {row.scheduled_for.isoformat()}",
    )
    row.scheduled_for = None
    return True


def scheduled_versions() -> Sequence[PolicyVersion]:
    return db.session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.scheduled_for.is_not(None), PolicyVersion.activated_at.is_(None))
        .order_by(PolicyVersion.scheduled_for, PolicyVersion.id)
    ).all()


def activate_due() -> list[str]:
    """Put in force each scheduled version whose day has come (the beat task's
    work), oldest date first so the latest due ends up in force; each with its
    rescoring, audit event and an email to every administrator, in one unit of
    work. Safe to run twice: a version in force is no longer scheduled."""
    activated = []
    with db.unit_of_work():
        due = db.session.scalars(
            select(PolicyVersion)
            .where(
                PolicyVersion.scheduled_for <= clock.today_uk(),
                PolicyVersion.activated_at.is_(None),
            )
            .order_by(PolicyVersion.scheduled_for, PolicyVersion.id)
            .with_for_update()
        ).all()
        for row in due:
            run = activate(row)
            _email_admins(row, run)
            activated.append(row.version)
    return activated


def _email_admins(row: PolicyVersion, run: RescoreRun) -> None:
    admins = db.session.scalars(
        select(User).where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    )
    for admin in admins:
        emails.add_email(
            f"policy-{row.id}-in-force-{admin.id}",
            admin.email,
            f"Scoring policy {row.version} is now in force",
            render_template(
                "emails/policy_in_force.txt", user=admin, version=row.version, total=run.total
            ),
        )


def download_name(version: str) -> str:
    """A safe file name for a policy version's YAML."""
    return "policy-" + (re.sub(r"[^A-Za-z0-9._-]+", "-", version).strip("-") or "version") + ".yaml"


def in_force_yaml() -> tuple[str, str]:
    """The policy in force as (version, YAML text): the version an admin put in
    force, else the file shipped in rules/policy/."""
    policy = policy_in_force()
    row = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == policy.version))
    if row is not None:
        return row.version, row.yaml_text
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        if load_policy(path).version == policy.version:
            return policy.version, path.read_text(encoding="utf-8")
    raise LookupError(f"no file holds policy {policy.version}")
