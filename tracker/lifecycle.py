"""An episode's life: opened when the pain comes (back), an alert acknowledged
with a record of what was done, closed with an outcome, corrected in the admin,
and a patient's account deleted. Plain functions with keyword-only arguments.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import assessment
from tracker.checkins import touch
from tracker.models import ContactAction, ContactRecord, Episode, Outcome, Patient, User


def episode_open(*, patient: Patient, onset: dt.date, today: dt.date | None = None) -> Episode:
    """Start a new episode when the pain returns. At most one is open at a time."""
    today = today or timezone.localdate()
    if onset > today:
        raise ValidationError({"onset": _("Deze datum ligt in de toekomst.")})
    try:
        with transaction.atomic():
            episode = Episode.objects.create(patient=patient, onset=onset)
            assessment.reassess(episodes=[episode], today=today)
    except IntegrityError:
        raise ValidationError(_("U heeft al een open periode met rugpijn.")) from None
    return episode


def alert_acknowledge(
    *,
    episode: Episode,
    user: User,
    raised_at: dt.datetime | None,
    action: str,
    note: str = "",
    today: dt.date | None = None,
) -> bool:
    """A physiotherapist acknowledges the alert raised at ``raised_at`` (the one the
    page showed) and records what was done about it. Every red flag of the episode
    counts as seen too, resolved or not. Returns False when there is nothing to
    acknowledge, or when a newer alert was raised meanwhile: that one has not been
    seen yet."""
    if action not in ContactAction.values:
        raise ValidationError({"action": _("Kies wat u heeft gedaan.")})
    now = timezone.now()
    with transaction.atomic():
        assessment.lock(episode=episode)
        alert_pending = episode.alert_unacknowledged
        if alert_pending and (raised_at is None or episode.alert_raised_at != raised_at):
            return False
        flags = episode.red_flags.filter(acknowledged_at__isnull=True)
        if not alert_pending and not flags.exists():
            return False
        flags.update(acknowledged_at=now)
        if alert_pending:
            Episode.objects.filter(pk=episode.pk).update(
                alert_acknowledged_at=now, alert_acknowledged_by=user
            )
            episode.alert_acknowledged_at, episode.alert_acknowledged_by = now, user
        ContactRecord.objects.create(
            episode=episode,
            user=user,
            acknowledged_at=now,
            action=action,
            note=note.strip(),
            level=episode.level,
            reasons=episode.reasons,
        )
        if episode.is_open:  # the triage rank follows the red flags now seen
            assessment.reassess(episodes=[episode], today=today)
    return True


# The outcomes a patient can choose when closing the diary.
PATIENT_OUTCOMES = (Outcome.RECOVERED, Outcome.IMPROVED, Outcome.STOPPED)


def episode_close(*, episode: Episode, outcome: str, by_patient: bool = False) -> None:
    """Close the episode with an outcome. A patient cannot close it while a red
    flag is still open: the warning would disappear. An alert the clinic has not
    acknowledged stays on the caseload after the close (see queries.caseload)."""
    allowed = PATIENT_OUTCOMES if by_patient else Outcome.values
    if outcome not in allowed:
        raise ValidationError({"outcome": _("Kies een uitkomst uit de lijst.")})
    with transaction.atomic():
        assessment.lock(episode=episode)
        if by_patient and episode.red_flags.filter(resolved_at__isnull=True).exists():
            raise ValidationError(
                _(
                    "U heeft nog een alarmsignaal open. Neem eerst contact op met uw huisarts "
                    "en markeer het daarna als opgelost."
                )
            )
        Episode.objects.filter(pk=episode.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(), outcome=outcome
        )
    episode.refresh_from_db()


def episode_corrected(*, episode: Episode) -> None:
    """Entries or red flags were changed outside the patient's pages (in the
    admin): mark the data changed and reassess, under the episode's lock."""
    with transaction.atomic():
        assessment.lock(episode=episode)
        touch(episode)
        assessment.reassess(episodes=[episode])


def patient_delete(*, patient: Patient) -> None:
    """Remove the patient's account and everything in it (episodes, entries,
    red flags, answers, assessments)."""
    with transaction.atomic():
        patient.user.delete()
