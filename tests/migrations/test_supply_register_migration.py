"""0024: the existing-supply register starts as the strategy's Appendix A totals
(632 units in 112 schemes), with no postcode or cohort (Appendix A gives none),
and goes again on downgrade."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from triage.cli import alembic_config, upgrade_database


def test_the_register_is_seeded_with_the_strategy_s_totals(tmp_path: Path) -> None:
    seeds_the_register(f"sqlite:///{tmp_path / 'supply.sqlite3'}")


def seeds_the_register(url: str) -> None:
    """Shared with tests/integration/test_supply_register_postgres.py."""
    upgrade_database(url, "0024_supply_register")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT accommodation, schemes, units, postcode, cohort FROM supply_schemes"
                    " ORDER BY accommodation"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            ("extra_care", 3, 170, None, None),
            ("shared_house", 36, 140, None, None),
            ("supported_living", 73, 322, None, None),
        ]
        assert sum(row.units for row in rows) == 632
        command.downgrade(alembic_config(url), "0023_offer_homes")
        assert "supply_schemes" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
