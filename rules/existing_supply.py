"""The existing-supply register as the rules see it, and where a postcode lies.

Staff keep the register (triage/services/supply_register.py); the scoring
service hands it to the rules as this plain, frozen data, the same way the
policy reaches them. Nothing here knows about the database.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rules.policy_data import Policy

# An inward code is a digit and two letters ("1AB"); the outward code (district)
# is everything before it, so "LE46AB" is district LE4, sector LE4 6.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9])([A-Z]{2})?$")


class Accommodation(enum.StrEnum):
    """The kinds of existing supply the strategy's Appendix A counts."""

    EXTRA_CARE = "extra_care"
    SHARED_HOUSE = "shared_house"
    SUPPORTED_LIVING = "supported_living"


ACCOMMODATION_LABELS = {
    Accommodation.EXTRA_CARE: "Extra care",
    Accommodation.SHARED_HOUSE: "Shared house",
    Accommodation.SUPPORTED_LIVING: "Supported living",
}


class CityPlace(enum.StrEnum):
    """Where a postcode lies against the council's list of the city's sectors."""

    CITY = "city"
    BOUNDARY = "boundary"  # a sector that straddles the city boundary
    OUTSIDE = "outside"


def _clean(postcode: str) -> str:
    return " ".join(postcode.strip().upper().split())


def postcode_district(postcode: str) -> str:
    """The outward code: "LE4 6AB" and "LE46AB" are both LE4."""
    found = _POSTCODE.match(_clean(postcode))
    if found:
        return found.group(1)
    text = _clean(postcode)
    return text.split(" ")[0] if " " in text else text[:-3]


def postcode_sector(postcode: str) -> str:
    """The sector, "LE4 6" for "LE4 6AB" (or "LE4 6" itself); a postcode too
    short to have one gives its district."""
    found = _POSTCODE.match(_clean(postcode))
    return f"{found.group(1)} {found.group(2)}" if found else postcode_district(postcode)


def city_place(postcode: str, policy: Policy) -> CityPlace:
    """Inside the city, in a sector straddling its boundary, or outside, by the
    council's sectors. A policy without sectors (older files) goes by districts."""
    settings = policy.location
    if not settings.city_postcode_sectors:
        inside = postcode_district(postcode) in settings.city_postcode_districts
        return CityPlace.CITY if inside else CityPlace.OUTSIDE
    sector = postcode_sector(postcode)
    if sector in settings.boundary_postcode_sectors:
        return CityPlace.BOUNDARY
    if sector in settings.city_postcode_sectors:
        return CityPlace.CITY
    if sector in settings.county_postcode_sectors:
        return CityPlace.OUTSIDE
    if postcode_district(postcode) in settings.city_postcode_districts:
        # A sector of a city district on neither list: the lists may be incomplete,
        # so the officer checks it rather than the offer being marked outside.
        return CityPlace.BOUNDARY
    return CityPlace.OUTSIDE


@dataclass(frozen=True)
class RegisteredScheme:
    """A line of the register: one scheme, or (as the strategy's totals are) a
    group of schemes of one kind with no address yet (`postcode` None)."""

    name: str
    accommodation: str
    units: int
    postcode: str | None = None
    cohort: str | None = None
    schemes: int = 1

    @property
    def district(self) -> str | None:
        return postcode_district(self.postcode) if self.postcode else None


@dataclass(frozen=True)
class SupplyRegister:
    """The register, and the shared houses approved offers already provide per
    cohort (for the shared-housing exception)."""

    schemes: tuple[RegisteredScheme, ...] = ()
    approved_shared_houses: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_units(self) -> int:
        return sum(scheme.units for scheme in self.schemes)

    @property
    def unplaced_units(self) -> int:
        return sum(scheme.units for scheme in self.schemes if scheme.postcode is None)

    def units_by_district(self, districts: Iterable[str]) -> dict[str, int]:
        """Placed units in each of `districts` (none: 0)."""
        found = dict.fromkeys(districts, 0)
        for scheme in self.schemes:
            if scheme.district in found:
                found[scheme.district] += scheme.units
        return found

    def shared_houses_provided(self, cohorts: Iterable[str]) -> int:
        """Shared houses for any of `cohorts`: in the register and in approved offers."""
        wanted = set(cohorts)
        registered = sum(
            scheme.schemes
            for scheme in self.schemes
            if scheme.accommodation == Accommodation.SHARED_HOUSE and scheme.cohort in wanted
        )
        return registered + sum(self.approved_shared_houses.get(code, 0) for code in wanted)

    def basis(self) -> dict[str, object]:
        """What the rules read from the register, for the score's supply basis: a
        change to it makes a new score. Empty while it changes nothing (no unit
        placed, no shared house for a cohort), so such scores keep their basis."""
        found: dict[str, object] = {}
        placed = sorted(
            (scheme.district or "", scheme.cohort or "", scheme.units)
            for scheme in self.schemes
            if scheme.postcode
        )
        if placed:
            found["placed"] = placed
        houses = sorted(
            (scheme.cohort, scheme.schemes)
            for scheme in self.schemes
            if scheme.accommodation == Accommodation.SHARED_HOUSE and scheme.cohort
        )
        if houses:
            found["shared_houses"] = houses
        if any(self.approved_shared_houses.values()):
            found["approved_shared_houses"] = dict(sorted(self.approved_shared_houses.items()))
        return found


def by_district(register: SupplyRegister, policy: Policy) -> Mapping[str, int]:
    """Placed units in each of the city's districts, least served first."""
    counts = register.units_by_district(policy.location.city_postcode_districts)
    return dict(sorted(counts.items(), key=lambda item: (item[1], item[0])))
