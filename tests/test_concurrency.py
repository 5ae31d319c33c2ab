"""Many hands at once: simultaneous check-ins, red flags and reassessments lose
nothing, duplicate nothing, and never answer with a 500. Runs on the suite's
database (SQLite in a file, or PostgreSQL), each thread with its own connection."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from advice import engine
from tests.conftest import client_for
from tests.factories import make_clinic, make_patient
from tracker import checkins
from tracker.models import AssessmentRecord, DailyEntry, Episode, RedFlagReport

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[1]
THREADS = 8


def run_together(task, count: int = THREADS) -> list:
    """Run task(i) in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            prepared = task.prepare(i) if hasattr(task, "prepare") else None
            barrier.wait()
            return task(i, prepared)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(worker, range(count)))


@pytest.fixture
def patient():
    clinic = make_clinic()
    return make_patient(clinic, onset=timezone.localdate() - dt.timedelta(days=5))


class CheckIn:
    def __init__(self, patient):
        self.patient = patient

    def prepare(self, i):
        return client_for(self.patient.user)

    def __call__(self, i, client):
        # Each form was opened when the day had no entry yet (version empty).
        data = {"pain": str(i), "function": "yes", "work_status": "n_a", "version": ""}
        url = reverse("tracker:checkin_day", args=[timezone.localdate()])
        return client.post(url, data).status_code


def test_eight_simultaneous_check_ins_of_one_day_leave_one_entry(patient):
    codes = run_together(CheckIn(patient))
    assert all(code < 500 for code in codes), codes
    # The first is saved; the others were opened on an empty day, so each is
    # asked (the form again) before replacing what the first stored.
    assert sorted(codes) == [200] * (THREADS - 1) + [302]
    [entry] = DailyEntry.objects.filter(episode__patient=patient)
    assert entry.pain in range(THREADS) and entry.version == 1
    episode = Episode.objects.get(patient=patient)
    assert episode.level == engine.TOO_FEW_ENTRIES
    assert AssessmentRecord.objects.filter(episode=episode).count() == 1  # one level, one row


class RedFlag:
    def __init__(self, patient):
        self.patient = patient

    def prepare(self, i):
        return client_for(self.patient.user)

    def __call__(self, i, client):
        data = {f"red_flag_{code}": "no" for code in engine.RED_FLAGS}
        data["red_flag_leg_weakness"] = "yes"
        return client.post(reverse("tracker:red_flags"), data).status_code


def test_simultaneous_red_flag_reports_leave_one_open_report(patient):
    codes = run_together(RedFlag(patient))
    assert codes == [302] * THREADS
    assert RedFlagReport.objects.filter(resolved_at__isnull=True).count() == 1
    episode = Episode.objects.get(patient=patient)
    assert episode.level == engine.EMERGENCY
    levels = list(AssessmentRecord.objects.filter(episode=episode).values_list("level", flat=True))
    assert levels.count(engine.EMERGENCY) == 1


def test_a_reassessment_during_check_ins_keeps_the_stored_level_true(patient):
    episode = Episode.objects.get(patient=patient)
    today = timezone.localdate()
    for n in range(1, 5):
        DailyEntry.objects.create(
            episode=episode, day=today - dt.timedelta(days=n), pain=3, function="yes"
        )
    Episode.objects.filter(pk=episode.pk).update(assessed_on=today - dt.timedelta(days=1))

    class Mixed:
        def prepare(self, i):
            return client_for(patient.user) if i % 2 else None

        def __call__(self, i, client):
            if client is None:
                call_command("reassess", stdout=open(os.devnull, "w"))  # noqa: SIM115
                return 0
            data = {"pain": "9", "function": "no", "work_status": "n_a", "version": ""}
            return client.post(reverse("tracker:checkin_day", args=[today]), data).status_code

    codes = run_together(Mixed())
    assert all(code in (0, 200, 302) for code in codes), codes
    assert codes.count(302) == 1  # the others are asked before replacing it
    episode.refresh_from_db()
    rows = episode.entries.values_list("day", "pain", "function", "bed_rest")
    expected = engine.assess(
        onset=episode.onset, today=today, entries=[engine.DayEntry(*row) for row in rows]
    )
    assert (episode.level, episode.reasons) == (expected.level, list(expected.reasons))
    assert episode.mean_7d == expected.mean_7d


def test_concurrent_writes_through_the_service_all_land(patient):
    """Many writers on different days of one episode: every write is stored."""
    episode = Episode.objects.get(patient=patient)
    today = timezone.localdate()

    class Write:
        def __call__(self, i, _):
            day = today - dt.timedelta(days=i % 6)
            checkins.entry_save(
                episode=Episode.objects.get(pk=episode.pk),
                day=day,
                answers={"pain": i % 11, "function": "yes"},
            )
            return day

    days = run_together(Write(), count=12)
    assert set(episode.entries.values_list("day", flat=True)) == set(days)


# SQLite specifics, each on its own file so they run whichever database the suite uses.

SCRIPT = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
import datetime as dt
from django.db import OperationalError
from django.utils import timezone
from tracker import checkins
from tracker.models import Episode
episode = Episode.objects.get(pk=int(sys.argv[1]))
worker, writes = int(sys.argv[2]), int(sys.argv[3])
locked = 0
for n in range(writes):
    day = timezone.localdate() - dt.timedelta(days=(worker + n) % 7)
    try:
        checkins.entry_save(
            episode=episode, day=day, answers={"pain": (worker + n) % 11, "function": "yes"}
        )
    except OperationalError as error:
        locked += "locked" in str(error)
print(locked)
"""


def _sqlite_env(path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return env | {"DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "config.settings"}


def _migrated_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "many-writers.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=_sqlite_env(path),
        check=True,
        timeout=300,
    )
    return path


def test_sqlite_is_in_wal_mode_and_transactions_take_the_write_lock_at_once(tmp_path):
    """PRAGMAs read back, and an atomic block that has only read already holds
    the write lock (BEGIN IMMEDIATE): a second writer must wait."""
    path = _migrated_sqlite(tmp_path)
    code = (
        "import django, sqlite3, sys; django.setup();"
        "from django.db import connection, transaction;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0]);"
        "atomic = transaction.atomic(); atomic.__enter__();"
        "c.execute('SELECT COUNT(*) FROM tracker_clinic');"
        "other = sqlite3.connect(sys.argv[1], timeout=0.2);"
        "\ntry:\n    other.execute('BEGIN IMMEDIATE'); print('not-locked')"
        "\nexcept sqlite3.OperationalError as e:\n    print('locked' if 'locked' in str(e) else e)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        env=_sqlite_env(path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "locked"]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_several_processes_writing_at_once_never_hit_database_is_locked(tmp_path):
    path = _migrated_sqlite(tmp_path)
    setup = (
        "import django; django.setup();"
        "from tests.factories import make_clinic, make_patient;"
        "from django.utils import timezone; import datetime as dt;"
        "p = make_patient(make_clinic(), onset=timezone.localdate() - dt.timedelta(days=10));"
        "print(p.episodes.get().pk)"
    )
    made = subprocess.run(
        [sys.executable, "-c", setup],
        cwd=ROOT,
        env=_sqlite_env(path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    episode_id = made.stdout.strip()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, episode_id, str(worker), "25"],
            cwd=ROOT,
            env=_sqlite_env(path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    results = [worker.communicate(timeout=300) for worker in workers]
    for (out, err), worker in zip(results, workers, strict=True):
        assert worker.returncode == 0, err
        assert out.strip() == "0", f"'database is locked' errors: {out}"
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM tracker_dailyentry").fetchone()[0]
    assert count == 7


def test_the_suite_database_is_what_ci_says_it_is():
    """On SQLite the suite runs on a file (several connections), not in memory."""
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"].endswith(".sqlite3")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        assert connection.transaction_mode == "IMMEDIATE"
    else:
        assert connection.vendor == "postgresql"
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    with transaction.atomic():
        assert Episode.objects.count() == 0
