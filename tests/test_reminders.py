"""send_reminders: one email to each patient who has not checked in today."""

import datetime as dt
import io

import time_machine
from django.core import mail
from django.core.management import call_command

from tests.factories import make_entry, make_patient
from tracker import lifecycle


def run() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_patients_who_have_not_checked_in_get_one_reminder_a_day(world):
    world.patient_a.user.email = "a@example.org"
    world.patient_a.user.save()
    world.patient_b.user.email = "b@example.org"
    world.patient_b.user.save()
    make_entry(world.patient_b.episodes.get(), dt.date.today(), pain=3)

    assert "1 reminder(s) sent." in run()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "/me/checkin/" in mail.outbox[0].body

    assert "0 reminder(s) sent." in run()  # a second run the same day sends nothing twice
    assert len(mail.outbox) == 1


def test_the_next_day_brings_a_new_reminder(world):
    world.patient_a.user.email = "a@example.org"
    world.patient_a.user.save()
    with time_machine.travel(dt.datetime.now() + dt.timedelta(hours=1)):
        run()
    with time_machine.travel(dt.datetime.now() + dt.timedelta(days=1)):
        run()
    assert len(mail.outbox) == 2


def test_reminders_can_be_turned_off(world):
    world.patient_a.user.email = "a@example.org"
    world.patient_a.user.save()
    world.patient_a.reminders = False
    world.patient_a.save()
    run()
    assert not mail.outbox


def test_closed_episodes_and_unfinished_first_visits_get_no_reminder(world):
    user = world.patient_a.user
    user.email = "a@example.org"
    user.save()
    lifecycle.episode_close(episode=world.patient_a.episodes.get(), outcome="recovered")
    newcomer = make_patient(world.clinic_a, onset=dt.date.today(), intake_done=False)
    newcomer.user.email = "new@example.org"
    newcomer.user.save()
    run()
    assert not mail.outbox


def test_the_reminder_is_in_the_patients_language(world):
    world.patient_a.user.email = "a@example.org"
    world.patient_a.user.save()
    world.patient_a.language = "en"
    world.patient_a.save()
    run()
    assert "back" in mail.outbox[0].subject.lower()
