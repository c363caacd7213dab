"""`triage match`: a proposal from files, without a database; bad files refused plainly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rules.matching.people_csv import COLUMN_NAMES
from triage.cli import match_command

ROOT = Path(__file__).parents[2]
PEOPLE = ROOT / "docs" / "example-people.csv"
UNITS = ROOT / "docs" / "example-units.json"
TODAY = ["--today", "2026-06-01"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(match_command, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_examples_give_a_proposal_as_json() -> None:
    code, output = run("--people", str(PEOPLE), "--units", str(UNITS), *TODAY)
    assert code == 0, output
    proposal = json.loads(output)
    assert proposal["policy_version"] == "2026-04-01"
    assert proposal["today"] == "2026-06-01"
    placed = {(a["unit"], a["person"]) for a in proposal["assignments"]}
    # The transition house takes only people recorded as able to share with each
    # other and with LCC-0090, who lives there; LCC-0007 and LCC-0008 share a flat.
    assert {person for unit, person in placed if unit == "U-SEND-HOUSE"} == {
        "LCC-0001",
        "LCC-0002",
    }
    assert {person for unit, person in placed if unit == "U-BLK-02"} == {"LCC-0007", "LCC-0008"}
    assert ("U-ASH-01", "LCC-0009") in placed
    first = proposal["assignments"][0]
    assert first["reasons"][0] == "Urgent priority: +40"
    assert proposal["total_fit"] == sum(a["fit"] for a in proposal["assignments"])
    assert proposal["unfilled_places"] == [{"unit": "U-SEND-HOUSE", "places": 1}]
    assert proposal["unassigned_count"] == 12 - len(placed)


def test_a_policy_file_can_be_given() -> None:
    policy = ROOT / "rules" / "policy" / "2026-04-01.yaml"
    code, output = run(
        "--people", str(PEOPLE), "--units", str(UNITS), "--policy", str(policy), *TODAY
    )
    assert code == 0, output


def test_a_bad_people_file_lists_its_problems(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        ",".join(COLUMN_NAMES) + "\n"
        "L1,older_peeple,2025-01-01,high,floating,no,no,no,18-24,,,,\n"
        '=HYPERLINK("http://x"),send_transitions,2025-01-01,high,floating,no,no,no,18-24,,,,\n'
    )
    code, output = run("--people", str(people), "--units", str(UNITS), *TODAY)
    assert code == 1
    assert "people.csv: 3 problem(s), nobody was read" in output
    assert "Row 2, person_reference: 'L1' is not a reference" in output
    assert "Row 2, cohort: 'older_peeple' is not a cohort in the policy" in output
    assert "Row 3, person_reference: '=HYPERLINK" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json", "units.json: cannot be read as JSON"),
        ('{"units": [{"reference": "U-1"}]}', "units.json: units.0.scheme: Field required"),
        (
            '{"units": [], "may_share": [["A-1"]]}',
            "units.json: may_share.0",
        ),
        ('{"homes": []}', "units.json: units: Field required"),
    ],
)
def test_a_bad_units_file_is_refused(tmp_path: Path, content: str, words: str) -> None:
    units = tmp_path / "units.json"
    units.write_text(content)
    code, output = run("--people", str(PEOPLE), "--units", str(units), *TODAY)
    assert code == 1
    assert words in output


def test_an_unknown_cohort_in_a_unit(tmp_path: Path) -> None:
    data = json.loads(UNITS.read_text())
    data["units"][2]["cohorts"] = ["igloo_dwellers"]
    units = tmp_path / "units.json"
    units.write_text(json.dumps(data))
    code, output = run("--people", str(PEOPLE), "--units", str(units), *TODAY)
    assert code == 1
    assert "units.json: units.2.cohorts: igloo_dwellers is not a cohort in the policy" in output


def test_missing_files_are_named(tmp_path: Path) -> None:
    code, output = run("--people", str(tmp_path / "nowhere.csv"), "--units", str(UNITS))
    assert code == 1
    assert "nowhere.csv" in output


def test_junk_from_the_shell_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(os.urandom(6 * 1024 * 1024))
    triage = Path(sys.executable).parent / "triage"
    result = subprocess.run(
        [triage, "match", "--people", junk, "--units", UNITS, *TODAY],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "must be 5 MB or smaller" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
