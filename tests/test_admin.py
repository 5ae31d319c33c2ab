"""The Django admin keeps the derived data true and leaves nothing behind."""

import datetime as dt

from django.contrib import admin as django_admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from advice import engine
from tests.conftest import client_for
from tests.factories import PASSWORD, make_entry
from tracker.models import DailyEntry, Episode, User


def test_an_entry_corrected_in_the_admin_updates_the_advice(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    for n in range(4):
        make_entry(episode, today - dt.timedelta(days=n), pain=5)
    entry = DailyEntry.objects.get(episode=episode, day=today)
    before = Episode.objects.get(pk=episode.pk).data_changed_at
    response = client_for(world.admin).post(
        reverse("admin:tracker_dailyentry_change", args=[entry.pk]),
        {
            "episode": episode.pk,
            "day": today.isoformat(),
            "pain": "5",
            "function": "no",
            "work_status": "n_a",
            "note": "",
            "created_at_0": today.isoformat(),
            "created_at_1": "10:00:00",
            "updated_at_0": today.isoformat(),
            "updated_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    episode.refresh_from_db()
    assert episode.data_changed_at > before  # the chart is drawn anew
    assert episode.mean_7d == 5.0
    assert episode.assessed_on == today
    assert episode.level == engine.ON_TRACK


def test_an_admin_correction_makes_a_check_in_form_opened_before_it_ask(world):
    """The admin counts the entry's version on from the stored one: a patient
    who opened the day's form before the correction is asked before replacing it,
    also when the entry changed again while the admin's page was open."""
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    entry = make_entry(episode, today, pain=5)
    DailyEntry.objects.filter(pk=entry.pk).update(version=3)  # saved twice more meanwhile
    entry.version = 1  # as the admin's change page loaded it
    admin_site = django_admin.site._registry[DailyEntry]
    request = RequestFactory().post("/")
    request.user, request.session = world.admin, {}
    entry.pain = 7
    with transaction.atomic():
        admin_site.save_model(request, entry, form=None, change=True)
    assert DailyEntry.objects.get(pk=entry.pk).version == 4


def test_deleting_a_patient_in_the_admin_removes_the_account(world):
    user_pk = world.patient_a.user_id
    response = client_for(world.admin).post(
        reverse("admin:tracker_patient_delete", args=[world.patient_a.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user_pk).exists()


def test_an_invited_patient_logs_in_with_their_email_in_any_case(world):
    world.patient_a.user.username = "anna@example.org"
    world.patient_a.user.save()
    response = Client().post(
        reverse("login"), {"username": "Anna@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_admin_login_page_refuses_an_overlong_username_with_a_message(db):
    response = Client().post(
        reverse("admin:login"), {"username": "x" * 300, "password": "whatever-it-is"}
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()
