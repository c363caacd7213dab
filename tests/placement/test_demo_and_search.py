"""The demo's example waiting list, and searching the list without the reference
appearing in the page's address (and so in access logs)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import soup, text
from tests.placement.helpers import import_list, row, waiting_list_csv
from triage.cli import demo_data_command
from triage.models import PlacementUnit, SharingPair, WaitingPerson


def test_the_demo_loads_the_example_waiting_list_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(demo_data_command)
    assert first.exit_code == 0, first.output
    assert "12 people and 5 vacant homes" in first.output
    again = runner.invoke(demo_data_command)
    assert again.exit_code == 0
    assert len(factories.rows(WaitingPerson)) == 12
    assert len(factories.rows(PlacementUnit)) == 5
    assert factories.rows(SharingPair)


@pytest.fixture
def officer_client(app, placement_officer):
    return factories.signed_in_client(app, placement_officer)


def test_a_search_keeps_the_reference_out_of_the_address_and_the_cookie(officer_client):
    import_list(officer_client, waiting_list_csv(row("ABC-0001"), row("XYZ-0002")))
    searched = factories.submit_form(
        officer_client,
        "/placement/people/search",
        {"reference": "abc"},
        form_url="/placement/people",
    )
    assert searched.status_code == 200
    listed = [cell.get_text(strip=True) for cell in soup(searched).select("tbody th")]
    assert listed == ["ABC-0001"]
    with officer_client.session_transaction() as stored:
        assert "ABC" not in str(dict(stored)).upper()
    # The list itself is not narrowed afterwards.
    listed = [
        cell.get_text(strip=True)
        for cell in soup(officer_client.get("/placement/people")).select("tbody th")
    ]
    assert listed == ["ABC-0001", "XYZ-0002"]
    assert "Showing references containing" not in text(officer_client.get("/placement/people"))
