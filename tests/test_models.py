"""The database itself refuses data that breaks the diary's rules."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from advice import engine
from tests.factories import make_clinic, make_entry, make_patient
from tracker.models import DailyEntry, Episode, RedFlag, RedFlagReport

DAY = dt.date(2026, 11, 1)


@pytest.fixture
def episode(db) -> Episode:
    return make_patient(make_clinic(), onset=DAY).episodes.get()


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            DailyEntry.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_a_second_entry_for_the_same_day_is_refused(episode):
    make_entry(episode, DAY, pain=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(episode, DAY, pain=6)
    assert episode.entries.get().pain == 4


def test_the_same_day_in_another_episode_is_allowed(episode):
    make_entry(episode, DAY)
    episode.closed_at, episode.outcome = timezone.now(), "recovered"
    episode.save()
    other = Episode.objects.create(patient=episode.patient, onset=DAY)
    make_entry(other, DAY)
    assert DailyEntry.objects.filter(day=DAY).count() == 2


@pytest.mark.parametrize("pain", [-1, 11, 100])
def test_pain_outside_0_to_10_is_refused(episode, pain):
    assert refused(episode=episode, day=DAY, pain=pain, function="yes")


@pytest.mark.parametrize("pain", [0, 10])
def test_pain_at_the_ends_of_the_scale_is_stored(episode, pain):
    assert not refused(episode=episode, day=DAY, pain=pain, function="yes")


@pytest.mark.parametrize("minutes", [-5, 1441])
def test_active_minutes_beyond_a_day_are_refused(episode, minutes):
    assert refused(episode=episode, day=DAY, pain=3, function="yes", active_minutes=minutes)


def test_an_unknown_function_answer_is_refused(episode):
    assert refused(episode=episode, day=DAY, pain=3, function="maybe")


def test_an_unknown_work_status_is_refused(episode):
    assert refused(episode=episode, day=DAY, pain=3, function="yes", work_status="holiday")


def test_two_open_episodes_for_one_patient_are_refused(episode):
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(patient=episode.patient, onset=DAY)
    assert episode.patient.episodes.count() == 1


def test_a_closed_episode_needs_an_outcome(episode):
    episode.closed_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        episode.save()


def test_an_open_episode_cannot_carry_an_outcome(episode):
    episode.outcome = "recovered"
    with pytest.raises(IntegrityError), transaction.atomic():
        episode.save()


def test_an_unknown_red_flag_code_is_refused(episode):
    with pytest.raises(IntegrityError), transaction.atomic():
        RedFlagReport.objects.create(episode=episode, code="headache")


def test_the_same_red_flag_cannot_be_open_twice(episode):
    RedFlagReport.objects.create(episode=episode, code="accident")
    with pytest.raises(IntegrityError), transaction.atomic():
        RedFlagReport.objects.create(episode=episode, code="accident")


def test_a_resolved_red_flag_can_be_reported_again(episode):
    first = RedFlagReport.objects.create(episode=episode, code="accident")
    first.resolved_at = timezone.now()
    first.save()
    RedFlagReport.objects.create(episode=episode, code="accident")
    assert episode.red_flags.count() == 2


def test_a_red_flag_cannot_be_resolved_before_it_was_reported(episode):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        RedFlagReport.objects.create(
            episode=episode, code="accident", reported_at=now, resolved_at=now - dt.timedelta(1)
        )


def test_a_year_of_birth_outside_reason_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patient(make_clinic(), year_of_birth=1850)


def test_the_red_flag_codes_are_those_of_the_advice_engine():
    assert list(RedFlag.values) == list(engine.RED_FLAGS)


def test_the_function_answers_are_those_of_the_advice_engine():
    from tracker.models import Function

    assert tuple(Function.values) == engine.FUNCTION_CHOICES
