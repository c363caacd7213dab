"""Reading the policy files under rules/policy/.

A file is validated when it is read: a bad one is refused with the file, the key
and the problem named, so a typo never becomes policy.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

POLICY_DIR = Path(__file__).parent / "policy"


class Cohort(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    group: str
    net_units: int = Field(ge=0)
    best_fit: str
    source: str


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    effective_from: date
    title: str
    sources: dict[str, str]
    cohorts: list[Cohort] = Field(min_length=1)

    def cohort(self, code: str) -> Cohort | None:
        return next((cohort for cohort in self.cohorts if cohort.code == code), None)


class PolicyError(ValueError):
    """A policy file that cannot be used, with where and why."""


def load_policy(path: Path) -> Policy:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PolicyError(f"{path.name}: cannot be read: {error}") from error
    try:
        return Policy.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        )
        raise PolicyError(f"{path.name}: {problems}") from error


@cache
def current_policy(today: date | None = None) -> Policy:
    """The newest policy in force on `today` (the latest file by effective date)."""
    policies = [load_policy(path) for path in sorted(POLICY_DIR.glob("*.yaml"))]
    on = today or date.today()
    in_force = [policy for policy in policies if policy.effective_from <= on]
    if not in_force:
        raise PolicyError(f"no policy in {POLICY_DIR} is in force on {on.isoformat()}")
    return max(in_force, key=lambda policy: policy.effective_from)
