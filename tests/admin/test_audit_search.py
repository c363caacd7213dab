"""Administrators search the audit log; nobody else can. The log is append-only:
the service has no code that changes or deletes an event, and on PostgreSQL the
database refuses to."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.factories import error_summary, soup, text
from tests.servers import PostgresServer, postgres_server
from tests.web.checks import assert_error_summary
from triage import db
from triage.cli import upgrade_database
from triage.db import make_engine
from triage.models import AuditEvent, Offer, Organisation, User

__all__ = ["postgres_server"]

SCRIPT = '<script>alert("x")</script>'


def add_event(app, action: str, at: datetime, *, offer_id=None, actor_id=None, **values) -> int:
    with app.app_context():
        event = AuditEvent(offer_id=offer_id, actor_id=actor_id, action=action, at=at, **values)
        db.session.add(event)
        db.session.commit()
        return event.id


def result_rows(response) -> list[list[str]]:
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("td")]
        for row in soup(response).select("table.app-table--audit tbody tr")
    ]


def actions_shown(response) -> list[str]:
    return [row[3] for row in result_rows(response)]


# --- What an administrator sees ---------------------------------------------------


def test_the_log_shows_who_what_when_status_and_detail_newest_first(
    app, admin_client, submitter, commissioner
):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        from triage.services import decisions

        stored = db.session.get(Offer, offer.id)
        officer = db.session.get(User, commissioner.id)
        decisions.assign(stored, officer, officer, seen_version=stored.version)
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200
    assert factories.heading(page) == "Audit log"
    rows = result_rows(page)
    assert [row[3] for row in rows] == ["Assigned", "Submitted"]  # newest first
    assigned, submitted = rows
    assert assigned[1] == f"{commissioner.user.full_name} Commissioner"
    assert assigned[4] == "Submitted to Under review"
    assert assigned[5] == f"Assigned to {commissioner.user.full_name}"
    assert submitted[1] == "Sam Submitter Submitter"
    assert submitted[4] == "Draft to Submitted"
    reference = factories.get(Offer, offer.id).reference
    link = soup(page).select("table.app-table--audit tbody tr")[0].select_one("td:nth-of-type(3) a")
    assert link.get_text(strip=True) == reference
    assert link["href"] == f"/queue/offers/{offer.id}"
    assert admin_client.get(link["href"]).status_code == 200
    assert "All events: 1 to 2 of 2" in text(page)


@pytest.mark.parametrize(
    ("at", "uk", "utc"),
    [
        (datetime(2026, 7, 1, 12, 34, 56, tzinfo=UTC), "1 July 2026 at 1:34:56pm BST", "12:34:56"),
        (
            datetime(2026, 12, 1, 9, 5, 7, tzinfo=UTC),
            "1 December 2026 at 9:05:07am GMT",
            "09:05:07",
        ),
    ],
)
def test_times_are_shown_in_uk_time_and_utc(app, admin_client, at, uk, utc):
    add_event(app, "submit", at)
    [row] = soup(admin_client.get("/admin/audit")).select("table.app-table--audit tbody tr")
    when = row.select_one("td")
    assert when.select_one("time").get_text() == uk
    assert when.select_one("time")["datetime"] == at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"{at:%Y-%m-%d} {utc} UTC" in when.get_text()


def test_events_without_a_person_or_offer_say_so(app, admin_client):
    add_event(app, "something_new", datetime(2026, 1, 1, tzinfo=UTC), detail="A detail")
    [row] = result_rows(admin_client.get("/admin/audit"))
    assert row[1:] == ["The service", "None", "Something new", "No change", "A detail"]


def test_a_long_detail_is_shortened_with_all_of_it_a_click_away(app, admin_client):
    detail = "word " * 200
    add_event(app, "decline", datetime(2026, 1, 1, tzinfo=UTC), detail=detail.strip())
    page = soup(admin_client.get("/admin/audit"))
    cell = page.select("table.app-table--audit tbody tr td")[5]
    assert len(cell.select_one("span").get_text()) <= 300
    assert cell.select_one("details .govuk-details__text").get_text(strip=True) == detail.strip()


def test_the_log_is_in_the_administrators_navigation(admin_client):
    links = {
        a.get_text(strip=True): a
        for a in soup(admin_client.get("/admin/audit")).select(".govuk-service-navigation__list a")
    }
    assert links["Audit log"]["href"] == "/admin/audit"
    active = soup(admin_client.get("/admin/audit")).select(
        ".govuk-service-navigation__item--active a"
    )
    assert [a.get_text(strip=True) for a in active] == ["Audit log"]


@pytest.mark.parametrize("role", ["commissioner", "placement_officer"])
def test_other_staff_do_not_find_the_log(app, role):
    client = factories.signed_in_client(app, factories.staff(role))
    assert client.get("/admin/audit").status_code == 404
    assert "Audit log" not in text(client.get("/queue"))


def test_submitters_do_not_find_the_log(submitter_client):
    assert submitter_client.get("/admin/audit").status_code == 404
    assert submitter_client.get("/admin/audit?action=note").status_code == 404


def test_the_search_changes_nothing(app, admin_client):
    add_event(app, "submit", datetime(2026, 1, 1, tzinfo=UTC))
    before = factories.database_state()
    admin_client.get("/admin/audit?reference=SA-2026-00001&action=submit&person=a")
    assert factories.database_state() == before


# --- Filters --------------------------------------------------------------------


@pytest.fixture
def log(app, submitter, commissioner):
    """Two offers, each submitted, one with a note by the commissioner."""
    first = factories.submitted_offer(submitter)
    second = factories.submitted_offer(submitter, name="Second Court")
    add_event(
        app,
        "note",
        datetime.now(UTC),
        offer_id=first.id,
        actor_id=commissioner.id,
        detail="Note added",
    )
    return (
        factories.get(Offer, first.id).reference,
        factories.get(Offer, second.id).reference,
    )


def test_search_by_offer_reference_in_any_case(app, admin_client, log):
    first, second = log
    page = admin_client.get(f"/admin/audit?reference={first.lower()}")
    assert actions_shown(page) == ["Internal note added", "Submitted"]
    assert {row[2].split()[0] for row in result_rows(page)} == {first}
    assert "Events found: 1 to 2 of 2" in text(page)
    page = admin_client.get(f"/admin/audit?reference=%20{second}%20")
    assert actions_shown(page) == ["Submitted"]
    nothing = admin_client.get("/admin/audit?reference=SA-1999-99999")
    assert result_rows(nothing) == []
    assert "No events match your search." in text(nothing)


def test_search_by_action(admin_client, log):
    page = admin_client.get("/admin/audit?action=note")
    assert actions_shown(page) == ["Internal note added"]
    options = [o["value"] for o in soup(page).select("select#action option")]
    assert options[0] == "" and {"note", "flag_raised", "flag_resolved", "assign"} <= set(options)
    assert soup(page).select_one("select#action option[selected]")["value"] == "note"


def test_search_by_part_of_a_name_or_email(admin_client, log, commissioner):
    by_name = admin_client.get("/admin/audit?person=COMMISS")
    assert actions_shown(by_name) == ["Internal note added"]
    by_email = admin_client.get(f"/admin/audit?person={commissioner.email.split('@')[0]}")
    assert actions_shown(by_email) == ["Internal note added"]
    wildcard = admin_client.get("/admin/audit?person=%25")
    assert result_rows(wildcard) == []  # "%" is a character to find, not a wildcard


def test_filters_combine(admin_client, log):
    first, _second = log
    page = admin_client.get(f"/admin/audit?reference={first}&action=submit&person=sam")
    assert actions_shown(page) == ["Submitted"]
    assert result_rows(admin_client.get(f"/admin/audit?reference={first}&person=nobody")) == []


def date_query(name: str, day: int, month: int, year: int) -> str:
    return f"{name}={day}&{name}={month}&{name}={year}"


def test_dates_are_uk_days_including_both_ends(app, admin_client):
    # In British Summer Time the UK day of 1 August starts at 23:00 UTC on 31 July.
    add_event(app, "before", datetime(2026, 7, 31, 22, 59, 59, tzinfo=UTC))
    add_event(app, "first_moment", datetime(2026, 7, 31, 23, 0, tzinfo=UTC))
    add_event(app, "last_moment", datetime(2026, 8, 2, 22, 59, 59, tzinfo=UTC))
    add_event(app, "after", datetime(2026, 8, 2, 23, 0, tzinfo=UTC))
    query = date_query("date_from", 1, 8, 2026) + "&" + date_query("date_to", 2, 8, 2026)
    page = admin_client.get(f"/admin/audit?{query}")
    assert actions_shown(page) == ["Last moment", "First moment"]
    from_only = admin_client.get("/admin/audit?" + date_query("date_from", 1, 8, 2026))
    assert actions_shown(from_only) == ["After", "Last moment", "First moment"]
    to_only = admin_client.get("/admin/audit?" + date_query("date_to", 31, 7, 2026))
    assert actions_shown(to_only) == ["Before"]
    # The dates typed are shown back in the boxes.
    values = [i.get("value") for i in soup(page).select("input[name=date_from]")]
    assert values == ["1", "8", "2026"]


@pytest.mark.parametrize(
    ("query", "message", "href"),
    [
        (date_query("date_from", 31, 2, 2026), "From date must be a real date", "#date_from-day"),
        ("date_from=1&date_from=&date_from=2026", "From date must include a month", None),
        ("date_to=&date_to=&date_to=2026", "To date must include a day and month", None),
        (date_query("date_to", 1, 1, 1850), "To date must be between 2000 and 2100", None),
        (
            date_query("date_from", 2, 8, 2026) + "&" + date_query("date_to", 1, 8, 2026),
            "To date must be the same as or after the from date",
            "#date_to-day",
        ),
        ("reference=not-a-reference", "Enter an offer reference like SA-2026-00042", "#reference"),
        ("reference=" + "A" * 21, "Offer reference must be 20 characters or fewer", None),
        ("action=drop_table", "Select an action from the list", "#action"),
        ("person=" + "x" * 10_000, "Person must be 200 characters or fewer", "#person"),
    ],
)
def test_bad_filters_get_govuk_errors_and_no_results(app, admin_client, query, message, href):
    add_event(app, "submit", datetime(2026, 1, 1, tzinfo=UTC))
    response = admin_client.get(f"/admin/audit?{query}")
    assert_error_summary(response, message)
    assert error_summary(response) == [message]
    if href:
        assert soup(response).select_one(".govuk-error-summary a")["href"] == href
    assert result_rows(response) == []


def test_markup_typed_in_a_filter_is_shown_as_text(app, admin_client):
    response = admin_client.get("/admin/audit", query_string={"person": SCRIPT})
    assert response.status_code == 200
    assert soup(response).select_one("input#person")["value"] == SCRIPT
    assert SCRIPT not in response.text
    for script in soup(response).find_all("script"):
        assert "alert" not in script.get_text()


# --- Pages ------------------------------------------------------------------------


def test_results_are_paged_and_the_pages_keep_the_filters(app, admin_client):
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for number in range(60):
        add_event(app, "note", start + timedelta(minutes=number), detail=f"Event {number}")
    add_event(app, "submit", start)
    query = "action=note&" + date_query("date_from", 1, 3, 2026)
    first = admin_client.get(f"/admin/audit?{query}")
    rows = result_rows(first)
    assert len(rows) == 50
    assert rows[0][5] == "Event 59" and rows[-1][5] == "Event 10"
    assert "Events found: 1 to 50 of 60" in text(first)
    next_link = soup(first).select_one(".govuk-pagination__next a")
    assert soup(first).select_one(".govuk-pagination__prev") is None
    assert "Page 2 of 2" in next_link.get_text(" ")
    args = parse_qs(urlsplit(next_link["href"]).query, keep_blank_values=True)
    assert args == {
        "page": ["2"],
        "action": ["note"],
        "date_from": ["1", "3", "2026"],
    }
    second = admin_client.get(next_link["href"])
    assert [row[5] for row in result_rows(second)] == [f"Event {n}" for n in range(9, -1, -1)]
    assert soup(second).select_one(".govuk-pagination__next") is None
    assert "Page 1 of 2" in soup(second).select_one(".govuk-pagination__prev a").get_text(" ")
    # A page past the end, or not a number, shows a real page.
    assert len(result_rows(admin_client.get(f"/admin/audit?{query}&page=999"))) == 10
    assert len(result_rows(admin_client.get(f"/admin/audit?{query}&page=-3"))) == 50
    assert len(result_rows(admin_client.get(f"/admin/audit?{query}&page=x"))) == 50
    huge = admin_client.get(f"/admin/audit?{query}&page=99999999999999999999999")
    assert huge.status_code == 200 and len(result_rows(huge)) == 10


# --- Append-only --------------------------------------------------------------------

TRIAGE_SOURCE = Path(__file__).resolve().parents[2] / "triage"
# Ways SQLAlchemy or SQL could change or remove an audit event.
FORBIDDEN = [
    re.compile(r"\b(update|delete)\(\s*AuditEvent\b"),
    re.compile(r"\bquery\(\s*AuditEvent\b"),  # query(AuditEvent)...update() / .delete()
    re.compile(r"\b(update|delete\s+from|truncate(\s+table)?)\s+\"?audit_events\b", re.I),
    re.compile(r"\bAuditEvent\.__table__\.(update|delete)\b"),
]


def test_the_service_never_updates_or_deletes_audit_events():
    sources = sorted(TRIAGE_SOURCE.rglob("*.py"))
    assert len(sources) > 20
    found = [
        f"{path.relative_to(TRIAGE_SOURCE.parent)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if any(pattern.search(line) for pattern in FORBIDDEN)
    ]
    assert found == []
    # The one place that writes the log only adds to it.
    audit = (TRIAGE_SOURCE / "services" / "audit.py").read_text()
    record = audit[audit.index("def record(") :]
    assert "db.session.add(event)" in record


def test_the_checks_above_would_catch_an_update_or_delete():
    for line in (
        "db.session.execute(update(AuditEvent).values(detail='x'))",
        "db.session.execute(delete( AuditEvent ).where(AuditEvent.id == 1))",
        "db.session.query(AuditEvent).filter_by(id=1).delete()",
        'db.session.execute(text("DELETE FROM audit_events"))',
        'db.session.execute(text("update audit_events set detail = null"))',
        'db.session.execute(text("TRUNCATE audit_events"))',
    ):
        assert any(pattern.search(line) for pattern in FORBIDDEN), line


def test_an_offer_with_history_cannot_be_deleted(app, submitter):
    """The foreign key restricts: deleting an offer never takes its history with it."""
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        from sqlalchemy import delete
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(IntegrityError):
            db.session.execute(delete(Offer).where(Offer.id == offer.id))
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent.offer_id)) == offer.id


@pytest.mark.integration
def test_postgresql_refuses_to_change_or_delete_audit_events(
    postgres_server: PostgresServer,
) -> None:
    name = "triage_audit_append_only"
    url = postgres_server.create_database(name)
    try:
        upgrade_database(url)
        engine = make_engine(url)
        with Session(engine) as session:
            org = Organisation(name="Org", organisation_type="charity", join_token="token")
            session.add(org)
            session.flush()
            user = User(
                email="a@example.com",
                full_name="A",
                password_hash="x",
                role="submitter",
                organisation_id=org.id,
            )
            session.add(user)
            session.flush()
            offer = Offer(organisation_id=org.id, created_by_id=user.id)
            session.add(offer)
            session.flush()
            session.add(AuditEvent(offer_id=offer.id, action="submit", detail="kept"))
            session.commit()
            offer_id = offer.id
        engine.dispose()
        with postgres_server.connect(name) as connection:
            refused = {
                "UPDATE audit_events SET detail = 'changed'": "UPDATE is not allowed",
                "DELETE FROM audit_events": "DELETE is not allowed",
                "TRUNCATE audit_events": "TRUNCATE is not allowed",
                "DELETE FROM offers": "audit_events",  # the foreign key restricts
            }
            for statement, message in refused.items():
                with pytest.raises(psycopg.Error, match=message):
                    connection.execute(statement)
            rows = connection.execute("SELECT offer_id, detail FROM audit_events").fetchall()
            assert rows == [(offer_id, "kept")]
            # Adding to the log still works.
            connection.execute("INSERT INTO audit_events (action, at) VALUES ('note', now())")
    finally:
        postgres_server.drop_database(name)
