"""A burst of submissions scored in the background, end to end (aim on
Redis/PostgreSQL with two workers: 1,000 offers all scored within 10 seconds).

    .venv/bin/python benchmarks/scoring_burst.py [N] [--stack redis|embedded]
                                                 [--concurrency C]

Starts its own stack (benchmarks/stacks.py: PostgreSQL, Redis, two Celery workers
and beat; or the embedded default, SQLite and the filesystem broker with one
worker), creates N complete offers (default 1,000), then submits them all in one
transaction through the service (`offers.submit`, the declaration page's path);
once it commits, the outbox publishes all their tasks in bulk (each submission
also writes its acknowledgement email, whose delivery task the workers run
alongside). It prints the time from the first publish to the last score (the
figure the aim is about), how long writing and publishing the submissions took,
and the median and p95 of each offer's score after the first publish. Then the
CPU the workers used from the commit to the last score (per task: a figure a
shared machine inflates less than the wall clock), the whole machine's, and the
time its host stole from it, to read the wall-clock figures by; and how many
acknowledgement emails went out before the last score, and how long a fixed
Python loop took before and after (how fast the machine was running). Worker
processes per worker: --concurrency (or WORKER_CONCURRENCY), 1 by default.
Everything it starts is stopped and removed at the end, also on Ctrl-C or SIGTERM.

This is a measurement, not a test: it asserts nothing about the figures.
"""

from __future__ import annotations

import argparse
import re
import signal
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacks import (  # noqa: E402
    STACKS,
    CpuSnapshot,
    emails_sent_before,
    last_email_after,
    load_average,
    make_offers,
    percentile,
    reference_loop_seconds,
    running_stack,
    scores_since,
    scoring_span,
    submit_in_bulk,
    wait_for_scores,
)

from tests.integration.helpers import Service  # noqa: E402

AIM_SECONDS = {"redis": 10, "embedded": None}
# Give up waiting for the scores after this many seconds.
WAIT_LIMIT = 600


class Stopped(Exception):
    """SIGTERM: unwind, so everything started is stopped."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise Stopped


TASK_LINE = re.compile(r"Task ([\w.]+)\[[0-9a-f-]+\] succeeded in ([0-9.e-]+)s: (.*)")


def task_summary(started: list[Service]) -> list[str]:
    """Per task name: how many ran, and their total and mean seconds."""
    seconds: dict[str, list[float]] = {}
    for service in started:
        for name, took, _result in TASK_LINE.findall(service.log()):
            seconds.setdefault(name, []).append(float(took))
    return [
        f"  {name:32} {len(took):5} runs, {sum(took):6.1f} s,"
        f" mean {statistics.mean(took) * 1000:6.1f} ms"
        for name, took in sorted(seconds.items())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=1_000)
    parser.add_argument("--stack", choices=STACKS, default="redis")
    parser.add_argument("--concurrency", type=int, default=1)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, _on_sigterm)
    with (
        tempfile.TemporaryDirectory(prefix="scoring-burst-") as folder,
        running_stack(options.stack, Path(folder), options.concurrency) as stack,
    ):
        loop_before = reference_loop_seconds()
        print(f"{options.stack}: creating {options.count} complete offers ...", flush=True)
        offer_ids, user_id = make_offers(stack.app, options.count)
        print(f"submitting {options.count} offers in one transaction ...", flush=True)
        bulk = submit_in_bulk(stack, offer_ids, user_id)
        wait_for_scores(stack, offer_ids, WAIT_LIMIT)
        cpu_after = CpuSnapshot.take(stack)

        after_publish = scores_since(stack.app, offer_ids, bulk.first_publish)
        aim = AIM_SECONDS[options.stack]
        workers = "two workers" if options.stack == "redis" else "one worker"
        print(f"stack:                       {options.stack}, {workers}")
        print(f"worker processes per worker: {options.concurrency}")
        print(
            f"submissions written:         {options.count} in {bulk.prepared_in:.1f} s"
            " (one transaction)"
        )
        print(f"commit and publish:          {bulk.tasks} tasks in {bulk.published_in:.2f} s")
        print(
            f"first publish to last score: {after_publish[-1]:.1f} s"
            + (f" (aim: within {aim} s)" if aim else "")
        )
        span, _after_last = scoring_span(stack.app, offer_ids)
        print(
            f"scores per second:           {options.count / after_publish[-1]:.0f}"
            f" (first to last score {span:.1f} s)"
        )
        print(f"median score after publish:  {statistics.median(after_publish):.2f} s")
        print(f"p95 score after publish:     {percentile(after_publish, 0.95):.2f} s")
        print(cpu_after.since(bulk.cpu_at_commit, options.count))
        last_email = last_email_after(stack, bulk.first_publish, WAIT_LIMIT)
        print(f"first publish to last email: {last_email:.1f} s (emails wait behind scores)")
        last_score = bulk.first_publish + timedelta(seconds=after_publish[-1])
        print(
            f"emails sent before the last score: {emails_sent_before(stack.app, last_score)}"
            f" of {options.count}"
        )
        print("tasks run by the workers:")
        print("\n".join(task_summary(stack.started)))
        print(
            f"reference loop (machine speed): {loop_before:.2f} s before,"
            f" {reference_loop_seconds():.2f} s after (lower is faster)"
        )
        print(load_average())


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, Stopped):
        sys.exit(130)
