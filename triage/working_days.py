"""Working days: Monday to Friday, less England and Wales bank holidays.

The queue's target ("decide within N days") and each offer's "days waiting" are
counted in working days, as the council's own service standards are: a week
with Easter Monday in it is four days of work, not seven. The bank holidays are
the copy of GOV.UK's list that the `govuk-bank-holidays` package ships, read
once and never fetched over the network, so a page never waits on GOV.UK.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays

from triage import clock


@cache
def bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays, from the package's own copy."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(
        holiday["date"]
        for holiday in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if `end` is not
    later): an offer submitted on Friday has waited one working day on Monday."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    holidays = sum(
        1 for holiday in bank_holidays() if start < holiday <= end and holiday.weekday() < 5
    )
    return count - holidays


def working_days_since(instant: datetime, now: datetime | None = None) -> int:
    """Working days since `instant`, counting UK calendar days."""
    when = now if now is not None else clock.now()
    return working_days_between(
        instant.astimezone(clock.UK).date(), when.astimezone(clock.UK).date()
    )


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the day a target falls due)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
