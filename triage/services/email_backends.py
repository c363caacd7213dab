"""Ways to send an email: to files (the default), to the log, by SMTP or through
GOV.UK Notify.

A backend raises `EmailDeliveryError` when an email may go later (the row stays
pending and is tried again) and `PermanentEmailFailure` when it never will (the
row is marked failed at once)."""

from __future__ import annotations

import io
import logging
import os
import re
import smtplib
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Any, Protocol

from flask import current_app
from notifications_python_client.errors import APIError, HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient
from notifications_python_client.utils import prepare_upload

from triage.models import EmailMessage

logger = logging.getLogger(__name__)


class EmailDeliveryError(Exception):
    """The email was not sent and may be sent later: the row stays pending."""


class PermanentEmailFailure(EmailDeliveryError):
    """The email was refused and sending it again would be refused too (a bad
    address, an unknown template): the row is marked failed and never retried."""


class Backend(Protocol):
    def send(self, email: EmailMessage) -> None: ...


def _mime(email: EmailMessage) -> MimeMessage:
    message = MimeMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    if current_app.config.get("MAIL_REPLY_TO"):
        message["Reply-To"] = current_app.config["MAIL_REPLY_TO"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = f"<{email.idempotency_key}@offer-triage>"
    message.set_content(email.body)
    if email.attachment_data is not None:
        maintype, _, subtype = (email.attachment_type or "application/octet-stream").partition("/")
        params = {}
        if maintype == "text":
            params["charset"] = "utf-8"
        if (maintype, subtype) == ("text", "calendar"):
            # A calendar reads an invitation's METHOD from the part's type too
            # (RFC 6047 section 2.4); it must match the file's own.
            params["method"] = _calendar_method(email.attachment_data)
        message.add_attachment(
            email.attachment_data,
            maintype=maintype,
            subtype=subtype,
            filename=email.attachment_name,
            params=params,
        )
    return message


def _calendar_method(data: bytes) -> str:
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("METHOD:"):
            return line.removeprefix("METHOD:")
    return "PUBLISH"


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


# "<key name>-<service id>-<secret>": the client takes the last 73 characters apart.
_NOTIFY_KEY = re.compile(
    r".+-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}",
    re.IGNORECASE,
)
# Notify answers 400 when this request can never succeed (an invalid address, an
# unknown template, missing personalisation, a team key and a recipient outside the
# team). 429 (rate limits), 5xx, timeouts and connection errors (the client reports
# those as 503) pass; so may a 403 (a revoked or mistyped key) once the key is fixed.
NOTIFY_PERMANENT_STATUSES = frozenset({400})


def _notify_error(error: APIError) -> str:
    """Notify's error classes and messages: never the address, the subject or the body."""
    message: Any = error.message
    if isinstance(message, list):
        message = "; ".join(
            f"{item.get('error', 'Error')}: {item.get('message', '')}"
            for item in message
            if isinstance(item, dict)
        )
    return f"Notify answered {error.status_code}: {message}"


class NotifyBackend:
    """GOV.UK Notify through its official client, with one generic template whose
    subject and body are the personalisation "subject" and "body" (the template is
    `((subject))` / `((body))`). The reference is the email's idempotency key, so
    Notify's records name the event; Notify does not deduplicate, so the row's lock
    and status are what stop an email going twice."""

    def send(self, email: EmailMessage) -> None:
        config = current_app.config
        api_key = config.get("NOTIFY_API_KEY") or ""
        template_id = config.get("NOTIFY_TEMPLATE_ID")
        if not _NOTIFY_KEY.fullmatch(api_key) or not template_id:
            # A configuration fault, not this email's: it stays pending until fixed.
            raise EmailDeliveryError("NOTIFY_API_KEY or NOTIFY_TEMPLATE_ID is missing or malformed")
        personalisation: dict[str, Any] = {"subject": email.subject, "body": email.body}
        if email.attachment_data is not None:
            # Notify sends a file as a link to it, in a template with a
            # ((link_to_file)) placeholder beside ((subject)) and ((body)).
            template_id = config.get("NOTIFY_ATTACHMENT_TEMPLATE_ID")
            if not template_id:
                raise EmailDeliveryError("NOTIFY_ATTACHMENT_TEMPLATE_ID is missing")
            personalisation["link_to_file"] = prepare_upload(
                io.BytesIO(email.attachment_data),
                filename=email.attachment_name,
                # The link is in an email to this person: they need not confirm it again.
                confirm_email_before_download=False,
            )
        client = NotificationsAPIClient(api_key, base_url=config["NOTIFY_BASE_URL"], timeout=30)
        try:
            try:
                self._post(client, email, template_id, personalisation)
            except PermanentEmailFailure as error:
                if "link_to_file" not in personalisation:
                    raise
                # A 400 for an email with a file: Notify takes only some file types,
                # and this service's settings may not allow files at all. The email
                # still goes, without the file, which the recipient can download
                # from the service instead.
                logger.warning(
                    "Notify refused email %s with its file (%s): sending it without",
                    email.id,
                    error,
                )
                body = (
                    f"{email.body}\n\nThe file ({email.attachment_name}) could not be"
                    " attached to this email: download it from the service."
                )
                self._post(
                    client,
                    email,
                    config["NOTIFY_TEMPLATE_ID"],
                    {"subject": email.subject, "body": body},
                )
        finally:
            client.request_session.close()

    def _post(
        self,
        client: NotificationsAPIClient,
        email: EmailMessage,
        template_id: str,
        personalisation: dict[str, Any],
    ) -> None:
        """One request to Notify, its answer mapped to ours: accepted, refused for
        good (PermanentEmailFailure), or to try again (EmailDeliveryError)."""
        try:
            response = client.send_email_notification(
                email_address=email.to_address,
                template_id=template_id,
                personalisation=personalisation,
                reference=email.idempotency_key,
                # Replies go to the address of this id in Notify's settings (the
                # council's contact address); without one, Notify's default reply-to.
                email_reply_to_id=current_app.config.get("NOTIFY_EMAIL_REPLY_TO_ID") or None,
            )
        except InvalidResponse:
            # A 2xx without JSON: Notify accepted the email. Sending it again could
            # deliver it twice, so it counts as sent.
            logger.warning("Notify accepted email %s without a readable answer", email.id)
            return
        except HTTPError as error:
            if error.status_code in NOTIFY_PERMANENT_STATUSES:
                raise PermanentEmailFailure(_notify_error(error)) from error
            raise EmailDeliveryError(_notify_error(error)) from error
        logger.info(
            "Email %s accepted by Notify as %s", email.id, (response or {}).get("id", "unknown")
        )


BACKENDS: dict[str, type[Backend]] = {
    "file": FileBackend,
    "console": ConsoleBackend,
    "smtp": SmtpBackend,
    "notify": NotifyBackend,
}


def backend() -> Backend:
    name = current_app.config["EMAIL_BACKEND"]
    try:
        return BACKENDS[name]()
    except KeyError:
        raise EmailDeliveryError(f"Unknown EMAIL_BACKEND {name!r}") from None
