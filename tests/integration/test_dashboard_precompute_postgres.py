"""The stored shares of units and stays in each stage on PostgreSQL: they equal
the old reconstruction, the dashboard's figures (percentile_cont) are unchanged,
and migration 0011 fills them from the rows already there."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.dashboard import test_precompute as on_sqlite
from tests.servers import PostgresServer

pytestmark = pytest.mark.integration


def test_stored_shares_equal_the_old_reconstruction_on_postgresql(app: Flask, submitter) -> None:
    on_sqlite.test_stored_shares_equal_the_old_reconstruction(app, submitter)


def test_the_dashboard_figures_are_unchanged_on_postgresql(
    app: Flask, submitter, commissioner, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_sqlite.test_the_dashboard_figures_are_unchanged(app, submitter, commissioner, monkeypatch)


def test_the_migration_fills_shares_and_stays_on_postgresql(
    postgres_server: PostgresServer,
) -> None:
    name = "triage_backfill"
    url = postgres_server.create_database(name)
    try:
        on_sqlite.check_backfill(url)
    finally:
        postgres_server.drop_database(name)
