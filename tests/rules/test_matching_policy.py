"""The policy's matching block: read from the file, and a bad one refused by key."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.policy_data import PolicyError, load_policy
from tests.rules.offers import SHIPPED_POLICY_FILE, shipped_policy

SHIPPED: dict[str, Any] = yaml.safe_load(SHIPPED_POLICY_FILE.read_text())


def test_the_shipped_matching_weights() -> None:
    matching = shipped_policy().matching
    assert matching.source == "council"
    assert matching.priority.points.urgent == 40
    assert matching.waiting.points_per_month == 1
    assert matching.waiting.most_months_counted == 36
    assert matching.preferred_area.points == 10
    assert matching.best_fit.points == 15


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def spoil(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[key]
        target[last] = value

    return spoil


BAD: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "negative points": (
        _set("matching.preferred_area.points", -5),
        "matching.preferred_area.points",
        "greater than or equal to 0",
    ),
    "fractional points": (
        _set("matching.best_fit.points", 7.5),
        "matching.best_fit.points",
        "valid integer",
    ),
    "low above high": (
        _set("matching.priority.points.low", 30),
        "matching.priority.points",
        "low must not score more than medium",
    ),
    "an unknown band": (
        _set("matching.priority.points.critical", 50),
        "matching.priority.points.critical",
        "Extra inputs are not permitted",
    ),
    "no label": (_set("matching.waiting.label", ""), "matching.waiting.label", "at least 1"),
    "a source naming nothing": (
        _set("matching.source", "hearsay"),
        "(top level)",
        "source 'hearsay' names no entry in sources",
    ),
}


@pytest.mark.parametrize(("spoil", "key", "problem"), BAD.values(), ids=BAD.keys())
def test_a_bad_matching_block_is_refused_naming_the_key(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], key: str, problem: str
) -> None:
    data = copy.deepcopy(SHIPPED)
    spoil(data)
    path = tmp_path / "2027-04-01.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(PolicyError) as refusal:
        load_policy(path)
    message = str(refusal.value)
    assert message.startswith("2027-04-01.yaml: ")
    assert f"{key}: " in message
    assert problem in message


def test_a_policy_written_before_matching_existed_still_loads_with_the_first_weights(
    tmp_path: Path,
):
    older = copy.deepcopy(SHIPPED)
    del older["matching"]
    path = tmp_path / "older.yaml"
    path.write_text(yaml.safe_dump(older))
    assert load_policy(path).matching == shipped_policy().matching
