"""Vacant homes, and who may share with whom, from a JSON file (for `triage match`).

    {
      "units": [
        {"reference": "U-1", "scheme": "Example Court", "cohorts": ["send_transitions"],
         "configuration": "shared_house", "postcode_district": "LE2",
         "support_model": "on_site_24_7", "self_contained": false,
         "wheelchair_accessible": false, "level_access": true, "places": 4,
         "age_min": 18, "age_max": 25, "occupants": ["LCC-0007"]}
      ],
      "may_share": [["LCC-0001", "LCC-0002"]]
    }

`places` (default 1), `age_min` (16), `age_max` (120) and `occupants` (none) may be
left out; `may_share` too. A file that does not fit is refused with each problem's
place in the file named, like "units.3.configuration: Input should be ...".
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rules.matching.people import SharingRules, Unit
from rules.matching.people_csv import DISTRICT_PATTERN, REFERENCE_PATTERN
from rules.offer import Configuration, SupportModel

MAX_UNITS_FILE_BYTES = 10 * 1024 * 1024


class UnitFileError(ValueError):
    """A units file that cannot be used, with where and why."""


class _UnitData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=40)
    scheme: str = Field(min_length=1, max_length=200)
    cohorts: list[str] = Field(min_length=1)
    configuration: Configuration
    postcode_district: str
    support_model: SupportModel
    self_contained: bool
    wheelchair_accessible: bool
    level_access: bool
    places: int = Field(default=1, ge=1, le=50)
    age_min: int = Field(default=16, ge=16, le=120)
    age_max: int = Field(default=120, ge=16, le=120)
    occupants: list[str] = []

    @field_validator("postcode_district")
    @classmethod
    def _district(cls, district: str) -> str:
        district = district.strip().upper()
        if not DISTRICT_PATTERN.fullmatch(district):
            raise ValueError("must be a postcode district, like LE2 or LE19")
        return district

    @model_validator(mode="after")
    def _consistent(self) -> _UnitData:
        if self.age_min > self.age_max:
            raise ValueError("age_min must not be above age_max")
        if len(set(self.occupants)) > self.places:
            raise ValueError("more occupants than places")
        return self


class _UnitsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    units: list[_UnitData]
    may_share: list[tuple[str, str]] = []

    @model_validator(mode="after")
    def _unique(self) -> _UnitsFile:
        references = [unit.reference for unit in self.units]
        repeated = sorted({ref for ref in references if references.count(ref) > 1})
        if repeated:
            raise ValueError(f"unit reference {repeated[0]} appears more than once")
        for first, second in self.may_share:
            for reference in (first, second):
                if not REFERENCE_PATTERN.fullmatch(reference.upper()):
                    raise ValueError(f"may_share: {reference!r} is not a person reference")
        return self


@dataclass(frozen=True)
class UnitsAndSharing:
    units: list[Unit]
    sharing: SharingRules


def parse_units_json(data: bytes, cohorts: Collection[str], name: str = "units") -> UnitsAndSharing:
    """The homes and sharing rules in a units file; UnitFileError naming the file,
    the place in it and the problem if it cannot be used."""
    if len(data) > MAX_UNITS_FILE_BYTES:
        raise UnitFileError(f"{name}: the file is larger than 10 MB")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnitFileError(f"{name}: cannot be read as JSON: {error}") from None
    try:
        parsed = _UnitsFile.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '(top level)'}: {problem['msg']}"
            for problem in error.errors()[:20]
        )
        raise UnitFileError(f"{name}: {problems}") from None
    for index, unit in enumerate(parsed.units):
        unknown = sorted(set(unit.cohorts) - set(cohorts))
        if unknown:
            raise UnitFileError(
                f"{name}: units.{index}.cohorts: {unknown[0]} is not a cohort in the policy"
            )
    return UnitsAndSharing(
        units=[
            Unit(
                reference=unit.reference,
                scheme=unit.scheme,
                cohorts=frozenset(unit.cohorts),
                configuration=unit.configuration,
                postcode_district=unit.postcode_district,
                support_model=unit.support_model,
                self_contained=unit.self_contained,
                wheelchair_accessible=unit.wheelchair_accessible,
                level_access=unit.level_access,
                places=unit.places,
                age_min=unit.age_min,
                age_max=unit.age_max,
                occupants=frozenset(occupant.upper() for occupant in unit.occupants),
            )
            for unit in parsed.units
        ],
        sharing=SharingRules(
            frozenset(
                frozenset((first.upper(), second.upper())) for first, second in parsed.may_share
            )
        ),
    )
