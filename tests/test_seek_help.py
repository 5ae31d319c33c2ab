"""The seek-help loop: from an alert to a phone call that happened.

The patient gets the right number to tap; a red flag is not cleared by accident;
the physiotherapist is emailed (without health details) and records what was
done; closing the diary does not hide an alert; the caseload shows who needs
attention in seconds.
"""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advice import engine
from tests.conftest import client_for
from tests.factories import make_entry, make_patient, make_physio
from tracker import assessment, checkins, lifecycle, notifications, triage
from tracker.models import (
    CaseloadVisit,
    Clinic,
    ContactRecord,
    Episode,
    Membership,
    Patient,
    RedFlagReport,
    User,
)
from tracker.phones import e164, tel_uri

HOME = reverse("tracker:patient_home")
RED_FLAGS = reverse("tracker:red_flags")


def checklist(*present) -> dict:
    return {f"red_flag_{code}": "yes" if code in present else "no" for code in engine.RED_FLAGS}


def report(patient: Patient, *codes: str, capture) -> Episode:
    """The patient reports red flags; the emails that follow the commit are sent."""
    episode = patient.episodes.get(closed_at__isnull=True)
    with capture(execute=True):
        checkins.red_flags_report(episode=episode, codes=codes)
    episode.refresh_from_db()
    return episode


def detail_url(world, patient=None) -> str:
    patient = patient or world.patient_a
    return reverse("tracker:patient_detail", args=[world.clinic_a.slug, patient.pk])


def ack_url(world, patient=None) -> str:
    patient = patient or world.patient_a
    return reverse("tracker:alert_acknowledge", args=[world.clinic_a.slug, patient.pk])


def shown(episode: Episode) -> dict:
    return {"raised_at": episode.alert_raised_at.isoformat() if episode.alert_raised_at else ""}


@pytest.fixture
def emails(world):
    """Give the staff addresses (the factories make accounts without one)."""
    for user, address in ((world.physio_a, "fysio-a@example.org"),):
        user.email = address
        user.save()
    colleague = make_physio(world.clinic_a, username="colleague-a")
    colleague.email = "collega@example.org"
    colleague.save()
    return {"own": "fysio-a@example.org", "colleague": "collega@example.org"}


# --- Phone numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("013-4683910", "+31134683910"),
        ("06 12 34 56 78", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031 6 12345678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0900-1515", "+319001515"),
        ("(0900) 123 4567", "+319001234567"),
    ],
)
def test_dutch_and_international_numbers_become_a_link_a_phone_can_dial(typed, number):
    assert e164(typed) == number
    assert tel_uri(typed) == f"tel:{number}"


@pytest.mark.parametrize(
    "typed", ["112", "06-1234567", "061234567890", "+310612345678", "+1", "bel mij", "00"]
)
def test_a_number_that_cannot_be_dialled_is_refused(typed):
    assert e164(typed) is None
    assert tel_uri(typed) is None


def test_settings_name_the_phone_field_and_keep_what_was_typed(world):
    client = client_for(world.patient_a.user)
    data = {
        "language": "nl",
        "reminders": "on",
        "gp_name": "Huisartsen De Linde",
        "gp_phone": "013-555",
        "phone": "06 12345678",
    }
    response = client.post(reverse("tracker:patient_settings"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Telefoonnummer van uw huisarts" in page and "Vul een Nederlands telefoonnummer" in page
    assert 'value="Huisartsen De Linde"' in page and 'value="013-555"' in page
    world.patient_a.refresh_from_db()
    assert world.patient_a.gp_phone == ""
    client.post(reverse("tracker:patient_settings"), data | {"gp_phone": "013-5551234"})
    world.patient_a.refresh_from_db()
    assert (world.patient_a.gp_name, world.patient_a.gp_phone, world.patient_a.phone) == (
        "Huisartsen De Linde",
        "013-5551234",
        "06 12345678",
    )


def test_the_first_visit_asks_for_the_gp_and_the_phone_number(db):
    clinic = Clinic.objects.get(slug="tilburg")
    patient = make_patient(clinic, onset=timezone.localdate(), intake_done=False)
    client = client_for(patient.user)
    page = client.get(reverse("tracker:intake")).content.decode()
    assert "Naam van uw huisartspraktijk" in page and "Uw eigen telefoonnummer" in page
    answers = checklist() | {f"risk_{code}": "no" for code in engine.YELLOW_FLAGS}
    answers |= {"onset": timezone.localdate().isoformat(), "gp_name": "De Linde"}
    client.post(reverse("tracker:intake"), answers | {"gp_phone": "06-1234"})
    patient.refresh_from_db()
    assert patient.gp_name == ""  # refused as a whole: the number is wrong
    client.post(reverse("tracker:intake"), answers | {"gp_phone": "013-5551234"})
    patient.refresh_from_db()
    assert (patient.gp_name, patient.gp_phone) == ("De Linde", "013-5551234")


# --- The patient, when told to seek help --------------------------------------------


def test_an_emergency_offers_the_gp_the_gp_post_and_112_to_tap(
    world, django_capture_on_commit_callbacks
):
    Patient.objects.filter(pk=world.patient_a.pk).update(gp_name="De Linde", gp_phone="013-5551234")
    Clinic.objects.filter(pk=world.clinic_a.pk).update(gp_post_phone="0900-8880")
    report(world.patient_a, "saddle_numbness", capture=django_capture_on_commit_callbacks)
    page = client_for(world.patient_a.user).get(HOME).content.decode()
    for tel in ("tel:+31135551234", "tel:+319008880", "tel:112"):
        assert page.count(f'href="{tel}"') == 1, tel
    assert "Bel De Linde: 013-5551234" in page
    assert page.index("tel:+31135551234") < page.index("tel:+319008880") < page.index("tel:112")
    # The physiotherapy clinic is not the number to call for a doctor.
    assert page.count('href="tel:+31131111111"') == 1  # only in "your clinic" below


def test_without_a_gp_number_the_advice_says_whom_to_call_and_offers_to_add_it(
    world, django_capture_on_commit_callbacks
):
    report(world.patient_a, "fever_unwell", capture=django_capture_on_commit_callbacks)
    page = client_for(world.patient_a.user).get(HOME).content.decode()
    assert "Bel vandaag uw huisarts." in page
    assert "de huisartsenpost" in page
    assert "tel:112" not in page  # see your GP today: no emergency number
    assert "Zet het telefoonnummer van uw huisarts bij" in page
    assert reverse("tracker:patient_settings") in page


def test_see_physio_offers_the_clinic_to_tap(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    for n in range(7):  # B = 3, then pain 6: worse than the baseline by 3
        make_entry(episode, today - dt.timedelta(days=13 - n), pain=3)
        make_entry(episode, today - dt.timedelta(days=6 - n), pain=6)
    assessment.reassess(episodes=[episode])
    page = client_for(world.patient_a.user).get(HOME).content.decode()
    assert "Bel uw fysiotherapeut bij Praktijk A." in page
    assert 'class="btn btn-lg btn-primary w-100" href="tel:+31131111111"' in page


# --- Red flags are not cleared by accident, and the clinic keeps seeing them --------


def test_a_red_flag_resolved_by_the_patient_stays_on_top_until_acknowledged(
    world, django_capture_on_commit_callbacks
):
    episode = report(world.patient_a, "leg_weakness", capture=django_capture_on_commit_callbacks)
    flag = RedFlagReport.objects.get()
    client_for(world.patient_a.user).post(
        reverse("tracker:red_flag_resolve", args=[flag.pk]), {"resolution": "mistake"}
    )
    episode.refresh_from_db()
    assert episode.level != engine.EMERGENCY  # the patient's advice follows the diary again
    assert episode.triage_rank == triage.RED_FLAG_RANK  # the clinic still sees it first
    staff = client_for(world.physio_a)
    dashboard = staff.get(reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug]))
    rows = dashboard.context["rows"]
    assert rows[0]["patient"] == world.patient_a
    assert "alarmsignaal opgelost door patiënt" in dashboard.content.decode()
    record = staff.get(detail_url(world)).content.decode()
    assert "opgelost door de patiënt" in record
    assert "ik had het per vergissing aangevinkt" in record
    assert "nog niet afgehandeld" in record

    staff.post(ack_url(world), shown(episode) | {"action": "called"})
    flag.refresh_from_db()
    episode.refresh_from_db()
    assert flag.acknowledged_at is not None
    assert episode.triage_rank != triage.RED_FLAG_RANK
    rows = staff.get(reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])).context[
        "rows"
    ]
    assert not any(row["flag_resolved"] for row in rows)


# --- The physiotherapist is told -----------------------------------------------------


def test_a_red_flag_emails_the_patients_own_physiotherapist_once_without_health_details(
    world, emails, django_capture_on_commit_callbacks
):
    report(world.patient_a, "bladder_bowel", capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == [emails["own"]]
    link = "http://127.0.0.1:8000" + detail_url(world)
    assert link in message.body
    text = message.subject + message.body
    for private in (
        str(world.patient_a),
        world.patient_a.user.username,
        "blaas",
        "plassen",
        "ontlasting",
        "alarmsignaal",
    ):
        assert private.lower() not in text.lower(), private
    # Reported again, another flag at once, the cron's retry: no second email
    # for the same report; a new report is a new email.
    with django_capture_on_commit_callbacks(execute=True):
        checkins.red_flags_report(episode=world.patient_a.episodes.get(), codes=["bladder_bowel"])
    call_command("send_red_flag_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    report(world.patient_a, "accident", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_without_their_own_physiotherapist_every_member_of_the_clinic_is_emailed(
    world, emails, django_capture_on_commit_callbacks
):
    Patient.objects.filter(pk=world.patient_a.pk).update(physio=None)
    world.patient_a.refresh_from_db()
    report(world.patient_a, "accident", capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert sorted(message.to) == sorted(emails.values())


def test_a_refused_red_flag_email_is_sent_by_the_next_run_of_the_command(
    world, emails, settings, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    report(world.patient_a, "accident", capture=django_capture_on_commit_callbacks)
    assert RedFlagReport.objects.get().notified_at is None
    monkeypatch.undo()
    RedFlagReport.objects.update(reported_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("send_red_flag_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    assert RedFlagReport.objects.get().notified_at is not None


def test_a_red_flag_at_a_clinic_where_no_one_has_an_email_is_sent_once_someone_has(
    world, django_capture_on_commit_callbacks
):
    # The factories make staff without an address: nobody can be emailed yet.
    report(world.patient_a, "accident", capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert RedFlagReport.objects.get().notified_at is None  # not marked as sent
    world.physio_a.email = "fysio-a@example.org"
    world.physio_a.save()
    RedFlagReport.objects.update(reported_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("send_red_flag_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (message,) = mail.outbox
    assert message.to == ["fysio-a@example.org"]


def see_physio(patient: Patient) -> Episode:
    """Give the patient a fresh see_physio alert, as the engine would."""
    episode = patient.episodes.get(closed_at__isnull=True)
    Episode.objects.filter(pk=episode.pk).update(
        level=engine.SEE_PHYSIO,
        reasons=[engine.WORSENING],
        alert_raised_at=timezone.now(),
        triage_rank=1,
        assessed_on=timezone.localdate(),  # a fresh snapshot: the page keeps it
        rules_version=engine.RULES_VERSION,
    )
    return Episode.objects.get(pk=episode.pk)


def test_the_daily_digest_counts_new_alerts_per_physiotherapist_once_a_day(world, emails):
    see_physio(world.patient_a)
    see_physio(world.patient_b)
    out = open("/dev/null", "w")  # noqa: SIM115
    call_command("send_digest", stdout=out)
    (message,) = mail.outbox  # the colleague has no patients of their own with alerts
    assert message.to == [emails["own"]]
    assert "Praktijk A: 2 patiënten" in message.body
    assert "?new=1" in message.body
    assert str(world.patient_a) not in message.body
    call_command("send_digest", stdout=out)  # again the same day: nothing
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("gone", ["left the clinic", "no address", "inactive", "none"])
def test_the_digest_tells_the_clinic_when_the_own_physiotherapist_cannot_be_told(
    world, emails, gone
):
    physio = world.physio_a
    if gone == "left the clinic":
        Membership.objects.filter(user=physio).delete()
    elif gone == "no address":
        User.objects.filter(pk=physio.pk).update(email="")
    elif gone == "inactive":
        User.objects.filter(pk=physio.pk).update(is_active=False)
    else:
        Patient.objects.filter(pk=world.patient_a.pk).update(physio=None)
    see_physio(world.patient_a)
    call_command("send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    to = sorted(address for message in mail.outbox for address in message.to)
    assert emails["colleague"] in to
    message = next(m for m in mail.outbox if m.to == [emails["colleague"]])
    assert "Praktijk A: 1 patiënt" in message.body


def test_the_digest_of_a_colleague_leaves_out_patients_their_own_physiotherapist_is_told_of(
    world, emails
):
    see_physio(world.patient_a)
    call_command("send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [message.to for message in mail.outbox] == [[emails["own"]]]


def test_staff_can_turn_the_digest_off(world, emails):
    client = client_for(world.physio_a)
    page = client.get(reverse("tracker:staff_settings")).content.decode()
    assert "dagelijks overzicht" in page.lower()
    client.post(reverse("tracker:staff_settings"), {})  # the box unticked
    world.physio_a.refresh_from_db()
    assert world.physio_a.digest is False
    see_physio(world.patient_a)
    call_command("send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []


def test_the_digest_leaves_out_alerts_already_acknowledged(world, emails):
    episode = see_physio(world.patient_a)
    lifecycle.alert_acknowledge(
        episode=episode, user=world.physio_a, raised_at=episode.alert_raised_at, action="called"
    )
    call_command("send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []


# --- Acknowledging is a contact record --------------------------------------------------


def test_the_record_shows_how_to_reach_the_patient(world):
    Patient.objects.filter(pk=world.patient_a.pk).update(
        phone="06 12345678", gp_name="De Linde", gp_phone="013-5551234"
    )
    world.patient_a.user.email = "pat@example.org"
    world.patient_a.user.save()
    page = client_for(world.physio_a).get(detail_url(world)).content.decode()
    assert '<a href="tel:+31612345678">06 12345678</a>' in page
    assert '<a href="mailto:pat@example.org">pat@example.org</a>' in page
    assert '<a href="tel:+31135551234">013-5551234</a>' in page


def test_acknowledging_needs_what_was_done_and_keeps_the_note_on_an_error(
    world, django_capture_on_commit_callbacks
):
    episode = report(world.patient_a, "accident", capture=django_capture_on_commit_callbacks)
    client = client_for(world.physio_a)
    response = client.post(ack_url(world), shown(episode) | {"note": "Voicemail ingesproken"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kies wat u heeft gedaan." in page
    assert "Voicemail ingesproken" in page
    assert not ContactRecord.objects.exists()
    client.post(ack_url(world), shown(episode) | {"action": "no_answer", "note": "Voicemail"})
    client.post(ack_url(world), shown(episode) | {"action": "called"})  # nothing left to do
    (contact,) = ContactRecord.objects.all()
    assert (contact.action, contact.note, contact.user) == (
        "no_answer",
        "Voicemail",
        world.physio_a,
    )
    history = client.get(detail_url(world)).content.decode()
    assert "Geen gehoor" in history and "Voicemail" in history


def test_a_note_longer_than_300_characters_is_refused_by_name(
    world, django_capture_on_commit_callbacks
):
    episode = report(world.patient_a, "accident", capture=django_capture_on_commit_callbacks)
    response = client_for(world.physio_a).post(
        ack_url(world), shown(episode) | {"action": "called", "note": "x" * 301}
    )
    assert "Notitie" in response.content.decode()
    assert not ContactRecord.objects.exists()


# --- Closing without losing sight -----------------------------------------------------


def test_a_patient_told_to_seek_help_is_asked_whether_the_back_is_really_better(world):
    see_physio(world.patient_a)
    client = client_for(world.patient_a.user)
    page = client.get(reverse("tracker:episode_close")).content.decode()
    assert "Gaat het echt beter?" in page
    assert "checked" not in page.split("Hoe gaat het met uw rug?")[1].split("</fieldset>")[0]
    response = client.post(reverse("tracker:episode_close"), {"outcome": ""})
    assert response.status_code == 200
    assert "Kies wat het beste past." in response.content.decode()
    assert world.patient_a.episodes.get().is_open
    client.post(reverse("tracker:episode_close"), {"outcome": "improved"})
    episode = world.patient_a.episodes.get()
    assert (episode.is_open, episode.outcome) == (False, "improved")


def test_a_patient_cannot_record_a_staff_outcome(world):
    client_for(world.patient_a.user).post(reverse("tracker:episode_close"), {"outcome": "referred"})
    assert world.patient_a.episodes.get().is_open


def test_an_open_alert_stays_on_the_caseload_after_the_patient_closes(world):
    episode = see_physio(world.patient_a)
    client_for(world.patient_a.user).post(
        reverse("tracker:episode_close"), {"outcome": "recovered"}
    )
    staff = client_for(world.physio_a)
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    rows = staff.get(url).context["rows"]
    (row,) = [row for row in rows if row["patient"] == world.patient_a]
    assert not row["episode"].is_open and row["to_do"]
    page = staff.get(detail_url(world) + f"?episode={episode.pk}").content.decode()
    assert "Vastleggen en afhandelen" in page
    staff.post(ack_url(world), shown(episode) | {"action": "called", "episode": episode.pk})
    rows = staff.get(url).context["rows"]
    assert world.patient_a not in [row["patient"] for row in rows]


# --- A caseload that shows who needs you in seconds -------------------------------------


def dashboard(client, world, **params):
    return client.get(reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug]), params)


def test_counts_per_level_are_filter_links(world):
    see_physio(world.patient_a)
    response = dashboard(client_for(world.physio_a), world)
    page = response.content.decode()
    assert 'href="?level=see_physio"' in page
    counts = {code: count for code, _label, count, _query in response.context["level_counts"]}
    assert counts[engine.SEE_PHYSIO] == 1
    assert sum(counts.values()) == 2  # both open episodes of clinic A


def test_new_since_you_last_looked_stays_put_during_a_session(world):
    first = client_for(world.physio_a)
    assert dashboard(first, world).context["since"] is None  # never looked before
    see_physio(world.patient_a)
    seen = CaseloadVisit.objects.get(user=world.physio_a).seen_at
    assert dashboard(first, world, new=1).context["since"] is None
    later = client_for(world.physio_a)  # a new session
    response = dashboard(later, world, new=1)
    assert response.context["since"] == seen
    assert [row["patient"] for row in response.context["rows"]] == [world.patient_a]
    assert response.context["new_count"] == 1
    # Within the session "new" does not move, even after another look.
    assert dashboard(later, world, new=1).context["new_count"] == 1
    assert dashboard(client_for(world.physio_a), world, new=1).context["new_count"] == 0


@pytest.mark.parametrize(
    ("sort", "first"),
    [("mean", "high"), ("-mean", "low"), ("last", "quiet"), ("-last", "busy")],
)
def test_the_caseload_sorts_by_a_column(world, sort, first):
    today = timezone.localdate()
    for name, pain, days_ago in (("high", 8, 3), ("low", 1, 0)):
        patient = make_patient(world.clinic_a, username=name, onset=today - dt.timedelta(days=20))
        episode = patient.episodes.get()
        for n in range(7):
            make_entry(episode, today - dt.timedelta(days=days_ago + n), pain=pain)
        assessment.reassess(episodes=[episode])
    quiet, busy = "high", "low"
    names = [
        row["patient"].user.username
        for row in dashboard(client_for(world.physio_a), world, sort=sort).context["rows"]
    ]
    wanted = {"high": "high", "low": "low", "quiet": quiet, "busy": busy}[first]
    logged = [name for name in names if name in ("high", "low")]
    assert logged[0] == wanted


def test_search_ignores_accents_and_case(world):
    user = world.patient_b.user
    user.first_name, user.last_name = "Zoë", "Ünal-Ærø"
    user.save()
    client = client_for(world.physio_a)
    for query in ("zoe", "ZOË", "unal", "aero"):
        rows = dashboard(client, world, q=query).context["rows"]
        assert [row["patient"] for row in rows] == [world.patient_b], query
    assert dashboard(client, world, q="zoa").context["rows"] == []
