"""0022: void liability was a yes/no and becomes who pays, with its terms. Each
offer's answer moves without loss (yes: the council pays, terms not said; no: the
landlord or provider bears voids; unanswered stays so), every other answer is
kept, the new terms start "not said", and a downgrade maps who pays back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command as alembic_command
from sqlalchemy import create_engine, text

from tests.migrations.test_decline_concerns_migration import _insert
from triage.cli import alembic_config, upgrade_database

NEW_TERMS = {
    "confidential_address",
    "intended_stay",
    "tenancy_type",
    "client_groups",
    "support_level",
    "voids_from",
    "voids_from_weeks",
    "void_rate_basis",
    "void_rate_percent",
    "void_rate_pence_per_week",
    "void_cover_months",
    "lease_years",
    "break_clause",
    "break_clause_after_years",
    "repairs_by",
    "capital_funding",
    "right_to_buy_percent",
    "site_status",
}


def moves_void_answers(url: str) -> None:
    """Shared by this SQLite test and the PostgreSQL one (tests/integration)."""
    upgrade_database(url, "0021_offer_facts")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _insert(connection, "organisations", id=1)
            _insert(connection, "users", id=1)
            for offer_id, asked in ((1, True), (2, False), (3, None)):
                _insert(
                    connection,
                    "offers",
                    id=offer_id,
                    status="submitted",
                    name=f"Court {offer_id}",
                    lease_model="lease_to_provider",
                    council_asked_to_cover_voids=asked,
                    rent_type="affordable",
                )
        before = _offers(engine)
        upgrade_database(url, "0022_offer_terms")
        after = _offers(engine)
        assert [row["void_payer"] for row in after] == [
            "council_pays",
            "landlord_or_provider",
            None,
        ]
        for old, new in zip(before, after, strict=True):
            for name, value in old.items():
                if name != "council_asked_to_cover_voids":
                    assert new[name] == value, name
            assert "council_asked_to_cover_voids" not in new
            assert set(new) - set(old) == NEW_TERMS | {"void_payer"}
            assert all(new[name] is None for name in NEW_TERMS)

        with engine.begin() as connection:
            connection.execute(text("UPDATE offers SET void_payer = 'shared_cost' WHERE id = 2"))
        alembic_command.downgrade(alembic_config(url), "0021_offer_facts")
        back = _offers(engine)
        assert [row["council_asked_to_cover_voids"] for row in back] == [True, True, None]
        assert "void_payer" not in back[0]
    finally:
        engine.dispose()


def _offers(engine: Any) -> list[dict[str, object]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM offers ORDER BY id")).mappings().all()
    return [
        {
            name: (bool(value) if name.endswith("voids") and value is not None else value)
            for name, value in row.items()
        }
        for row in rows
    ]


def test_void_answers_move_without_loss_on_sqlite(tmp_path: Path) -> None:
    moves_void_answers(f"sqlite:///{tmp_path / 'terms.sqlite3'}")
