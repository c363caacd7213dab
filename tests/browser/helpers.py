"""What several browser journeys share."""

from __future__ import annotations

import re

from tests import factories
from triage.models import EmailMessage


def link_in_email(to: str, path: str) -> str:
    """The path (and token) of the last link to `path` emailed to `to`."""
    [*_, email] = factories.rows(EmailMessage, to_address=to)
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", email.body)
    assert match, email.body
    return match.group(1)
