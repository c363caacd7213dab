"""State Pension age from a date of birth.

At State Pension age Housing Benefit, not Universal Credit, pays the rent (a
single claimant over the qualifying age for State Pension Credit cannot claim UC:
Welfare Reform Act 2012 s4(1)(b)). The age is statute, not a yearly figure:

- born before 6 April 1960: 66 (Pensions Act 2011 s1; everyone born before
  6 October 1954 reached pension age earlier, long before this service's dates);
- born 6 April 1960 to 5 March 1961: 66 and 1 to 11 months, one month more for
  each month of birth (Pensions Act 1995 Sch 4 para 1, table as amended by
  Pensions Act 2014 s26);
- born 6 March 1961 to 5 April 1977: 67 (Pensions Act 2014 s26);
- born on or after 6 April 1977: 68 here. The Pensions Act 2007 phases 67 to 68
  for people born from 6 April 1977 by fixed dates from May 2044; nobody in that
  group reaches 67 before 2044, so the simplification changes nothing today.
"""

from __future__ import annotations

import calendar
from datetime import date

PHASING_START = date(1960, 4, 6)
AGE_67_FROM = date(1961, 3, 6)
AGE_68_FROM = date(1977, 4, 6)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def state_pension_age_date(date_of_birth: date) -> date:
    """The day a person born on `date_of_birth` reaches State Pension age."""
    if date_of_birth < PHASING_START:
        return _add_months(date_of_birth, 66 * 12)
    if date_of_birth < AGE_67_FROM:
        # Born 6 April to 5 May 1960: 66 years 1 month; each later month adds one.
        months_after = (date_of_birth.year - 1960) * 12 + date_of_birth.month - 4
        if date_of_birth.day < 6:
            months_after -= 1
        return _add_months(date_of_birth, 66 * 12 + months_after + 1)
    if date_of_birth < AGE_68_FROM:
        return _add_months(date_of_birth, 67 * 12)
    return _add_months(date_of_birth, 68 * 12)


def state_pension_age_words(date_of_birth: date) -> str:
    reached = state_pension_age_date(date_of_birth)
    months = (reached.year - date_of_birth.year) * 12 + reached.month - date_of_birth.month
    if reached.day < date_of_birth.day:
        months -= 1
    years, extra = divmod(months, 12)
    return f"{years}" + (f" years {extra} month{'s' if extra > 1 else ''}" if extra else "")


def age_on(date_of_birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def birthday_years_before(day: date, years: int) -> date:
    """The date of birth of someone who turns `years` on `day` (29 February -> 28th)."""
    return _add_months(day, -12 * years)
