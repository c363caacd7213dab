"""Configuration classes. Everything secret or site-specific comes from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    return Path(os.environ.get("TRIAGE_INSTANCE_DIR", PROJECT_ROOT / "instance")).resolve()


class Config:
    ENV_NAME = "base"
    TESTING = False

    INSTANCE_DIR: Path = _instance_dir()
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    DATABASE_URL: str = os.environ.get(
        "DATABASE_URL", f"sqlite:///{_instance_dir() / 'triage.sqlite3'}"
    )
    # Set where migrations run as the schema's owner (docker-compose's `migrate`):
    # `triage db upgrade` then grants this role, which the app connects as, the
    # use of the tables but not the power to change the audit log (triage/db_roles.py).
    DATABASE_APP_ROLE: str | None = os.environ.get("DATABASE_APP_ROLE") or None
    REDIS_URL: str | None = os.environ.get("REDIS_URL")
    UPLOAD_DIR: Path = Path(os.environ.get("UPLOAD_DIR", _instance_dir() / "uploads"))
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    # A file of any size up to this reaches its form, which says it is too big
    # beside the file field and keeps what was typed: of each file only the first
    # MAX_UPLOAD_BYTES + 1 bytes are kept (triage/upload_limits.py). Only a larger
    # body is refused before it is read (the 413 page); a proxy in front may well
    # refuse such bodies first.
    MAX_CONTENT_LENGTH = 256 * 1024 * 1024

    # Email: "file" writes each email to MAIL_DIR; "console" prints a line per email
    # (without the body); "smtp" sends through SMTP_HOST; "notify" through GOV.UK Notify.
    EMAIL_BACKEND: str = os.environ.get("EMAIL_BACKEND", "file")
    MAIL_DIR: Path = Path(os.environ.get("MAIL_DIR", _instance_dir() / "mail"))
    # Emails come from MAIL_FROM, which need not accept replies; replies go to
    # MAIL_REPLY_TO, the council's contact address unless set.
    MAIL_FROM: str = os.environ.get("MAIL_FROM", "offers@triage.invalid")
    MAIL_REPLY_TO: str = os.environ.get(
        "MAIL_REPLY_TO", os.environ.get("CONTACT_EMAIL", "caas.carehomes@leicester.gov.uk")
    )
    SMTP_HOST: str | None = os.environ.get("SMTP_HOST")
    SMTP_PORT: int = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USERNAME: str | None = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD: str | None = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS: bool = os.environ.get("SMTP_STARTTLS", "true") == "true"
    # "notify" sends through GOV.UK Notify with one email template whose subject is
    # ((subject)) and body ((body)). The key is a secret: from the environment only.
    NOTIFY_API_KEY: str | None = os.environ.get("NOTIFY_API_KEY")
    NOTIFY_TEMPLATE_ID: str | None = os.environ.get("NOTIFY_TEMPLATE_ID")
    # For emails with a file (a meeting's calendar file): a template of
    # ((subject)), ((body)) and ((link_to_file)), Notify's way of sending a file.
    NOTIFY_ATTACHMENT_TEMPLATE_ID: str | None = os.environ.get("NOTIFY_ATTACHMENT_TEMPLATE_ID")
    NOTIFY_EMAIL_REPLY_TO_ID: str | None = os.environ.get("NOTIFY_EMAIL_REPLY_TO_ID")
    NOTIFY_BASE_URL: str = os.environ.get(
        "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
    )

    # The council whose service this is: its name, brand and contact details appear in
    # the header, the footer pages, page titles and every email. Leicester's public
    # values are the defaults; another council sets its own in the environment.
    SERVICE_NAME: str = os.environ.get("SERVICE_NAME", "Offer supported accommodation")
    COUNCIL_NAME: str = os.environ.get("COUNCIL_NAME", "Leicester City Council")
    # A logo shown before the service name in the header: a path under triage/static
    # (e.g. "council-logo.svg"), or empty for the name alone.
    COUNCIL_LOGO: str = os.environ.get("COUNCIL_LOGO", "")
    COUNCIL_WEBSITE: str = os.environ.get("COUNCIL_WEBSITE", "https://www.leicester.gov.uk")
    COUNCIL_TEAM: str = os.environ.get(
        "COUNCIL_TEAM", "Strategic Commissioning, Social Care and Education"
    )
    COUNCIL_ADDRESS: str = os.environ.get(
        "COUNCIL_ADDRESS", "City Hall, 115 Charles Street, Leicester, LE1 1FZ"
    )
    CONTACT_EMAIL: str = os.environ.get("CONTACT_EMAIL", "caas.carehomes@leicester.gov.uk")
    CONTACT_PHONE: str = os.environ.get("CONTACT_PHONE", "0116 454 1000")
    CONTACT_HOURS: str = os.environ.get("CONTACT_HOURS", "Monday to Friday, 9am to 5pm")
    # The public "What we need" page (issue 14): where care is bought outside the
    # framework (the council's care directory), where tenders are advertised, and
    # the strategy. Leicester's, from the council's reply to offerors.
    CARE_DIRECTORY_NAME: str = os.environ.get("CARE_DIRECTORY_NAME", "MyChoice")
    CARE_DIRECTORY_URL: str = os.environ.get(
        "CARE_DIRECTORY_URL", "https://mychoice.leicester.gov.uk/"
    )
    TENDERS_PORTAL_NAME: str = os.environ.get(
        "TENDERS_PORTAL_NAME", "East Midlands Procurement Portal"
    )
    TENDERS_PORTAL_URL: str = os.environ.get(
        "TENDERS_PORTAL_URL", "https://www.eastmidstenders.org/"
    )
    CONTRACTS_FINDER_URL: str = os.environ.get(
        "CONTRACTS_FINDER_URL", "https://www.contractsfinder.service.gov.uk/"
    )
    STRATEGY_URL: str = os.environ.get(
        "STRATEGY_URL",
        "https://www.leicester.gov.uk/your-council/policies-plans-and-strategies/"
        "social-care-and-education/",
    )
    # The privacy notice: who to ask about personal data, and how long it is kept.
    DPO_NAME: str = os.environ.get("DPO_NAME", "Data Protection Officer")
    DPO_EMAIL: str = os.environ.get("DPO_EMAIL", "dpo@leicester.gov.uk")
    DPO_ADDRESS: str = os.environ.get(
        "DPO_ADDRESS", "Information Governance, City Hall, 115 Charles Street, Leicester, LE1 1FZ"
    )
    # RETENTION_PERIOD is the notice's words; RETENTION_DAYS is what the daily
    # retention job (triage.services.retention) applies: set both together.
    RETENTION_PERIOD: str = os.environ.get("RETENTION_PERIOD", "2 years")
    RETENTION_DAYS: int = int(os.environ.get("RETENTION_DAYS", "730"))
    # When the accessibility statement was prepared and last reviewed (it says so).
    ACCESSIBILITY_STATEMENT_DATE: str = "3 December 2026"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "triage_session"
    REMEMBER_COOKIE_DURATION = 0
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    HSTS = False
    WTF_CSRF_TIME_LIMIT = 8 * 60 * 60

    # Sign-in throttling (triage.services.throttle), per email address typed and per
    # client address: this many attempts in the window are checked at once; each
    # one after must wait, LOGIN_DELAY_BASE_SECONDS for the first, doubling each
    # time up to LOGIN_MAX_DELAY_SECONDS. A delay, never a lock: the owner can
    # sign in once it passes, or reset their password at any time (which clears it).
    LOGIN_MAX_FAILURES = 5
    LOGIN_ADDRESS_MAX_FAILURES = 20
    LOGIN_DELAY_BASE_SECONDS = 2.0
    LOGIN_MAX_DELAY_SECONDS = 300.0
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    # How many proxies in front of the app set X-Forwarded-For/-Proto (Werkzeug's
    # ProxyFix): 0 trusts none, so the client address is the connection's. Set it
    # to the number of proxies you run, never more: a client can write the header.
    PROXY_FIX_HOPS: int = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # How long an emailed link to reset a forgotten password works.
    PASSWORD_RESET_MINUTES = 60
    # How long an emailed invitation (a colleague's or a member of staff's) works.
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
    # How long the link confirming a new registration's email address works.
    EMAIL_CONFIRMATION_DAYS = 7

    # The outbox relay gives up on a broker after this many seconds per attempt.
    BROKER_PUBLISH_TIMEOUT_SECONDS = 5.0
    # Seconds before a message a dead worker took is handed to another (Redis).
    BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "300"))
    # The beat schedule: how often each sweeper runs.
    # Every outbox row is published as soon as its transaction commits; the relay
    # only sweeps rows still unsent after OUTBOX_RELAY_GRACE_SECONDS (a broker that
    # was down, a process that died). Beat looks for such rows every
    # OUTBOX_RELAY_INTERVAL_SECONDS and sends the relay task only when there are any.
    PUBLISH_AFTER_COMMIT: bool = os.environ.get("PUBLISH_AFTER_COMMIT", "true") == "true"
    OUTBOX_RELAY_GRACE_SECONDS = float(os.environ.get("OUTBOX_RELAY_GRACE_SECONDS", "10"))
    OUTBOX_RELAY_INTERVAL_SECONDS = float(os.environ.get("OUTBOX_RELAY_INTERVAL_SECONDS", "5"))
    # A task is given up after this many deliveries (counted in the database, so a
    # task that kills its worker cannot come back forever): the offer shows
    # "scoring failed", the email "failed".
    TASK_MAX_DELIVERIES = int(os.environ.get("TASK_MAX_DELIVERIES", "5"))
    # Embedded broker only: messages held by a worker that died are put back, and a
    # task started this long ago and unfinished, whose process is gone and whose
    # message is nowhere in the broker, is sent again; beat looks every
    # ABANDONED_TASKS_INTERVAL_SECONDS.
    ABANDONED_TASK_SECONDS = float(os.environ.get("ABANDONED_TASK_SECONDS", "20"))
    ABANDONED_TASKS_INTERVAL_SECONDS = float(
        os.environ.get("ABANDONED_TASKS_INTERVAL_SECONDS", "10")
    )
    # PostgreSQL: a pooled connection is pinged before use only once it has sat
    # unused this many seconds; None, every time (triage/db.py). The web app pings
    # every time, so a restarted database fails no page; the workers, whose tasks
    # come back after a database error, set it (workers/app.py).
    DATABASE_PING_AFTER_IDLE: float | None = None
    # Processes (prefork) per worker; Celery's default is one per core.
    WORKER_CONCURRENCY: int | None = (
        int(os.environ["WORKER_CONCURRENCY"]) if os.environ.get("WORKER_CONCURRENCY") else None
    )
    # Messages a worker fetches ahead, per process (workers/celery_app.py): unset,
    # 4 on either broker. The embedded one keeps them if the worker dies; Redis
    # returns a killed worker's only after BROKER_VISIBILITY_TIMEOUT (1 holds back
    # only the task it was running, and scores a burst about a third slower).
    WORKER_PREFETCH_MULTIPLIER: int | None = (
        int(os.environ["WORKER_PREFETCH_MULTIPLIER"])
        if os.environ.get("WORKER_PREFETCH_MULTIPLIER")
        else None
    )
    DELIVER_PENDING_EMAILS_INTERVAL_SECONDS = 60.0
    RESEND_STUCK_OFFERS_INTERVAL_SECONDS = 300.0
    PURGE_ABANDONED_IMPORTS_INTERVAL_SECONDS = 3600.0
    NOTIFICATION_DIGEST_HOUR_UTC = 7
    # The retention job runs once a day at this hour, UTC.
    RETENTION_HOUR_UTC = 3
    # Beat looks for scheduled policy versions whose day has come at this minute of
    # every hour, so one is in force by about 1 a.m. on its day (UK time), and a
    # beat that was down catches up within the hour.
    POLICY_SCHEDULE_MINUTE = 5
    # A scoring task that fails waits this many seconds before its first retry,
    # doubling for each later one (at most two minutes).
    SCORE_RETRY_BASE_SECONDS = float(os.environ.get("SCORE_RETRY_BASE_SECONDS", "5"))

    @classmethod
    def check(cls) -> None:
        """Refuse settings the environment cannot run with."""


class Development(Config):
    ENV_NAME = "development"

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            # A development key kept in the instance folder, so sessions survive a restart.
            key_file = cls.INSTANCE_DIR / "secret_key"
            cls.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            if not key_file.exists():
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            cls.SECRET_KEY = key_file.read_text().strip()


class Test(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-use"  # noqa: S105
    EMAIL_BACKEND = "file"
    LOGIN_MAX_FAILURES = 5
    # Tests publish explicitly (the relay) unless they turn this on.
    PUBLISH_AFTER_COMMIT = os.environ.get("PUBLISH_AFTER_COMMIT", "false") == "true"


class Production(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        problems = []
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be set to at least 32 random characters")
        if "DATABASE_URL" not in os.environ:
            problems.append("DATABASE_URL must be set")
        elif cls.DATABASE_URL.startswith("sqlite"):
            problems.append("DATABASE_URL must name a PostgreSQL database in production")
        if not cls.REDIS_URL:
            problems.append("REDIS_URL must be set")
        if cls.EMAIL_BACKEND == "notify":
            if not cls.NOTIFY_API_KEY:
                problems.append("NOTIFY_API_KEY must be set when EMAIL_BACKEND is notify")
            if not cls.NOTIFY_TEMPLATE_ID:
                problems.append("NOTIFY_TEMPLATE_ID must be set when EMAIL_BACKEND is notify")
            if not cls.NOTIFY_ATTACHMENT_TEMPLATE_ID:
                # Meeting emails carry a calendar file (issue 14): without this
                # template they would wait, unsent.
                problems.append(
                    "NOTIFY_ATTACHMENT_TEMPLATE_ID must be set when EMAIL_BACKEND is notify"
                )
        if problems:
            raise RuntimeError("Cannot start in production: " + "; ".join(problems))


CONFIGS: dict[str, type[Config]] = {
    "development": Development,
    "test": Test,
    "production": Production,
}


def config_from_environment() -> type[Config]:
    name = os.environ.get("TRIAGE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"TRIAGE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None


def as_mapping(config: type[Config], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    values = {key: getattr(config, key) for key in dir(config) if key.isupper()}
    values.update(overrides or {})
    return values
