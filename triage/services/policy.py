"""The policy in force: the newest one an admin put in force in the service, else
the one shipped in rules/policy/."""

from __future__ import annotations

from sqlalchemy import select

from rules.policy_data import Policy, current_policy, parse_policy
from triage import db
from triage.models.scores import PolicyVersion

_parsed: dict[int, Policy] = {}


def policy_in_force() -> Policy:
    """The newest policy an admin activated in the service, else the shipped one."""
    row = db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.activated_at.is_not(None))
        .order_by(PolicyVersion.activated_at.desc(), PolicyVersion.id.desc())
        .limit(1)
    )
    if row is None:
        return current_policy()
    if row.id not in _parsed:
        _parsed[row.id] = parse_policy(row.yaml_text, f"policy {row.version}")
    return _parsed[row.id]


def forget(version_id: int) -> None:
    _parsed.pop(version_id, None)
