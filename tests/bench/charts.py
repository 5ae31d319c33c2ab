"""Benchmark: drawing the patients' progress charts.

Run by `make bench`, or by hand:

    .venv/bin/python tests/bench/charts.py --patients 200

It builds a fresh SQLite database (or uses DATABASE_URL when set) with
`seed_demo --patients N --days 30`, the load test's data, and draws the progress
chart of every open episode in-process, in Dutch, as of today. It prints the
median and 95th percentile CPU time (``time.process_time``) of

- a chart whose frame (the axes without the diary) this process has not drawn
  yet: what the first chart of a layout in a server process costs;
- a chart on a kept frame: what a chart costs after a check-in changed the
  diary;
- a chart from the cache (the diary unchanged),

and the median size of the PNG.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

from fresh import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    args = parser.parse_args()

    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone, translation

    from tracker import charts
    from tracker.models import Episode

    call_command(
        "seed_demo",
        patients=args.patients,
        days=30,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    today = timezone.localdate()
    episodes = list(Episode.objects.filter(closed_at__isnull=True).order_by("pk"))

    def cpu_ms(draw) -> tuple[float, bytes]:
        begin = time.process_time()
        png = draw()
        return (time.process_time() - begin) * 1000, png

    translation.activate("nl")
    charts.progress_chart_png(episode=episodes[0], today=today)  # imports matplotlib
    new_frame, kept_frame, cached, sizes = [], [], [], []
    for episode in episodes:
        charts._frames.clear()
        new_frame.append(
            cpu_ms(lambda e=episode: charts.progress_chart_png(episode=e, today=today))[0]
        )
    for episode in episodes:  # every layout's frame drawn once
        charts.progress_chart_png(episode=episode, today=today)
    for episode in episodes:
        ms, png = cpu_ms(lambda e=episode: charts.progress_chart_png(episode=e, today=today))
        kept_frame.append(ms)
        sizes.append(len(png))
    cache.clear()
    for episode in episodes:
        charts.progress_chart(episode=episode, today=today)
        cached.append(cpu_ms(lambda e=episode: charts.progress_chart(episode=e, today=today))[0])

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    print(
        f"Chart benchmark: {len(episodes)} open episodes, 30 days of diary "
        f"({connection.vendor}); CPU ms per chart; {len(charts._frames)} frames kept"
    )
    print(f"{'chart':<26} {'median ms':>10} {'p95 ms':>8}")
    for name, values in (
        ("on a new frame", new_frame),
        ("on a kept frame", kept_frame),
        ("from the cache", cached),
    ):
        print(f"{name:<26} {statistics.median(values):>10.1f} {p95(values):>8.1f}")
    print(f"PNG size: median {statistics.median(sizes) / 1024:.0f} kB")


if __name__ == "__main__":
    main()
