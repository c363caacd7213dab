"""Offer format version 3 (issue 13): `triage score` reads versions 1, 2 and 3. An
offer in an older format has the offer's terms "not said" and its yes/no voids
answer read as who pays; a format it does not know is refused, saying which."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rules.offer import OFFER_SCHEMA_VERSION, OFFER_SCHEMA_VERSIONS_READ
from triage.cli import score_command

EXAMPLES = Path(__file__).parents[2] / "docs" / "example-offers.json"
TERMS = (
    "void_payer",
    "voids_from",
    "void_rate_basis",
    "void_rate_percent",
    "void_cover_months",
    "intended_stay",
    "tenancy_type",
    "client_groups",
    "support_level",
    "capital_funding",
    "site_status",
    "confidential_address",
)


def _older(version: int | None, council_pays: bool) -> dict[str, Any]:
    offer = json.loads(EXAMPLES.read_text())[0]
    for name in TERMS:
        offer.pop(name, None)
    offer["council_asked_to_cover_voids"] = council_pays
    if version is None:
        offer.pop("schema_version")
    else:
        offer["schema_version"] = version
    return offer


def _score(tmp_path: Path, offer: dict[str, Any]) -> tuple[int, str]:
    offers = tmp_path / "offers.json"
    offers.write_text(json.dumps([offer]))
    result = CliRunner().invoke(score_command, [str(offers)])
    return result.exit_code, result.output


def test_the_current_format_is_3_and_the_older_ones_are_read() -> None:
    assert OFFER_SCHEMA_VERSION == 3
    assert OFFER_SCHEMA_VERSIONS_READ == (1, 2, 3)


@pytest.mark.parametrize("version", [None, 1, 2])
@pytest.mark.parametrize(
    ("council_pays", "says"),
    [
        (True, "does not say from when, at what rate or for how long"),
        (False, "The landlord or provider bears the cost of empty homes"),
    ],
)
def test_an_older_offer_is_scored_with_its_terms_not_said(
    tmp_path: Path, version: int | None, council_pays: bool, says: str
) -> None:
    code, output = _score(tmp_path, _older(version, council_pays))
    assert code == 0, output
    scored = json.loads(output.splitlines()[0])
    terms = next(rule for rule in scored["rules"] if rule["rule"] == "terms")
    assert any(says in reason for reason in terms["reasons"])
    assert any("does not say the intended length of stay" in r for r in terms["reasons"])
    assert terms["figures"]["void_payer"] == (
        "council_pays" if council_pays else "landlord_or_provider"
    )


def test_a_current_offer_may_not_give_both_the_old_answer_and_the_new(tmp_path: Path) -> None:
    offer = {**json.loads(EXAMPLES.read_text())[0], "council_asked_to_cover_voids": False}
    code, output = _score(tmp_path, offer)
    assert code != 0
    assert "council_asked_to_cover_voids: Extra inputs are not permitted" in output


def test_the_examples_are_in_the_current_format(tmp_path: Path) -> None:
    examples = json.loads(EXAMPLES.read_text())
    assert {offer["schema_version"] for offer in examples} == {3}
    assert all("council_asked_to_cover_voids" not in offer for offer in examples)
