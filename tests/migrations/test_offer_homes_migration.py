"""0023: accessibility moves from the offer to its unit types without loss. The
offer's wheelchair and fully adapted counts go to its unit types in order, each
capped by the type's count; a lift or assistive technology (yes/no) becomes every
home of each type or none; unanswered stays unanswered; a downgrade puts the
offer's answers back as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command as alembic_command
from sqlalchemy import create_engine, text

from tests.migrations.test_decline_concerns_migration import _insert
from triage.cli import alembic_config, upgrade_database

# offer id: (wheelchair, fully adapted, lift, assistive technology, unit counts)
OFFERS: dict[int, tuple[int | None, int | None, bool | None, bool | None, list[int]]] = {
    1: (5, 1, True, False, [3, 4]),  # 5 wheelchair homes: 3 in the first type, 2 next
    2: (0, 0, False, True, [6]),
    3: (None, None, None, None, [2]),  # never answered
    4: (2, 2, True, True, []),  # no unit types: nothing to give them to
}
MOVED = {
    1: [(3, 1, 3, 0), (2, 0, 4, 0)],
    2: [(0, 0, 0, 6)],
    3: [(None, None, None, None)],
    4: [],
}


def moves_accessibility_to_unit_types(url: str) -> None:
    """Shared by this SQLite test and the PostgreSQL one (tests/integration)."""
    upgrade_database(url, "0022_offer_terms")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _insert(connection, "organisations", id=1)
            _insert(connection, "users", id=1)
            unit_id = 0
            for offer_id, (wheelchair, adapted, lift, technology, counts) in OFFERS.items():
                _insert(
                    connection,
                    "offers",
                    id=offer_id,
                    status="submitted",
                    name=f"Court {offer_id}",
                    units_wheelchair_accessible=wheelchair,
                    units_fully_adapted=adapted,
                    lift=lift,
                    assistive_technology=technology,
                )
                for kind, count in zip(("one_bed", "two_bed"), counts, strict=False):
                    unit_id += 1
                    _insert(
                        connection,
                        "offer_unit_types",
                        id=unit_id,
                        offer_id=offer_id,
                        kind=kind,
                        count=count,
                    )
        before = _rows(engine, "offers")
        upgrade_database(url, "0023_offer_homes")
        units = _rows(engine, "offer_unit_types")
        for offer_id, moved in MOVED.items():
            assert [
                (
                    unit["wheelchair_accessible"],
                    unit["fully_adapted"],
                    unit["lift"],
                    unit["assistive_technology"],
                )
                for unit in units
                if unit["offer_id"] == offer_id
            ] == moved, offer_id
        assert all(unit["level_access"] is None and unit["bedrooms"] is None for unit in units)
        after = _rows(engine, "offers")
        assert "lift" not in after[0] and "units_wheelchair_accessible" not in after[0]

        alembic_command.downgrade(alembic_config(url), "0022_offer_terms")
        back = {row["id"]: row for row in _rows(engine, "offers")}
        for offer_id in (1, 2, 3):
            for name in ("units_wheelchair_accessible", "units_fully_adapted", "lift"):
                old = next(row for row in before if row["id"] == offer_id)[name]
                assert _same(back[offer_id][name], old), (offer_id, name)
        # The assistive technology answer of offer 1 (no) and 2 (yes) come back.
        assert [_bool(back[i]["assistive_technology"]) for i in (1, 2, 3)] == [False, True, None]
    finally:
        engine.dispose()


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _same(new: Any, old: Any) -> bool:
    return _bool(new) == _bool(old) if isinstance(old, bool) else new == old


def _rows(engine: Any, table: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings().all()  # noqa: S608
    return [dict(row) for row in rows]


def test_accessibility_moves_to_unit_types_on_sqlite(tmp_path: Path) -> None:
    moves_accessibility_to_unit_types(f"sqlite:///{tmp_path / 'homes.sqlite3'}")
