"""What the service writes can hold personal data: files readable by their owner
only, folders enterable by their owner only."""

from __future__ import annotations

import stat
from pathlib import Path

from tests import factories
from triage import db
from triage.models import EmailMessage
from workers import tasks


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_uploads_emails_and_the_database_are_the_owners_alone(app, submitter):
    factories.submitted_offer(submitter)
    factories.document(factories.complete_offer(submitter), submitter)
    [email] = factories.rows(EmailMessage)
    with app.app_context():
        tasks.deliver_email(email.id)
        db.session.remove()
    uploads = Path(app.config["UPLOAD_DIR"])
    mail = Path(app.config["MAIL_DIR"])
    [upload] = list(uploads.iterdir())
    [eml] = list(mail.glob("*.eml"))
    assert mode(upload) == 0o600
    assert mode(eml) == 0o600
    assert mode(uploads) == 0o700
    assert mode(mail) == 0o700
