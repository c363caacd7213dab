"""Sign-in throttling: increasing delays, per email address typed and per client address.

Each sign-in attempt first claims a turn for both keys in one statement each
(`INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`, on SQLite and
PostgreSQL alike). The first LOGIN_MAX_FAILURES attempts in the window (20 for
one client address) get a turn at once; from then on each turn makes the next
wait longer (LOGIN_DELAY_BASE_SECONDS, doubling, at most LOGIN_MAX_DELAY_SECONDS).
A claim made while a key must still wait updates nothing and returns no row, so
it is refused before any password is checked. The database serialises claims on
one key (PostgreSQL takes the row's lock for ON CONFLICT DO UPDATE; SQLite has one
writer), so a burst of simultaneous attempts cannot run more password checks than
the limit allows.

A delay, never a lock: the owner of an account can sign in once the delay has
passed, and resetting the password (an emailed link, never throttled here)
clears the account's counter. A successful sign-in clears the account's counter
and gives the client address its turn back, so colleagues behind one office
address are not slowed by each other's sign-ins.

Keys are hashes: the table never holds an email address or a client address.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from triage import clock, db
from triage.models import SignInThrottle


@dataclass
class Throttled(Exception):
    """This attempt must wait: no password was checked."""

    wait_seconds: int
    by_address: bool


def account_key(email: str) -> str:
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    return "address:" + hashlib.sha256(address.encode()).hexdigest()


def delay_seconds(attempt: int, limit: int) -> float:
    """How long the attempt after `attempt` (counting from 1 in the window) waits."""
    config = current_app.config
    if attempt < limit:
        return 0.0
    base = float(config["LOGIN_DELAY_BASE_SECONDS"])
    return min(base * 2 ** min(attempt - limit, 30), float(config["LOGIN_MAX_DELAY_SECONDS"]))


def _next_allowed(attempt: ColumnElement[Any], limit: int, now: float) -> ColumnElement[Any]:
    """When the turn after `attempt` may be taken, as SQL (delay_seconds, one CASE
    branch for each step until the longest delay). Under the limit it is 0, not
    `now`: simultaneous attempts read the clock a moment apart, and one that read
    it a little earlier must not find itself waiting for another's moment."""
    longest = float(current_app.config["LOGIN_MAX_DELAY_SECONDS"])
    whens: list[tuple[ColumnElement[bool], float]] = [(attempt < limit, 0.0)]
    step = limit
    while (delay := delay_seconds(step, limit)) < longest and step < limit + 31:
        whens.append((attempt == step, now + delay))
        step += 1
    return case(*whens, else_=now + longest)


def _table() -> Table:
    table = SignInThrottle.__table__
    assert isinstance(table, Table)
    return table


def _claim(key: str, limit: int, now: float) -> float | None:
    """Take a turn for `key`: None if it may go ahead now, else seconds to wait."""
    table = _table()
    columns = table.c
    window = float(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    stale = columns.last_attempt_at < now - window
    attempt = case((stale, 1), else_=columns.attempts + 1)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = (
        insert.values(
            key=key,
            attempts=1,
            last_attempt_at=now,
            next_allowed_at=now + delay_seconds(1, limit) if limit <= 1 else 0.0,
        )
        .on_conflict_do_update(
            index_elements=[columns.key],
            set_={
                "attempts": attempt,
                "last_attempt_at": now,
                "next_allowed_at": _next_allowed(attempt, limit, now),
            },
            where=columns.next_allowed_at <= now,
        )
        .returning(columns.attempts)
    )
    if db.session.execute(statement).first() is not None:
        return None
    next_allowed = db.session.scalar(select(columns.next_allowed_at).where(columns.key == key))
    return max((next_allowed or now) - now, 1.0)


def claim(email: str, address: str) -> None:
    """Take a turn to check a password for `email` from `address`, committed at
    once (so simultaneous attempts see it). Raises Throttled, having counted
    nothing, if either must wait."""
    config = current_app.config
    now = clock.now().timestamp()
    with db.unit_of_work():
        wait = _claim(account_key(email), int(config["LOGIN_MAX_FAILURES"]), now)
        if wait is not None:
            raise Throttled(math.ceil(wait), by_address=False)
        wait = _claim(address_key(address), int(config["LOGIN_ADDRESS_MAX_FAILURES"]), now)
        if wait is not None:
            raise Throttled(math.ceil(wait), by_address=True)


def succeeded(email: str, address: str) -> None:
    """A correct password: the account starts afresh, the address gets its turn back.
    In the caller's transaction."""
    table = _table()
    db.session.execute(delete(table).where(table.c.key == account_key(email)))
    db.session.execute(
        update(table)
        .where(table.c.key == address_key(address), table.c.attempts > 0)
        .values(attempts=table.c.attempts - 1)
    )


def clear_account(email: str) -> None:
    """Forget the account's failed attempts (its password was reset), in the
    caller's transaction."""
    table = _table()
    db.session.execute(delete(table).where(table.c.key == account_key(email)))
