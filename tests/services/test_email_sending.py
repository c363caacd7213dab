"""Sending an email holds no database transaction (issue 16): on SQLite an open
write transaction is the database's one write lock, so a slow SMTP server used to
hold up every other writer (a submission, a decision) for as long as it took.
Here the SMTP server is a fake that keeps the message until the test lets it go.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from triage import clock, db
from triage.models import EmailMessage
from triage.models.email import EmailStatus
from triage.services import emails

# The longest the test waits for anything: a blocked writer would wait far longer
# (SQLite's busy timeout is 30 s).
WAIT = 10


@dataclass
class SlowSmtp:
    """A minimal SMTP server that answers a message's end only once `release` is set."""

    port: int = 0
    receiving: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    messages: list[bytes] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        fake = self.server.fake
        self.reply("220 fake ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 fake")
            elif command == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                fake.receiving.set()
                fake.release.wait(WAIT * 2)
                fake.messages.append(data)
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: SlowSmtp


@pytest.fixture
def slow_smtp(app: Flask) -> Iterator[SlowSmtp]:
    fake = SlowSmtp()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        EMAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=fake.port,
        SMTP_STARTTLS=False,
        SMTP_USERNAME=None,
    )
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()


def _add_email(app: Flask, key: str) -> int:
    with app.app_context(), db.unit_of_work():
        return emails.add_email(key, "someone@example.com", "Subject", "Body").id


def _deliver(app: Flask, email_id: int) -> bool:
    with app.app_context():
        return emails.deliver(email_id)


def _row(app: Flask, email_id: int) -> tuple[str, int]:
    with app.app_context():
        status, attempts = db.session.execute(
            select(EmailMessage.status, EmailMessage.attempts).where(EmailMessage.id == email_id)
        ).one()
        db.session.rollback()
    return status, attempts


def test_another_writer_is_not_held_up_while_an_email_is_sent_slowly(
    app: Flask, slow_smtp: SlowSmtp
) -> None:
    email_id = _add_email(app, "slow:1")
    with ThreadPoolExecutor(max_workers=3) as pool:
        sending = pool.submit(_deliver, app, email_id)
        assert slow_smtp.receiving.wait(WAIT), "the email never reached the server"

        # Mid-send: a submission's write goes through at once (it would wait for the
        # write lock, then fail with "database is locked", if the send held it).
        other = pool.submit(_add_email, app, "meanwhile:1").result(timeout=WAIT)
        # A second run of the task (a redelivery) finds the email claimed: no send.
        assert pool.submit(_deliver, app, email_id).result(timeout=WAIT) is False
        assert not sending.done()  # all of this while the server still held the email

        slow_smtp.release.set()
        assert sending.result(timeout=WAIT) is True
    assert other != email_id
    assert len(slow_smtp.messages) == 1
    assert _row(app, email_id) == (EmailStatus.SENT, 1)
    # Sent is final: another run sends nothing.
    assert _deliver(app, email_id) is False
    assert len(slow_smtp.messages) == 1


def test_an_email_whose_sender_died_is_sent_once_its_claim_lapses(
    app: Flask, slow_smtp: SlowSmtp
) -> None:
    """A sender that died between its claim and recording the result leaves the
    email pending and claimed: nothing sends it until the claim lapses, then once."""
    slow_smtp.release.set()
    email_id = _add_email(app, "orphaned:1")
    with app.app_context():
        claimed = emails._claim(email_id)  # a claim, then the sender died
    assert claimed is not None
    assert _deliver(app, email_id) is False  # claimed by a sender not known to be dead
    assert slow_smtp.messages == []

    with app.app_context(), db.unit_of_work():  # the claim lapses
        db.session.execute(
            update(EmailMessage)
            .where(EmailMessage.id == email_id)
            .values(claimed_until=clock.now() - timedelta(seconds=1))
        )
    assert _deliver(app, email_id) is True
    assert len(slow_smtp.messages) == 1
    assert _row(app, email_id) == (EmailStatus.SENT, 2)


def test_a_new_delivery_of_the_task_that_claimed_an_email_takes_it_over(
    app: Flask, slow_smtp: SlowSmtp
) -> None:
    """The broker hands a task on only once its worker is gone (or, on Redis, after
    the visibility timeout): its new delivery sends at once what the dead one had
    claimed; another task (or the sweeper) leaves the claim alone."""
    slow_smtp.release.set()
    email_id = _add_email(app, "taken-over:1")
    with app.app_context():
        assert emails._claim(email_id, "task-1") is not None  # then the worker died
        assert emails.deliver(email_id, task_id="task-2") is False
        assert emails.deliver(email_id) is False
    assert slow_smtp.messages == []
    with app.app_context():
        assert emails.deliver(email_id, task_id="task-1") is True
    assert len(slow_smtp.messages) == 1
    assert _row(app, email_id) == (EmailStatus.SENT, 2)
