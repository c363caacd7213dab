"""0021: the offer's new facts (rent type, nomination rights, CQC and Ofsted
registration) are new columns: every answer an offer had is kept, the new ones
start "not said", and the offer still reads as the rules' data (social rent)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.migrations.test_decline_concerns_migration import _insert
from triage.cli import upgrade_database


def test_existing_answers_are_kept_and_the_new_facts_start_unsaid(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'facts.sqlite3'}"
    upgrade_database(url, "0020_offer_changes")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _insert(connection, "organisations", id=1)
            _insert(connection, "users", id=1)
            _insert(
                connection,
                "offers",
                id=1,
                status="submitted",
                name="Test Court",
                lease_model="lease_to_provider",
                council_asked_to_cover_voids=True,
                care_provider_name="Kind Care",
            )
        before = _offer(engine)
        upgrade_database(url, "0021_offer_facts")
        after = _offer(engine)
    finally:
        engine.dispose()
    for name, value in before.items():
        assert after[name] == value, name
    new = {name: after[name] for name in set(after) - set(before)}
    assert new == {
        "rent_type": None,
        "nomination_share_percent": None,
        "nomination_term_years": None,
        "cqc_registered": None,
        "ofsted_registered": None,
    }


def _offer(engine) -> dict[str, object]:
    with engine.connect() as connection:
        return dict(connection.execute(text("SELECT * FROM offers WHERE id = 1")).mappings().one())
