"""Homes, shortlists, nominations and outcomes, on the pages the team uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.factories import soup, text
from tests.placement.helpers import (
    approved_offer,
    import_list,
    post_page_form,
    row,
    unit_ids,
    waiting_list_csv,
)
from triage import clock, db
from triage.models import AuditEvent, Nomination, Offer, PlacementUnit, WaitingPerson
from triage.services.audit import AuditAction
from triage.services.placement import units as unit_service


@pytest.fixture
def officer_client(app, placement_officer):
    return factories.signed_in_client(app, placement_officer)


def person_id(reference: str) -> int:
    (person,) = factories.rows(WaitingPerson, reference=reference)
    return person.id


def shortlist_references(client, unit_id: int) -> list[str]:
    page = client.get(f"/placement/homes/{unit_id}")
    assert page.status_code == 200
    table = soup(page).find(id="shortlist-table")
    return [cell.get_text(strip=True) for cell in table.select("tbody th")]


def test_an_approved_offer_refers_its_homes_to_the_placement_team(app, submitter):
    offer_id = approved_offer(app, submitter)
    units = factories.rows(PlacementUnit, offer_id=offer_id)
    assert len(units) == 8
    # 2 of 8 are wheelchair accessible, but the offer does not say which: none is
    # assumed to be until the team confirms each home's features.
    assert sum(unit.wheelchair_accessible for unit in units) == 0
    assert not any(unit.features_confirmed for unit in units)
    assert {unit.postcode_district for unit in units} == {"LE1"}
    actions = [event.action for event in factories.rows(AuditEvent, offer_id=offer_id)]
    assert AuditAction.UNITS_REFERRED in actions


def test_a_shared_house_is_one_home_with_a_place_per_room(app, submitter):
    offer = factories.complete_offer(submitter, configuration="shared_house")
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        rooms = stored.unit_types[0]
        rooms.kind, rooms.count, rooms.own_kitchen, rooms.most_people_sharing = (
            "shared_room",
            4,
            False,
            4,
        )
        db.session.commit()
        homes = unit_service.refer_approved_offer(stored, None)
        assert [(home.places, home.self_contained) for home in homes] == [(4, False)]


def test_a_flat_two_people_share_is_not_self_contained(app, submitter):
    offer = factories.complete_offer(submitter, units_wheelchair_accessible=0)
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        flats = stored.unit_types[0]
        flats.kind, flats.count, flats.most_people_sharing = "two_bed", 2, 2
        db.session.commit()
        homes = unit_service.refer_approved_offer(stored, None)
        assert [(home.places, home.self_contained) for home in homes] == [(2, False), (2, False)]
        # No wheelchair units offered: nothing to confirm.
        assert all(home.features_confirmed for home in homes)


def test_the_shortlist_ranks_eligible_people_and_says_why_others_are_left_out(
    app, submitter, officer_client
):
    offer_id = approved_offer(app, submitter)
    ordinary = next(
        unit
        for unit in factories.rows(PlacementUnit, offer_id=offer_id)
        if not unit.wheelchair_accessible
    )
    import_list(
        officer_client,
        waiting_list_csv(
            row("P-0001", priority="low", date_referred="2025-06-01"),
            row("P-0002", priority="urgent", date_referred="2025-06-01"),
            row("P-0003", wheelchair_user="yes"),
            row("P-0004", cohort="transforming_care_moj"),
            row("P-0005", preferred_areas="", excluded_areas="LE1"),
        ),
    )
    assert shortlist_references(officer_client, ordinary.id) == ["P-0002", "P-0001"]
    page = officer_client.get(f"/placement/homes/{ordinary.id}")
    left_out = soup(page).find(id="excluded").get_text(" ", strip=True)
    assert "P-0003" in left_out and "wheelchair" in left_out.lower()
    assert "P-0004" in left_out
    assert "P-0005" in left_out and "LE1" in left_out


def test_nominate_then_move_in_closes_other_nominations_and_leaves_the_list(
    app, submitter, officer_client
):
    offer_id = approved_offer(app, submitter)
    first, second = unit_ids(offer_id)[:2]
    import_list(officer_client, waiting_list_csv(row("P-0001"), row("P-0002")))
    who = person_id("P-0001")
    for unit_id in (first, second):
        nominated = post_page_form(
            officer_client,
            f"/placement/homes/{unit_id}",
            f"/placement/homes/{unit_id}/nominate",
            {"person_id": str(who)},
        )
        assert nominated.status_code == 302
    nominations = factories.rows(Nomination, person_id=who)
    assert [item.status for item in nominations] == ["nominated", "nominated"]
    snapshot = nominations[0].shortlist
    assert [item["person_reference"] for item in snapshot["candidates"]][:2] == ["P-0001", "P-0002"]

    url = f"/placement/nominations/{nominations[0].id}"
    moved = post_page_form(
        officer_client, url, url, {"outcome": "moved_in", "seen_status": "nominated"}
    )
    assert moved.status_code == 302
    assert "1 other open nomination closed" in text(officer_client.get(moved.location))
    statuses = {item.id: item.status for item in factories.rows(Nomination, person_id=who)}
    assert statuses == {nominations[0].id: "moved_in", nominations[1].id: "closed"}
    assert factories.get(WaitingPerson, who).status == "moved_in"
    # Housed people are not shortlisted again, and the home has a place fewer.
    assert "P-0001" not in shortlist_references(officer_client, second)


def test_a_decline_can_make_a_person_unavailable_until_a_date(app, submitter, officer_client):
    offer_id = approved_offer(app, submitter)
    unit_id = unit_ids(offer_id)[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    who = person_id("P-0001")
    post_page_form(
        officer_client,
        f"/placement/homes/{unit_id}",
        f"/placement/homes/{unit_id}/nominate",
        {"person_id": str(who)},
    )
    (nomination,) = factories.rows(Nomination, person_id=who)
    url = f"/placement/nominations/{nomination.id}"
    missing_reason = post_page_form(
        officer_client, url, url, {"outcome": "declined", "seen_status": "nominated"}
    )
    assert "Enter why it was declined" in factories.error_summary(missing_reason)
    later = clock.today_uk() + timedelta(days=60)
    declined = post_page_form(
        officer_client,
        url,
        url,
        {
            "outcome": "declined",
            "seen_status": "nominated",
            "decline_reason": "Wants to stay near family for now",
            "unavailable_until": [str(later.day), str(later.month), str(later.year)],
        },
    )
    assert declined.status_code == 302
    assert factories.get(WaitingPerson, who).unavailable_until == later
    assert shortlist_references(officer_client, unit_id) == []


def test_an_outcome_recorded_on_an_old_page_is_refused(app, submitter, officer_client):
    offer_id = approved_offer(app, submitter)
    unit_id = unit_ids(offer_id)[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    post_page_form(
        officer_client,
        f"/placement/homes/{unit_id}",
        f"/placement/homes/{unit_id}/nominate",
        {"person_id": str(person_id("P-0001"))},
    )
    (nomination,) = factories.rows(Nomination)
    url = f"/placement/nominations/{nomination.id}"
    post_page_form(officer_client, url, url, {"outcome": "offered", "seen_status": "nominated"})
    stale = post_page_form(
        officer_client, url, url, {"outcome": "closed", "seen_status": "nominated"}
    )
    assert stale.status_code == 200
    assert "changed since you opened the page" in text(stale)
    assert factories.get(Nomination, nomination.id).status == "offered"


def test_the_proposal_fills_free_places_and_wheelchair_users_wait_for_a_confirmed_home(
    app, submitter, officer_client
):
    offer_id = approved_offer(app, submitter)
    units = factories.rows(PlacementUnit, offer_id=offer_id)
    # The offer says 2 of its 8 flats are wheelchair accessible, not which.
    assert not any(unit.wheelchair_accessible for unit in units)
    assert not any(unit.features_confirmed for unit in units)
    import_list(
        officer_client,
        waiting_list_csv(row("P-0001"), row("P-0002", wheelchair_user="yes"), row("P-0003")),
    )

    def proposed() -> dict[str, str]:
        page = officer_client.get("/placement/proposal")
        assert page.status_code == 200
        table = soup(page).find(id="proposal-table")
        return {
            table_row.select_one("td").get_text(strip=True): table_row.find("a").get_text(
                strip=True
            )
            for table_row in table.select("tbody tr")
            if table_row.select_one("td") and table_row.find("a")
        }

    assert sorted(proposed()) == ["P-0001", "P-0003"]
    home = units[-1]
    confirmed = factories.submit_form(
        officer_client,
        f"/placement/homes/{home.id}/features",
        {"self_contained": "yes", "wheelchair_accessible": "yes", "level_access": "yes"},
    )
    assert confirmed.status_code == 302
    assert proposed()["P-0002"] == home.reference
    assert AuditAction.HOME_CHANGED in [event.action for event in factories.rows(AuditEvent)]


def test_a_vacancy_is_registered_and_bad_input_is_explained(officer_client):
    bad = factories.submit_form(officer_client, "/placement/homes/new", {"places": "0"})
    assert bad.status_code == 200
    messages = factories.error_summary(bad)
    assert "Enter the scheme name" in messages
    assert "Number of people must be 1 or more" in messages
    assert factories.rows(PlacementUnit) == []
    good = factories.submit_form(
        officer_client,
        "/placement/homes/new",
        {
            "scheme": "Ashfield Court",
            "description": "Flat 2, ground floor",
            "postcode_district": "le3",
            "cohorts": "mental_health_step_down",
            "configuration": "core_and_cluster",
            "support_model": "regular_on_site",
            "self_contained": "yes",
            "wheelchair_accessible": "no",
            "level_access": "yes",
            "places": "1",
            "age_min": "18",
            "age_max": "64",
        },
    )
    assert good.status_code == 302
    (unit,) = factories.rows(PlacementUnit)
    assert (unit.reference, unit.postcode_district, unit.source) == (
        "VAC-00001",
        "LE3",
        "registered_vacancy",
    )


def test_a_move_in_to_a_vacancy_lowers_the_dashboards_unmet_need(app, officer_client):
    def need_row() -> dict[str, str]:
        page = officer_client.get("/queue/dashboard")
        table = soup(page).find("table", id="need-table")
        headings = [cell.get_text(strip=True) for cell in table.select("thead th")][1:]
        for table_row in table.select("tbody tr"):
            if (
                table_row.find("th")
                .get_text(strip=True)
                .startswith("People on the supported living waiting list")
            ):
                cells = [cell.get_text(strip=True) for cell in table_row.find_all("td")]
                return dict(zip(headings, cells, strict=True))
        raise AssertionError("no row for the cohort")

    cohort = "supported_living_waiting_list"
    import_list(
        officer_client,
        waiting_list_csv(row("P-0001", cohort=cohort), row("P-0002", cohort=cohort)),
    )
    factories.submit_form(
        officer_client,
        "/placement/homes/new",
        {
            "scheme": "Ashfield Court",
            "description": "Flat 2",
            "postcode_district": "LE3",
            "cohorts": cohort,
            "configuration": "core_and_cluster",
            "support_model": "on_site_24_7",
            "self_contained": "yes",
            "wheelchair_accessible": "no",
            "level_access": "no",
            "places": "1",
            "age_min": "18",
            "age_max": "64",
        },
    )
    before = need_row()
    assert before["People waiting now"] == "2"
    assert before["Placed in existing schemes"] == "0"
    (vacancy,) = factories.rows(PlacementUnit)
    post_page_form(
        officer_client,
        f"/placement/homes/{vacancy.id}",
        f"/placement/homes/{vacancy.id}/nominate",
        {"person_id": str(person_id("P-0001"))},
    )
    (nomination,) = factories.rows(Nomination)
    url = f"/placement/nominations/{nomination.id}"
    post_page_form(officer_client, url, url, {"outcome": "moved_in", "seen_status": "nominated"})
    after = need_row()
    assert after["People waiting now"] == "1"
    assert after["Placed in existing schemes"] == "1"
    assert int(before["Remaining unmet need"]) == 12
    assert int(after["Remaining unmet need"]) == 11
