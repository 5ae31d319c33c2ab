"""Demo data, written: ``seed_demo`` saves the plan of ``tracker.demo.plan`` and
has the stored assessment written by its one writer, ``tracker.assessment``.

The users, patients and diaries are written in bulk (thousands of rows in a few
queries; a check-in per row would take minutes), then every demo episode is
assessed by ``assessment.reassess``, as the daily command would. Re-running
converges: demo users are updated in place, each demo patient's episodes are
deleted and recreated, and demo patients beyond the requested number are
removed. Only users named ``demo-admin``, ``demo-physio-<clinic slug>`` and
``demo-patient-<n>`` are ever touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import assessment
from tracker.demo.plan import (
    ADMIN_USERNAME,
    BATCH_SIZE,
    DEMO_USERNAME_REGEX,
    FIRST_NAMES,
    LAST_NAMES,
    PATIENT_PREFIX,
    PATIENT_USERNAME_REGEX,
    USER_FIELDS,
    PlannedPatient,
    clinic_index,
    physio_username,
    plan_patient,
)
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


@dataclass(frozen=True)
class DemoLogins:
    """Who can log in after seeding, for the command to print."""

    admin: str
    physios: tuple[tuple[User, Clinic], ...]
    patients: tuple[PlannedPatient, ...]


def seed_demo(
    *, clinics: Sequence[Clinic], patients: int, days: int, password: str, seed: int
) -> DemoLogins:
    """Create or update the demo users and regenerate every demo patient's diary.

    Patients are spread over ``clinics`` (see :func:`clinic_index`); every demo
    user gets the same password hash, made once.
    """
    if not clinics:
        raise ValueError("clinics: at least one clinic is needed")
    today = timezone.localdate()
    now = timezone.now()
    plans = [plan_patient(n=n, seed=seed, today=today, days=days) for n in range(1, patients + 1)]

    with transaction.atomic():
        existing = {u.username: u for u in User.objects.filter(username__regex=DEMO_USERNAME_REGEX)}
        password_hash = _password_hash(password, existing.values())

        wanted: dict[str, dict] = {
            ADMIN_USERNAME: {
                "first_name": "Demo",
                "last_name": "Beheerder",
                "is_staff": True,
                "is_superuser": True,
            }
        }
        for clinic in clinics:
            rng = random.Random(f"{seed}-{clinic.slug}")
            wanted[physio_username(clinic)] = {
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
            }
        for plan in plans:
            wanted[plan.username] = {"first_name": plan.first_name, "last_name": plan.last_name}
        users = _save_users(wanted, existing=existing, password_hash=password_hash)

        surplus = [
            u.pk
            for name, u in existing.items()
            if name.startswith(PATIENT_PREFIX) and name not in wanted
        ]
        for chunk in _chunks(surplus, 500):
            User.objects.filter(pk__in=chunk).delete()

        physios = {c.slug: users[physio_username(c)] for c in clinics}
        _save_memberships(physios=physios, clinics=clinics)
        _save_two_factor(staff=[users[ADMIN_USERNAME], *physios.values()], seed=seed)
        demo_patients = _save_patients(
            plans, users=users, clinics=clinics, physios=physios, now=now
        )

        # Regenerate the diaries: delete every demo patient's episodes, then recreate.
        Episode.objects.filter(patient__user__username__regex=PATIENT_USERNAME_REGEX).delete()
        _create_episodes(plans, patients=demo_patients, now=now)

    return DemoLogins(
        admin=ADMIN_USERNAME,
        physios=tuple((physios[c.slug], c) for c in clinics),
        patients=tuple(plans),
    )


def _password_hash(password: str, users: Iterable[User]) -> str:
    """Reuse the demo users' current hash when it matches (so a re-run changes
    nothing), else hash once: hashing per user would take minutes."""
    common = Counter(u.password for u in users).most_common(1)
    if common and check_password(password, common[0][0]):
        return common[0][0]
    return make_password(password)


def _save_users(
    wanted: dict[str, dict], *, existing: dict[str, User], password_hash: str
) -> dict[str, User]:
    """Create the missing users and update changed ones; returns them by username."""
    to_create, to_update = [], []
    for username, values in wanted.items():
        values = {
            "email": f"{username}@example.org",
            "password": password_hash,
            "is_staff": False,
            "is_superuser": False,
            "is_active": True,
            **values,
        }
        user = existing.get(username)
        if user is None:
            to_create.append(User(username=username, **values))
        elif any(getattr(user, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(user, field, value)
            to_update.append(user)
    User.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    User.objects.bulk_update(to_update, USER_FIELDS, batch_size=BATCH_SIZE)
    return {**existing, **{u.username: u for u in to_create}}


def _save_memberships(*, physios: dict[str, User], clinics: Sequence[Clinic]) -> None:
    have = set(
        Membership.objects.filter(user__in=physios.values()).values_list("user_id", "clinic_id")
    )
    Membership.objects.bulk_create(
        Membership(user=physios[c.slug], clinic=c)
        for c in clinics
        if (physios[c.slug].pk, c.pk) not in have
    )


def _save_two_factor(*, staff: Sequence[User], seed: int) -> None:
    """Staff need a second factor: give each demo staff account a TOTP device
    with a key derived from the seed (`manage.py demo_totp USER` prints its code)."""
    have = set(
        TOTPDevice.objects.filter(user__in=staff, confirmed=True).values_list("user_id", flat=True)
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(
            user=user,
            name="demo",
            confirmed=True,
            key=hashlib.sha1(f"{seed}-{user.username}".encode()).hexdigest(),
        )
        for user in staff
        if user.pk not in have
    )


def _save_patients(
    plans: Sequence[PlannedPatient],
    *,
    users: dict[str, User],
    clinics: Sequence[Clinic],
    physios: dict[str, User],
    now: dt.datetime,
) -> dict[str, Patient]:
    existing = {
        p.user.username: p
        for p in Patient.objects.select_related("user").filter(
            user__username__regex=PATIENT_USERNAME_REGEX
        )
    }
    to_create, to_update = [], []
    for plan in plans:
        clinic = clinics[clinic_index(plan.n, len(clinics))]
        values = {
            "clinic_id": clinic.pk,
            "physio_id": physios[clinic.slug].pk,
            "year_of_birth": plan.year_of_birth,
            "language": plan.language,
        }
        patient = existing.get(plan.username)
        if patient is None:
            joined = _moment(plan.entries[0].day if plan.entries else plan.onset, 9, now)
            patient = Patient(user=users[plan.username], created_at=joined, **values)
            to_create.append(patient)
            existing[plan.username] = patient
        elif any(getattr(patient, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(patient, field, value)
            to_update.append(patient)
    Patient.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Patient.objects.bulk_update(
        to_update, ["clinic", "physio", "year_of_birth", "language"], batch_size=BATCH_SIZE
    )
    by_id = {clinic.pk: clinic for clinic in clinics}
    for patient in existing.values():  # the history rows name the clinic: no query each
        patient.clinic = by_id[patient.clinic_id]
    return existing


def _create_episodes(
    plans: Sequence[PlannedPatient], *, patients: dict[str, Patient], now: dt.datetime
) -> None:
    """Write each plan's episode, diary and red flag, then have them assessed."""
    episodes = []
    for plan in plans:
        opened_at = _moment(plan.entries[0].day if plan.entries else plan.onset, 9, now)
        episodes.append(
            Episode(
                patient=patients[plan.username],
                onset=plan.onset,
                opened_at=opened_at,
                intake_done_at=opened_at,
                data_changed_at=now,
            )
        )
    Episode.objects.bulk_create(episodes, batch_size=BATCH_SIZE)  # sets pks (SQLite, PostgreSQL)

    entries, red_flags = [], []
    for plan, episode in zip(plans, episodes, strict=True):
        for e in plan.entries:
            moment = _moment(e.day, 20, now)
            entries.append(
                DailyEntry(
                    episode=episode,
                    day=e.day,
                    pain=e.pain,
                    function=e.function,
                    bed_rest=e.bed_rest,
                    active_minutes=e.active_minutes,
                    work_status=e.work_status,
                    painkillers=e.painkillers,
                    note=e.note,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        if plan.red_flag:
            reported_at = _moment(plan.red_flag_day, 10, now)
            red_flags.append(
                # As if the clinic was emailed then: the every-minute job sends
                # nothing about demo data.
                RedFlagReport(
                    episode=episode,
                    code=plan.red_flag,
                    reported_at=reported_at,
                    notified_at=reported_at,
                )
            )
    DailyEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    RedFlagReport.objects.bulk_create(red_flags, batch_size=BATCH_SIZE)
    _create_goals(plans, episodes=episodes, now=now)
    for chunk in _chunks(episodes, 500):
        assessment.reassess(episodes=chunk, today=timezone.localdate(now))


def _create_goals(
    plans: Sequence[PlannedPatient], *, episodes: Sequence[Episode], now: dt.datetime
) -> None:
    """The planned goals and their weekly scores, chosen and scored by the patient."""
    goals, scores = [], []
    for plan, episode in zip(plans, episodes, strict=True):
        user = episode.patient.user
        for planned in plan.goals:
            goal = Goal(
                episode=episode,
                activity=planned.activity,
                place=planned.place,
                started_on=planned.started_on,
                created_at=_moment(planned.started_on, 20, now),
                created_by=user,
            )
            goals.append(goal)
            scores += [
                GoalRating(
                    goal=goal,
                    week=week,
                    rated_on=day,
                    score=score,
                    rated_at=_moment(day, 20, now),
                    rated_by=user,
                )
                for week, day, score in planned.scores
            ]
    Goal.objects.bulk_create(goals, batch_size=BATCH_SIZE)  # sets pks (SQLite, PostgreSQL)
    GoalRating.objects.bulk_create(scores, batch_size=BATCH_SIZE)


def _moment(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    """That day at that hour (local time); the day's first moment if that is still
    to come, so timestamps never lie in the future and re-runs repeat them."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    if moment > now:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
    return moment


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
