"""Publishing after commit, with the outbox as the safety net (issue #16), on the
embedded default (SQLite): a committed row is published at once and marked sent,
a rolled-back one never, a row whose publish failed stays for the relay, which
takes only rows past the grace period, and a row claimed by one publisher is not
published by another."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from tests import factories
from triage import clock, db
from triage.models import OutboxMessage
from triage.services import outbox

Published = list[tuple[str, list[Any], str | None]]


@pytest.fixture
def published(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Published:
    """What the after-commit hook sends to the broker (the broker itself replaced)."""
    app.config["PUBLISH_AFTER_COMMIT"] = True
    sent: Published = []

    def publish(_app: Flask, task_name: str, args: list[Any], task_id: str | None = None) -> None:
        sent.append((task_name, args, task_id))

    monkeypatch.setattr(outbox.broker, "publish", publish)
    return sent


def test_a_committed_row_is_published_at_once_under_its_own_task_id(
    app: Flask, published: Published
) -> None:
    with app.app_context(), db.unit_of_work():
        outbox.enqueue("test.task", 1)
    [row] = factories.rows(OutboxMessage)
    assert published == [("test.task", [1], row.task_id)]
    assert row.task_id and row.sent_at is not None and row.claimed_until is None
    # Nothing is left for the relay.
    with app.app_context():
        assert not outbox.has_waiting()
        assert outbox.relay_pending(lambda *_: pytest.fail("nothing to relay")) == 0


def test_a_rolled_back_transaction_publishes_nothing(app: Flask, published: Published) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError), db.unit_of_work():
            outbox.enqueue("test.task", 1)
            raise RuntimeError("the change failed")
        with db.unit_of_work():
            pass
    assert published == []
    assert factories.rows(OutboxMessage) == []


def test_a_row_the_broker_refused_stays_for_the_relay_after_the_grace_period(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PUBLISH_AFTER_COMMIT"] = True

    def broker_down(*_args: Any, **_kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(outbox.broker, "publish", broker_down)
    with app.app_context(), db.unit_of_work():
        outbox.enqueue("test.task", 1)
    [row] = factories.rows(OutboxMessage)
    assert (row.sent_at, row.attempts, row.claimed_until) == (None, 1, None)
    assert row.last_error == "ConnectionError: broker down"

    relayed: Published = []
    with app.app_context():
        # Within the grace period the row is the hook's, not the relay's.
        assert not outbox.has_waiting()
        assert outbox.relay_pending(lambda *call: relayed.append(call)) == 0
        db.session.execute(
            update(OutboxMessage).values(created_at=clock.now() - timedelta(minutes=1))
        )
        db.session.commit()
        assert outbox.has_waiting()
        assert outbox.relay_pending(lambda *call: relayed.append(call)) == 1
    assert relayed == [("test.task", [1], row.task_id)]
    [row] = factories.rows(OutboxMessage)
    assert row.sent_at is not None and row.attempts == 2


def test_a_row_claimed_by_one_publisher_is_not_published_by_another(app: Flask) -> None:
    """The relay finds a row another publisher has claimed and not yet marked: it
    leaves it, until the claim lapses (that publisher died)."""
    with app.app_context():
        outbox.enqueue("test.task", 1)
        db.session.commit()
        db.session.execute(
            update(OutboxMessage).values(claimed_until=clock.now() + timedelta(seconds=30))
        )
        db.session.commit()
        relayed: Published = []
        assert outbox.relay_pending(lambda *call: relayed.append(call)) == 0
        db.session.execute(
            update(OutboxMessage).values(claimed_until=clock.now() - timedelta(seconds=1))
        )
        db.session.commit()
        assert outbox.relay_pending(lambda *call: relayed.append(call)) == 1
    assert [args for _, args, _ in relayed] == [[1]]


def test_beat_sends_the_relay_only_when_a_row_waits(app: Flask) -> None:
    """No task every few seconds on an idle system: beat asks the database, and
    sends the relay only for a row left unsent past the grace period."""
    from workers.celery_app import make_celery

    app.config["PUBLISH_AFTER_COMMIT"] = True
    celery = make_celery(app)
    schedule = celery.conf.beat_schedule["relay-outbox"]["schedule"]
    schedule.app = celery
    long_ago = clock.now() - timedelta(hours=1)
    assert not schedule.is_due(long_ago).is_due
    app.config["PUBLISH_AFTER_COMMIT"] = False  # a row the hook did not publish
    with app.app_context():
        outbox.enqueue("test.task", 1)
        db.session.commit()
        db.session.execute(update(OutboxMessage).values(created_at=long_ago))
        db.session.commit()
    app.config["PUBLISH_AFTER_COMMIT"] = True
    assert schedule.is_due(long_ago).is_due


def test_a_bulk_submission_publishes_every_row_after_commit_only_when_asked(
    app: Flask, published: Published
) -> None:
    rows = outbox.AFTER_COMMIT_LIMIT + 50
    with app.app_context(), db.unit_of_work():
        for number in range(rows):
            outbox.enqueue("test.task", number)
    # A request's transaction leaves what is past the limit to the relay ...
    assert [args for _name, args, _id in published] == [
        [n] for n in range(outbox.AFTER_COMMIT_LIMIT)
    ]
    published.clear()
    with app.app_context(), outbox.publishing_all(), db.unit_of_work():
        for number in range(rows):
            outbox.enqueue("test.task", number)
    # ... a bulk one asks for all of them, published in order.
    assert [args for _name, args, _id in published] == [[n] for n in range(rows)]
