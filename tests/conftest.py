"""Personas set up once per test: a patient and a physio at clinic A, a second
patient at clinic A, a physio at clinic B, and an admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_admin, make_clinic, make_patient, make_physio
from tracker import middleware
from tracker.access import STAFF_ROLES, role_of
from tracker.models import Clinic, Patient, User


@dataclass
class World:
    clinic_a: Clinic
    clinic_b: Clinic
    physio_a: User
    physio_b: User
    admin: User
    patient_a: Patient
    patient_b: Patient
    patient_other_clinic: Patient


@pytest.fixture
def world(db) -> World:
    return make_world()


def make_world() -> World:
    """The personas, for a fixture of any scope."""
    clinic_a = make_clinic("clinic-a", name="Praktijk A", phone="013-1111111")
    clinic_b = make_clinic("clinic-b", name="Praktijk B", phone="013-2222222")
    physio_a = make_physio(clinic_a, username="physio-a")
    physio_b = make_physio(clinic_b, username="physio-b")
    onset = timezone.localdate() - dt.timedelta(days=10)
    return World(
        clinic_a=clinic_a,
        clinic_b=clinic_b,
        physio_a=physio_a,
        physio_b=physio_b,
        admin=make_admin(),
        patient_a=make_patient(clinic_a, username="patient-a", physio=physio_a, onset=onset),
        patient_b=make_patient(clinic_a, username="patient-b", physio=physio_a, onset=onset),
        patient_other_clinic=make_patient(clinic_b, username="patient-c", onset=onset),
    )


def client_for(user: User | None) -> Client:
    """A client logged in as the user; staff have passed two-factor too."""
    client = Client()
    if user is not None:
        client.force_login(user)
        role = role_of(user)
        session = client.session
        session[middleware.ROLE_KEY] = role  # as the login page records it
        session.save()
        if role in STAFF_ROLES:
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="test", defaults={"confirmed": True}
            )
            now = timezone.now().timestamp()
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[middleware.ROLE_KEY] = role
            session[middleware.STARTED_KEY] = session[middleware.SEEN_KEY] = now
            session.save()
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashing is slow on purpose; tests only need it to be correct."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Charts and login-failure counts live in the cache (Redis in CI's second
    pass): each test starts without another test's."""
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Dutch, whatever language an earlier request switched to."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
