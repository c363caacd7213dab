"""The service's one clock: instants in UTC, calendar days in the UK.

Everything that asks the time asks here (the models' column defaults included),
and ruff's DTZ rules catch a naive `datetime.now()` anywhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def now() -> datetime:
    """This instant, timezone-aware, in UTC (what every timestamp column holds)."""
    return datetime.now(UTC)


def today_uk() -> date:
    """Today's date where the council is (a UK day starts at midnight GMT or BST)."""
    return now().astimezone(UK).date()


def uk_day_start(day: date) -> datetime:
    """The start of a UK calendar day, in UTC."""
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)
