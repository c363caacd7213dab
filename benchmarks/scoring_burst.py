"""A burst of submissions scored in the background, end to end (aim on
Redis/PostgreSQL with two workers: 1,000 offers all scored within 10 seconds).

    .venv/bin/python benchmarks/scoring_burst.py [N] [--stack redis|embedded]
                                                 [--concurrency C]

Starts its own stack (benchmarks/stacks.py: PostgreSQL, Redis, two Celery workers
and beat; or the embedded default, SQLite and the filesystem broker with one
worker), creates N complete offers (default 1,000), then submits them through the
service layer as fast as it can; each submission publishes its tasks after its
commit. It waits for all of them to be scored (each submission also writes its
acknowledgement email, whose delivery task the workers run alongside) and prints
the time from the first submission to the last score, and the median and p95 of
each offer's wait (its score's created_at minus its submitted_at). Worker
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
import time
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacks import (  # noqa: E402
    STACKS,
    make_offers,
    percentile,
    running_stack,
    scoring_span,
    submit,
    wait_for_scores,
    waits,
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
        print(f"{options.stack}: creating {options.count} complete offers ...", flush=True)
        offer_ids, user_id = make_offers(stack.app, options.count)
        print(f"submitting {options.count} offers ...", flush=True)
        begin = time.monotonic()
        for offer_id in offer_ids:
            submit(stack.app, offer_id, user_id)
        submitted_in = time.monotonic() - begin
        wait_for_scores(stack, offer_ids, WAIT_LIMIT)

        per_offer, total = waits(stack.app, offer_ids)
        aim = AIM_SECONDS[options.stack]
        print(f"stack:                     {options.stack}")
        print(f"offers submitted:          {options.count} in {submitted_in:.1f} s")
        print(
            f"first submit to last score: {total:.1f} s"
            + (f" (aim: within {aim} s)" if aim else "")
        )
        span, after_last = scoring_span(stack.app, offer_ids)
        print(
            f"scores per second:         {options.count / span:.0f}"
            f" (first to last score {span:.1f} s; the submissions, one at a time in"
            " this process, set the pace when the workers keep up)"
        )
        print(f"last submit to last score: {after_last:.2f} s")
        print(f"median wait per offer:     {statistics.median(per_offer):.2f} s")
        print(f"p95 wait per offer:        {percentile(per_offer, 0.95):.2f} s")
        print(f"longest wait:              {per_offer[-1]:.2f} s")
        print("tasks run by the workers:")
        print("\n".join(task_summary(stack.started)))


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, Stopped):
        sys.exit(130)
