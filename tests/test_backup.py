"""A backup taken while the app runs restores into a fresh database with every entry."""

import datetime as dt
import io
import sqlite3
import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.factories import make_clinic, make_entry, make_patient
from tracker.models import DailyEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def diary():
    episode = make_patient(
        make_clinic(), onset=timezone.localdate() - dt.timedelta(days=30)
    ).episodes.get()
    for n in range(30):
        make_entry(
            episode, timezone.localdate() - dt.timedelta(days=n), pain=n % 11, note=f"dag {n}"
        )
    return sorted(DailyEntry.objects.values_list("day", "pain", "note"))


def test_a_backup_restores_into_a_fresh_database_with_every_entry(diary, tmp_path):
    target = tmp_path / "backup.dump"
    out = io.StringIO()
    call_command("backup_db", str(target), stdout=out)
    assert "Backup written" in out.getvalue()

    if connection.vendor == "sqlite":
        restored = sqlite3.connect(tmp_path / "restored.sqlite3")
        sqlite3.connect(target).backup(restored)  # restore = copy the backup into place
        rows = restored.execute("SELECT day, pain, note FROM tracker_dailyentry").fetchall()
        restored.close()
        assert sorted((dt.date.fromisoformat(d), p, n) for d, p, n in rows) == diary
    else:
        import psycopg

        settings = connection.settings_dict
        fresh = f"herstelpad_restore_{uuid.uuid4().hex[:8]}"
        params = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'CREATE DATABASE "{fresh}"')
        try:
            subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    f"--host={settings['HOST']}",
                    f"--port={settings['PORT']}",
                    f"--username={settings['USER']}",
                    f"--dbname={fresh}",
                    str(target),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            with psycopg.connect(dbname=fresh, **params) as restored:
                rows = restored.execute("SELECT day, pain, note FROM tracker_dailyentry").fetchall()
            assert sorted(rows) == diary
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
