"""Emails say what happens next and by when: the policy's target, in working days."""

from __future__ import annotations

from datetime import date

from tests import factories
from triage import clock
from triage.models import EmailMessage
from triage.working_days import add_working_days


def test_the_acknowledgement_gives_the_date_the_review_should_end(app, submitter, monkeypatch):
    monkeypatch.setattr(clock, "today_uk", lambda: date(2026, 12, 3))
    factories.submitted_offer(submitter)
    (email,) = [e for e in factories.rows(EmailMessage) if "received your offer" in e.subject]
    due = add_working_days(date(2026, 12, 3), 20)
    assert f"by {due.day} {due:%B %Y} (20 working days)" in " ".join(email.body.split())
