"""Background scoring on real PostgreSQL and Redis, under faults: a worker killed
mid-score, the same task delivered twice, a broker that is down at submit or
restarted under a running worker, a task that fails every time, and a transaction
rolled back. Whatever happens, every good offer ends scored exactly once: one
score row and the status "scored"."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from celery import Celery
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests import factories
from tests.factories import csrf_token, error_summary, sign_in
from tests.integration.helpers import (
    FAULT_APP,
    SCORING_DELAY,
    Service,
    Services,
    black_hole,
    bounded,
    broker_messages,
    email_rows,
    outbox_rows,
    submit_offer,
    wait_for,
)
from tests.servers import RedisServer
from triage import db
from triage.models import EmailMessage, Offer, OfferScore, OutboxMessage, User
from triage.models.offers import OfferStatus
from triage.services import offers, outbox, scoring
from triage.tasks import TaskName
from workers import tasks

pytestmark = pytest.mark.integration

# Seconds to wait for workers to start and to score.
TIMEOUT = 60
# Redis hands a message a dead worker took to another after this many seconds.
VISIBILITY_TIMEOUT = 3
# Seconds before the first retry of a score that failed (then twice, four times that).
RETRY_BASE_SECONDS = "0.2"

SCORED_ONCE = (OfferStatus.SCORED, 1)


# --- Reading the state back ----------------------------------------------------


def scoring_state(app: Flask, offer_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """Each offer's status and how many score rows it has."""
    ids = list(offer_ids)
    with app.app_context():
        found = db.session.execute(select(Offer.id, Offer.status).where(Offer.id.in_(ids)))
        statuses = {offer_id: status for offer_id, status in found}
        scores = db.session.execute(
            select(OfferScore.offer_id, func.count())
            .where(OfferScore.offer_id.in_(ids))
            .group_by(OfferScore.offer_id)
        )
        counts = {offer_id: number for offer_id, number in scores}
    return {offer_id: (statuses[offer_id], counts.get(offer_id, 0)) for offer_id in ids}


def statuses(app: Flask, offer_ids: Iterable[int]) -> Counter[str]:
    return Counter(status for status, _ in scoring_state(app, offer_ids).values())


def all_scored(app: Flask, offer_ids: list[int]) -> bool:
    return statuses(app, offer_ids) == {OfferStatus.SCORED: len(offer_ids)}


def score_tasks_in_broker(redis: RedisServer) -> dict[str, list[list[Any]]]:
    """The args of each score task queued in, or taken from, the broker."""
    return {
        where: [args for task, args in messages if task == TaskName.SCORE_OFFER]
        for where, messages in broker_messages(redis).items()
    }


def explain(
    app: Flask, offer_ids: Iterable[int], redis: RedisServer, services: Services
) -> Callable[[], str]:
    """What a timed-out wait shows: the offers, the broker, the outbox and the logs."""

    def text() -> str:
        unsent = [(row.task_name, row.args) for row in outbox_rows(app) if row.sent_at is None]
        return (
            f"offers (status, scores): {scoring_state(app, offer_ids)}\n"
            f"broker: {broker_messages(redis) if redis.running else 'stopped'}\n"
            f"outbox unsent: {unsent}\n{services.describe()}"
        )

    return text


def score_task_ids(worker: Service) -> list[str]:
    """The id of each score task the worker received, in order (a retry or a
    redelivery is received again under the same id)."""
    return re.findall(rf"{re.escape(TaskName.SCORE_OFFER)}\[([0-9a-f-]+)\] received", worker.log())


def wait_until_ready(worker: Service) -> None:
    def ready() -> bool:
        if not worker.running:
            raise AssertionError(f"the worker stopped: {worker.describe()}")
        return " ready." in worker.log()

    wait_for(ready, TIMEOUT, message=worker.describe)


def idle_in_transaction(app: Flask, seconds: float) -> bool:
    """Some other connection has held a transaction open, without running a query,
    for `seconds`: a worker asleep between reading and writing."""
    with app.app_context():
        found = db.session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND state = 'idle in transaction'"
                " AND state_change < clock_timestamp() - make_interval(secs => :seconds)"
            ),
            {"seconds": seconds},
        )
        db.session.rollback()
    return bool(found)


def break_offer(app: Flask, offer_id: int) -> None:
    """Delete a submitted offer's unit types: it can no longer be read as an offer,
    so every attempt to score it fails."""
    with app.app_context():
        db.session.execute(
            text("DELETE FROM offer_unit_types WHERE offer_id = :id"), {"id": offer_id}
        )
        db.session.commit()


# --- A worker killed mid-score ---------------------------------------------------


def test_a_worker_killed_mid_score_leaves_the_offer_to_a_replacement_that_scores_it_once(
    app: Flask,
    submitted_offer: Offer,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
) -> None:
    offer_id = submitted_offer.id
    settings = {**worker_env, "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    # The first worker sleeps for a minute after running the rules, before it saves.
    doomed = services.worker("doomed", {**settings, SCORING_DELAY: "60"}, app=FAULT_APP)

    # Inside the delay: its transaction (the claim and the score, one transaction)
    # has been open and silent for a moment.
    wait_for(lambda: idle_in_transaction(app, 0.5), TIMEOUT, message=doomed.describe)
    taken_by = time.monotonic()
    doomed.kill()

    # Nothing was saved; the message the dead worker took waits unacknowledged.
    assert scoring_state(app, [offer_id]) == {offer_id: (OfferStatus.SUBMITTED, 0)}
    assert score_tasks_in_broker(redis_server) == {"queued": [], "unacked": [[offer_id]]}

    # Redis hands the message on once the visibility timeout has passed; a new
    # worker sweeps for such messages as it starts.
    time.sleep(max(0.0, taken_by + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    replacement = services.worker("replacement", settings)
    why = explain(app, [offer_id], redis_server, services)
    wait_for(lambda: all_scored(app, [offer_id]), TIMEOUT, message=why)
    wait_for(
        lambda: score_tasks_in_broker(redis_server) == {"queued": [], "unacked": []},
        TIMEOUT,
        message=why,
    )

    # The very message the dead worker took, not a new one.
    [task_id] = score_task_ids(doomed)
    assert score_task_ids(replacement) == [task_id]
    assert scoring_state(app, [offer_id]) == {offer_id: SCORED_ONCE}


# --- The same task delivered twice ---------------------------------------------------


def test_the_same_score_task_run_twice_at_once_writes_one_score(
    app: Flask,
    celery_app: Celery,
    submitter: factories.Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offer_ids = [submit_offer(app, submitter).id for _ in range(3)]
    # The claim and the score are one transaction: the second run waits for the
    # first's lock on the offer, then finds its score.
    runs: Counter[int] = Counter()
    lock = threading.Lock()
    score_offer = scoring.score_offer

    def counting_score_offer(offer_id: int, run_id: int | None = None) -> OfferScore | None:
        with lock:
            runs[offer_id] += 1
        return score_offer(offer_id, run_id)

    monkeypatch.setattr(scoring, "score_offer", counting_score_offer)
    task = celery_app.tasks[TaskName.SCORE_OFFER]

    for offer_id in offer_ids:
        # Each run as a worker runs it: in the task's app context, in its own thread
        # with its own session and database connection.
        with ThreadPoolExecutor(max_workers=2) as pool:
            copies = [pool.submit(task.apply, args=[offer_id], throw=True) for _ in range(2)]
            for copy in copies:
                copy.result(timeout=30)

    # Two runs each and no retry: the run that lost the race read the winner's row.
    assert runs == dict.fromkeys(offer_ids, 2)
    assert scoring_state(app, offer_ids) == dict.fromkeys(offer_ids, SCORED_ONCE)


def test_the_same_score_task_delivered_to_two_workers_at_once_and_again_later_writes_one_score(
    app: Flask,
    submitted_offer: Offer,
    celery_app: Celery,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
) -> None:
    offer_id = submitted_offer.id
    # No beat: the test publishes the task itself, as a broker redelivering it would.
    # Each run sleeps after the rules, so both are scoring at once.
    slow = {**worker_env, SCORING_DELAY: "1"}
    workers = [
        services.worker(name, slow, beat=False, app=FAULT_APP) for name in ("first", "second")
    ]
    for worker in workers:
        wait_until_ready(worker)

    task_id = str(uuid.uuid4())

    def succeeded() -> int:
        return sum(worker.log().count(f"[{task_id}] succeeded") for worker in workers)

    for _ in range(2):
        celery_app.send_task(TaskName.SCORE_OFFER, args=[offer_id], task_id=task_id)
    wait_for(lambda: succeeded() == 2, TIMEOUT, message=services.describe)
    # Each worker took one copy (a worker holds one message at a time).
    assert [score_task_ids(worker) for worker in workers] == [[task_id], [task_id]]
    assert scoring_state(app, [offer_id]) == {offer_id: SCORED_ONCE}

    # Once more, after both finished.
    celery_app.send_task(TaskName.SCORE_OFFER, args=[offer_id], task_id=task_id)
    wait_for(lambda: succeeded() == 3, TIMEOUT, message=services.describe)
    wait_for(
        lambda: score_tasks_in_broker(redis_server) == {"queued": [], "unacked": []},
        TIMEOUT,
        message=services.describe,
    )
    assert scoring_state(app, [offer_id]) == {offer_id: SCORED_ONCE}
    assert all(worker.running for worker in workers), services.describe()


# --- The broker down or restarted ----------------------------------------------------


def test_an_offer_submitted_while_redis_is_down_is_scored_once_it_is_back(
    app: Flask,
    client: FlaskClient,
    submitter: factories.Account,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
) -> None:
    sign_in(client, submitter)
    draft = factories.complete_offer(submitter)
    url = f"/offers/{draft.id}/declaration"
    page = client.get(url)
    assert page.status_code == 200
    form = {"csrf_token": csrf_token(page.text), "declaration_name": "Sam", "confirm": "y"}

    redis_server.stop()
    # Where Redis was, something that accepts connections and never answers: a
    # request that talked to the broker would hang rather than fail fast.
    with black_hole(redis_server.port):
        response, seconds = bounded(lambda: client.post(url, data=form), timeout=20)

    assert response.status_code == 302, error_summary(response)
    assert response.headers["Location"].endswith(f"/offers/{draft.id}/confirmation")
    assert seconds < 3, f"submitting took {seconds:.1f}s with the broker down"
    assert scoring_state(app, [draft.id]) == {draft.id: (OfferStatus.SUBMITTED, 0)}
    # Saved with its tasks, none of them sent.
    rows = outbox_rows(app)
    assert all(row.sent_at is None for row in rows)
    assert [row.args for row in rows if row.task_name == TaskName.SCORE_OFFER] == [[draft.id]]
    # The acknowledgement email, written with the submission, waits for its delivery.
    [email] = email_rows(app)
    assert email.idempotency_key == f"offer-acknowledgement:{draft.id}"
    assert [row.args for row in rows if row.task_name == TaskName.DELIVER_EMAIL] == [[email.id]]

    redis_server.start()
    worker = services.worker("worker", worker_env)
    why = explain(app, [draft.id], redis_server, services)
    wait_for(lambda: all_scored(app, [draft.id]), TIMEOUT, message=why)

    assert scoring_state(app, [draft.id]) == {draft.id: SCORED_ONCE}
    assert len(score_task_ids(worker)) == 1
    [relayed] = [row for row in outbox_rows(app) if row.task_name == TaskName.SCORE_OFFER]
    assert relayed.sent_at is not None
    assert relayed.attempts == 1


def test_tasks_sent_after_redis_restarts_under_a_running_worker_still_complete(
    app: Flask,
    submitter: factories.Account,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
) -> None:
    worker = services.worker("worker", worker_env)
    before = submit_offer(app, submitter).id
    wait_for(lambda: all_scored(app, [before]), TIMEOUT, message=services.describe)

    redis_server.stop()
    # Long enough for the worker, its beat and the relay to meet the closed port.
    time.sleep(1)
    while_down = submit_offer(app, submitter).id
    redis_server.start()
    after = [submit_offer(app, submitter).id for _ in range(3)]

    offer_ids = [before, while_down, *after]
    why = explain(app, offer_ids, redis_server, services)
    wait_for(lambda: all_scored(app, offer_ids), TIMEOUT, message=why)
    assert scoring_state(app, offer_ids) == dict.fromkeys(offer_ids, SCORED_ONCE)
    assert worker.running, worker.describe()


# --- A task that fails every time ----------------------------------------------------


def test_an_offer_that_cannot_be_scored_fails_after_bounded_attempts_and_the_queue_drains(
    app: Flask,
    submitter: factories.Account,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
) -> None:
    before = [submit_offer(app, submitter).id for _ in range(2)]
    bad = submit_offer(app, submitter).id
    break_offer(app, bad)
    worker = services.worker("worker", {**worker_env, "SCORE_RETRY_BASE_SECONDS": "0.5"})

    # The bad offer has failed once and waits for its retry: more offers arrive.
    retry = re.compile(rf"{re.escape(TaskName.SCORE_OFFER)}\[[0-9a-f-]+\] retry: Retry in ")
    wait_for(lambda: retry.search(worker.log()), TIMEOUT, message=worker.describe)
    after = [submit_offer(app, submitter).id for _ in range(2)]
    good = [*before, *after]

    def finished() -> bool:
        return all_scored(app, good) and statuses(app, [bad]) == {OfferStatus.SCORING_FAILED: 1}

    wait_for(finished, TIMEOUT, message=explain(app, [*good, bad], redis_server, services))

    assert scoring_state(app, good) == dict.fromkeys(good, SCORED_ONCE)
    assert scoring_state(app, [bad]) == {bad: (OfferStatus.SCORING_FAILED, 0)}
    with app.app_context():
        stored = db.session.get(Offer, bad)
        assert stored is not None
        error = stored.scoring_error
    assert error is not None
    assert error.startswith("ScoringError: The offer's answers are incomplete"), error
    # Bounded: the first attempt and SCORE_MAX_RETRIES retries, each a delivery of
    # the same task; every other offer's task was received once.
    received = Counter(score_task_ids(worker))
    assert sorted(received.values()) == [1] * len(good) + [1 + tasks.SCORE_MAX_RETRIES]
    assert len(retry.findall(worker.log())) == tasks.SCORE_MAX_RETRIES


# --- A transaction rolled back -------------------------------------------------------

REFUSE_SCORE_TASKS = f"""
CREATE FUNCTION refuse_score_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'score task refused by the test';
END $$;
CREATE CONSTRAINT TRIGGER refuse_score_task AFTER INSERT ON outbox_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.task_name = '{TaskName.SCORE_OFFER}') EXECUTE FUNCTION refuse_score_task();
"""


def test_a_rolled_back_transaction_sends_no_score_task(
    app: Flask,
    submitter: factories.Account,
    celery_app: Celery,
    redis_server: RedisServer,
) -> None:
    draft = factories.complete_offer(submitter)

    def offer_and_user() -> tuple[Offer, User]:
        offer = db.session.get(Offer, draft.id)
        user = db.session.get(User, submitter.id)
        assert offer is not None and user is not None
        return offer, user

    def outbox_count() -> int:
        return db.session.scalar(select(func.count(OutboxMessage.id))) or 0

    with app.app_context():
        # An offer inserted and its scoring requested, then the transaction rolled back.
        _, user = offer_and_user()
        assert user.organisation_id is not None
        gone = Offer(organisation_id=user.organisation_id, created_by_id=user.id, name="Gone")
        db.session.add(gone)
        db.session.flush()
        scoring.request_scoring(gone.id)
        db.session.flush()
        assert outbox_count() == 1
        db.session.rollback()

        # A submission whose commit the database refuses, after the offer update,
        # the acknowledgement email and both outbox inserts succeeded.
        db.session.execute(text(REFUSE_SCORE_TASKS))
        db.session.commit()
        with pytest.raises(DBAPIError, match="score task refused by the test"):
            offers.submit(*offer_and_user(), "Sam Submitter")
        db.session.rollback()

        assert outbox_count() == 0
        assert db.session.scalar(select(func.count(EmailMessage.id))) == 0
        assert db.session.scalar(select(func.count(Offer.id))) == 1
        offer, _ = offer_and_user()
        assert (offer.status, offer.reference, offer.scoring_requested_at) == (
            OfferStatus.DRAFT,
            None,
            None,
        )
        assert outbox.relay_pending(tasks._publish) == 0
    assert broker_messages(redis_server) == {"queued": [], "unacked": []}

    # The same submission committed does publish its score task: the check above
    # can fail.
    with app.app_context():
        db.session.execute(text("DROP TRIGGER refuse_score_task ON outbox_messages"))
        db.session.commit()
        assert offers.submit(*offer_and_user(), "Sam Submitter")
        assert outbox.relay_pending(tasks._publish) >= 1
    assert score_tasks_in_broker(redis_server) == {"queued": [[draft.id]], "unacked": []}


# --- All together ----------------------------------------------------------------------


def test_every_good_offer_ends_scored_exactly_once_through_a_killed_worker(
    app: Flask,
    submitter: factories.Account,
    redis_server: RedisServer,
    services: Services,
    worker_env: dict[str, str],
) -> None:
    settings = {
        **worker_env,
        "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "SCORE_RETRY_BASE_SECONDS": RETRY_BASE_SECONDS,
    }
    first = [submit_offer(app, submitter).id for _ in range(10)]
    bad = submit_offer(app, submitter).id
    break_offer(app, bad)
    # Each score takes a moment, so the worker is killed while scoring.
    doomed = services.worker("doomed", {**settings, SCORING_DELAY: "0.2"}, app=FAULT_APP)

    def mid_stream() -> bool:
        # Some scored, and one inside its delay: its transaction open and idle.
        return statuses(app, first)[OfferStatus.SCORED] >= 3 and idle_in_transaction(app, 0.05)

    wait_for(mid_stream, TIMEOUT, interval=0.02, message=doomed.describe)
    killed_at = time.monotonic()
    doomed.kill()
    assert statuses(app, first)[OfferStatus.SCORED] < len(first)

    # More offers arrive while no worker runs; then a replacement takes over,
    # including the message the dead worker held, once Redis hands it on.
    second = [submit_offer(app, submitter).id for _ in range(10)]
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    services.worker("replacement", settings)
    good = [*first, *second]

    def finished() -> bool:
        return all_scored(app, good) and statuses(app, [bad]) == {OfferStatus.SCORING_FAILED: 1}

    wait_for(finished, TIMEOUT, message=explain(app, [*good, bad], redis_server, services))

    assert scoring_state(app, good) == dict.fromkeys(good, SCORED_ONCE)
    assert scoring_state(app, [bad]) == {bad: (OfferStatus.SCORING_FAILED, 0)}
