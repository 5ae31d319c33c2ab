"""The emails Herstelpad sends by itself: the patient's daily reminder, and to the
clinic's physiotherapists a red flag as soon as it is reported and a daily digest
of new alerts. No health details in an email: it says that
something needs attention and links to the record or the caseload, where the
physiotherapist signs in with two factors.

Each email is claimed in the database before it goes out (a conditional UPDATE),
so two processes never send it twice; a refused email is released again, so the
next run of the command retries it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advice import engine
from tracker.models import DailyEntry, Episode, Membership, Patient, RedFlagReport, User

logger = logging.getLogger(__name__)


def recipients_for(patient: Patient) -> list[User]:
    """Who is told about this patient: their own physiotherapist when they still
    work at the patient's clinic and have an address, else every physiotherapist
    of the clinic with an address. ``_digest_episodes`` applies the same rule in
    SQL: change the two together."""
    members = User.objects.filter(is_active=True, memberships__clinic_id=patient.clinic_id).exclude(
        email=""
    )
    if patient.physio_id is not None:
        own = members.filter(pk=patient.physio_id).first()
        if own is not None:
            return [own]
    return list(members.order_by("pk").distinct())


def red_flags_notify(*, episode: Episode) -> bool:
    """Email the physiotherapists about red flags of this episode not yet notified.
    One email for the reports claimed together; True when it went out."""
    now = timezone.now()
    pending = RedFlagReport.objects.filter(episode_id=episode.pk, notified_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        return False
    claimed = RedFlagReport.objects.filter(pk__in=ids, notified_at__isnull=True).update(
        notified_at=now
    )
    if not claimed:
        return False  # another process is sending it
    patient = Patient.objects.select_related("clinic").get(pk=episode.patient_id)
    to = [user.email for user in recipients_for(patient)]
    if not to:
        # Released, so the every-minute retry sends it once someone has an address.
        logger.warning("red flag of patient %s: no physiotherapist with an email", patient.pk)
        RedFlagReport.objects.filter(pk__in=ids, notified_at=now).update(notified_at=None)
        return False
    link = settings.SITE_URL + reverse(
        "tracker:patient_detail", args=[patient.clinic.slug, patient.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Herstelpad: een patiënt van %(clinic)s heeft vandaag uw aandacht nodig") % {
            "clinic": patient.clinic.name
        }
        body = render_to_string(
            "tracker/email/red_flag_alert.txt", {"clinic": patient.clinic, "link": link}
        )
    try:
        send_mail(subject, body, None, to)
    except (OSError, smtplib.SMTPException):
        logger.warning("red flag email for patient %s refused", patient.pk, exc_info=True)
        RedFlagReport.objects.filter(pk__in=ids, notified_at=now).update(notified_at=None)
        return False
    return True


def red_flags_notify_pending(*, older_than: dt.timedelta = dt.timedelta(seconds=30)) -> int:
    """The safety net for red_flags_notify (run every minute from cron): email about
    every open episode's red flags that no email went out for yet."""
    cutoff = timezone.now() - older_than
    episodes = Episode.objects.filter(
        closed_at__isnull=True,
    ).filter(
        Exists(
            RedFlagReport.objects.filter(
                episode=OuterRef("pk"), notified_at__isnull=True, reported_at__lte=cutoff
            )
        )
    )
    return sum(red_flags_notify(episode=episode) for episode in episodes)


def _digest_episodes(user: User, since: dt.datetime) -> list[Episode]:
    """The new see_physio alerts among this physiotherapist's patients since
    ``since``, still not acknowledged: their own, and, as for a red flag
    (``recipients_for``), the patients at their clinics whose own physiotherapist
    cannot be told (none, no longer at the clinic, inactive or without an address)."""
    clinics = Membership.objects.filter(user=user).values("clinic")
    own_can_be_told = Exists(
        Membership.objects.filter(
            clinic_id=OuterRef("patient__clinic_id"),
            user_id=OuterRef("patient__physio_id"),
            user__is_active=True,
        ).exclude(user__email="")
    )
    mine = Q(patient__physio=user) | ~Q(own_can_be_told)
    return list(
        Episode.objects.filter(
            mine,
            patient__clinic__in=clinics,
            level=engine.SEE_PHYSIO,
            alert_raised_at__gt=since,
        )
        .filter(
            Q(alert_acknowledged_at__isnull=True)
            | Q(alert_acknowledged_at__lt=F("alert_raised_at"))
        )
        .select_related("patient__clinic")
    )


def digests_send(*, now: dt.datetime | None = None) -> int:
    """The daily digest: each physiotherapist who wants it gets one email a day
    listing how many of their patients got a new see_physio alert since the last
    digest (no names, no health details: a link to the caseload). Claimed per day,
    so a second run on the same day sends nothing."""
    now = now or timezone.now()
    start_of_day = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    staff = (
        User.objects.filter(is_active=True, digest=True, memberships__isnull=False)
        .exclude(email="")
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=start_of_day))
        .distinct()
    )
    sent = 0
    for user in staff:
        since = user.digest_sent_at or now - dt.timedelta(days=1)
        claimed = (
            User.objects.filter(pk=user.pk)
            .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=start_of_day))
            .update(digest_sent_at=now)
        )
        if not claimed:
            continue
        episodes = _digest_episodes(user, since)
        if not episodes:
            continue
        if _digest_send(user, episodes):
            sent += 1
        else:
            User.objects.filter(pk=user.pk, digest_sent_at=now).update(
                digest_sent_at=user.digest_sent_at
            )
    return sent


def _digest_send(user: User, episodes: Iterable[Episode]) -> bool:
    by_clinic: dict = {}
    for episode in episodes:
        by_clinic.setdefault(episode.patient.clinic, []).append(episode)
    clinics = [
        (
            clinic,
            len(items),
            settings.SITE_URL + reverse("tracker:clinic_dashboard", args=[clinic.slug]) + "?new=1",
        )
        for clinic, items in sorted(by_clinic.items(), key=lambda item: item[0].name)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Herstelpad: nieuwe meldingen van vandaag")
        body = render_to_string(
            "tracker/email/digest.txt",
            {
                "user": user,
                "clinics": clinics,
                "settings_link": settings.SITE_URL + reverse("tracker:staff_settings"),
            },
        )
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("digest for user %s refused", user.pk, exc_info=True)
        return False
    return True


def reminders_send(*, today: dt.date | None = None) -> int:
    """Email each patient with an open episode, reminders on, and no entry today.

    A patient is claimed with an UPDATE … WHERE last_reminded_on < today before
    the email goes out, so two runs (even at the same moment) never send twice.
    """
    today = today or timezone.localdate()
    open_episode = Episode.objects.filter(
        patient=OuterRef("pk"), closed_at__isnull=True, intake_done_at__isnull=False
    )
    logged_today = DailyEntry.objects.filter(
        episode__patient=OuterRef("pk"), episode__closed_at__isnull=True, day=today
    )
    candidates = (
        Patient.objects.filter(Exists(open_episode), ~Exists(logged_today), reminders=True)
        .filter(user__is_active=True)
        .exclude(last_reminded_on=today)
        .exclude(user__email="")
        .select_related("user", "clinic")
    )
    sent = 0
    for patient in candidates:
        claimed = (
            Patient.objects.filter(pk=patient.pk)
            .exclude(last_reminded_on=today)
            .update(last_reminded_on=today)
        )
        if not claimed:
            continue
        with translation.override(patient.language):
            subject = _("Hoe gaat het vandaag met uw rug?")
            body = render_to_string(
                "tracker/email/reminder.txt",
                {"patient": patient, "link": f"{settings.SITE_URL}{reverse('tracker:checkin')}"},
            )
        try:
            send_mail(subject, body, None, [patient.user.email])
        except (OSError, smtplib.SMTPException):
            # One refused address must not stop everyone after it; the patient
            # stays claimed for today, so the next run does not retry all day.
            logger.warning("reminder to patient %s could not be sent", patient.pk, exc_info=True)
            continue
        sent += 1
    return sent
