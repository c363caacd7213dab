"""Server-side time of the staff queue pages with 20,000 submitted offers (aim: p95
under 150 ms a page).

    .venv/bin/python benchmarks/queue_pages.py [N] [REQUESTS]
                                               [--stack embedded|postgres|both]
                                               [--only TEXT]

On each stack (by default both: SQLite, the embedded default, in a temporary
folder, and PostgreSQL started as the integration tests start it, see
tests/servers.py) it migrates a database, and bulk-inserts N submitted offers (default 20,000) with
SQLAlchemy Core: organisations and their submitters, offers in every status after
submission, one to three unit types each, one or two cohorts, one or two scores
each (the newest is the one the queue shows) with a verdict row per rule, and the
audit trail that brought each offer to its status (submitted, scored, assigned,
questions asked and answered, meetings, decisions, with notes between), and what
the service stores with them for the dashboard: each cohort's share of its
offer's units (set by the same statement the service runs) and the offer's stays
in each stage (by the same rule triage.workflow.perform follows), and the
queue's sort keys on each offer (triage.models.queue_keys.refresh).
Then, signed in as a commissioner with Flask's test client, it requests each page
REQUESTS times (default 30, after one warm-up request) and prints a table of the
median and p95 time per page per stack, the median CPU time (the process's, with
SQLite's work in it, plus on PostgreSQL the backends' mean: figures that compare
on a busy machine, where wall times swell) and the SQL statements each request ran.
The server is stopped and removed at the end, also on Ctrl-C or SIGTERM. `--only`
times just the pages whose label contains its text.

This is a measurement, not a test: it asserts nothing about the figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    # Run as a script: tests/ (the server helpers and factories) is importable.
    sys.path.insert(0, str(PROJECT_ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Connection, Engine  # noqa: E402

from rules.offer import Configuration, UnitKind  # noqa: E402
from rules.policy_data import RULE_NAMES  # noqa: E402
from tests import factories  # noqa: E402
from tests.servers import find_postgres_bindir, running_postgres  # noqa: E402
from triage import create_app  # noqa: E402
from triage.cli import upgrade_database  # noqa: E402
from triage.config import Test  # noqa: E402
from triage.models import (  # noqa: E402
    AuditEvent,
    Offer,
    OfferCohort,
    OfferScore,
    OfferStageStay,
    OfferUnitType,
    Organisation,
    ScoreOverride,
    User,
    queue_keys,
)
from triage.models.offers import OfferStatus, share_units  # noqa: E402
from triage.models.scores import OfferScoreVerdict  # noqa: E402
from triage.queue.filters import RULE_TITLES  # noqa: E402
from triage.services.policy import policy_in_force  # noqa: E402
from triage.services.queue import SORTS  # noqa: E402

DATABASE = "triage_queue_bench"
AIM_MS = 150
ORGANISATIONS = 300
OFFICERS = 8
BATCH = 2_000
SEED = 20_000

# Roughly how a year's queue looks: most offers waiting, some decided.
STATUS_WEIGHTS = {
    OfferStatus.SCORED: 38,
    OfferStatus.UNDER_REVIEW: 25,
    OfferStatus.INFORMATION_REQUESTED: 3,
    OfferStatus.MEETING_PROPOSED: 3,
    OfferStatus.FEASIBILITY: 4,
    OfferStatus.APPROVED: 8,
    OfferStatus.DECLINED: 12,
    OfferStatus.WITHDRAWN: 4,
    OfferStatus.SCORING_FAILED: 1,
    OfferStatus.SUBMITTED: 2,
}
DISTRICTS = ["LE1", "LE2", "LE3", "LE4", "LE5", "LE18", "LE19", "LE7", "LE8", "LE9"]
NAMES = ["Court", "House", "Gardens", "Place", "Lodge", "Mews", "View", "Yard"]
STREETS = ["Larkspur", "Ivy", "Belgrave", "Aylestone", "Evington", "Braunstone", "Humberstone"]
CONFIGURATION = next(iter(Configuration)).value
BANDS = [("A", "Strong fit", 75), ("B", "Possible fit", 55), ("C", "Weak fit", 0)]
PAGES = {
    "queue, first page": "/queue",
    "queue, filtered (cohort, red verdict)": "/queue?cohort=diversion_from_residential&verdict=red",
    "queue, deep page (300)": "/queue?page=300",
    "queue, last page": "/queue?page=400",
    "queue, filtered (status under review)": "/queue?status=under_review",
    "queue, filtered (unassigned)": "/queue?officer=unassigned",
    "queue, filtered (district LE1)": "/queue?district=LE1",
    "queue, filtered (configuration)": f"/queue?configuration={CONFIGURATION}",
    "queue, filtered (rule, any verdict)": f"/queue?rule={RULE_NAMES[0]}",
    "queue, filtered (search)": "/queue?search=Ivy+Court",
    "queue, filtered (cohort), sorted by rent": (
        "/queue?cohort=diversion_from_residential&sort=rent&order=ascending"
    ),
    # Each sortable column, both ways (triage.services.queue.SORTS).
    **{
        f"queue, sorted by {column} ({order})": f"/queue?sort={column}&order={order}"
        for column in SORTS
        for order in ("ascending", "descending")
    },
    "queue, sorted by score, deep page (300)": "/queue?sort=score&order=descending&page=300",
    "supply dashboard, unchanged since last view": "/queue/dashboard",
    "supply dashboard, after a change": "/queue/dashboard",
}
# Pages timed straight after a change to what they show (a workflow step written),
# so figures the page reuses while nothing has changed are worked out afresh.
AFTER_A_CHANGE = {"supply dashboard, after a change"}


class Stopped(Exception):
    """SIGTERM: unwind, so the server is stopped."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise Stopped


def verdict_of(points: float) -> str:
    return "green" if points >= 70 else "amber" if points >= 40 else "red"


def band_of(score: float) -> tuple[str, str]:
    return next((name, label) for name, label, least in BANDS if score >= least)


S = OfferStatus
# Days (a range) each step of an offer's history takes after the one before.
STEP_DAYS = {
    "scoring_started": (0.0001, 0.01),
    "scored": (0.0003, 0.02),
    "scoring_failed": (0.0003, 0.02),
    "assign": (0.5, 20),
    "request_information": (1, 15),
    "respond": (1, 20),
    "propose_meeting": (2, 20),
    "progress_to_feasibility": (5, 40),
    "approve": (2, 30),
    "decline": (2, 30),
    "withdraw": (1, 30),
}
Step = tuple[str, OfferStatus | None, OfferStatus | None]
WORKER_STEPS = frozenset({"scoring_started", "scoring_failed"})


def steps_to(status: OfferStatus, rng: random.Random) -> list[Step]:
    """The workflow's steps (action, from, to) that bring a submitted offer to
    `status`, as the service records them."""
    request = ("request_information", S.UNDER_REVIEW, S.INFORMATION_REQUESTED)
    steps: list[Step] = [("submit", S.DRAFT, S.SUBMITTED)]
    if status is S.SUBMITTED:
        return steps
    steps.append(("scoring_started", S.SUBMITTED, S.SCORING))
    if status is S.SCORING_FAILED:
        return [*steps, ("scoring_failed", S.SCORING, S.SCORING_FAILED)]
    steps.append(("scored", S.SCORING, S.SCORED))
    if status is S.SCORED:
        return steps
    if status is S.WITHDRAWN and rng.random() < 0.5:
        return [*steps, ("withdraw", S.SCORED, S.WITHDRAWN)]
    steps.append(("assign", S.SCORED, S.UNDER_REVIEW))
    if rng.random() < 0.3:  # a question, answered
        steps += [request, ("respond", S.INFORMATION_REQUESTED, S.UNDER_REVIEW)]
    if status is S.INFORMATION_REQUESTED:
        return [*steps, request]
    at = S.UNDER_REVIEW
    meeting = status in (S.FEASIBILITY, S.APPROVED) and rng.random() < 0.5
    if status is S.MEETING_PROPOSED or meeting:
        steps.append(("propose_meeting", at, S.MEETING_PROPOSED))
        at = S.MEETING_PROPOSED
    if status is S.FEASIBILITY or (status is S.APPROVED and rng.random() < 0.5):
        steps.append(("progress_to_feasibility", at, S.FEASIBILITY))
        at = S.FEASIBILITY
    final = {S.APPROVED: "approve", S.DECLINED: "decline", S.WITHDRAWN: "withdraw"}
    if status in final:
        steps.append((final[status], at, status))
    return steps


def history(
    status: OfferStatus, submitted: datetime, now: datetime, rng: random.Random
) -> list[tuple[str, OfferStatus | None, OfferStatus | None, datetime]]:
    """The offer's audit trail: each step at a time after the one before, squeezed
    to end before `now`."""
    steps = steps_to(status, rng)
    gaps = [0.0] + [
        # The worker's own steps take a fixed moment, drawing nothing from `rng`,
        # so the offers made are the same as before they were recorded.
        sum(STEP_DAYS[action]) / 2 if action in WORKER_STEPS else rng.uniform(*STEP_DAYS[action])
        for action, _from, _to in steps[1:]
    ]
    room = (now - submitted).total_seconds() / 86_400 * 0.95
    scale = min(1.0, room / sum(gaps)) if sum(gaps) else 1.0
    at, trail = submitted, []
    for (action, source, target), gap in zip(steps, gaps, strict=True):
        at += timedelta(days=gap * scale)
        trail.append((action, source, target, at))
    return trail


def stays_of(
    offer_id: int, trail: list[tuple[str, OfferStatus | None, OfferStatus | None, datetime]]
) -> list[dict[str, Any]]:
    """The offer's stays in each stage, as triage.workflow.perform writes them with
    the trail's status changes: each change of status ends the stay before."""
    stays: list[dict[str, Any]] = []
    for _action, source, target, at in trail:
        if target is None or source == target:
            continue
        stage = target.value
        if stays:
            stays[-1]["left_at"] = at
        stays.append({"offer_id": offer_id, "stage": stage, "entered_at": at, "left_at": None})
    return stays


def populate(connection: Connection, count: int, cohorts: list[str]) -> None:
    """`count` submitted offers, with everything the queue and dashboard read."""
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    organisation_ids = list(
        connection.scalars(
            insert(Organisation).returning(Organisation.id),
            [
                {
                    "name": f"Housing Association {number}",
                    "organisation_type": "registered_provider",
                    "join_token": f"bench-join-token-{number}",
                    "created_at": now,
                }
                for number in range(ORGANISATIONS)
            ],
        )
    )
    submitter_ids = list(
        connection.scalars(
            insert(User).returning(User.id),
            [
                {
                    "email": f"bench-submitter{number}@example.com",
                    "full_name": f"Submitter {number}",
                    "password_hash": "not a real hash",
                    "role": "submitter",
                    "organisation_id": organisation_id,
                    "is_active": True,
                    "created_at": now,
                }
                for number, organisation_id in enumerate(organisation_ids)
            ],
        )
    )
    officer_ids = list(
        connection.scalars(
            insert(User).returning(User.id),
            [
                {
                    "email": f"bench-officer{number}@example.gov.uk",
                    "full_name": f"Officer {number}",
                    "password_hash": "not a real hash",
                    "role": "commissioner",
                    "is_active": True,
                    "created_at": now,
                }
                for number in range(OFFICERS)
            ],
        )
    )
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    configurations = [value.value for value in Configuration]
    kinds = [value.value for value in UnitKind]
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        offers, trails = [], []
        for number in range(start, start + size):
            owner = rng.randrange(ORGANISATIONS)
            status = rng.choices(statuses, weights)[0]
            submitted = now - timedelta(days=rng.uniform(0, 365), seconds=rng.randrange(86_400))
            district = rng.choice(DISTRICTS)
            trail = history(status, submitted, now, rng)
            ended = trail[-1][3]
            decided = status in (OfferStatus.APPROVED, OfferStatus.DECLINED)
            assigned = any(action == "assign" for action, *_rest in trail)
            officer = rng.choice(officer_ids)
            trails.append((owner, officer, trail))
            offers.append(
                {
                    "reference": f"SA-2026-{number + 1:05d}",
                    "organisation_id": organisation_ids[owner],
                    "created_by_id": submitter_ids[owner],
                    "submitted_by_id": submitter_ids[owner],
                    "status": status.value,
                    "created_at": submitted - timedelta(days=3),
                    "updated_at": ended,
                    "submitted_at": submitted,
                    "decided_at": ended if decided else None,
                    "withdrawn_at": ended if status is OfferStatus.WITHDRAWN else None,
                    "assigned_to_id": officer if assigned else None,
                    "decision_reasons": "Benchmark decision" if decided else None,
                    "name": f"{rng.choice(STREETS)} {rng.choice(NAMES)} {number}",
                    "address": f"{rng.randrange(1, 300)} Example Road\nLeicester",
                    "postcode": f"{district} {rng.randrange(1, 9)}ZG",
                    "postcode_district": district,
                    "development_type": rng.choice(["new_build", "conversion", "existing"]),
                    "planning_status": "granted",
                    "site_area_hectares": round(rng.uniform(0.05, 2), 3),
                    "site_area_answered": True,
                    "date_available": date(2026 + rng.randrange(0, 5), rng.randrange(1, 13), 1),
                    "configuration": rng.choice(configurations),
                    "support_model": "on_site_24_7",
                    "age_min": 18,
                    "age_max": 64,
                    "declaration_name": f"Submitter {owner}",
                    "version": rng.randrange(1, 5),
                }
            )
        offer_ids = list(connection.scalars(insert(Offer).returning(Offer.id), offers))
        units, offer_cohorts, scores, events, stays = [], [], [], [], []
        for offer_id, (owner, officer, trail) in zip(offer_ids, trails, strict=True):
            stays += stays_of(offer_id, trail)
            for action, source, target, at in trail:
                staff = action not in ("submit", "respond", "withdraw")
                events.append(
                    {
                        "offer_id": offer_id,
                        "actor_id": None
                        if action in ("scoring_started", "scored", "scoring_failed")
                        else officer
                        if staff
                        else submitter_ids[owner],
                        "action": action,
                        "from_status": source.value if source else None,
                        "to_status": target.value if target else None,
                        "detail": None,
                        "at": at,
                    }
                )
            # Notes on the timeline, which change no status.
            for _ in range(rng.randrange(0, 3)):
                events.append(
                    {
                        "offer_id": offer_id,
                        "actor_id": officer,
                        "action": "note",
                        "from_status": None,
                        "to_status": None,
                        "detail": "Note added",
                        "at": rng.choice(trail)[3] + timedelta(hours=1),
                    }
                )
            for kind in rng.sample(kinds, rng.randrange(1, 4)):
                units.append(
                    {
                        "offer_id": offer_id,
                        "kind": kind,
                        "count": rng.randrange(1, 25),
                        "own_bathroom": True,
                        "own_kitchen": kind != UnitKind.SHARED_ROOM,
                        "most_people_sharing": 1,
                        "core_rent_pence": rng.randrange(90_00, 220_00),
                        "eligible_service_charge_pence": rng.randrange(10_00, 60_00),
                        "ineligible_service_charge_pence": rng.randrange(0, 20_00),
                        "intensive_housing_management_pence": 0,
                    }
                )
            for cohort in rng.sample(cohorts, rng.choice([1, 1, 1, 2])):
                offer_cohorts.append({"offer_id": offer_id, "cohort": cohort})
            # Some offers were scored again (a new policy, or an approval elsewhere).
            for version in range(rng.choice([1, 1, 1, 2])):
                points = {rule: rng.uniform(0, 100) for rule in RULE_NAMES}
                results = [
                    {
                        "rule": rule,
                        "title": RULE_TITLES[rule],
                        "verdict": verdict_of(value),
                        "score": round(value, 1),
                    }
                    for rule, value in points.items()
                ]
                red = [item["rule"] for item in results if item["verdict"] == "red"]
                score = round(statistics.mean(points.values()), 1)
                band, label = band_of(score)
                scores.append(
                    {
                        "offer_id": offer_id,
                        "policy_version": "bench",
                        "supply_basis": f"basis-{version}",
                        "score": score,
                        "band": band,
                        "band_label": label,
                        "red_flags": red,
                        "red_flag_count": len(red),
                        "results": results,
                        "created_at": now,
                    }
                )
        connection.execute(insert(AuditEvent), events)
        connection.execute(insert(OfferUnitType), units)
        connection.execute(insert(OfferCohort), offer_cohorts)
        connection.execute(share_units(offer_ids))
        connection.execute(insert(OfferStageStay), stays)
        score_ids = list(connection.scalars(insert(OfferScore).returning(OfferScore.id), scores))
        connection.execute(
            insert(OfferScoreVerdict),
            [
                {"score_id": score_id, "rule": item["rule"], "verdict": item["verdict"]}
                for score_id, row in zip(score_ids, scores, strict=True)
                for item in row["results"]
            ],
        )
        # About one offer in fifty has its score overridden by an officer, which
        # the queue ranks by (the newest score of each offer is its last here).
        newest = {
            row["offer_id"]: score_id for score_id, row in zip(score_ids, scores, strict=True)
        }
        overrides = [
            {
                "offer_id": offer_id,
                "score_id": score_id,
                "score": round(rng.uniform(0, 100), 1),
                "band": rng.choice(BANDS)[0],
                "justification": "Benchmark override",
                "by_id": rng.choice(officer_ids),
                "at": now,
            }
            for offer_id, score_id in newest.items()
            if rng.random() < 0.02
        ]
        if overrides:
            connection.execute(insert(ScoreOverride), overrides)
        # The queue's sort keys on each offer, by the statement the app runs when
        # it writes scores, overrides and units (this writes them with Core).
        connection.execute(queue_keys.refresh(offer_ids))
        print(f"  {start + size} offers", flush=True)


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._executed)

    def _executed(self, *_args: Any) -> None:
        self.count += 1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# (page, median ms, p95 ms, SQL statements of each request, median CPU ms)
Figures = tuple[str, float, float, list[int], float]
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def database_cpu_ms(app: Flask) -> float:
    """CPU time the PostgreSQL backends serving this database have used so far (from
    /proc, in clock ticks); 0 on SQLite, whose work is the process's own."""
    engine = app.extensions["triage.engine"]
    if engine.dialect.name != "postgresql":
        return 0.0
    with engine.connect() as connection:
        pids = connection.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
    used = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used += int(fields[11]) + int(fields[12])  # utime, stime
    return used * 1000 / TICKS


def measure(app: Flask, requests: int) -> list[Figures]:
    """Each page's wall time (what a user waits: inflated by other work on the
    machine) and CPU time (the process's own, SQLite's included, plus on PostgreSQL
    its backends' share, averaged: less sensitive to load, so before-and-after
    figures taken on a busy machine still compare)."""
    account = factories.staff("commissioner")
    client = factories.signed_in_client(app, account)
    counter = StatementCounter(app.extensions["triage.engine"])
    # As the web process does once the app is built (triage/wsgi.py): what was
    # loaded before the first request is kept out of the garbage collector's walks.
    gc.collect()
    gc.freeze()
    figures = []
    for label, url in PAGES.items():
        response = client.get(url)  # warm-up: templates compiled, caches filled
        assert response.status_code == 200, f"{url} gave {response.status_code}"
        times, statements, cpu = [], [], []
        database_begin = database_cpu_ms(app)
        for _ in range(requests):
            if label in AFTER_A_CHANGE:
                # What a workflow step writes: the offer's new version (the
                # dashboard's figures are keyed on it) and its audit event.
                with app.extensions["triage.engine"].begin() as connection:
                    connection.execute(
                        text(
                            "UPDATE offers SET version = version + 1"
                            " WHERE id = (SELECT min(id) FROM offers)"
                        )
                    )
                    connection.execute(
                        text("INSERT INTO audit_events (action, at) VALUES ('benchmark', :at)"),
                        {"at": datetime.now(UTC)},
                    )
            counter.count = 0
            begin, cpu_begin = time.perf_counter(), time.process_time()
            response = client.get(url)
            response.get_data()
            times.append((time.perf_counter() - begin) * 1000)
            cpu.append((time.process_time() - cpu_begin) * 1000)
            statements.append(counter.count)
            assert response.status_code == 200, f"{url} gave {response.status_code}"
        # The backends' ticks are too coarse for one request: their mean is added.
        database = (database_cpu_ms(app) - database_begin) / requests
        figures.append(
            (
                label,
                statistics.median(times),
                percentile(times, 0.95),
                statements,
                statistics.median(cpu) + database,
            )
        )
        print(
            f"  {label:46} {figures[-1][1]:7.1f} {figures[-1][2]:7.1f} ms,",
            f"CPU {figures[-1][4]:6.1f} ms (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
    return figures


STACKS = ("embedded", "postgres")


@contextmanager
def database(stack: str, root: Path) -> Iterator[str]:
    """A migrated, empty database on `stack`: SQLite in `root` (the embedded
    default) or a PostgreSQL server started for the run (tests/servers.py)."""
    if stack == "embedded":
        url = f"sqlite:///{root / 'triage.sqlite3'}"
        upgrade_database(url)
        yield url
        return
    bindir = find_postgres_bindir()
    if bindir is None:
        raise SystemExit("needs PostgreSQL: apt-get install postgresql")
    with running_postgres(bindir) as pg:
        url = pg.create_database(DATABASE)
        upgrade_database(url)
        yield url


def run(stack: str, count: int, requests: int) -> list[Figures]:
    with ExitStack() as stack_of:
        root = Path(stack_of.enter_context(tempfile.TemporaryDirectory(prefix="queue-pages-")))
        url = stack_of.enter_context(database(stack, root))
        app = create_app(
            Test,
            DATABASE_URL=url,
            INSTANCE_DIR=root,
            MAIL_DIR=root / "mail",
            UPLOAD_DIR=root / "uploads",
        )
        stack_of.callback(lambda: app.extensions["triage.engine"].dispose())
        factories.use_app(app)
        with app.app_context():
            cohorts = [cohort.code for cohort in policy_in_force().cohorts]

        print(f"{stack}: inserting {count} submitted offers ...", flush=True)
        begin = time.monotonic()
        engine = app.extensions["triage.engine"]
        with engine.begin() as connection:
            populate(connection, count, cohorts)
        # What autovacuum does after a bulk insert (PostgreSQL 13 and later): the
        # planner's statistics, and the visibility map index-only scans rely on;
        # on SQLite, the statistics its planner reads (ANALYZE).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE" if stack == "postgres" else "ANALYZE"))
        print(f"{stack}: inserted in {time.monotonic() - begin:.1f} s", flush=True)
        return measure(app, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=20_000)
    parser.add_argument("requests", nargs="?", type=int, default=30)
    parser.add_argument("--stack", choices=(*STACKS, "both"), default="both")
    parser.add_argument("--only", default="", help="time only pages whose label has this")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, _on_sigterm)
    stacks = STACKS if options.stack == "both" else (options.stack,)
    if options.only:
        for label in [label for label in PAGES if options.only not in label]:
            del PAGES[label]
    load = os.getloadavg()
    results = {stack: run(stack, options.count, options.requests) for stack in stacks}
    print(
        f"\n{options.requests} requests a page, server side (Flask test client), ms;"
        f" load average {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after:"
    )
    heading = "".join(
        f" {stack + ' p50':>14} {stack + ' p95':>14} {stack + ' CPU':>14}" for stack in stacks
    )
    print(f"  {'page':46}{heading}  SQL statements")
    for row, label in enumerate(PAGES):
        cells, missed, shown = "", [], ""
        for stack in stacks:
            _label, median, p95, statements, cpu = results[stack][row]
            cells += f" {median:14.1f} {p95:14.1f} {cpu:14.1f}"
            counts = sorted(set(statements))
            shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
            if p95 >= AIM_MS:
                missed.append(stack)
        note = f"  (misses the {AIM_MS} ms aim on {', '.join(missed)})" if missed else ""
        print(f"  {label:46}{cells}  {shown:>5}{note}")


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, Stopped):
        sys.exit(130)
