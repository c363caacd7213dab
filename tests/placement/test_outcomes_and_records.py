"""What keeps the waiting list and the homes true: taking someone off the list,
moving out, dates that cannot be, a re-import that must not undo the team's
work, the download that imports again, and hidden fields that are not ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.factories import error_summary, soup, text
from tests.placement.helpers import (
    approved_offer,
    import_list,
    post_page_form,
    row,
    unit_ids,
    upload_list,
    waiting_list_csv,
)
from triage import clock
from triage.models import Nomination, WaitingPerson
from triage.services.placement import units as unit_service


@pytest.fixture
def officer_client(app, placement_officer):
    return factories.signed_in_client(app, placement_officer)


def person_id(reference: str) -> int:
    (person,) = factories.rows(WaitingPerson, reference=reference)
    return person.id


def nominate(client, unit_id: int, reference: str) -> Nomination:
    response = post_page_form(
        client,
        f"/placement/homes/{unit_id}",
        f"/placement/homes/{unit_id}/nominate",
        {"person_id": str(person_id(reference))},
    )
    assert response.status_code == 302, text(response)
    return factories.rows(Nomination, person_id=person_id(reference))[-1]


def outcome(client, nomination: Nomination, data: dict) -> object:
    url = f"/placement/nominations/{nomination.id}"
    return post_page_form(client, url, url, data)


def free_places(app, unit_id: int) -> int:
    from triage import db
    from triage.models import PlacementUnit

    with app.app_context():
        unit = db.session.get(PlacementUnit, unit_id)
        return unit_service.occupancy([unit])[unit_id].free


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", ""])
def test_a_hidden_id_that_is_not_one_is_refused_without_an_error_page(
    app, submitter, officer_client, value
):
    unit_id = unit_ids(approved_offer(app, submitter))[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    nominated = post_page_form(
        officer_client,
        f"/placement/homes/{unit_id}",
        f"/placement/homes/{unit_id}/nominate",
        {"person_id": value},
    )
    assert nominated.status_code in (302, 404)
    who = person_id("P-0001")
    removed = factories.submit_form(
        officer_client,
        f"/placement/people/{who}/sharing/remove",
        {"other_id": value},
        form_url=f"/placement/people/{who}",
    )
    assert removed.status_code in (302, 404)
    assert factories.rows(Nomination) == []


def test_taking_someone_off_the_list_closes_their_nominations_and_frees_the_place(
    app, submitter, officer_client
):
    unit_id = unit_ids(approved_offer(app, submitter))[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    nomination = nominate(officer_client, unit_id, "P-0001")
    assert free_places(app, unit_id) == 0
    url = f"/placement/people/{person_id('P-0001')}/edit"
    fields = factories.form_values(officer_client.get(url))
    data = {
        key: values if len(values) > 1 else values[0] for key, values in fields.items() if values
    }
    data.update(
        csrf_token=factories.csrf_token(officer_client.get(url).text),
        cohort="mental_health_step_down",
        status="removed",
    )
    assert officer_client.post(url, data=data).status_code == 302
    assert factories.get(Nomination, nomination.id).status == "closed"
    assert free_places(app, unit_id) == 1


def test_moving_in_and_out_is_recorded_on_the_nomination_not_the_record(
    app, submitter, officer_client
):
    unit_id = unit_ids(approved_offer(app, submitter))[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    nomination = nominate(officer_client, unit_id, "P-0001")
    outcome(officer_client, nomination, {"outcome": "moved_in", "seen_status": "nominated"})
    edit = officer_client.get(f"/placement/people/{person_id('P-0001')}/edit")
    assert [option["value"] for option in soup(edit).select("input[name=status]")] == ["moved_in"]
    moved_out = outcome(
        officer_client, nomination, {"outcome": "moved_out", "seen_status": "moved_in"}
    )
    assert moved_out.status_code == 302
    assert factories.get(Nomination, nomination.id).status == "moved_out"
    assert factories.get(WaitingPerson, person_id("P-0001")).status == "removed"
    assert free_places(app, unit_id) == 1


def test_a_move_in_date_cannot_be_in_the_future_or_before_the_nomination(
    app, submitter, officer_client
):
    unit_id = unit_ids(approved_offer(app, submitter))[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    nomination = nominate(officer_client, unit_id, "P-0001")
    for when, message in [
        (clock.today_uk() + timedelta(days=3), "Date moved in must be today or in the past"),
        (
            clock.today_uk() - timedelta(days=30),
            "Date moved in must be on or after the date of the nomination",
        ),
    ]:
        refused = outcome(
            officer_client,
            nomination,
            {
                "outcome": "moved_in",
                "seen_status": "nominated",
                "moved_in_on": [str(when.day), str(when.month), str(when.year)],
            },
        )
        assert refused.status_code == 200
        assert message in error_summary(refused)
    assert factories.get(Nomination, nomination.id).status == "nominated"


def test_a_reimport_keeps_the_date_a_decline_set(app, submitter, officer_client):
    unit_id = unit_ids(approved_offer(app, submitter))[0]
    data = waiting_list_csv(row("P-0001"))
    import_list(officer_client, data)
    nomination = nominate(officer_client, unit_id, "P-0001")
    later = clock.today_uk() + timedelta(days=90)
    outcome(
        officer_client,
        nomination,
        {
            "outcome": "declined",
            "seen_status": "nominated",
            "decline_reason": "Not ready to move",
            "unavailable_until": [str(later.day), str(later.month), str(later.year)],
        },
    )
    preview = officer_client.get(upload_list(officer_client, data).location)
    assert "update 0 people" in text(preview)
    import_list(officer_client, data)
    assert factories.get(WaitingPerson, person_id("P-0001")).unavailable_until == later


def test_the_download_imports_again_unchanged(officer_client):
    notes = '=HYPERLINK("http://example.com","x") and \'=1+1'
    import_list(officer_client, waiting_list_csv(row("P-0001", sharing_notes=notes), row("P-0002")))
    downloaded = officer_client.get("/placement/people.csv").data
    preview = officer_client.get(upload_list(officer_client, downloaded).location)
    assert "add 0 people" in text(preview)
    assert "update 0 people" in text(preview)
    (first,) = factories.rows(WaitingPerson, reference="P-0001")
    assert first.sharing_notes == notes


def test_the_nominee_is_shown_in_the_saved_shortlist_wherever_they_ranked(
    app, submitter, officer_client
):
    unit_id = unit_ids(approved_offer(app, submitter))[0]
    people = [row(f"P-{number:04d}", priority="urgent") for number in range(1, 26)]
    people.append(row("P-0099", priority="low", date_referred="2026-10-01"))
    import_list(officer_client, waiting_list_csv(*people))
    nomination = nominate(officer_client, unit_id, "P-0099")
    assert nomination.rank == 26
    page = officer_client.get(f"/placement/nominations/{nomination.id}")
    cells = [cell.get_text(strip=True) for cell in soup(page).select("tbody td:nth-of-type(2)")]
    assert "P-0099" in cells
    assert len(cells) == 21


def test_offers_approved_before_placement_existed_can_be_referred(app, submitter):
    from sqlalchemy import delete

    from triage import db
    from triage.cli import refer_approved_offers_command
    from triage.models import PlacementUnit

    offer_id = approved_offer(app, submitter)
    with app.app_context():
        db.session.execute(delete(PlacementUnit))
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(refer_approved_offers_command)
    assert "Referred 1 approved offer." in first.output
    assert len(unit_ids(offer_id)) == 8
    again = runner.invoke(refer_approved_offers_command)
    assert "Referred 0 approved offers." in again.output
    assert len(unit_ids(offer_id)) == 8


def test_an_outcome_that_loses_a_race_saves_nothing(
    app, submitter, placement_officer, officer_client
):
    """The person's record changed between loading it and saving a move-in (another
    officer's edit): the version in its UPDATE no longer matches, so the outcome is
    refused and nothing of it is saved."""
    from sqlalchemy import update

    from triage import db
    from triage.models import User
    from triage.models.placement import NominationStatus
    from triage.services.placement import nominations

    unit_id = unit_ids(approved_offer(app, submitter))[0]
    import_list(officer_client, waiting_list_csv(row("P-0001")))
    nomination = nominate(officer_client, unit_id, "P-0001")
    with app.app_context():
        officer = db.session.get(User, placement_officer.id)
        stored = db.session.get(Nomination, nomination.id)
        person = stored.person
        who = person.id
        db.session.execute(
            update(WaitingPerson)
            .where(WaitingPerson.id == who)
            .values(version=person.version + 1)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(nominations.NominationRefused, match="changed since you opened"):
            nominations.record_outcome(
                stored, NominationStatus.MOVED_IN, officer, seen_status="nominated"
            )
    assert factories.get(Nomination, nomination.id).status == "nominated"
    assert factories.get(WaitingPerson, who).status == "waiting"
