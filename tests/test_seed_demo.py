"""`manage.py seed_demo`: demo users and diaries that show every course of the rules."""

import datetime as dt
import hashlib
import io
import zoneinfo
from statistics import mean

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advice.engine import DayEntry, assess
from tests.factories import make_patient
from tracker import demo
from tracker.models import (
    Clinic,
    DailyEntry,
    Episode,
    Goal,
    GoalRating,
    Membership,
    Patient,
    RedFlagReport,
    User,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> str:
    options = {"patients": 8, "days": 30, **options}
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def remove_demo_users() -> None:
    User.objects.filter(username__startswith="demo-").delete()


def demo_entries():
    return DailyEntry.objects.filter(episode__patient__user__username__startswith="demo-patient-")


def diary_digest() -> str:
    rows = demo_entries().values_list("episode__patient__user__username", "day", "pain", "function")
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def database_state() -> dict:
    return {
        "users": sorted(User.objects.values_list("username", "password", "first_name", "email")),
        "patients": sorted(
            Patient.objects.values_list("user__username", "clinic__slug", "physio__username")
        ),
        "memberships": Membership.objects.count(),
        "episodes": sorted(
            Episode.objects.values_list("patient__user__username", "onset", "opened_at")
        ),
        "entries": sorted(
            demo_entries().values_list(
                "episode__patient__user__username",
                "day",
                "pain",
                "function",
                "bed_rest",
                "active_minutes",
                "work_status",
                "painkillers",
                "note",
                "created_at",
            )
        ),
        "red_flags": sorted(
            RedFlagReport.objects.values_list("episode__patient__user", "code", "reported_at")
        ),
        "goals": sorted(
            GoalRating.objects.values_list(
                "goal__episode__patient__user", "goal__activity", "week", "rated_on", "score"
            )
        ),
    }


def diary_of(n: int) -> tuple[Episode, list[DailyEntry]]:
    episode = Episode.objects.get(patient__user__username=f"demo-patient-{n}")
    return episode, list(episode.entries.order_by("day"))


def patient_with_course(course: str) -> int:
    return next(n for n in range(1, 9) if demo.course_for(n) == course)


def last_week(entries: list[DailyEntry]) -> list[DailyEntry]:
    today = timezone.localdate()
    return [e for e in entries if (today - e.day).days < 7]


def test_seeding_twice_gives_the_same_database_as_seeding_once():
    seed()
    once = database_state()
    seed()
    assert database_state() == once
    assert User.objects.filter(username__startswith="demo-patient-").count() == 8
    assert Episode.objects.count() == 8


def test_early_in_the_day_no_timestamp_lies_in_the_future_and_a_rerun_repeats_them():
    early = dt.datetime(2026, 3, 10, 7, 30, tzinfo=AMSTERDAM)
    with time_machine.travel(early, tick=False) as traveller:
        seed()
        once = database_state()
        assert max(entry[-1] for entry in once["entries"]) <= early
        assert max(episode[-1] for episode in once["episodes"]) <= early
        assert all(flag[-1] <= early for flag in once["red_flags"])
        traveller.shift(dt.timedelta(minutes=20))
        seed()
        assert database_state() == once


def test_the_same_seed_gives_the_same_data():
    seed(seed=7)
    first = diary_digest()
    remove_demo_users()
    assert not demo_entries().exists()
    seed(seed=7)
    assert diary_digest() == first


def test_a_different_seed_gives_different_data():
    seed(seed=1)
    first = diary_digest()
    seed(seed=2)
    assert diary_digest() != first


def test_patients_option_sets_how_many_demo_patients_there_are():
    seed(patients=3)
    assert sorted(Patient.objects.values_list("user__username", "user__email")) == [
        (f"demo-patient-{n}", f"demo-patient-{n}@example.org") for n in (1, 2, 3)
    ]


def test_fewer_patients_on_a_rerun_removes_the_surplus_demo_patients():
    seed(patients=5)
    seed(patients=2)
    assert Patient.objects.count() == 2
    assert Episode.objects.count() == 2


def test_patients_are_spread_over_every_active_clinic_with_its_demo_physio():
    seed(patients=8)
    clinics = Clinic.objects.filter(active=True)
    for clinic in clinics:
        physio = User.objects.get(username=f"demo-physio-{clinic.slug}")
        assert physio.memberships.get().clinic == clinic
        assert physio.first_name and physio.last_name
        assert list(clinic.patients.values_list("physio", flat=True)) == [physio.pk]


def test_clinic_option_puts_every_patient_in_that_clinic():
    seed(patients=6, clinic="tilburg")
    assert set(Patient.objects.values_list("clinic__slug", "physio__username")) == {
        ("tilburg", "demo-physio-tilburg")
    }


def test_an_unknown_clinic_is_refused_by_name():
    with pytest.raises(CommandError, match="atlantis"):
        seed(clinic="atlantis")
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_days_option_bounds_the_diary_length():
    seed(days=5)
    earliest = timezone.localdate() - dt.timedelta(days=4)
    for episode in Episode.objects.all():
        days = list(episode.entries.values_list("day", flat=True))
        assert len(days) <= 5
        assert all(day >= earliest for day in days)


def test_days_below_one_are_refused():
    with pytest.raises(CommandError, match="--days"):
        seed(days=0)


def log_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_password_option_lets_the_demo_physio_log_in(client):
    seed(password="a-fine-demo-password")
    assert log_in(client, "demo-physio-tilburg", "a-fine-demo-password")
    seed(password="another-demo-password")
    assert log_in(Client(), "demo-physio-tilburg", "another-demo-password")
    assert not log_in(Client(), "demo-physio-tilburg", "a-fine-demo-password")


def test_the_demo_physio_logs_in_with_the_printed_password_and_demo_code(client):
    out = seed()
    assert "with password 'herstelpad-demo'" in out
    assert log_in(client, "demo-physio-tilburg", "herstelpad-demo")
    code = io.StringIO()
    call_command("demo_totp", "demo-physio-tilburg", stdout=code)
    response = client.post(reverse("two_factor"), {"token": code.getvalue().strip()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tracker:clinic_dashboard", args=["tilburg"])


def test_demo_data_is_refused_in_production(settings):
    seed()
    settings.DEMO_DATA = False  # DEBUG off and DEMO_DATA not set
    with pytest.raises(CommandError, match="DEMO_DATA"):
        call_command("demo_totp", "demo-physio-tilburg", stdout=io.StringIO())
    with pytest.raises(CommandError, match="DEMO_DATA"):
        seed()


def test_a_password_shorter_than_12_characters_is_refused():
    with pytest.raises(CommandError, match="12"):
        seed(password="short-pass")


def test_the_demo_users_have_their_roles():
    seed()
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.is_superuser
    for patient in Patient.objects.select_related("user", "physio"):
        assert patient.user.first_name and patient.user.last_name
        assert not patient.user.is_staff
        assert patient.physio.username == f"demo-physio-{patient.clinic.slug}"
        assert patient.language in {"nl", "en"}
        assert 1900 <= patient.year_of_birth <= timezone.localdate().year
        assert patient.open_episode() is not None


def test_no_entry_is_dated_before_onset_or_after_today():
    seed(patients=16, days=200)
    today = timezone.localdate()
    for episode in Episode.objects.prefetch_related("entries"):
        days = [entry.day for entry in episode.entries.all()]
        assert days
        assert episode.onset < min(days)
        assert max(days) <= today


def test_eight_consecutive_patients_show_every_course():
    seed(patients=8, days=60)
    today = timezone.localdate()

    _, typical = diary_of(patient_with_course(demo.TYPICAL))
    assert typical[0].pain >= 5
    assert mean(e.pain for e in last_week(typical)) < mean(e.pain for e in typical[:7]) - 1

    _, flat = diary_of(patient_with_course(demo.NOT_IMPROVING))
    assert abs(mean(e.pain for e in flat[:7]) - mean(e.pain for e in last_week(flat))) < 1.5

    _, worsening = diary_of(patient_with_course(demo.WORSENING))
    week = last_week(worsening)
    assert week[-1].pain - week[0].pain >= 2

    red_flag_episode, _ = diary_of(patient_with_course(demo.RED_FLAG))
    assert red_flag_episode.red_flags.filter(resolved_at__isnull=True).exists()

    chronic_episode, chronic = diary_of(patient_with_course(demo.CHRONIC))
    assert (today - chronic_episode.onset).days > 90  # past the twelfth week
    assert 3 <= mean(e.pain for e in last_week(chronic)) < mean(e.pain for e in chronic[:7])

    early_episode, early = diary_of(patient_with_course(demo.EARLY))
    assert (today - early_episode.onset).days < 7
    assert [e.bed_rest for e in early[:3]] == [True, True, True]

    _, recovered = diary_of(patient_with_course(demo.RECOVERED))
    assert all(e.pain <= 1 and e.function == "yes" for e in last_week(recovered))

    _, sparse = diary_of(patient_with_course(demo.SPARSE))
    assert 0 < len(last_week(sparse)) < 4


def test_the_advice_engine_reads_each_course_as_intended():
    seed(patients=8, days=60)
    expected = {
        demo.TYPICAL: "on_track",
        demo.EARLY: "keep_moving",
        demo.NOT_IMPROVING: "not_improving",
        demo.WORSENING: "worsening",
        demo.CHRONIC: "self_manage",
        demo.RECOVERED: "recovered",
        demo.SPARSE: "few_entries",
    }
    for course, outcome in expected.items():
        episode, entries = diary_of(patient_with_course(course))
        assessment = assess(
            onset=episode.onset,
            today=timezone.localdate(),
            entries=[DayEntry(e.day, e.pain, e.function, e.bed_rest) for e in entries],
        )
        assert outcome in (assessment.level, *assessment.reasons), course


def test_seeding_leaves_other_users_and_patients_alone():
    other = make_patient(Clinic.objects.get(slug="tilburg"), username="demo-patient-x", onset=None)
    seed(patients=2)
    seed(patients=1)
    assert Patient.objects.filter(pk=other.pk).exists()


def test_the_logins_are_printed():
    output = seed(patients=8, password="printed-demo-password")
    assert "http://127.0.0.1:8000/" in output
    assert "printed-demo-password" in output
    assert "demo-admin" in output
    for clinic in Clinic.objects.filter(active=True):
        assert f"demo-physio-{clinic.slug}" in output
    for n in range(1, 6):
        assert f"demo-patient-{n} " in output
    assert "demo-patient-6 " not in output
    assert "3 more patients" in output


def test_a_rerun_without_clinic_spreads_the_patients_again():
    seed(patients=8, clinic="tilburg")
    seed(patients=8)
    assert Patient.objects.values("clinic").distinct().count() == 8
    assert not Patient.objects.exclude(physio__memberships__clinic=models.F("clinic")).exists()


def test_demo_patients_have_goals_scored_each_week_since_their_diary_began():
    """So the goals column, the record and the progress page show something."""
    seed(patients=24, days=60)
    goals = list(Goal.objects.select_related("episode").prefetch_related("ratings"))
    patients = {goal.episode.patient_id for goal in goals}
    assert 8 <= len(patients) <= 22  # about two in three
    today = timezone.localdate()
    for goal in goals:
        first_day = goal.episode.entries.order_by("day").first().day
        assert goal.started_on == first_day and goal.place in (1, 2, 3)
        weeks = [rating.week for rating in goal.ratings.order_by("week")]
        assert weeks == list(range((today - goal.started_on).days // 7 + 1))
        start = goal.ratings.get(week=0)
        assert start.score is not None and start.rated_on == goal.started_on
        assert all(0 <= r.score <= 10 for r in goal.ratings.all() if r.score is not None)
    # Goals get easier as the pain eases: on the whole the latest score is lower.
    recovered = [
        goal
        for goal in goals
        if demo.course_for(int(goal.episode.patient.user.username.rsplit("-", 1)[1]))
        == demo.RECOVERED
    ]
    assert recovered
    assert all(
        goal.ratings.exclude(score=None).order_by("week").last().score
        < goal.ratings.get(week=0).score
        for goal in recovered
        if goal.ratings.count() > 3
    )


def test_the_demo_red_flags_send_no_email(mailoutbox):
    seed(patients=16)
    assert RedFlagReport.objects.exists()
    call_command("send_red_flag_alerts", stdout=io.StringIO())
    assert mailoutbox == []
