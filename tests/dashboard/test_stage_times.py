"""The dashboard's "Offers by stage": how many offers are at each stage now, and
the median time offers spent in each stage before moving on, from the stays
triage.workflow.perform writes with every change of status, scoring's included
(PostgreSQL: tests/integration/test_queue_postgres.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import event, text, update

from tests import factories
from tests.factories import soup
from tests.supply_reconstruction import old_stays, retime_stays, stored_stays
from triage import db
from triage.models import AuditEvent, Offer, User
from triage.models.offers import OFFER_STATUS_LABELS, OfferStatus
from triage.services import decisions, scoring, supply
from triage.workflow import DeclineConcern
from workers import tasks

DASHBOARD = "/queue/dashboard"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def stages_table(response) -> dict[str, list[str]]:
    found = soup(response).find("table", id="stages-table")
    assert found is not None
    return {
        row.find("th").get_text(" ", strip=True): [
            cell.get_text(" ", strip=True) for cell in row.find_all("td")
        ]
        for row in found.select("tbody tr")
    }


def _dated(offer_id: int, days: dict[str, float]) -> None:
    """Date the offer's audit events, by action, `days` after START, and the stays
    in each stage they started and ended: what the trail and the stays would say
    had the steps happened then. Only a test rewrites the trail: the service only
    ever inserts into it, and on PostgreSQL a trigger refuses any change, so this
    transaction runs without triggers."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for action, after in days.items():
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.offer_id == offer_id, AuditEvent.action == action)
            .values(at=START + timedelta(days=after))
        )
    retime_stays(offer_id)
    db.session.commit()


def _offer(
    app: Flask, owner: factories.Account, officer: factories.Account, steps: dict[str, float]
) -> int:
    """An offer taken through the workflow's real actions, in the order of `steps`
    (action: days after START), then its audit trail dated by them. Scoring
    starts when the offer is scored (the worker claims it and scores it at once)."""
    offer_id = factories.submitted_offer(owner).id
    with app.app_context():
        staff = db.session.get(User, officer.id)
        submitter = db.session.get(User, owner.id)
        for action in steps:
            offer = db.session.get(Offer, offer_id)
            seen = offer.version
            if action == "scored":
                tasks.score_offer(offer_id)
            elif action == "assign":
                decisions.assign(offer, staff, staff, seen_version=seen)
            elif action == "request_information":
                decisions.request_information(offer, staff, seen_version=seen, question="EPC?")
            elif action == "respond":
                decisions.respond(offer, submitter, seen_version=seen, answer="B")
            elif action == "approve":
                decisions.approve(offer, staff, seen_version=seen, reasons="Meets the need")
            elif action == "decline":
                decisions.decline(
                    offer, staff, seen_version=seen, concern=DeclineConcern.RENT, reasons="Rent"
                )
            db.session.expire_all()
        _dated(offer_id, {"submit": 0, **steps})
    return offer_id


def known_histories(app: Flask, owner: factories.Account, officer: factories.Account) -> None:
    """Four offers whose stays in each stage are known (days):

    submitted: 1, 1, 1 (and one still there); scored: 2, 1, 5;
    under review: 4, 10, 1, 1 (and one still there); information requested: 3, 1.
    """
    _offer(
        app,
        owner,
        officer,
        {"scored": 1, "assign": 3, "request_information": 7, "respond": 10, "approve": 20},
    )
    _offer(
        app,
        owner,
        officer,
        {"scored": 1, "assign": 2, "request_information": 3, "respond": 4, "decline": 5},
    )
    _offer(app, owner, officer, {"scored": 1, "assign": 6})  # still under review
    _offer(app, owner, officer, {})  # still submitted, never scored


def test_the_median_time_in_each_stage_comes_from_the_audit_trail(
    app: Flask, staff_client, submitter, commissioner
) -> None:
    known_histories(app, submitter, commissioner)
    rows = stages_table(staff_client.get(DASHBOARD))
    assert list(rows) == [
        label for status, label in OFFER_STATUS_LABELS.items() if status is not OfferStatus.DRAFT
    ]
    assert rows["Submitted"] == ["1", "1.0 days", "Offers that have left this stage: 3"]
    assert rows["Scored"] == ["0", "2.0 days", "Offers that have left this stage: 3"]
    # 1, 1, 4 and 10 days: an even number, so halfway between the middle two.
    assert rows["Under review"] == ["1", "2.5 days", "Offers that have left this stage: 4"]
    assert rows["Information requested"] == [
        "0",
        "2.0 days",
        "Offers that have left this stage: 2",
    ]
    assert rows["Meeting proposed"] == [
        "0",
        "Not timed",
        "Not timed yet: no offer has left this stage",
    ]
    # Scored in one transaction, straight from submitted: never "being scored".
    assert rows["Being scored"] == ["0", "Not timed", "Not timed yet: no offer has left this stage"]
    assert rows["Scoring failed"] == [
        "0",
        "Not timed",
        "Not timed yet: no offer has left this stage",
    ]
    assert rows["Approved in principle"] == ["1", "Not timed", "A final stage: offers stay in it"]
    assert rows["Declined"] == ["1", "Not timed", "A final stage: offers stay in it"]
    page = soup(staff_client.get(DASHBOARD)).get_text(" ", strip=True)
    assert "only offers that have left a stage are counted, not those still in it" in page


def test_the_stored_stays_are_the_ones_the_audit_trail_gives(
    app: Flask, submitter, commissioner
) -> None:
    known_histories(app, submitter, commissioner)
    with app.app_context():
        stays = stored_stays()
        assert stays == old_stays()
        # 4 submitted, 3 scored (straight from submitted), 3 under review twice
        # over, 2 information requested, 1 approved, 1 declined.
        assert len(stays) == 4 + 3 + 5 + 2 + 2


def test_a_failed_score_is_timed_once_it_is_retried(
    app: Flask, staff_client, submitter, commissioner
) -> None:
    offer_id = factories.submitted_offer(submitter).id
    with app.app_context():
        scoring.mark_failed(offer_id, "ValueError: the policy could not be read")
        offer = db.session.get(Offer, offer_id)
        staff = db.session.get(User, commissioner.id)
        assert scoring.retry_scoring(offer, staff, seen_version=offer.version)
    rows = stages_table(staff_client.get(DASHBOARD))
    assert rows["Scoring failed"] == ["0", "Less than a day", "Offers that have left this stage: 1"]
    assert rows["Submitted"] == ["1", "Less than a day", "Offers that have left this stage: 1"]


def test_a_stay_shorter_than_a_day_says_so(app: Flask, staff_client, submitter, commissioner):
    _offer(app, submitter, commissioner, {"scored": 0.01, "assign": 0.5})
    rows = stages_table(staff_client.get(DASHBOARD))
    assert rows["Submitted"][1] == "Less than a day"
    assert rows["Scored"][1] == "Less than a day"


def test_the_csv_has_the_same_stage_figures(app: Flask, staff_client, submitter, commissioner):
    known_histories(app, submitter, commissioner)
    response = factories.fetch(staff_client, "/queue/dashboard.csv")
    text = response.get_data(as_text=True)
    assert "Stage,Offers now,Median days in the stage,What the time measures" in text
    assert "Under review,1,2.5,Offers that have left this stage: 4" in text
    assert "Scored,0,2.0,Offers that have left this stage: 3" in text


def _statements(app: Flask, client, url: str) -> list[str]:
    engine = app.extensions["triage.engine"]
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_the_dashboard_takes_the_same_queries_however_many_offers(
    app: Flask, staff_client, submitter, commissioner
) -> None:
    # A bounded number: on SQLite one more per stage some offer has left (at most
    # one per status), never one more per offer.
    known_histories(app, submitter, commissioner)
    _offer(app, submitter, commissioner, {"scored": 1, "assign": 2, "approve": 3})
    few = _statements(app, staff_client, DASHBOARD)
    for _ in range(3):
        known_histories(app, submitter, commissioner)
        _offer(app, submitter, commissioner, {"scored": 1, "assign": 2, "approve": 3})
    assert len(_statements(app, staff_client, DASHBOARD)) == len(few)


def test_on_sqlite_each_stages_median_is_read_from_the_index_not_sorted(
    app: Flask, submitter, commissioner
) -> None:
    """After every change the dashboard works the medians out again: on SQLite it
    reads each stage's middle stays at their place in an index, rather than
    sorting every stay (which took 275 ms at 20,000 offers)."""
    known_histories(app, submitter, commissioner)
    with app.app_context():
        connection = db.session.connection()
        assert connection.dialect.name == "sqlite"
        query = supply.sqlite_middle_stays("under_review", 4)
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert "INDEX ix_offer_stage_stays_stage_days" in plan
        assert "TEMP B-TREE" not in plan
        # 1, 1, 4 and 10 days: the middle two.
        assert [round(days) for days in db.session.scalars(query)] == [1, 4]
