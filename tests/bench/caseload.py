"""Benchmark: the caseload pages at one clinic of N patients with 180 days of history.

Run by `make bench`, or by hand:

    .venv/bin/python tests/bench/caseload.py --patients 2000

It builds a fresh SQLite database (or uses DATABASE_URL when set) with
`seed_demo --clinic tilburg --patients N --days 180`, then requests each page
in-process with Django's test client as the clinic's physiotherapist, and prints
the median server time and the number of queries per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from fresh import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tracker import middleware
    from tracker.models import Patient, User

    started = time.perf_counter()
    call_command(
        "seed_demo",
        clinic="tilburg",
        patients=args.patients,
        days=args.days,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    seeded = time.perf_counter() - started

    client = Client(HTTP_HOST="127.0.0.1")
    physio = User.objects.get(username="demo-physio-tilburg")
    client.force_login(physio)
    # As after the login page and the two-factor step (seed_demo gave the device).
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=physio).persistent_id
    session[middleware.ROLE_KEY] = "physio"
    session.save()
    middle = Patient.objects.filter(clinic__slug="tilburg").order_by("pk")[args.patients // 2]
    pages = {
        "dashboard, first page": reverse("tracker:clinic_dashboard", args=["tilburg"]),
        "dashboard, level filter": reverse("tracker:clinic_dashboard", args=["tilburg"])
        + "?level=see_physio",
        "dashboard, by 7-day mean": reverse("tracker:clinic_dashboard", args=["tilburg"])
        + "?sort=mean",
        "dashboard, search 'zoe'": reverse("tracker:clinic_dashboard", args=["tilburg"]) + "?q=zoe",
        "patient detail": reverse("tracker:patient_detail", args=["tilburg", middle.pk]),
        "CSV export": reverse("tracker:caseload_csv", args=["tilburg"]),
    }

    print(
        f"Caseload benchmark: 1 clinic, {args.patients} patients, {args.days} days of history "
        f"({connection.vendor}; seeded in {seeded:.1f} s); median of {args.runs} runs"
    )
    print(f"{'page':<26} {'median ms':>10} {'queries':>8}")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name  # warm up, refresh stale levels
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                timings.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, name
        print(f"{name:<26} {statistics.median(timings):>10.1f} {len(queries):>8}")


if __name__ == "__main__":
    main()
