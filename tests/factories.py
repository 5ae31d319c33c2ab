"""Plain helpers that make the objects tests need. No fixture files."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from tracker.models import Clinic, DailyEntry, Episode, Membership, Patient, User

PASSWORD = "a-long-test-password-1"
_counter = itertools.count(1)


def make_user(username: str | None = None, **extra) -> User:
    username = username or f"user{next(_counter)}"
    return User.objects.create_user(username=username, password=PASSWORD, **extra)


def make_clinic(slug: str | None = None, **extra) -> Clinic:
    slug = slug or f"clinic-{next(_counter)}"
    extra.setdefault("name", f"Praktijk {slug}")
    extra.setdefault("city", slug.title())
    extra.setdefault("phone", "013-1234567")
    return Clinic.objects.create(slug=slug, **extra)


def make_physio(clinic: Clinic, *more_clinics: Clinic, username: str | None = None) -> User:
    user = make_user(username, first_name="Fysio", last_name=clinic.city)
    for c in (clinic, *more_clinics):
        Membership.objects.create(user=user, clinic=c)
    return user


def make_admin(username: str = "admin") -> User:
    return make_user(username, is_staff=True, is_superuser=True)


def make_patient(
    clinic: Clinic,
    *,
    username: str | None = None,
    physio: User | None = None,
    onset: dt.date | None = None,
    intake_done: bool = True,
    **extra,
) -> Patient:
    user = make_user(username, first_name="Pat", last_name=f"Iënt {next(_counter)}")
    extra.setdefault("year_of_birth", 1980)
    patient = Patient.objects.create(user=user, clinic=clinic, physio=physio, **extra)
    if onset is not None:
        Episode.objects.create(
            patient=patient, onset=onset, intake_done_at=timezone.now() if intake_done else None
        )
    return patient


def make_entry(episode: Episode, day: dt.date, pain: int = 5, **extra) -> DailyEntry:
    extra.setdefault("function", "yes")
    return DailyEntry.objects.create(episode=episode, day=day, pain=pain, **extra)
