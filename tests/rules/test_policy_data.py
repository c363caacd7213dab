from datetime import date
from pathlib import Path

import pytest
import yaml

from rules.policy_data import POLICY_DIR, PolicyError, current_policy, load_policy


def test_the_shipped_policy_holds_the_strategy_cohorts_and_their_total_need():
    policy = current_policy(date(2026, 11, 23))
    assert len(policy.cohorts) == 11
    # The strategy's Appendix B: 373 adults plus 23 young people.
    assert sum(cohort.net_units for cohort in policy.cohorts) == 396
    assert policy.cohort("send_transitions").net_units == 8
    assert all(cohort.source for cohort in policy.cohorts)


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "2027-04-01.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _shipped() -> dict:
    return yaml.safe_load(next(POLICY_DIR.glob("*.yaml")).read_text())


def test_a_bad_policy_file_is_refused_naming_the_file_key_and_problem(tmp_path):
    data = _shipped()
    data["cohorts"][2]["net_units"] = -5
    with pytest.raises(PolicyError) as refusal:
        load_policy(_write(tmp_path, data))
    message = str(refusal.value)
    assert "2027-04-01.yaml" in message
    assert "cohorts.2.net_units" in message
    assert "greater than or equal to 0" in message


def test_an_unknown_key_is_refused_rather_than_ignored(tmp_path):
    data = _shipped()
    data["cohorts"][0]["net_unit"] = 3
    with pytest.raises(PolicyError, match="cohorts.0.net_unit"):
        load_policy(_write(tmp_path, data))


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("cohorts: [unclosed")
    with pytest.raises(PolicyError, match="broken.yaml: cannot be read"):
        load_policy(path)


def test_no_policy_is_in_force_before_the_first_effective_date():
    current_policy.cache_clear()
    try:
        with pytest.raises(PolicyError, match="in force"):
            current_policy(date(2020, 1, 1))
    finally:
        current_policy.cache_clear()
