"""The database: one engine and one scoped session per app, SQLAlchemy 2.0 style."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial, wraps
from typing import Any, ParamSpec, TypeVar, cast

from flask import Flask
from sqlalchemy import MetaData, Table, create_engine, event, exc, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

# Constraint names fixed up front so Alembic migrations name them the same way on
# SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


session = scoped_session(sessionmaker(expire_on_commit=False))

_DEPTH = "triage.unit_of_work_depth"
_FAILED = "triage.unit_of_work_failed"
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The transaction of a service entry point: committed when the block ends,
    rolled back if it raises (a domain exception included), so a caller never
    sees half of it. A unit of work entered inside another joins it: only the
    outermost commits, so an entry point may call another."""
    current = session()
    depth = current.info.get(_DEPTH, 0)
    current.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            if current.info.pop(_FAILED, False):
                # A nested unit failed and its caller carried on: committing now
                # would save half of it. Nothing is saved.
                raise RuntimeError("a unit of work inside this one failed; nothing was saved")
            current.commit()
    except BaseException:
        if depth == 0:
            current.info.pop(_FAILED, None)
            current.rollback()
        else:
            current.info[_FAILED] = True
        raise
    finally:
        current.info[_DEPTH] = depth


def transactional(function: Callable[P, R]) -> Callable[P, R]:
    """A service entry point that runs in one unit of work (GOV.UK Notify's
    `@transactional`)."""

    @wraps(function)
    def in_unit_of_work(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    return in_unit_of_work


def lock_rows(model: type[Base], *ids: int) -> None:
    """Take the write lock on rows of `model` before reading what a write depends
    on ("is there a place left", "is this person still waiting"). Call it first in
    the unit of work, before any SELECT.

    `SELECT ... FOR UPDATE` does nothing on SQLite, so this is an UPDATE that sets
    the key (and any column with an `onupdate`, such as `updated_at`) to itself:
    nothing changes and the mapper's version column is left alone, but on
    PostgreSQL it takes the rows' locks (as FOR NO KEY UPDATE would), and on SQLite it
    opens the transaction with the database's write lock, so a second writer waits
    (busy_timeout) and then reads what the first committed. pysqlite opens the
    transaction only at the first write, so reads before it never pin an older
    snapshot."""
    if not ids:
        return
    table = cast(Table, model.__table__)
    (key,) = table.primary_key.columns
    unchanged = {key: key} | {column: column for column in table.columns if column.onupdate}
    session.execute(update(table).where(key.in_(sorted(set(ids)))).values(unchanged))


def make_engine(url: str, *, ping_after_idle: float | None = None, **kwargs: Any) -> Engine:
    """The engine for `url`: the app's, the worker's and the migrations' (every
    engine the service makes comes from here). Statement parameters are never put
    into errors or SQL logs: they hold health notes, sharing notes and join tokens,
    and an error's text reaches the logs.

    A pooled PostgreSQL connection is pinged before use, so a restarted database
    costs no request an error: every time it is taken from the pool, or, with
    `ping_after_idle`, only once it has sat unused that many seconds (see
    `_ping_if_idle`)."""
    kwargs["hide_parameters"] = True
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if ping_after_idle is None:
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", partial(_ping_if_idle, engine, ping_after_idle))
    return engine


_CHECKED_IN_AT = "triage.checked_in_at"


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info[_CHECKED_IN_AT] = time.monotonic()


def _ping_if_idle(
    engine: Engine, seconds: float, dbapi_connection: Any, record: Any, _proxy: Any
) -> None:
    """The worker's ping: a score task takes a connection from the pool twice (to
    count its delivery, then to score and finish it; a failed try a third time, to
    finish it), and a ping each time was two round trips of about twenty (issue 16:
    the scoring burst). A
    connection used within the last `seconds` is taken as it is; if the database
    restarted meanwhile, the task's first statement fails, SQLAlchemy drops the
    pool's connections, and the task comes back (workers/tasks.py retries on
    OperationalError). A fresh connection has no check-in time: it needs no ping."""
    checked_in_at = record.info.get(_CHECKED_IN_AT)
    if checked_in_at is None or time.monotonic() - checked_in_at < seconds:
        return
    try:
        engine.dialect.do_ping(dbapi_connection)
    except Exception as error:
        # The pool drops every connection made before now and takes a new one.
        raise exc.InvalidatePoolError() from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web app read while the worker writes; foreign keys are off by
    # default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs at checkpoints rather than at every commit: a commit
    # survives the process (or a worker) dying, and only a power cut can lose the
    # last few. A commit then costs well under a millisecond instead of an fsync,
    # which the embedded default's worker makes several of per task.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_app(app: Flask) -> None:
    engine = make_engine(
        app.config["DATABASE_URL"], ping_after_idle=app.config.get("DATABASE_PING_AFTER_IDLE")
    )
    app.extensions["triage.engine"] = engine
    session.configure(bind=engine)

    @app.teardown_appcontext
    def remove_session(_exc: BaseException | None) -> None:
        # Closing the session rolls back whatever a request or task left open, never
        # committing it: only a service's unit of work commits. (Objects already
        # loaded stay readable, detached, as expire_on_commit=False intends.)
        session.remove()


def on_this_database(dialect: str) -> Any:
    """Alembic's include_object for a database of `dialect`: the models' objects
    that exist only on some databases (an Index made with `.ddl_if(dialect=...)`)
    are not compared where they are not made. Used by migrations/env.py, and by
    the test that the migrated schema matches the models."""

    def include(obj: Any, _name: Any, type_: str, reflected: bool, _compare_to: Any) -> bool:
        condition = getattr(obj, "_ddl_if", None) if type_ == "index" and not reflected else None
        return condition is None or condition.dialect in (None, dialect)

    return include
