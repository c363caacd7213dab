"""Checks that more than one form makes: the policy's cohorts, and an age range.

Offers and placement homes are both for some of the policy's cohorts and for an
age range, and must refuse the same mistakes with the same words.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from wtforms import Field
from wtforms.validators import ValidationError


def check_cohorts(field: Field, chosen: Collection[str], *, required: str, unknown: str) -> None:
    """Every chosen cohort code is one of `field`'s choices (the policy's cohorts),
    and there is at least one. The messages are the page's own: WTForms' default
    would repeat the posted value back."""
    if not chosen:
        raise ValidationError(required)
    known = {value for value, *_ in getattr(field, "choices", None) or [] if value}
    if not set(chosen) <= known:
        raise ValidationError(unknown)


def oldest_age_not_below_youngest(form: Any, field: Field) -> None:
    """A form's inline `validate_age_max`: the oldest age is not below the youngest
    (`form.age_min`). Either left blank is reported by its own field."""
    youngest = form.age_min.data
    if field.data is not None and youngest is not None and field.data < youngest:
        raise ValidationError("Oldest age must be the same as or more than the youngest age")
