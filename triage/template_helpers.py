"""Filters and globals the templates use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

UK = ZoneInfo("Europe/London")


def pounds(pence: int | None) -> str:
    """Whole pence as pounds and pence: 12345 -> '£123.45'."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(UK)
        return f"{local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace(
            "PM", "pm"
        )
    return f"{value.day} {value:%B %Y}"


def uk_timestamp(value: datetime | None) -> str:
    """To the second, in UK time, saying which (GMT or BST): for the audit log."""
    if value is None:
        return ""
    local = value.astimezone(UK)
    clock = f"{local:%-I:%M:%S%p}".replace("AM", "am").replace("PM", "pm")
    return f"{local.day} {local:%B %Y} at {clock} {local.tzname()}"


def utc_timestamp(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def utc_iso(value: datetime | None) -> str:
    """For a <time datetime> attribute."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "Yes" if value else "No"


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(long_date)
    app.add_template_filter(yes_no)
    app.add_template_filter(uk_timestamp)
    app.add_template_filter(utc_timestamp)
    app.add_template_filter(utc_iso)

    @app.context_processor
    def service_globals() -> dict[str, str]:
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "council_name": current_app.config["COUNCIL_NAME"],
        }
