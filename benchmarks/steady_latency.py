"""Submission to score at a steady rate: the p50 and p95 of each offer's wait
(aim: p95 under 1 s on Redis/PostgreSQL with two workers at 5 offers a second;
under 2 s on the embedded default).

    .venv/bin/python benchmarks/steady_latency.py [--stack redis|embedded|both]
                                                  [--rate 5] [--seconds 30]
                                                  [--concurrency C]

Starts its own stack (benchmarks/stacks.py), creates the offers it needs, then
submits them through the service layer at `--rate` a second for `--seconds`, as
a browser session would (each submission publishes its tasks after its commit),
and waits for every score. A wait is the score's created_at minus the offer's
submitted_at. Everything it starts is stopped and removed at the end.

This is a measurement, not a test: it asserts nothing about the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacks import (  # noqa: E402
    STACKS,
    load_average,
    make_offers,
    percentile,
    reference_loop_seconds,
    running_stack,
    submit,
    wait_for_scores,
    waits,
)

AIM_P95 = {"redis": 1.0, "embedded": 2.0}
WAIT_LIMIT = 300


def measure(name: str, rate: float, seconds: float, concurrency: int) -> None:
    count = max(1, round(rate * seconds))
    with (
        tempfile.TemporaryDirectory(prefix="steady-latency-") as folder,
        running_stack(name, Path(folder), concurrency) as stack,
    ):
        offer_ids, user_id = make_offers(stack.app, count)
        # Let start-up settle (the workers' first connections), as a running
        # service would have.
        time.sleep(2)
        started = time.monotonic()
        behind = 0
        for number, offer_id in enumerate(offer_ids):
            due = started + number / rate
            if (pause := due - time.monotonic()) > 0:
                time.sleep(pause)
            else:
                behind += 1
            submit(stack.app, offer_id, user_id)
        wait_for_scores(stack, offer_ids, WAIT_LIMIT)
        per_offer, _total = waits(stack.app, offer_ids)
    print(
        f"{name:9} {count} offers at {rate:g}/s:"
        f" p50 {statistics.median(per_offer):.3f} s,"
        f" p95 {percentile(per_offer, 0.95):.3f} s,"
        f" max {per_offer[-1]:.3f} s (aim: p95 under {AIM_P95[name]:g} s)"
        + (f"; {behind} submissions late" if behind else ""),
        flush=True,
    )
    print(
        f"          {load_average()}; reference loop {reference_loop_seconds():.2f} s"
        " (machine speed: lower is faster)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stack", choices=(*STACKS, "both"), default="both")
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=1)
    options = parser.parse_args()
    for name in STACKS if options.stack == "both" else (options.stack,):
        measure(name, options.rate, options.seconds, options.concurrency)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
