"""The access log (NEN 7513): staff access to patient data leaves a record that
nobody can change or remove; the patient sees who looked."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import PASSWORD, make_entry
from tracker.models import AccessLog, AppendOnlyError, DailyEntry, Episode


def records(**filters):
    return list(AccessLog.objects.filter(**filters).order_by("pk"))


def test_a_physio_viewing_a_patient_leaves_one_record(world):
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    client_for(world.physio_a).get(url, REMOTE_ADDR="192.0.2.10")
    [record] = records()
    assert record.event == "patient.view"
    assert record.action == AccessLog.Action.READ
    assert record.user_id == world.physio_a.pk
    assert record.username == "physio-a"
    assert record.role == "physio"
    assert record.object_type == "episode"
    assert record.object_id == str(world.patient_a.episodes.get().pk)
    assert record.patient_ref == world.patient_a.pseudonym
    assert record.grounds == "fysiotherapeut van de praktijk van de patiënt"
    assert record.source_ip == "192.0.2.10"
    assert record.at <= timezone.now()


def test_the_caseload_logs_every_patient_shown_and_searches_are_marked(world):
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    client_for(world.physio_a).get(url)
    assert {r.patient_ref for r in records(event="caseload.list")} == {
        world.patient_a.pseudonym,
        world.patient_b.pseudonym,
    }
    client_for(world.physio_a).get(url, {"q": world.patient_b.user.last_name})
    assert [r.patient_ref for r in records(event="caseload.search")] == [world.patient_b.pseudonym]


def test_an_export_logs_every_patient_in_it(world):
    client_for(world.physio_a).get(reverse("tracker:caseload_csv", args=[world.clinic_a.slug]))
    exported = records(event="caseload.export")
    assert {r.action for r in exported} == {AccessLog.Action.EXPORT}
    assert len(exported) == 2


def test_staff_changes_are_logged_as_updates_and_creates(world):
    from tracker import checkins

    checkins.red_flags_report(episode=world.patient_a.episodes.get(), codes=["accident"])
    client = client_for(world.physio_a)
    client.post(
        reverse("tracker:alert_acknowledge", args=[world.clinic_a.slug, world.patient_a.pk]),
        {
            "raised_at": world.patient_a.episodes.get().alert_raised_at.isoformat(),
            "action": "called",
        },
    )
    client.post(
        reverse("tracker:staff_episode_close", args=[world.clinic_a.slug, world.patient_a.pk]),
        {"outcome": "recovered", "confirm": "on"},
    )
    client.post(
        reverse("tracker:invite_patient", args=[world.clinic_a.slug]),
        {
            "first_name": "Nieuw",
            "last_name": "Persoon",
            "email": "nieuw@example.org",
            "clinic": world.clinic_a.pk,
            "onset": timezone.localdate().isoformat(),
            "year_of_birth": "1990",
            "language": "nl",
        },
    )
    assert [(r.event, r.action) for r in records()] == [
        ("alert.acknowledge", "U"),
        ("episode.close", "U"),
        ("patient.create", "C"),
    ]


def test_staff_downloading_the_summary_is_logged_but_the_patient_downloading_it_is_not(world):
    client_for(world.patient_a.user).get(reverse("tracker:summary_pdf"))
    assert records() == []
    url = reverse("tracker:staff_summary_pdf", args=[world.clinic_a.slug, world.patient_a.pk])
    client_for(world.physio_a).get(url)
    assert [(r.event, r.action) for r in records()] == [("patient.summary", "E")]
    assert records()[0].patient_ref == world.patient_a.pseudonym


def test_a_patient_reading_their_own_data_is_not_logged(world):
    client = client_for(world.patient_a.user)
    for name in (
        "tracker:patient_home",
        "tracker:progress",
        "tracker:checkin",
        "tracker:export_json",
        "tracker:summary_pdf",
    ):
        client.get(reverse(name), follow=True)
    assert records() == []


def test_admin_pages_of_patient_data_are_logged(world):
    client = client_for(world.admin)
    client.get(reverse("admin:tracker_patient_changelist"))
    client.get(reverse("admin:tracker_patient_change", args=[world.patient_a.pk]))
    events = [(r.event, r.role, r.grounds) for r in records()]
    assert ("admin.patient.view", "admin", "beheerder van Herstelpad") in events
    assert sum(1 for e in events if e[0] == "admin.patient.list") == 3


def test_no_pain_scores_or_notes_end_up_in_the_log(world):
    make_entry(world.patient_a.episodes.get(), timezone.localdate(), pain=9, note="uniek-woord")
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    client_for(world.physio_a).get(url)
    values = " ".join(str(v) for v in AccessLog.objects.values_list())
    assert "uniek-woord" not in values


def test_the_log_cannot_be_changed_or_deleted_in_code(world):
    client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    )
    record = AccessLog.objects.get()
    record.username = "someone-else"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.update(username="x")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().username == "physio-a"


def test_the_database_refuses_to_change_the_log(world):
    client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    )
    table = AccessLog._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = 'x'")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    assert AccessLog.objects.get().username == "physio-a"


def test_the_admin_offers_no_way_to_add_change_or_delete_log_records(world):
    client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    )
    record = AccessLog.objects.get()
    admin = client_for(world.admin)
    assert admin.get(reverse("admin:tracker_accesslog_changelist")).status_code == 200
    assert admin.get(reverse("admin:tracker_accesslog_add")).status_code == 403
    assert admin.get(reverse("admin:tracker_accesslog_delete", args=[record.pk])).status_code == 403
    response = admin.post(
        reverse("admin:tracker_accesslog_change", args=[record.pk]), {"username": "x"}
    )
    assert response.status_code == 403
    assert AccessLog.objects.get().username == "physio-a"


def test_admins_search_the_log_by_patient_and_by_user(world):
    client = client_for(world.physio_a)
    for patient in (world.patient_a, world.patient_b):
        client.get(reverse("tracker:patient_detail", args=[world.clinic_a.slug, patient.pk]))
    admin = client_for(world.admin)
    url = reverse("admin:tracker_accesslog_changelist")
    by_patient = admin.get(url, {"q": world.patient_b.user.last_name}).context["cl"].result_list
    assert [r.patient_ref for r in by_patient] == [world.patient_b.pseudonym]
    by_user = admin.get(url, {"q": "physio-a"}).context["cl"].result_list
    assert len(by_user) == 2


def test_a_patient_sees_who_viewed_their_record_by_period(world):
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        client_for(world.physio_a).get(url)
    client_for(world.admin).get(url)
    client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_b.pk])
    )
    page = client_for(world.patient_a.user).get(reverse("tracker:access_history"))
    rows = list(page.context["records"])
    assert [r.username for r in rows] == ["admin", "physio-a"]  # newest first, only mine
    recent = client_for(world.patient_a.user).get(
        reverse("tracker:access_history"),
        {"start": (timezone.localdate() - dt.timedelta(days=7)).isoformat()},
    )
    assert [r.username for r in recent.context["records"]] == ["admin"]
    assert "Wie heeft mijn gegevens bekeken?" in page.content.decode()


def test_a_backwards_period_is_named_and_the_default_is_shown(world):
    response = client_for(world.patient_a.user).get(
        reverse("tracker:access_history"), {"start": "2026-11-10", "end": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()


def test_the_patients_export_holds_their_access_log(world):
    client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    )
    data = json.loads(client_for(world.patient_a.user).get(reverse("tracker:export_json")).content)
    assert [(r["event"], r["user"]) for r in data["access_log"]] == [
        ("patient.view", "Fysio Clinic-A")
    ]


def test_deleting_the_account_keeps_the_log_but_it_no_longer_names_the_patient(world):
    client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    )
    pseudonym = world.patient_a.pseudonym
    client_for(world.patient_a.user).post(
        reverse("tracker:account_delete"), {"confirm": "on", "password": PASSWORD}
    )
    record = AccessLog.objects.get()
    assert record.patient_ref == pseudonym
    values = " ".join(str(v) for v in AccessLog.objects.values_list())
    for personal in ("patient-a", world.patient_a.user.first_name, world.patient_a.user.last_name):
        assert personal not in values


def test_a_404_for_another_clinics_patient_leaves_no_record(world):
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    assert client_for(world.physio_b).get(url).status_code == 404
    assert records() == []


def test_retention_removes_episodes_closed_longer_ago_than_the_period(world, settings):
    settings.RETENTION_DAYS = 365
    old, recent = world.patient_a.episodes.get(), world.patient_b.episodes.get()
    make_entry(old, timezone.localdate() - dt.timedelta(days=500), pain=3)
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        Episode.objects.filter(pk=old.pk).update(closed_at=timezone.now(), outcome="recovered")
    with time_machine.travel(timezone.now() - dt.timedelta(days=300)):
        Episode.objects.filter(pk=recent.pk).update(closed_at=timezone.now(), outcome="recovered")
    out = io.StringIO()
    call_command("purge_closed_episodes", "--dry-run", stdout=out)
    assert "1 episode(s)" in out.getvalue()
    assert Episode.objects.filter(pk=old.pk).exists()
    call_command("purge_closed_episodes", stdout=io.StringIO())
    assert not Episode.objects.filter(pk=old.pk).exists()
    assert not DailyEntry.objects.filter(episode_id=old.pk).exists()
    assert Episode.objects.filter(pk=recent.pk).exists()
    assert Episode.objects.filter(pk=world.patient_other_clinic.episodes.get().pk).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=70)):
        call_command("purge_closed_episodes", stdout=io.StringIO())
    assert not Episode.objects.filter(pk=recent.pk).exists()
