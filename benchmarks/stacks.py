"""The two stacks the benchmarks run on, started from scratch and stopped after.

- "redis": PostgreSQL and Redis started as the integration tests start them
  (tests/servers.py), two Celery workers and beat: production's shape;
- "embedded": the default `make run` uses, SQLite and the filesystem broker in a
  temporary instance folder, one worker with beat inside it.

Both publish after commit (as the web app does) with the outbox relay as the
safety net. Worker processes per worker: WORKER_CONCURRENCY from the
environment, or `concurrency`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    # Run as a script: tests/ (the server and subprocess helpers) is importable.
    sys.path.insert(0, str(PROJECT_ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from tests import factories  # noqa: E402
from tests.integration.helpers import Service, Services, service_environment  # noqa: E402
from tests.servers import (  # noqa: E402
    find_postgres_bindir,
    find_redis_server,
    running_postgres,
    running_redis,
)
from triage import broker, clock, create_app, db  # noqa: E402
from triage.cli import upgrade_database  # noqa: E402
from triage.config import Test  # noqa: E402
from triage.models import EmailMessage, Offer, OfferScore, User  # noqa: E402
from triage.models.email import EmailStatus  # noqa: E402
from triage.models.offers import OfferStatus  # noqa: E402
from triage.services import offers, outbox  # noqa: E402

STACKS = ("redis", "embedded")
DATABASE = "triage_bench"
START_LIMIT = 60


@dataclass
class Stack:
    name: str
    app: Flask
    started: list[Service] = field(default_factory=list)

    def check_running(self) -> None:
        stopped = [service for service in self.started if not service.running]
        if stopped:
            raise SystemExit(f"a service stopped:\n{stopped[0].describe()}")


def _wait_until_ready(service: Service) -> None:
    deadline = time.monotonic() + START_LIMIT
    while " ready." not in service.log() and "beat: Starting" not in service.log():
        if not service.running or time.monotonic() > deadline:
            raise SystemExit(f"{service.name} did not start:\n{service.describe()}")
        time.sleep(0.1)


@contextmanager
def running_stack(name: str, root: Path, concurrency: int = 1) -> Iterator[Stack]:
    """The stack `name`, with its app (publishing after commit) and its workers."""
    concurrency = int(os.environ.get("WORKER_CONCURRENCY") or concurrency)
    with ExitStack() as stack:
        settings: dict[str, str | Path] = {
            "TRIAGE_ENV": "test",
            "TRIAGE_INSTANCE_DIR": root,
            "MAIL_DIR": root / "mail",
            "UPLOAD_DIR": root / "uploads",
            "EMAIL_BACKEND": "file",
            "PUBLISH_AFTER_COMMIT": "true",
        }
        if name == "redis":
            bindir = find_postgres_bindir()
            redis_binary = find_redis_server()
            if bindir is None or redis_binary is None:
                raise SystemExit(
                    "needs PostgreSQL and redis-server: apt-get install postgresql redis-server"
                )
            pg = stack.enter_context(running_postgres(bindir))
            broker = stack.enter_context(running_redis(redis_binary))
            url = pg.create_database(DATABASE)
            settings |= {"DATABASE_URL": url, "REDIS_URL": broker.url}
        else:
            url = f"sqlite:///{root / 'triage.sqlite3'}"
            settings |= {"DATABASE_URL": url}
        upgrade_database(url)
        app = create_app(
            Test,
            DATABASE_URL=url,
            REDIS_URL=settings.get("REDIS_URL"),
            INSTANCE_DIR=root,
            MAIL_DIR=root / "mail",
            UPLOAD_DIR=root / "uploads",
            PUBLISH_AFTER_COMMIT=True,
        )
        stack.callback(lambda: app.extensions["triage.engine"].dispose())
        logs = root / "logs"
        logs.mkdir()
        running = Services(logs)
        stack.callback(running.stop_all)
        env = service_environment(settings)
        result = Stack(name, app)
        if name == "redis":
            result.started = [
                running.worker("worker-1", env, beat=False, concurrency=concurrency),
                running.worker("worker-2", env, beat=False, concurrency=concurrency),
                running.beat("beat", env),
            ]
        else:
            result.started = [running.worker("worker", env, concurrency=concurrency)]
        for service in result.started:
            _wait_until_ready(service)
        yield result


def make_offers(app: Flask, count: int) -> tuple[list[int], int]:
    """`count` complete draft offers of one organisation, and its submitter's id."""
    factories.use_app(app)
    account = factories.submitter()
    with app.app_context():
        ids = [factories._complete_offer(account).id for _ in range(count)]
    return ids, account.id


def submit(app: Flask, offer_id: int, user_id: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        offer = db.session.get(Offer, offer_id)
        assert offer is not None and user is not None
        assert offers.submit(offer, user, "Sam Submitter")


TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds used so far by the stack's services (each in its own process
    group, children included) and by the whole machine, and the time stolen from
    this (virtual) machine by its host: what to read a wall-clock figure by."""

    services: float
    machine_busy: float
    machine_steal: float
    at: float

    @classmethod
    def take(cls, stack: Stack) -> CpuSnapshot:
        groups = {service.pid for service in stack.started}
        used = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # the process ended meanwhile
            # After the command: state, ppid, pgrp, ... utime (12th), stime (13th).
            if int(fields[2]) in groups:
                used += int(fields[11]) + int(fields[12])
        # /proc/stat's first line: user nice system idle iowait irq softirq steal.
        ticks = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
        busy = sum(ticks[:3]) + sum(ticks[5:7])
        return cls(used / TICKS, busy / TICKS, ticks[7] / TICKS, time.monotonic())

    def since(self, earlier: CpuSnapshot, tasks: int) -> str:
        wall = self.at - earlier.at
        services = self.services - earlier.services
        busy = self.machine_busy - earlier.machine_busy
        steal = self.machine_steal - earlier.machine_steal
        return (
            f"CPU in those {wall:.1f} s: workers and beat {services:.1f} s"
            f" ({services / tasks * 1000:.1f} ms a task), whole machine {busy:.1f} s"
            f" of {wall * (os.cpu_count() or 1):.1f} s, stolen by the host {steal:.1f} s"
        )


@dataclass
class BulkSubmission:
    prepared_in: float  # seconds: the submissions written, before the commit
    published_in: float  # seconds: the commit and every task published after it
    first_publish: datetime  # wall clock, as the scores' created_at
    tasks: int
    cpu_at_commit: CpuSnapshot  # just before the commit: the workers start after it


def submit_in_bulk(stack: Stack, offer_ids: list[int], user_id: int) -> BulkSubmission:
    """Submit every offer through the service (`offers.submit`, the declaration
    page's path) in one transaction; once it commits, the outbox's after-commit hook
    publishes all their tasks (`outbox.publishing_all`), in batches, while the
    workers start on the first."""
    app = stack.app
    published: list[datetime] = []
    publish = broker.publish

    def timed_publish(*args: Any, **kwargs: Any) -> None:
        if not published:
            published.append(clock.now())
        publish(*args, **kwargs)

    broker.publish = timed_publish
    try:
        with app.app_context():
            user = db.session.get(User, user_id)
            assert user is not None
            begin = time.monotonic()
            with outbox.publishing_all():
                with db.unit_of_work():
                    for offer_id in offer_ids:
                        offer = db.session.get(Offer, offer_id)
                        assert offer is not None
                        assert offers.submit(offer, user, "Sam Submitter")
                    tasks = len(db.session.info.get("triage.outbox_pending", []))
                    prepared = time.monotonic()
                    cpu = CpuSnapshot.take(stack)
                # Committed and published (the hook runs inside the commit).
                done = time.monotonic()
    finally:
        broker.publish = publish
    assert published, "nothing was published after the commit"
    return BulkSubmission(prepared - begin, done - prepared, published[0], tasks, cpu)


def scored_count(app: Flask, offer_ids: list[int]) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.id.in_(offer_ids), Offer.status == OfferStatus.SCORED)
        )
        db.session.rollback()
    return found or 0


def waits(app: Flask, offer_ids: list[int]) -> tuple[list[float], float]:
    """Each offer's wait for its score (seconds, sorted), and the time from the
    first submission to the last score."""
    with app.app_context():
        rows = db.session.execute(
            select(Offer.submitted_at, func.min(OfferScore.created_at))
            .join(OfferScore, OfferScore.offer_id == Offer.id)
            .where(Offer.id.in_(offer_ids))
            .group_by(Offer.id)
        ).all()
    assert len(rows) == len(offer_ids)
    per_offer = sorted((scored - submitted).total_seconds() for submitted, scored in rows)
    first = min(submitted for submitted, _ in rows)
    last = max(scored for _, scored in rows)
    return per_offer, (last - first).total_seconds()


def scoring_span(app: Flask, offer_ids: list[int]) -> tuple[float, float]:
    """Seconds from the first score to the last, and from the last submission to
    the last score: whether the workers kept up with the submissions."""
    with app.app_context():
        first_score, last_score, last_submit = db.session.execute(
            select(
                func.min(OfferScore.created_at),
                func.max(OfferScore.created_at),
                select(func.max(Offer.submitted_at))
                .where(Offer.id.in_(offer_ids))
                .scalar_subquery(),
            ).where(OfferScore.offer_id.in_(offer_ids))
        ).one()
    return (last_score - first_score).total_seconds(), (last_score - last_submit).total_seconds()


def scores_since(app: Flask, offer_ids: list[int], since: datetime) -> list[float]:
    """Seconds from `since` to each offer's first score, sorted."""
    with app.app_context():
        rows = db.session.scalars(
            select(func.min(OfferScore.created_at))
            .where(OfferScore.offer_id.in_(offer_ids))
            .group_by(OfferScore.offer_id)
        ).all()
        db.session.rollback()
    return sorted((scored - since).total_seconds() for scored in rows)


def emails_sent_before(app: Flask, until: datetime) -> int:
    """How many emails were sent before `until`: the work the workers did besides
    scoring while the scores were still coming."""
    with app.app_context():
        sent = db.session.scalar(
            select(func.count())
            .select_from(EmailMessage)
            .where(EmailMessage.status == EmailStatus.SENT, EmailMessage.sent_at <= until)
        )
        db.session.rollback()
    return sent or 0


def reference_loop_seconds() -> float:
    """Seconds this machine takes for a fixed pure-Python loop, now: the same code
    on a shared machine runs slower at some hours than others, and this says how
    fast it was running when the figures were taken."""
    started = time.perf_counter()
    total = 0
    for number in range(5_000_000):
        total += number * number
    return time.perf_counter() - started


def load_average() -> str:
    """The machine's load, to read the figures by: a shared machine inflates them."""
    one, five, fifteen = os.getloadavg()
    return (
        f"load average (1, 5, 15 min): {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"
    )


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(len(values) * fraction))]


# How often the benchmark asks whether the work is done. The figures come from the
# rows' own timestamps, not from when the benchmark noticed, so a slower poll
# changes none of them and takes less of the machine from the workers measured.
POLL_SECONDS = 0.5


def wait_for_scores(stack: Stack, offer_ids: list[int], limit: float) -> None:
    deadline = time.monotonic() + limit
    while (done := scored_count(stack.app, offer_ids)) < len(offer_ids):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {done} of {len(offer_ids)} scored after {limit}s")
        stack.check_running()
        time.sleep(POLL_SECONDS)


def last_email_after(stack: Stack, since: datetime, limit: float) -> float:
    """Once every email written since `since` is sent: seconds from `since` to the
    last one sent (emails wait behind scores on Redis: triage/tasks.py PRIORITY)."""
    deadline = time.monotonic() + limit
    while True:
        with stack.app.app_context():
            pending, last_sent = db.session.execute(
                select(
                    func.count().filter(EmailMessage.status != EmailStatus.SENT),
                    func.max(EmailMessage.sent_at),
                ).where(EmailMessage.created_at >= since - timedelta(minutes=10))
            ).one()
            db.session.rollback()
        if not pending:
            return (last_sent - since).total_seconds() if last_sent else 0.0
        if time.monotonic() > deadline:
            raise SystemExit(f"{pending} emails still unsent after {limit}s")
        stack.check_running()
        time.sleep(POLL_SECONDS)
