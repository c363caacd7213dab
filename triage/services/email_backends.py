"""Ways to send an email: to files (the default), to the log, or by SMTP."""

from __future__ import annotations

import logging
import os
import re
import smtplib
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Protocol

from flask import current_app

from triage.models import EmailMessage

logger = logging.getLogger(__name__)


class EmailDeliveryError(Exception):
    pass


class Backend(Protocol):
    def send(self, email: EmailMessage) -> None: ...


def _mime(email: EmailMessage) -> MimeMessage:
    message = MimeMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = f"<{email.idempotency_key}@offer-triage>"
    message.set_content(email.body)
    return message


class FileBackend:
    """One .eml file per email in MAIL_DIR, named after the event it is about."""

    def send(self, email: EmailMessage) -> None:
        folder = Path(current_app.config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", email.idempotency_key)
        final = folder / f"{name}.eml"
        partial = folder / f".{name}.part"
        partial.write_bytes(bytes(_mime(email)))
        os.replace(partial, final)


class ConsoleBackend:
    """Logs that an email would be sent: its id and subject, never the address or body."""

    def send(self, email: EmailMessage) -> None:
        logger.info("Email %s would be sent: %s", email.id, email.subject)


class SmtpBackend:
    def send(self, email: EmailMessage) -> None:
        config = current_app.config
        try:
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls()
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
                smtp.send_message(_mime(email))
        except (OSError, smtplib.SMTPException) as error:
            raise EmailDeliveryError(f"SMTP delivery failed: {type(error).__name__}") from error


BACKENDS: dict[str, type[Backend]] = {
    "file": FileBackend,
    "console": ConsoleBackend,
    "smtp": SmtpBackend,
}


def backend() -> Backend:
    name = current_app.config["EMAIL_BACKEND"]
    try:
        return BACKENDS[name]()
    except KeyError:
        raise EmailDeliveryError(f"Unknown EMAIL_BACKEND {name!r}") from None
