"""A burst of submissions scored in the background, end to end (aim: 1,000 offers
all scored within 20 seconds).

    .venv/bin/python benchmarks/scoring_burst.py [N]

Starts its own PostgreSQL and Redis (as the integration tests do, see
tests/servers.py), migrates a database, and runs two Celery workers
(`--concurrency=1` each) and beat relaying the outbox every 0.5 seconds. It then
submits N complete offers (default 1,000) through the service layer as fast as
it can and waits for all of them to be scored (each submission also writes its
acknowledgement email, whose delivery task the workers run alongside). It prints
the time from the first submission to the last score, and the median and p95 of
each offer's wait (its score's created_at minus its submitted_at). Everything it
starts is stopped and removed at the end, also on Ctrl-C or SIGTERM.

This is a measurement, not a test: it asserts nothing about the figures.
"""

from __future__ import annotations

import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType

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
from triage import create_app, db  # noqa: E402
from triage.cli import upgrade_database  # noqa: E402
from triage.config import Test  # noqa: E402
from triage.models import Offer, OfferScore, User  # noqa: E402
from triage.models.offers import OfferStatus  # noqa: E402
from triage.services import offers  # noqa: E402

DATABASE = "triage_bench"
RELAY_INTERVAL = "0.5"
AIM_SECONDS = 20
# Give up waiting for the scores after this many seconds.
WAIT_LIMIT = 600
START_LIMIT = 60


class Stopped(Exception):
    """SIGTERM: unwind, so everything started is stopped."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise Stopped


@contextmanager
def services(logs: Path) -> Iterator[Services]:
    started = Services(logs)
    try:
        yield started
    finally:
        started.stop_all()


def wait_until_ready(service: Service) -> None:
    deadline = time.monotonic() + START_LIMIT
    while " ready." not in service.log() and "beat: Starting" not in service.log():
        if not service.running or time.monotonic() > deadline:
            raise SystemExit(f"{service.name} did not start:\n{service.describe()}")
        time.sleep(0.1)


def make_offers(app: Flask, count: int) -> tuple[list[int], int]:
    """`count` complete draft offers of one organisation, and its submitter's id."""
    factories.use_app(app)
    account = factories.submitter()
    with app.app_context():
        ids = [factories._complete_offer(account).id for _ in range(count)]
    return ids, account.id


def submit_all(app: Flask, offer_ids: list[int], user_id: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        for offer_id in offer_ids:
            offer = db.session.get(Offer, offer_id)
            assert offer is not None
            assert offers.submit(offer, user, "Sam Submitter")


def scored_count(app: Flask, offer_ids: list[int]) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                select(func.count())
                .select_from(Offer)
                .where(Offer.id.in_(offer_ids), Offer.status == OfferStatus.SCORED)
            )
            or 0
        )


def waits(app: Flask, offer_ids: list[int]) -> tuple[list[float], float]:
    """Each offer's wait for its score (seconds), and the time from the first
    submission to the last score."""
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


TASK_LINE = re.compile(r"Task ([\w.]+)\[[0-9a-f-]+\] succeeded in ([0-9.e-]+)s: (.*)")


def task_summary(started: list[Service]) -> list[str]:
    """Per task name: how many ran, and their total and mean seconds; for the
    relay, how many messages its runs published."""
    seconds: dict[str, list[float]] = {}
    published = 0
    for service in started:
        for name, took, result in TASK_LINE.findall(service.log()):
            seconds.setdefault(name, []).append(float(took))
            if name == "outbox.relay":
                published += int(result)
    lines = []
    for name, took in sorted(seconds.items()):
        line = f"  {name:32} {len(took):5} runs, {sum(took):6.1f} s, mean {statistics.mean(took) * 1000:6.1f} ms"
        if name == "outbox.relay":
            line += f", {published} published"
        lines.append(line)
    return lines


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(len(values) * fraction))]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    signal.signal(signal.SIGTERM, _on_sigterm)
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scoring-burst-")))
        bindir = find_postgres_bindir()
        redis_binary = find_redis_server()
        if bindir is None or redis_binary is None:
            raise SystemExit(
                "needs PostgreSQL and redis-server: apt-get install postgresql redis-server"
            )
        pg = stack.enter_context(running_postgres(bindir))
        broker = stack.enter_context(running_redis(redis_binary))
        url = pg.create_database(DATABASE)
        upgrade_database(url)
        settings = {
            "TRIAGE_ENV": "test",
            "DATABASE_URL": url,
            "REDIS_URL": broker.url,
            "TRIAGE_INSTANCE_DIR": root,
            "MAIL_DIR": root / "mail",
            "UPLOAD_DIR": root / "uploads",
            "EMAIL_BACKEND": "file",
            "OUTBOX_RELAY_INTERVAL_SECONDS": RELAY_INTERVAL,
        }
        app = create_app(
            Test,
            DATABASE_URL=url,
            REDIS_URL=broker.url,
            INSTANCE_DIR=root,
            MAIL_DIR=root / "mail",
            UPLOAD_DIR=root / "uploads",
        )
        stack.callback(lambda: app.extensions["triage.engine"].dispose())

        print(f"creating {count} complete offers ...", flush=True)
        offer_ids, user_id = make_offers(app, count)

        logs = root / "logs"
        logs.mkdir()
        running = stack.enter_context(services(logs))
        env = service_environment(settings)
        started = [
            running.worker("worker-1", env, beat=False),
            running.worker("worker-2", env, beat=False),
            running.beat("beat", env),
        ]
        for service in started:
            wait_until_ready(service)

        print(f"submitting {count} offers ...", flush=True)
        begin = time.monotonic()
        submit_all(app, offer_ids, user_id)
        submitted_in = time.monotonic() - begin
        deadline = time.monotonic() + WAIT_LIMIT
        while (done := scored_count(app, offer_ids)) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {done} of {count} scored after {WAIT_LIMIT}s")
            stopped = [service for service in started if not service.running]
            if stopped:
                raise SystemExit(f"a service stopped:\n{stopped[0].describe()}")
            time.sleep(0.1)

        per_offer, total = waits(app, offer_ids)
        print(f"offers submitted:          {count} in {submitted_in:.1f} s")
        print(f"first submit to last score: {total:.1f} s (aim: within {AIM_SECONDS} s)")
        print(f"median wait per offer:     {statistics.median(per_offer):.2f} s")
        print(f"p95 wait per offer:        {percentile(per_offer, 0.95):.2f} s")
        print(f"longest wait:              {per_offer[-1]:.2f} s")
        print("tasks run by the workers:")
        print("\n".join(task_summary(started)))


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, Stopped):
        sys.exit(130)
