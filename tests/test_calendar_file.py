"""The meeting's calendar file, read back as a calendar would read it (RFC 5545):
CRLF line ends, lines folded at 75 octets, times in UTC, the same UID and a rising
SEQUENCE for one meeting, and METHOD:CANCEL when it is called off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from triage import clock
from triage.calendar_file import Event, Method, calendar, escape_text, fold


def parse(data: bytes) -> list[tuple[str, dict[str, str], str]]:
    """Content lines (name, parameters, value), unfolded; fails on a bare LF or a
    line longer than 75 octets."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, "a line ends without CRLF"
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
    logical: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    result = []
    for line in logical:
        text = line.decode()
        head, _, value = text.partition(":")
        # A quoted parameter value may hold a colon: find the real separator.
        while head.count('"') % 2:
            more, _, value = value.partition(":")
            head = f"{head}:{more}"
        name, *params = head.split(";")
        result.append((name, dict(param.split("=", 1) for param in params), value))
    return result


def value(lines: list[tuple[str, dict[str, str], str]], name: str) -> str:
    found = [item for item in lines if item[0] == name]
    assert len(found) == 1, f"{name} appears {len(found)} times"
    return found[0][2]


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            out.append({"n": "\n", "N": "\n"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def event(**changes: object) -> Event:
    fields: dict[str, object] = {
        "uid": "5b1f3c1e-1d2a-4a7b-9c3e-2f1a0b9c8d7e@offer-triage",
        "sequence": 0,
        # 10am to 11:30am in London in summer (BST, UTC+1).
        "starts_at": datetime(2027, 7, 14, 10, 0, tzinfo=clock.UK),
        "ends_at": datetime(2027, 7, 14, 11, 30, tzinfo=clock.UK),
        "summary": "Meeting with Leicester City Council about offer SA-2026-00042",
        "description": "Who will attend: Sam Patel, commissioning officer; Jo Bloggs, finance.\n"
        "Bring the floor plans, please — and the rent schedule, if it's ready.",
        "organizer_name": "Strategic Commissioning, Social Care and Education",
        "organizer_email": "commissioning@example.gov.uk",
        "stamp": datetime(2027, 7, 1, 9, 0, tzinfo=UTC),
        "location": "City Hall, 115 Charles Street, Leicester, LE1 1FZ",
        "url": "https://meet.example.org/abc-defg-hij",
    }
    fields.update(changes)
    return Event(**fields)  # type: ignore[arg-type]


def test_an_invitation_reads_back_with_its_times_in_utc():
    lines = parse(calendar(event(), Method.REQUEST, attendee=("Ann Provider", "ann@example.org")))
    names = [name for name, _params, _value in lines]
    assert names[0] == "BEGIN" and names[-1] == "END"
    assert [v for n, _p, v in lines if n in ("BEGIN", "END")] == [
        "VCALENDAR",
        "VEVENT",
        "VEVENT",
        "VCALENDAR",
    ]
    assert value(lines, "VERSION") == "2.0"
    assert value(lines, "METHOD") == "REQUEST"
    # 10am BST is 9am UTC.
    assert value(lines, "DTSTART") == "20270714T090000Z"
    assert value(lines, "DTEND") == "20270714T103000Z"
    assert value(lines, "DTSTAMP") == "20270701T090000Z"
    assert value(lines, "UID") == "5b1f3c1e-1d2a-4a7b-9c3e-2f1a0b9c8d7e@offer-triage"
    assert value(lines, "SEQUENCE") == "0"
    assert value(lines, "STATUS") == "TENTATIVE"
    assert unescape(value(lines, "LOCATION")) == "City Hall, 115 Charles Street, Leicester, LE1 1FZ"
    assert unescape(value(lines, "DESCRIPTION")) == event().description
    assert value(lines, "URL") == "https://meet.example.org/abc-defg-hij"
    assert value(lines, "ORGANIZER") == "mailto:commissioning@example.gov.uk"
    attendee = next(item for item in lines if item[0] == "ATTENDEE")
    assert attendee[2] == "mailto:ann@example.org"
    assert attendee[1]["PARTSTAT"] == "NEEDS-ACTION"


def test_a_winter_meeting_is_gmt():
    lines = parse(
        calendar(
            event(
                starts_at=datetime(2027, 1, 12, 14, 0, tzinfo=clock.UK),
                ends_at=datetime(2027, 1, 12, 15, 0, tzinfo=clock.UK),
            ),
            Method.REQUEST,
        )
    )
    assert value(lines, "DTSTART") == "20270112T140000Z"
    assert value(lines, "DTEND") == "20270112T150000Z"


def test_a_changed_or_cancelled_meeting_keeps_its_uid():
    moved = parse(calendar(event(sequence=1, confirmed=True), Method.REQUEST))
    cancelled = parse(calendar(event(sequence=2), Method.CANCEL))
    assert value(moved, "UID") == value(cancelled, "UID")
    assert (value(moved, "SEQUENCE"), value(moved, "STATUS")) == ("1", "CONFIRMED")
    assert (value(cancelled, "METHOD"), value(cancelled, "STATUS")) == ("CANCEL", "CANCELLED")
    assert value(cancelled, "SEQUENCE") == "2"


@pytest.mark.parametrize("text", ["a" * 200, "é" * 120, "a" + "€" * 80, "x" * 74, "x" * 75])
def test_folding_keeps_lines_within_75_octets_and_characters_whole(text):
    folded = fold(f"DESCRIPTION:{text}")
    for line in folded.encode().split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # never half a UTF-8 character
    assert folded.replace("\r\n ", "") == f"DESCRIPTION:{text}"


def test_text_is_escaped():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        calendar(event(starts_at=datetime(2027, 1, 12, 14, 0)), Method.REQUEST)  # noqa: DTZ001
