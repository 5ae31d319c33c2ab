"""When the database goes away, users get a friendly 503 in their language, no
stack trace, nothing half-written, and the app recovers without a restart."""

import datetime as dt
import sqlite3

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import client_for
from tests.factories import make_clinic, make_patient
from tracker.models import DailyEntry

pytestmark = pytest.mark.django_db(transaction=True)

NL_503 = "Herstelpad is even niet beschikbaar"
EN_503 = "Herstelpad is unavailable for a moment"
ENGINE = django_settings.DATABASES["default"]["ENGINE"]
sqlite_only = pytest.mark.skipif(
    ENGINE != "django.db.backends.sqlite3", reason="SQLite behaviour; CI's SQLite pass runs it"
)
postgresql_only = pytest.mark.skipif(
    ENGINE != "django.db.backends.postgresql",
    reason="PostgreSQL behaviour; CI's PostgreSQL pass runs it",
)


@pytest.fixture
def patient():
    return make_patient(make_clinic(), onset=timezone.localdate() - dt.timedelta(days=3))


def check_in(client, pain=4):
    data = {"pain": str(pain), "function": "yes", "work_status": "n_a"}
    return client.post(reverse("tracker:checkin_day", args=[timezone.localdate()]), data)


def quiet(client: Client) -> Client:
    client.raise_request_exception = False
    return client


def assert_friendly_503(response, text=NL_503):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert text in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_an_unreachable_database_gives_a_503_and_the_app_recovers(patient):
    client = quiet(client_for(patient.user))
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/herstelpad.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"  # nothing listens there
    connection.close()
    try:
        assert_friendly_503(client.get(reverse("tracker:patient_home")))
        assert_friendly_503(check_in(client))
        client.cookies["django_language"] = "en"
        response = client.get(reverse("tracker:progress"))
        assert_friendly_503(response, EN_503)
        assert '<html lang="en">' in response.content.decode()
        client.cookies["django_language"] = "nl"
        health = client.get(reverse("healthz"))
        assert health.status_code == 503
        assert health.json() == {"status": "unavailable", "database": False}
    finally:
        connection.settings_dict.update(saved)
        connection.close()
    assert client.get(reverse("tracker:patient_home")).status_code == 200
    assert check_in(client).status_code == 302
    assert DailyEntry.objects.count() == 1
    assert client.get(reverse("healthz")).json() == {"status": "ok", "database": True}


@sqlite_only
def test_sqlite_locked_past_the_busy_timeout_gives_a_503_and_writes_nothing(patient):
    client = quiet(client_for(patient.user))
    connection.close()
    timeout = connection.settings_dict["OPTIONS"]["timeout"]
    connection.settings_dict["OPTIONS"]["timeout"] = 0.3
    blocker = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        assert_friendly_503(check_in(client))
        blocker.rollback()
        assert DailyEntry.objects.count() == 0  # nothing half-written
        assert check_in(client).status_code == 302  # the lock is gone: it works again
    finally:
        blocker.close()
        connection.settings_dict["OPTIONS"]["timeout"] = timeout
        connection.close()
    entry = DailyEntry.objects.get()
    assert entry.episode.level  # the entry and its assessment were stored together


@sqlite_only
def test_a_read_only_database_gives_a_503_and_recovers(patient):
    client = quiet(client_for(patient.user))
    client.get(reverse("tracker:patient_home"))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")  # as if the disk turned read-only
    try:
        assert_friendly_503(check_in(client))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert DailyEntry.objects.count() == 0
    assert check_in(client).status_code == 302
    assert DailyEntry.objects.count() == 1


@postgresql_only
def test_a_dropped_postgresql_connection_gives_a_503_then_reconnects(patient):
    import psycopg

    client = quiet(client_for(patient.user))
    assert client.get(reverse("tracker:patient_home")).status_code == 200
    backend_pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:  # the server drops us
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    response = check_in(client)
    assert_friendly_503(response)
    # At the end of every request Django drops an unusable connection (the test
    # client switches that signal off, so do what request_finished does).
    connection.close_if_unusable_or_obsolete()
    assert DailyEntry.objects.count() == 0
    assert check_in(client).status_code == 302  # reconnected, no restart
    assert DailyEntry.objects.count() == 1


def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "nl",
            {
                404: "Deze pagina bestaat niet",
                403: "Geen toegang",
                400: "Dit verzoek begrijpen we niet",
                500: "Er ging iets mis",
            },
        ),
        (
            "en",
            {
                404: "This page does not exist",
                403: "No access",
                400: "We could not understand this request",
                500: "Something went wrong",
            },
        ),
    ],
)
def test_error_pages_speak_the_visitors_language(patient, settings, language, texts):
    client = quiet(client_for(patient.user))
    client.cookies["django_language"] = language
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and texts[404] in missing.content.decode()
    forbidden = client.get(reverse("tracker:clinic_dashboard", args=["tilburg"]))
    assert forbidden.status_code == 403 and texts[403] in forbidden.content.decode()
    too_many = client.post(
        reverse("tracker:checkin_day", args=[timezone.localdate()]),
        {f"f{n}": "x" for n in range(1200)},
    )
    assert too_many.status_code == 400 and texts[400] in too_many.content.decode()
    from tracker import errors

    request = client.get("/").wsgi_request
    with translation.override(language):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            response = errors.server_error(request)
    assert response.status_code == 500
    assert texts[500] in response.content.decode()
    assert "boom" not in response.content.decode()
