"""Filters and globals the templates use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, current_app, url_for
from werkzeug.routing import BuildError

from triage.clock import UK


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


@dataclass(frozen=True)
class CouncilIdentity:
    """Whose service this is and how to reach them, from configuration: what the
    header, footer pages and emails show instead of GOV.UK's name and crown."""

    name: str
    service_name: str
    logo: str
    website: str
    website_host: str
    team: str
    address: str
    email: str
    phone: str
    hours: str
    reply_to: str
    dpo_name: str
    dpo_email: str
    dpo_address: str
    retention_period: str
    accessibility_statement_date: str


def council_identity() -> CouncilIdentity:
    config = current_app.config
    website = config["COUNCIL_WEBSITE"]
    return CouncilIdentity(
        name=config["COUNCIL_NAME"],
        service_name=config["SERVICE_NAME"],
        logo=config["COUNCIL_LOGO"],
        website=website,
        website_host=website.split("://", 1)[-1].rstrip("/"),
        team=config["COUNCIL_TEAM"],
        address=config["COUNCIL_ADDRESS"],
        email=config["CONTACT_EMAIL"],
        phone=config["CONTACT_PHONE"],
        hours=config["CONTACT_HOURS"],
        reply_to=config["MAIL_REPLY_TO"],
        dpo_name=config["DPO_NAME"],
        dpo_email=config["DPO_EMAIL"],
        dpo_address=config["DPO_ADDRESS"],
        retention_period=config["RETENTION_PERIOD"],
        accessibility_statement_date=config["ACCESSIBILITY_STATEMENT_DATE"],
    )


# The pages every footer links to: (endpoint, path, link text).
FOOTER_PAGES = (
    ("pages.accessibility", "/accessibility", "Accessibility statement"),
    ("pages.privacy", "/privacy", "Privacy notice"),
    ("pages.cookies", "/cookies", "Cookies"),
    ("pages.contact", "/contact", "Contact"),
    ("pages.what_we_need", "/what-we-need", "What the council needs"),
)


def footer_links() -> list[dict[str, str]]:
    """The footer's links, for govuk-footer's `meta.items`. Emails render outside a
    request, where there is no footer: the paths are enough there."""
    links = []
    for endpoint, path, text in FOOTER_PAGES:
        try:
            href = url_for(endpoint)
        except (BuildError, RuntimeError):
            href = path
        links.append({"href": href, "text": text})
    return links


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(long_date)
    app.add_template_filter(yes_no)
    app.add_template_filter(uk_timestamp)
    app.add_template_filter(utc_timestamp)
    app.add_template_filter(utc_iso)

    @app.context_processor
    def service_globals() -> dict[str, Any]:
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "council_name": current_app.config["COUNCIL_NAME"],
            "council": council_identity(),
            "footer_links": footer_links(),
        }
