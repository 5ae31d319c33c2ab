"""Benchmark: the progress page with its chart, and the printed summary.

Run by `make bench`, or by hand:

    .venv/bin/python tests/bench/progress.py --days 180

It builds a fresh SQLite database (or uses DATABASE_URL when set) with one
patient whose diary runs for ``--days`` days up to today, checked in day by day
through the app's own service (so the advice history holds the level changes
the chart marks), and requests the progress page in-process with Django's test
client as that patient: once to warm up, then ``--runs`` times. It prints the
median and 95th percentile server time, the median CPU time (steadier than the
clock on a shared machine), the number of queries and the size of the page,
and whether matplotlib was imported by then: the page must not need it. This is
a fresh process, so nothing else has imported it.

Then the one-page summary (PDF): the first one drawn (with the import of
matplotlib), one drawn after that, and one from the cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import sys
import time

from fresh import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from tracker import assessment, checkins, lifecycle
    from tracker.models import Clinic, Patient, User

    today = timezone.localdate()
    clinic = Clinic.objects.create(
        name="Fysio Bench", slug="bench", city="Tilburg", phone="013-1234567"
    )
    user = User.objects.create_user("bench-patient", first_name="Bench", last_name="Patiënt")
    patient = Patient.objects.create(user=user, clinic=clinic, year_of_birth=1980)
    first = today - dt.timedelta(days=args.days - 1)
    episode = lifecycle.episode_open(
        patient=patient, onset=first - dt.timedelta(days=2), today=first
    )
    rng = random.Random(1)
    started = time.perf_counter()
    for n in range(args.days):
        day = first + dt.timedelta(days=n)
        if 2 <= n < args.days - 2 and rng.random() < 1 / 15:
            continue  # a forgotten day now and then
        weeks = (n + 2) / 7
        pain = round(7 * (0.3 + 0.7 * math.exp(-0.2 * weeks)) + rng.gauss(0, 1))
        pain = min(10, max(0, pain))
        checkins.entry_save(
            episode=episode,
            today=day,
            day=day,
            answers={
                "pain": pain,
                "function": "yes" if pain < 5 else "partly",
                "active_minutes": 30,
            },
        )
    assessment.reassess(episodes=[episode], today=today)
    entries = episode.entries.count()
    changes = episode.assessments.count()
    seeded = time.perf_counter() - started

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("tracker:progress")
    assert client.get(url).status_code == 200  # warm up
    timings, cpu = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            begin, begin_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - begin) * 1000)
            cpu.append((time.process_time() - begin_cpu) * 1000)
        assert response.status_code == 200
    page_imported_matplotlib = "matplotlib" in sys.modules

    print(
        f"Progress page benchmark: one patient, {args.days} days of diary ({entries} entries, "
        f"{changes} advice records; {connection.vendor}; built in {seeded:.1f} s); "
        f"{args.runs} runs"
    )
    print(f"{'page':<30} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'queries':>8} {'kB':>5}")
    print(
        f"{'progress page with its chart':<30} {statistics.median(timings):>10.1f} "
        f"{p95(timings):>8.1f} {statistics.median(cpu):>7.1f} {len(queries):>8} "
        f"{len(response.content) / 1024:>5.0f}"
    )
    print(
        f"matplotlib imported by the progress page: {'yes' if page_imported_matplotlib else 'no'}"
    )

    summary_url = reverse("tracker:summary_pdf")
    cache.clear()
    first_ms, first_pdf = timed(client, summary_url)
    cache.clear()
    drawn_ms, _pdf = timed(client, summary_url)
    cached_ms, _pdf = timed(client, summary_url)
    print(
        f"summary PDF ({len(first_pdf) / 1024:.0f} kB): the first {first_ms:.0f} ms "
        f"(imports matplotlib), then {drawn_ms:.0f} ms drawn, {cached_ms:.1f} ms from the cache"
    )


def timed(client, url: str) -> tuple[float, bytes]:
    begin = time.perf_counter()
    response = client.get(url)
    ms = (time.perf_counter() - begin) * 1000
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    return ms, response.content


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


if __name__ == "__main__":
    main()
