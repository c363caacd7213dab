"""Scoring offers from a file, outside the web app and without a database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from rules.offer import OfferData
from rules.policy_data import Policy
from rules.scoring import score_offer

_OFFERS = TypeAdapter(list[OfferData])


class OfferFileError(ValueError):
    """An offers file that cannot be read, with where and why."""


def read_offers(path: Path) -> list[OfferData]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OfferFileError(f"{path.name}: cannot be read as JSON: {error}") from error
    if isinstance(raw, dict):
        raw = [raw]
    try:
        return _OFFERS.validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"offer {'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:20]
        )
        raise OfferFileError(f"{path.name}: {problems}") from error


def score_all(offers: list[OfferData], policy: Policy) -> Iterator[dict[str, Any]]:
    for index, offer in enumerate(offers):
        result = score_offer(offer, policy).as_dict()
        yield {"offer": offer.reference or offer.name or index, **result}


def offer_json_schema() -> dict[str, Any]:
    schema = OfferData.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Offer of supported accommodation"
    schema["description"] = (
        "One offer as the scoring rules take it. Money is whole pence a week. "
        "`triage score FILE` takes a JSON list of these."
    )
    return schema
