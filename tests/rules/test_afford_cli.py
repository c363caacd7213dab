"""`triage afford CASES.json`: one JSON line per case, in the documented format."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rules.cases import afford_json_schema
from tests.rules.offers import SHIPPED_POLICY_FILE
from triage.cli import afford_command

DOCS = Path(__file__).parents[2] / "docs"
EXAMPLE = DOCS / "example-afford-cases.json"
SCHEMA = DOCS / "afford.schema.json"


def test_the_documented_schema_matches_the_code() -> None:
    assert json.loads(SCHEMA.read_text()) == afford_json_schema()


def test_afford_prints_one_line_per_case_with_the_issue_fields() -> None:
    result = CliRunner().invoke(
        afford_command, [str(EXAMPLE), "--policy", str(SHIPPED_POLICY_FILE)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == len(json.loads(EXAMPLE.read_text()))
    for line in lines:
        assert {"route", "lha_category", "weekly_housing_costs_met", "weekly_shortfall"} <= set(
            line
        )
        assert line["reasons"]
    by_id = {line["id"]: line for line in lines}
    # A charity, support from another provider: managed accommodation (UC Sch 1
    # para 3(3)), HB at the weekly 1-bed LHA £124.27 of £170.00 (DLA care middle
    # brings the severe disability premium, so not the shared rate).
    managed = by_id["charity-managed-flat"]
    assert managed["route"] == "hb_managed_accommodation"
    assert managed["lha_category"] == "one_bed"
    assert managed["weekly_housing_costs_met"] == 124.27
    assert managed["weekly_shortfall"] == 57.73  # £45.73 rent + £12.00 charges
    # Aged 70 in a shared room: HB's shared category at any age, £91.00 of £115.00.
    room = by_id["private-room-pension-age"]
    assert (room["route"], room["lha_category"], room["weekly_housing_costs_met"]) == (
        "hb_pension_age",
        "shared_accommodation",
        91.0,
    )
    # Affordable rent £300.00 over CORE's £238.90: £61.10 if restricted.
    assert by_id["exempt-above-benchmark"]["restriction_risk"] == {
        "benchmark": 238.9,
        "weekly_shortfall_if_restricted": 61.1,
    }
    assert by_id["looked-after-17"]["route"] == "childrens_services"


def test_afford_names_the_case_and_field_it_cannot_read(tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"landlord": "castle"}]))
    result = CliRunner().invoke(afford_command, [str(cases)])
    assert result.exit_code != 0
    assert "cases.json: case 0.landlord" in result.output
