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
    # Which version is in force is read each time (another process may have put
    # one in force); its text is read and parsed once per process: every score
    # task asks (issue 16: the scoring burst).
    version_id = db.session.scalar(
        select(PolicyVersion.id)
        .where(PolicyVersion.activated_at.is_not(None))
        .order_by(PolicyVersion.activated_at.desc(), PolicyVersion.id.desc())
        .limit(1)
    )
    if version_id is None:
        return current_policy()
    if version_id not in _parsed:
        version, text = db.session.execute(
            select(PolicyVersion.version, PolicyVersion.yaml_text).where(
                PolicyVersion.id == version_id
            )
        ).one()
        _parsed[version_id] = parse_policy(text, f"policy {version}")
    return _parsed[version_id]


def forget(version_id: int) -> None:
    _parsed.pop(version_id, None)
