"""Money in policy and case files: pounds and pence in the file, whole pence here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator


def to_pence(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("must be an amount in pounds, like 91.00")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("must be an amount in pounds, like 91.00") from None
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise ValueError("must be in pounds and pence, at most two decimal places")
    if pence < 0:
        raise ValueError("must not be negative")
    return int(pence)


Pence = Annotated[int, BeforeValidator(to_pence)]


def as_pounds(pence: int) -> float:
    """Whole pence as pounds for JSON output (two decimal places)."""
    return round(pence / 100, 2)
