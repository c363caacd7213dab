"""Policy files are refused with the file, key and problem named, by the loader
and by the `triage` commands; `triage score` prints the figures a commissioner
needs; the documented offer format never drifts from the code."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rules.batch import offer_json_schema
from rules.policy_data import PolicyError, load_policy
from tests.rules.offers import SHIPPED_POLICY_FILE
from triage.cli import offer_schema_command, policy_group, score_command

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "docs" / "example-offers.json"
SCHEMA = ROOT / "docs" / "offer.schema.json"
BAD_NAME = "2027-04-01.yaml"


SHIPPED: dict[str, Any] = yaml.safe_load(SHIPPED_POLICY_FILE.read_text())


def _shipped() -> dict[str, Any]:
    return copy.deepcopy(SHIPPED)


def _missing_weight(data: dict[str, Any]) -> None:
    del data["scoring"]["weights"]["quality"]


def _unknown_weight(data: dict[str, Any]) -> None:
    data["scoring"]["weights"]["beauty"] = 5


def _bands_ascending(data: dict[str, Any]) -> None:
    data["scoring"]["bands"].reverse()


def _no_zero_band(data: dict[str, Any]) -> None:
    data["scoring"]["bands"][-1]["min_score"] = 10


def _amber_above_green(data: dict[str, Any]) -> None:
    data["scoring"]["verdict_thresholds"] = {"green": 40, "amber": 70}


def _negative_money(data: dict[str, Any]) -> None:
    data["local_housing_allowance"]["weekly"]["one_bed"] = -124.27


def _three_decimal_money(data: dict[str, Any]) -> None:
    data["local_housing_allowance"]["weekly"]["one_bed"] = 124.275


def _money_in_words(data: dict[str, Any]) -> None:
    data["rent"]["shortfall_green_max"] = "ten pounds"


def _shortfall_thresholds_crossed(data: dict[str, Any]) -> None:
    data["rent"]["shortfall_green_max"] = 40.00


def _unknown_pipeline_cohort(data: dict[str, Any]) -> None:
    data["pipeline"][2]["counts_against"] = ["nobody"]


def _source_names_no_entry(data: dict[str, Any]) -> None:
    data["cohorts"][0]["source"] = "folklore, page 3"


def _duplicate_cohort(data: dict[str, Any]) -> None:
    data["cohorts"].append(data["cohorts"][0])


def _unknown_configuration(data: dict[str, Any]) -> None:
    data["cohorts"][0]["fits"][0]["configurations"] = ["igloo"]


def _missing_standard_score(data: dict[str, Any]) -> None:
    del data["quality"]["standard_scores"]["m4_3"]


BAD_POLICIES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "a rule without a weight": (_missing_weight, "scoring.weights", "no weight for quality"),
    "a weight for no rule": (_unknown_weight, "scoring.weights", "no rule called beauty"),
    "bands not descending": (_bands_ascending, "scoring.bands", "highest min_score down"),
    "no band for a score of 0": (_no_zero_band, "scoring.bands", "min_score 0"),
    "amber above green": (
        _amber_above_green,
        "scoring.verdict_thresholds",
        "amber must not be above green",
    ),
    "negative money": (
        _negative_money,
        "local_housing_allowance.weekly.one_bed",
        "must not be negative",
    ),
    "money with three decimals": (
        _three_decimal_money,
        "local_housing_allowance.weekly.one_bed",
        "at most two decimal places",
    ),
    "money in words": (_money_in_words, "rent.shortfall_green_max", "an amount in pounds"),
    "green shortfall above red": (
        _shortfall_thresholds_crossed,
        "rent",
        "shortfall_green_max must not be above shortfall_red_min",
    ),
    "a pipeline scheme counting against an unknown cohort": (
        _unknown_pipeline_cohort,
        "(top level)",
        "pipeline scheme 'Units for SEND' counts against unknown cohort nobody",
    ),
    "a source naming no entry": (
        _source_names_no_entry,
        "(top level)",
        "source 'folklore, page 3' names no entry in sources",
    ),
    "a cohort code twice": (_duplicate_cohort, "(top level)", "cohort codes must be unique"),
    "an unknown configuration in a fit": (
        _unknown_configuration,
        "cohorts.0.fits.0.configurations",
        "unknown configuration igloo",
    ),
    "an accessibility standard without a score": (
        _missing_standard_score,
        "quality.standard_scores",
        "no score for m4_3",
    ),
}


def _bad_file(tmp_path: Path, spoil: Callable[[dict[str, Any]], None]) -> Path:
    data = _shipped()
    spoil(data)
    path = tmp_path / BAD_NAME
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("spoil", "key", "problem"), BAD_POLICIES.values(), ids=BAD_POLICIES.keys()
)
def test_a_bad_policy_is_refused_naming_file_key_and_problem(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], key: str, problem: str
) -> None:
    with pytest.raises(PolicyError) as refusal:
        load_policy(_bad_file(tmp_path, spoil))
    message = str(refusal.value)
    assert message.startswith(f"{BAD_NAME}: ")
    assert f"{key}: " in message
    assert problem in message


@pytest.mark.parametrize(
    ("spoil", "key", "problem"), BAD_POLICIES.values(), ids=BAD_POLICIES.keys()
)
def test_policy_check_refuses_a_bad_file(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], key: str, problem: str
) -> None:
    result = CliRunner().invoke(policy_group, ["check", str(_bad_file(tmp_path, spoil))])
    assert result.exit_code != 0
    assert BAD_NAME in result.output
    assert key in result.output
    assert problem in result.output


def test_policy_check_accepts_the_shipped_policy() -> None:
    result = CliRunner().invoke(policy_group, ["check", str(SHIPPED_POLICY_FILE)])
    assert result.exit_code == 0, result.output
    assert "policy 2026-04-01, in force from 2026-04-01, is valid" in result.output


def test_policy_check_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(policy_group, ["check", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code != 0
    assert "nowhere.yaml: cannot be read" in result.output


def test_score_refuses_a_bad_policy(tmp_path: Path) -> None:
    bad = _bad_file(tmp_path, _missing_weight)
    result = CliRunner().invoke(score_command, [str(EXAMPLES), "--policy", str(bad)])
    assert result.exit_code != 0
    assert f"{BAD_NAME}: scoring.weights" in result.output
    assert "no weight for quality" in result.output
    assert '"score"' not in result.output


def test_score_refuses_an_offer_file_it_cannot_read(tmp_path: Path) -> None:
    offers = tmp_path / "offers.json"
    offers.write_text(json.dumps([{"name": "Half an offer"}]))
    result = CliRunner().invoke(score_command, [str(offers)])
    assert result.exit_code != 0
    assert "offers.json: offer 0.postcode: Field required" in result.output


def test_score_reads_an_offer_in_the_older_format(tmp_path: Path) -> None:
    # Version 1 (before issue 13, no schema_version): no rent type, nomination rights
    # or registration. It is read with those not said, and scored.
    offer = json.loads(EXAMPLES.read_text())[0]
    for name in ("schema_version", "rent_type", "nomination_share_percent"):
        offer.pop(name, None)
    offer.pop("nomination_term_years", None)
    offers = tmp_path / "old.json"
    offers.write_text(json.dumps([offer]))
    result = CliRunner().invoke(score_command, [str(offers)])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.output.splitlines()[0])
    procurement = next(rule for rule in scored["rules"] if rule["rule"] == "procurement")
    assert any("does not say what nomination rights" in reason for reason in procurement["reasons"])


@pytest.mark.parametrize("version", [4, 0, "3", True])
def test_score_refuses_a_format_it_does_not_read(tmp_path: Path, version: object) -> None:
    offer = {**json.loads(EXAMPLES.read_text())[0], "schema_version": version}
    offers = tmp_path / "new.json"
    offers.write_text(json.dumps([offer]))
    result = CliRunner().invoke(score_command, [str(offers)])
    assert result.exit_code != 0
    assert f"new.json: offer 0: schema_version {version!r} is not one this version" in (
        result.output
    )
    assert "the current format is 3" in result.output
    assert '"score"' not in result.output


@pytest.mark.parametrize("policy_args", [[], ["--policy", str(SHIPPED_POLICY_FILE)]])
def test_score_prints_one_json_object_per_offer_with_the_rent_figures(
    policy_args: list[str],
) -> None:
    result = CliRunner().invoke(score_command, [str(EXAMPLES), *policy_args])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(json.loads(EXAMPLES.read_text())) == 3
    scored = [json.loads(line) for line in lines]
    # EXAMPLE-3 (issue 13): a dispersed scheme at two addresses.
    assert [s["offer"] for s in scored] == ["EXAMPLE-1", "EXAMPLE-2", "EXAMPLE-3"]
    for s in scored:
        assert isinstance(s["score"], float)
        assert s["band"] in {"A", "B", "C"}
        assert s["policy_version"] == "2026-04-01"
    rents = [next(r for r in s["rules"] if r["rule"] == "rent_affordability") for s in scored]
    # EXAMPLE-1: exempt, £150 + £35 met in full, £12.00 of charges out of £273.94
    # (2026/27: (£424.90 + £429.80) x 12 / 52 = £197.24, plus PIP standard £76.70).
    assert {
        k: rents[0]["figures"][k]
        for k in (
            "route",
            "weekly_amount_met_pence",
            "weekly_tenant_shortfall_pence",
            "weekly_residual_income_pence",
        )
    } == {
        "route": "hb_exempt_accommodation",
        "weekly_amount_met_pence": 18500,
        "weekly_tenant_shortfall_pence": 1200,
        "weekly_residual_income_pence": 26194,
    }
    # EXAMPLE-2: private landlord, UC 1-bed LHA £540.00 x 12 / 52 = £124.62 of
    # £180.00; £55.38 + £25.00 = £80.38 to pay; £273.94 - £80.38 = £193.56.
    assert {
        k: rents[1]["figures"][k]
        for k in (
            "route",
            "weekly_amount_met_pence",
            "weekly_tenant_shortfall_pence",
            "weekly_residual_income_pence",
        )
    } == {
        "route": "uc_housing_element",
        "weekly_amount_met_pence": 12462,
        "weekly_tenant_shortfall_pence": 8038,
        "weekly_residual_income_pence": 19356,
    }
    assert "£124.62" in " ".join(rents[1]["reasons"])


def test_the_triage_command_refuses_a_bad_policy_from_the_shell(tmp_path: Path) -> None:
    triage = Path(sys.executable).parent / "triage"
    bad = subprocess.run(
        [triage, "policy", "check", _bad_file(tmp_path, _three_decimal_money)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode != 0
    assert f"{BAD_NAME}: local_housing_allowance.weekly.one_bed" in bad.stderr
    assert "at most two decimal places" in bad.stderr


def test_the_documented_offer_schema_matches_the_code() -> None:
    assert json.loads(SCHEMA.read_text()) == offer_json_schema()


def test_offer_schema_prints_the_documented_schema() -> None:
    result = CliRunner().invoke(offer_schema_command, [])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(SCHEMA.read_text())
