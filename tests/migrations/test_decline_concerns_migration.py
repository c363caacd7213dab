"""0019: the single Appendix C concern each decline named so far moves into the
table of concerns, with the decision's reasons as its reason; nothing is lost."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, create_engine, inspect, text

from triage.cli import upgrade_database


def _filler(column: dict[str, Any]) -> object:
    kind = column["type"]
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer | Numeric):
        return 1
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC).isoformat(sep=" ")
    if isinstance(kind, Date):
        return date(2026, 1, 1).isoformat()
    return "x"


def _insert(connection: Any, table: str, **values: object) -> None:
    """A row with `values`, every other required column given a placeholder (the
    other tables' columns at 0018 are not this test's business)."""
    for column in inspect(connection).get_columns(table):
        if column["name"] in values or column["nullable"] or column["name"] == "id":
            continue
        if column.get("default") is None:
            values[column["name"]] = _filler(column)
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def test_each_declines_concern_moves_with_its_reason(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'concerns.sqlite3'}"
    upgrade_database(url, "0018_benefit_profiles")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # The offers' organisation and submitter (the migrations check every
            # foreign key before they commit).
            _insert(connection, "organisations", id=1)
            _insert(connection, "users", id=1)
            _insert(
                connection,
                "offers",
                id=1,
                status="declined",
                decision_concern="rent",
                decision_reasons="The rent is £90 above the benchmark.",
            )
            _insert(connection, "offers", id=2, status="approved", decision_reasons="Good.")
            _insert(
                connection,
                "offers",
                id=3,
                status="declined",
                decision_concern="quality",
                decision_reasons=None,
            )
        upgrade_database(url, "0019_commissioning_day")
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT offer_id, concern, position, reason FROM offer_decision_concerns"
                    " ORDER BY offer_id"
                )
            ).all()
            kept = connection.execute(
                text("SELECT id, decision_concern FROM offers ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "rent", 0, "The rent is £90 above the benchmark."),
        (3, "quality", 0, ""),
    ]
    # The column keeps each decline's first concern, for what reads it.
    assert [tuple(row) for row in kept] == [(1, "rent"), (2, None), (3, "quality")]
