"""The existing-supply register (issue 13): administrators list, add, change and
remove its lines, with validation and every change audited; nobody else may see
it; the scoring service and the public "What we need" page read it."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.factories import heading, soup, submit_form, text
from tests.web.checks import assert_error_summary
from triage import db
from triage.models import AuditEvent, Offer, OfferScore, RescoreRun, SupplyScheme
from triage.models.offers import OfferStatus
from triage.services import scoring
from workers import tasks

STEP_DOWN = "mental_health_step_down"


def scheme(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Aylestone Court",
        "accommodation": "supported_living",
        "units": "12",
        "schemes": "1",
        "postcode": "le2 7aa",
        "cohort": "",
        "note": "",
    }
    values.update(overrides)
    return values


def register_rows() -> list[tuple[Any, ...]]:
    return [
        (row.name, row.accommodation, row.schemes, row.units, row.postcode, row.cohort)
        for row in factories.rows(SupplyScheme)
    ]


def actions(actor_id: int) -> list[tuple[str, str]]:
    return [(e.action, e.detail) for e in factories.rows(AuditEvent, actor_id=actor_id)]


def add(admin_client: FlaskClient, **overrides: Any):
    return submit_form(admin_client, "/admin/supply/new", scheme(**overrides))


def test_the_register_starts_as_the_strategy_s_632_units(app, admin_client):
    page = admin_client.get("/admin/supply")
    assert heading(page) == "Existing supply"
    assert "632 units in 112 schemes; 0 of the units have a postcode." in text(page)
    kinds = [
        " ".join(row.get_text(" ").split())
        for row in soup(page).select(".app-supply-kinds tbody tr")
    ]
    assert kinds == ["Extra care 3 170", "Shared house 36 140", "Supported living 73 322"]
    listed = [
        " ".join(row.get_text(" ").split()) for row in soup(page).select(".app-supply tbody tr")
    ]
    assert listed[0].startswith("Extra care schemes (Appendix A total) Extra care 3 170 Not known")
    active = soup(page).select(".govuk-service-navigation__item--active a")
    assert [a.get_text(strip=True) for a in active] == ["Existing supply"]


def test_an_administrator_adds_a_scheme_and_it_is_audited(app, admin_client, admin):
    response = add(admin_client, cohort=STEP_DOWN, note="Survey 2026")
    assert response.location == "/admin/supply"
    page = admin_client.get("/admin/supply")
    assert "Aylestone Court has been added to the register" in text(page)
    assert "644 units in 113 schemes; 12 of the units have a postcode." in text(page)
    districts = [
        " ".join(row.get_text(" ").split())
        for row in soup(page).select(".app-supply-districts tbody tr")
    ]
    assert districts == ["LE1 0", "LE3 0", "LE4 0", "LE5 0", "LE2 12"]
    assert ("Aylestone Court", "supported_living", 1, 12, "LE2 7AA", STEP_DOWN) in register_rows()
    assert (
        "supply_scheme_added",
        f"Aylestone Court: 12 units, supported_living, LE2 7AA, cohort {STEP_DOWN}",
    ) in actions(admin.id)


def test_a_scheme_may_have_no_postcode_yet(app, admin_client):
    assert add(admin_client, postcode="").location == "/admin/supply"
    assert ("Aylestone Court", "supported_living", 1, 12, None, None) in register_rows()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the scheme's name"),
        ({"name": "x" * 201}, "Scheme name must be 200 characters or fewer"),
        ({"accommodation": ""}, "Select the kind of home"),
        ({"accommodation": "castle"}, "Select the kind of home"),
        ({"units": ""}, "Enter the number of units"),
        ({"units": "twelve"}, "Units must be a whole number, like 12"),
        ({"units": "0"}, "Units must be 1 or more"),
        ({"units": "99999"}, "Units must be 5,000 or fewer"),
        ({"schemes": "0"}, "Schemes must be 1 or more"),
        ({"postcode": "not a postcode"}, "Enter a real postcode, like LE1 6ZG, or leave it empty"),
        ({"cohort": "pirates"}, "Select a cohort from the list"),
        ({"note": "y" * 501}, "Note must be 500 characters or fewer"),
    ],
)
def test_bad_answers_are_refused_with_an_error_summary_and_nothing_saved(
    app, admin_client, admin, overrides, message
):
    before = register_rows()
    response = add(admin_client, **overrides)
    assert_error_summary(response, message)
    assert register_rows() == before
    assert not [a for a, _ in actions(admin.id) if a.startswith("supply_")]


def test_an_administrator_changes_a_scheme(app, admin_client, admin):
    [seeded] = factories.rows(SupplyScheme, accommodation="supported_living")
    url = f"/admin/supply/{seeded.id}"
    page = admin_client.get(url)
    assert heading(page) == "Supported living schemes (Appendix A total)"
    assert soup(page).select_one("#units")["value"] == "322"  # type: ignore[index]
    response = submit_form(
        admin_client,
        url,
        scheme(name="Supported living not yet placed", units="310", schemes="72", postcode=""),
    )
    assert response.location == "/admin/supply"
    changed = factories.get(SupplyScheme, seeded.id)
    assert (changed.name, changed.units, changed.schemes) == (
        "Supported living not yet placed",
        310,
        72,
    )
    [(action, detail)] = [e for e in actions(admin.id) if e[0] == "supply_scheme_changed"]
    assert detail.startswith("Supported living schemes (Appendix A total): 322 units")
    assert detail.endswith(
        "-> Supported living not yet placed: 310 units, supported_living, no postcode, cohort -"
    )


def test_a_bad_change_keeps_what_was_saved(app, admin_client):
    [seeded] = factories.rows(SupplyScheme, accommodation="extra_care")
    before = register_rows()
    response = submit_form(admin_client, f"/admin/supply/{seeded.id}", scheme(units="-3"))
    assert_error_summary(response, "Units must be 1 or more")
    assert register_rows() == before


def test_an_administrator_removes_a_scheme_after_confirming(app, admin_client, admin):
    add(admin_client)
    [row] = factories.rows(SupplyScheme, name="Aylestone Court")
    url = f"/admin/supply/{row.id}/remove"
    assert heading(admin_client.get(url)) == "Remove Aylestone Court?"
    response = submit_form(admin_client, url, {})
    assert response.location == "/admin/supply"
    assert factories.rows(SupplyScheme, name="Aylestone Court") == []
    assert "supply_scheme_removed" in [a for a, _ in actions(admin.id)]


def test_a_scheme_that_does_not_exist_is_not_found(app, admin_client):
    assert admin_client.get("/admin/supply/9999").status_code == 404
    assert admin_client.get("/admin/supply/9999/remove").status_code == 404


def test_a_change_without_the_form_s_token_is_refused(app, admin_client):
    [seeded] = factories.rows(SupplyScheme, accommodation="extra_care")
    response = admin_client.post(f"/admin/supply/{seeded.id}/remove", data={})
    assert response.status_code == 400
    assert factories.get(SupplyScheme, seeded.id) is not None


@pytest.mark.parametrize("who", ["submitter", "commissioner", "placement_officer"])
def test_only_administrators_may_see_or_change_the_register(app, who, request):
    account = request.getfixturevalue(who)
    client = factories.signed_in_client(app, account)
    [seeded] = factories.rows(SupplyScheme, accommodation="extra_care")
    before = register_rows()
    # A real token from a page they may see, so it is the role that refuses them.
    token = factories.csrf_token(client.get("/account").text)
    assert client.get("/admin/supply").status_code in (403, 404)
    for url in (
        "/admin/supply/new",
        f"/admin/supply/{seeded.id}",
        f"/admin/supply/{seeded.id}/remove",
    ):
        assert client.get(url).status_code in (403, 404), url
        response = client.post(url, data={"csrf_token": token, **scheme()})
        assert response.status_code in (403, 404), url
    assert register_rows() == before
    assert "access_refused" in [a for a, _ in actions(account.id)]


def test_the_seeded_register_leaves_earlier_scores_alone(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
        [score] = db.session.scalars(select(OfferScore)).all()
    location = next(rule for rule in score.results if rule["rule"] == "location")
    assert location["score"] == 80.0
    assert "no postcode for any of its 632 units" in " ".join(location["reasons"])


def test_placing_supply_rescores_open_offers_and_the_rule_uses_it(app, admin_client, submitter):
    offer = factories.submitted_offer(submitter)  # LE1 6ZG
    with app.app_context():
        tasks.score_offer(offer.id)
    # A line with no postcode changes nothing the rules read: no rescoring.
    add(admin_client, postcode="")
    assert factories.rows(RescoreRun) == []
    add(admin_client, name="City Centre Flats", units="60", postcode="LE1 1AA")
    [run] = factories.rows(RescoreRun)
    assert run.reason == "The existing-supply register changed"
    with app.app_context():
        tasks.score_offer(offer.id, run.id)
        latest = db.session.scalars(
            select(OfferScore).where(OfferScore.offer_id == offer.id).order_by(OfferScore.id)
        ).all()[-1]
    location = next(rule for rule in latest.results if rule["rule"] == "location")
    # LE1 has all 60 placed units: five times the city average of 12 per district.
    assert location["figures"]["existing_units_in_district"] == 60
    assert location["score"] == 50.0
    assert "better served than the city on average" in " ".join(location["reasons"])


def test_the_public_page_lists_areas_least_served_first_from_the_register(
    app, admin_client, client
):
    page = client.get("/what-we-need")
    assert "has not yet published counts of existing supported homes by area" in text(page)
    add(admin_client, name="City Centre Flats", units="60", postcode="LE1 1AA")
    add(admin_client, name="Belgrave House", units="8", postcode="LE4 6AB")
    page = client.get("/what-we-need")
    rows = [
        " ".join(row.get_text(" ").split())
        for row in soup(page).select("#areas ~ .govuk-summary-list .govuk-summary-list__row")
    ]
    assert rows == [
        "LE2 0 existing supported homes",
        "LE3 0 existing supported homes",
        "LE5 0 existing supported homes",
        "LE4 8 existing supported homes",
        "LE1 60 existing supported homes",
    ]


def _send_shared_house(app, submitter):
    offer = factories.submitted_offer(submitter, configuration="shared_house")
    with app.app_context():
        stored = db.session.get(Offer, offer.id)
        rooms = stored.unit_types[0]
        rooms.kind, rooms.count, rooms.most_people_sharing = "shared_room", 4, 4
        rooms.own_bathroom = rooms.own_kitchen = False
        # The homes' features, per unit type, no more than its 4 rooms.
        for feature in ("wheelchair_accessible", "fully_adapted", "level_access", "lift"):
            setattr(rooms, feature, min(getattr(rooms, feature) or 0, 1))
        rooms.assistive_technology = 4
        stored.cohorts[0].cohort = "send_transitions"
        db.session.commit()
    return offer


def _rule(app, offer_id: int, name: str) -> dict[str, Any]:
    with app.app_context():
        score = scoring.latest_score(offer_id)
        assert score is not None
        return next(rule for rule in score.results if rule["rule"] == name)


def test_an_approved_shared_house_ends_the_exception_for_the_next(app, submitter):
    first = _send_shared_house(app, submitter)
    second = _send_shared_house(app, submitter)
    with app.app_context():
        tasks.score_offer(second.id)
    before = _rule(app, second.id, "shared_housing")
    assert before["verdict"] == "green"
    assert "The exception applies" in " ".join(before["reasons"])
    with app.app_context():
        db.session.get(Offer, first.id).status = OfferStatus.APPROVED
        db.session.commit()
        run = scoring.rescore_after_approval(db.session.get(Offer, first.id))
        assert run is not None
        tasks.score_offer(second.id, run.id)
    after = _rule(app, second.id, "shared_housing")
    assert after["verdict"] == "red"
    assert "The exception no longer applies" in " ".join(after["reasons"])


def test_a_shared_house_in_the_register_ends_the_exception(app, admin_client, submitter):
    offer = _send_shared_house(app, submitter)
    add(
        admin_client,
        name="Transitions house",
        accommodation="shared_house",
        units="4",
        cohort="send_transitions",
        postcode="",
    )
    [run] = factories.rows(RescoreRun)
    with app.app_context():
        tasks.score_offer(offer.id, run.id)
    rule = _rule(app, offer.id, "shared_housing")
    assert rule["verdict"] == "red"
    assert rule["figures"]["exception_houses_provided"] == 1
