"""Scoring offers from a file, outside the web app and without a database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from rules.offer import OFFER_SCHEMA_VERSION, OFFER_SCHEMA_VERSIONS_READ, OfferData
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
    if isinstance(raw, list):
        _check_versions(raw, path)
    try:
        return _OFFERS.validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"offer {'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:20]
        )
        raise OfferFileError(f"{path.name}: {problems}") from error


def _check_versions(raw: list[Any], path: Path) -> None:
    """Refuse offers in a format this version does not read, saying so plainly. An
    offer without `schema_version` is version 1 (files written before it existed)."""
    for index, offer in enumerate(raw):
        if not isinstance(offer, dict):
            continue
        version = offer.get("schema_version", 1)
        if version not in OFFER_SCHEMA_VERSIONS_READ or isinstance(version, bool):
            raise OfferFileError(
                f"{path.name}: offer {index}: schema_version {version!r} is not one this "
                f"version of triage reads ({', '.join(map(str, OFFER_SCHEMA_VERSIONS_READ))}; "
                f"the current format is {OFFER_SCHEMA_VERSION}): see docs/offer.schema.json"
            )


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
