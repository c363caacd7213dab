"""A meeting as an iCalendar file (RFC 5545) that a calendar can add, move or
cancel: the invitation sent with the council's emails and offered for download.

Pure Python, no Flask: an `Event` in, the file's bytes out. What the RFC asks of
it, and where:
- lines end in CRLF and are folded at 75 octets, never inside a UTF-8 character
  (section 3.1); text values escape backslash, semicolon, comma and newline
  (section 3.3.11);
- times are UTC ("Z", section 3.3.5 form #2), so no VTIMEZONE is needed;
- the UID stays the same for one meeting and SEQUENCE rises with each change
  (sections 3.8.4.7 and 3.8.7.4), so a calendar moves the meeting, not adds one;
- METHOD is REQUEST for an invitation or its update, CANCEL when it is called off
  (iTIP, RFC 5546 section 1.4), both with an ORGANIZER (RFC 5546 section 3.2).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Offer Triage//Meetings with the council//EN"
CONTENT_TYPE = "text/calendar"


class Method(enum.StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Event:
    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    organizer_name: str
    organizer_email: str
    stamp: datetime  # when this version of the file was made (DTSTAMP)
    location: str | None = None
    url: str | None = None
    confirmed: bool = False


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value: quoted, with the characters a quoted value cannot hold removed."""
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a calendar time needs a time zone")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, each continuation
    starting with a space, without splitting a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for character in line:
        width = len(character.encode())
        if size + width > limit:
            pieces.append(current)
            # The leading space of a continuation counts towards its 75 octets.
            current, size, limit = " ", 1, MAX_OCTETS
        current += character
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def calendar(event: Event, method: Method, *, attendee: tuple[str, str] | None = None) -> bytes:
    """The file for `event`; `attendee` (name, email) is whom it is sent to."""
    status = (
        "CANCELLED" if method is Method.CANCEL else "CONFIRMED" if event.confirmed else "TENTATIVE"
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method.value}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"ORGANIZER;CN={_param(event.organizer_name)}:mailto:{event.organizer_email}",
    ]
    if attendee is not None:
        name, email = attendee
        lines.append(
            f"ATTENDEE;CN={_param(name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT={'ACCEPTED' if event.confirmed else 'NEEDS-ACTION'}:mailto:{email}"
        )
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        # A URI value is not escaped (section 3.3.13).
        lines.append(f"URL:{event.url}")
    lines += [f"STATUS:{status}", "END:VEVENT", "END:VCALENDAR"]
    return (CRLF.join(fold(line) for line in lines) + CRLF).encode()
