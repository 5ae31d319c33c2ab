"""Writes that touch several models: plain functions with keyword-only arguments.

The way data walks: a form → a service here validates and stores → the episode
is reassessed with ``advice.engine.assess`` → the episode keeps a snapshot of
the assessment, and a history row when the level changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from advice import content, engine
from tracker import notifications, triage
from tracker.formatting import format_day
from tracker.invitations import invitation_tokens
from tracker.models import (
    AssessmentRecord,
    Clinic,
    ContactAction,
    ContactRecord,
    DailyEntry,
    Episode,
    Outcome,
    Patient,
    RedFlagReport,
    Resolution,
    RiskFactorAnswer,
    User,
)

logger = logging.getLogger(__name__)

# How far back a patient may add or correct a day (today and the 7 days before).
EDITABLE_DAYS = 7


def editable_days(*, episode: Episode, today: dt.date | None = None) -> list[dt.date]:
    """The days a patient may log or correct, newest first: today and the past
    7 days, but never before the day the pain started."""
    today = today or timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(EDITABLE_DAYS + 1)]
    return [day for day in days if day >= episode.onset]


def entry_check_day(*, episode: Episode, day: dt.date, today: dt.date | None = None) -> None:
    """Refuse a day that cannot be logged, with a message for the field ``day``."""
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError({"day": _("Deze dag ligt in de toekomst. Kies vandaag of eerder.")})
    if day < episode.onset:
        raise ValidationError(
            {
                "day": _("Deze dag ligt vóór het begin van uw rugpijn (%(onset)s).")
                % {"onset": format_day(episode.onset, today=today)}
            }
        )
    if day < today - dt.timedelta(days=EDITABLE_DAYS):
        raise ValidationError(
            {"day": _("U kunt alleen de afgelopen 7 dagen invullen of aanpassen.")}
        )


class EntryChanged(Exception):
    """The day's entry is not the one the form was opened on: it was saved,
    changed or removed meanwhile (another tab, another device). ``entry`` is what
    is stored now (None when there is nothing)."""

    def __init__(self, entry: DailyEntry | None):
        super().__init__("the entry changed since the form was opened")
        self.entry = entry


ANY_VERSION = object()  # entry_save without a check: whatever is stored is replaced


def entry_save(
    *,
    episode: Episode,
    day: dt.date,
    pain: int,
    function: str,
    bed_rest: bool = False,
    active_minutes: int | None = None,
    work_status: str = "n_a",
    painkillers: bool = False,
    note: str = "",
    version: int | None | object = ANY_VERSION,
    today: dt.date | None = None,
) -> tuple[DailyEntry, bool]:
    """Store the day's entry and reassess.

    ``version`` is the version of the entry the form was opened on (None: there
    was no entry). When the stored entry is another one, nothing is written and
    EntryChanged says what is there now. Returns the entry and whether it was
    new. Raises ValidationError naming the field when the day cannot be logged
    or the episode is closed.
    """
    today = today or timezone.localdate()
    if not episode.is_open:
        raise ValidationError(_("Deze periode is afgesloten."))
    entry_check_day(episode=episode, day=day, today=today)
    values = {
        "pain": pain,
        "function": function,
        "bed_rest": bed_rest,
        "active_minutes": active_minutes,
        "work_status": work_status,
        "painkillers": painkillers,
        "note": note,
        "updated_at": timezone.now(),
    }
    for attempt in range(2):
        try:
            with transaction.atomic():
                _lock(episode)  # every writer of the episode waits here, in turn
                if not episode.is_open:
                    raise ValidationError(_("Deze periode is afgesloten."))
                entry = DailyEntry.objects.filter(episode=episode, day=day).first()
                if version is not ANY_VERSION and (entry.version if entry else None) != version:
                    raise EntryChanged(entry)
                created = entry is None
                if created:
                    entry = DailyEntry.objects.create(episode=episode, day=day, **values)
                else:
                    for name, value in values.items():
                        setattr(entry, name, value)
                    entry.version += 1
                    entry.save(update_fields=[*values, "version"])
                _episode_touch(episode)
                episode_reassess(episode=episode, today=today)
            return entry, created
        except IntegrityError:
            # Another request stored the same day between our read and our
            # insert (a writer that did not lock the episode); the second try
            # finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def red_flags_report(
    *, episode: Episode, codes: Iterable[str], today: dt.date | None = None
) -> list[RedFlagReport]:
    """Record the red flags the patient reports as present now. A flag already
    open stays as it is (one open report per code)."""
    codes = [code for code in dict.fromkeys(codes) if code in engine.RED_FLAGS]
    created = []
    with transaction.atomic():
        _lock(episode)
        open_codes = set(
            episode.red_flags.filter(resolved_at__isnull=True).values_list("code", flat=True)
        )
        for code in codes:
            if code in open_codes:
                continue
            try:
                with transaction.atomic():
                    created.append(RedFlagReport.objects.create(episode=episode, code=code))
            except IntegrityError:
                continue  # reported at the same moment by another request
        if created:
            _episode_touch(episode)
            episode_reassess(episode=episode, today=today)
            # Email the clinic once the reports are stored (never for a rollback).
            transaction.on_commit(lambda: notifications.red_flags_notify(episode=episode))
    return created


def red_flag_resolve(
    *, report: RedFlagReport, resolution: str, today: dt.date | None = None
) -> None:
    """The patient says the red flag is over, and what happened (they saw a doctor,
    it was a mistake, it went by itself). The clinic keeps seeing it until a
    physiotherapist has acknowledged it."""
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": _("Kies wat er is gebeurd.")})
    with transaction.atomic():
        _lock(report.episode)
        updated = RedFlagReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=resolution
        )
        if updated:
            _episode_touch(report.episode)
            episode_reassess(episode=report.episode, today=today)


def intake_complete(
    *,
    episode: Episode,
    onset: dt.date,
    red_flags: Iterable[str],
    risk_factors: dict[str, bool],
    contacts: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> None:
    """The first visit: confirm the onset, answer the red-flag checklist and the
    risk-factor statements, and (optionally) give the GP practice and the
    patient's own phone number (``contacts``: gp_name, gp_phone, phone)."""
    today = today or timezone.localdate()
    first_day = episode.entries.order_by("day").values_list("day", flat=True).first()
    if onset > today:
        raise ValidationError({"onset": _("Deze datum ligt in de toekomst.")})
    if first_day is not None and onset > first_day:
        raise ValidationError(
            {
                "onset": _("U heeft al pijn ingevuld op %(day)s; de rugpijn begon dus eerder.")
                % {"day": format_day(first_day, today=today)}
            }
        )
    with transaction.atomic():
        _lock(episode)
        episode.onset = onset
        episode.intake_done_at = timezone.now()
        episode.save(update_fields=["onset", "intake_done_at"])
        if contacts:
            Patient.objects.filter(pk=episode.patient_id).update(**contacts)
        risk_factors_save(
            episode=episode, answers=risk_factors, occasion=RiskFactorAnswer.Occasion.INTAKE
        )
        red_flags_report(episode=episode, codes=red_flags, today=today)
        _episode_touch(episode)
        episode_reassess(episode=episode, today=today)


def risk_factors_save(*, episode: Episode, answers: dict[str, bool], occasion: str) -> None:
    """Store the answers to the risk-factor statements for one occasion (once)."""
    RiskFactorAnswer.objects.bulk_create(
        [
            RiskFactorAnswer(episode=episode, code=code, answer=bool(answer), occasion=occasion)
            for code, answer in answers.items()
            if code in engine.YELLOW_FLAGS
        ],
        ignore_conflicts=True,
    )


def risk_factors_due(*, episode: Episode) -> bool:
    """True when the statements should come back: `not_improving` has fired and
    they have not been answered again since."""
    if engine.NOT_IMPROVING not in (episode.reasons or []):
        return False
    return not episode.risk_factors.filter(
        occasion=RiskFactorAnswer.Occasion.NOT_IMPROVING
    ).exists()


def episode_reassess(*, episode: Episode, today: dt.date | None = None) -> engine.Assessment:
    """Run the engine on the episode's diary and keep the result on the episode.

    A history row is written whenever the level changes, holding the text the
    patient was shown, in their language.
    """
    today = today or timezone.localdate()
    rows = list(
        episode.entries.filter(day__lte=today).values_list("day", "pain", "function", "bed_rest")
    )
    flags = list(episode.red_flags.filter(_FLAGS_IN_VIEW).values_list(*_FLAG_COLUMNS))
    assessment = _assess(episode=episode, today=today, rows=rows, flags=flags)
    fields = snapshot_fields(
        episode=episode, assessment=assessment, today=today, **_flag_fields(flags)
    )
    news = _worth_a_record(episode, assessment)
    for name, value in fields.items():
        setattr(episode, name, value)
    Episode.objects.filter(pk=episode.pk).update(**fields)
    if news:
        logged = first_week_days([row[0] for row in rows], today=today)
        assessment_record(episode=episode, patient=episode.patient, logged_days=logged).save()
    return assessment


def episodes_reassess(*, episodes: Sequence[Episode], today: dt.date | None = None) -> int:
    """Reassess many episodes with a fixed number of queries (the daily job and
    the dashboard's stale rows). The episodes need patient and clinic loaded."""
    today = today or timezone.localdate()
    if not episodes:
        return 0
    with transaction.atomic():
        return _episodes_reassess(episodes=episodes, today=today)


def _episodes_reassess(*, episodes: Sequence[Episode], today: dt.date) -> int:
    ids = sorted(episode.pk for episode in episodes)
    # Lock the rows (in a fixed order) and read their stored assessment afresh,
    # so a check-in that lands meanwhile is neither overwritten nor missed.
    locked = {
        row["pk"]: row
        for row in Episode.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values("pk", *SNAPSHOT_FIELDS)
    }
    for episode in episodes:
        for name in SNAPSHOT_FIELDS:
            setattr(episode, name, locked[episode.pk][name])
    rows: dict[int, list] = defaultdict(list)
    for episode_id, *row in DailyEntry.objects.filter(
        episode_id__in=ids, day__lte=today
    ).values_list("episode_id", "day", "pain", "function", "bed_rest"):
        rows[episode_id].append(row)
    flags: dict[int, list] = defaultdict(list)
    for episode_id, *flag in RedFlagReport.objects.filter(
        _FLAGS_IN_VIEW, episode_id__in=ids
    ).values_list("episode_id", *_FLAG_COLUMNS):
        flags[episode_id].append(flag)
    records = []
    for episode in episodes:
        assessment = _assess(
            episode=episode, today=today, rows=rows[episode.pk], flags=flags[episode.pk]
        )
        news = _worth_a_record(episode, assessment)
        fields = snapshot_fields(
            episode=episode, assessment=assessment, today=today, **_flag_fields(flags[episode.pk])
        )
        for name, value in fields.items():
            setattr(episode, name, value)
        if news:
            logged = first_week_days([row[0] for row in rows[episode.pk]], today=today)
            records.append(
                assessment_record(episode=episode, patient=episode.patient, logged_days=logged)
            )
    Episode.objects.bulk_update(episodes, list(SNAPSHOT_FIELDS), batch_size=500)
    AssessmentRecord.objects.bulk_create(records, batch_size=500)
    return len(episodes)


# The red flags the clinic still has to see: present now, or resolved by the
# patient but not yet acknowledged by a physiotherapist.
_FLAGS_IN_VIEW = Q(resolved_at__isnull=True) | Q(acknowledged_at__isnull=True)
_FLAG_COLUMNS = ("code", "reported_at", "resolved_at")


def _flag_fields(flags) -> dict:
    """snapshot_fields' red-flag arguments from (code, reported_at, resolved_at) rows."""
    return {
        "red_flag_at": max((reported for _code, reported, _resolved in flags), default=None),
        "red_flag_unseen": any(resolved is not None for _code, _reported, resolved in flags),
    }


def _assess(*, episode: Episode, today: dt.date, rows, flags) -> engine.Assessment:
    entries = [
        engine.DayEntry(day, pain, function, bed_rest) for day, pain, function, bed_rest in rows
    ]
    return engine.assess(
        onset=min(episode.onset, today),
        today=today,
        entries=entries,
        red_flags=[code for code, _reported, resolved in flags if resolved is None],
    )


def _worth_a_record(episode: Episode, assessment: engine.Assessment) -> bool:
    """A history row is written when the level changes, and when another version
    of the rules made the assessment, so the patient and the physiotherapist see
    why the advice changed (or that it did not) under the new rules."""
    return assessment.level != episode.level or assessment.rules_version != episode.rules_version


SNAPSHOT_FIELDS = (
    "level",
    "reasons",
    "held",
    "baseline",
    "mean_7d",
    "rules_version",
    "assessed_on",
    "triage_rank",
    "red_flag_at",
    "first_improved_on",
    "first_recovered_on",
    "alert_raised_at",
)


def snapshot_fields(
    *,
    episode: Episode,
    assessment: engine.Assessment,
    today: dt.date,
    red_flag_at: dt.datetime | None,
    red_flag_unseen: bool = False,
) -> dict:
    """The episode fields that keep an assessment, given the episode as it was.
    ``red_flag_unseen``: a red flag the patient resolved has not been acknowledged
    by a physiotherapist yet, so the row stays among the red flags."""
    fields = {
        "level": assessment.level,
        "reasons": list(assessment.reasons),
        "held": list(assessment.held),
        "baseline": assessment.baseline,
        "mean_7d": assessment.mean_7d,
        "rules_version": assessment.rules_version,
        "assessed_on": today,
        "triage_rank": triage.RED_FLAG_RANK
        if red_flag_unseen
        else triage.triage_rank(assessment.level, assessment.reasons, assessment.held),
        "red_flag_at": red_flag_at,
        "first_improved_on": episode.first_improved_on,
        "first_recovered_on": episode.first_recovered_on,
        "alert_raised_at": episode.alert_raised_at,
    }
    if fields["first_improved_on"] is None and assessment.improved:
        fields["first_improved_on"] = today
    if fields["first_recovered_on"] is None and assessment.level == engine.RECOVERED:
        fields["first_recovered_on"] = today
    if triage.alert_reasons(assessment.reasons, assessment.held) - triage.alert_reasons(
        episode.reasons or [], episode.held or []
    ):
        fields["alert_raised_at"] = timezone.now()
    return fields


def first_week_days(days: Sequence[dt.date], *, today: dt.date) -> int | None:
    """The number of days logged when the diary (its first entry) is less than a
    week old, or has no entry yet; None once it is older. In that first week the
    patient is told how many days are still needed, not that too few were logged."""
    logged = [day for day in days if day <= today]
    if logged and min(logged) <= today - dt.timedelta(days=7):
        return None
    return len(logged)


def diary_first_week_days(*, episode: Episode, today: dt.date) -> int | None:
    """first_week_days for the episode's diary; no query unless few_entries fired."""
    if engine.FEW_ENTRIES not in (episode.reasons or []):
        return None
    days = list(
        episode.entries.filter(day__lte=today).order_by("day").values_list("day", flat=True)[:8]
    )
    return first_week_days(days, today=today)


def assessment_record(
    *, episode: Episode, patient: Patient, logged_days: int | None = None
) -> AssessmentRecord:
    """An (unsaved) history row for the episode's current snapshot, holding the
    text the patient is shown, in their language."""
    with translation.override(patient.language):
        message = content.patient_message(
            episode.level,
            episode.reasons,
            patient.clinic,
            episode.held,
            patient,
            logged_days=logged_days,
        )
    return AssessmentRecord(
        episode=episode,
        assessed_on=episode.assessed_on,
        level=episode.level,
        reasons=episode.reasons,
        held=episode.held,
        baseline=episode.baseline,
        mean_7d=episode.mean_7d,
        rules_version=episode.rules_version,
        message=message,
    )


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
        _lock(episode)
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
        if episode.is_open:
            episode_reassess(episode=episode, today=today)
        else:  # a closed episode keeps its last assessment; only its rank drops
            rank = triage.triage_rank(episode.level, episode.reasons, episode.held)
            Episode.objects.filter(pk=episode.pk).update(triage_rank=rank)
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
        _lock(episode)
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


def episode_refresh(*, episode: Episode, today: dt.date | None = None) -> None:
    """Reassess a snapshot made before today (the date alone can change a level),
    under the same row lock as every other writer of the episode."""
    today = today or timezone.localdate()
    if episode.is_open and episode.assessed_on != today:
        episodes_reassess(episodes=[episode], today=today)


def episode_open(*, patient: Patient, onset: dt.date, today: dt.date | None = None) -> Episode:
    """Start a new episode when the pain returns. At most one is open at a time."""
    today = today or timezone.localdate()
    if onset > today:
        raise ValidationError({"onset": _("Deze datum ligt in de toekomst.")})
    try:
        with transaction.atomic():
            episode = Episode.objects.create(patient=patient, onset=onset)
            episode_reassess(episode=episode, today=today)
    except IntegrityError:
        raise ValidationError(_("U heeft al een open periode met rugpijn.")) from None
    return episode


def episode_corrected(*, episode: Episode) -> None:
    """Entries or red flags were changed outside the patient's pages (in the
    admin): mark the data changed and reassess, under the episode's lock."""
    with transaction.atomic():
        _lock(episode)
        _episode_touch(episode)
        episode_reassess(episode=episode)


def _lock(episode: Episode) -> None:
    """Serialise the writers of one episode: lock its row (PostgreSQL; on SQLite
    the IMMEDIATE transaction already holds the write lock) and read its stored
    assessment afresh, so a concurrent writer's result is compared against."""
    row = (
        Episode.objects.select_for_update()
        .filter(pk=episode.pk)
        .values("closed_at", "data_changed_at", "alert_acknowledged_at", *SNAPSHOT_FIELDS)
        .get()
    )
    for name, value in row.items():
        setattr(episode, name, value)


def _episode_touch(episode: Episode) -> None:
    """Mark the episode's data as changed (the chart cache key follows it)."""
    episode.data_changed_at = timezone.now()
    Episode.objects.filter(pk=episode.pk).update(data_changed_at=episode.data_changed_at)


def patient_delete(*, patient: Patient) -> None:
    """Remove the patient's account and everything in it (episodes, entries,
    red flags, answers, assessments)."""
    with transaction.atomic():
        patient.user.delete()


def patient_invite(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    email: str,
    onset: dt.date,
    year_of_birth: int,
    language: str,
    physio: User | None = None,
) -> Patient:
    """Create the patient's account (no password yet) and their first episode.
    The view then emails the one-time link (`invitation_send`)."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=email, email=email, first_name=first_name, last_name=last_name
        )  # no password: unusable until the patient chooses one
        patient = Patient.objects.create(
            user=user,
            clinic=clinic,
            physio=physio,
            year_of_birth=year_of_birth,
            language=language,
        )
        episode = Episode.objects.create(patient=patient, onset=onset)
        episode_reassess(episode=episode)
    return patient


def account_exists(*, email: str) -> bool:
    """An account already uses this address (as its email or its username)."""
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def invitation_for_existing_account(*, email: str, clinic: Clinic) -> None:
    """Someone at a clinic tried to invite an address that already has an
    account: tell its owner, in their language, how to go on. Nothing else
    happens, so the clinic learns nothing about the account."""
    user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    patient = Patient.objects.filter(user=user).first() if user else None
    language = patient.language if patient else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("Uitnodiging van %(clinic)s voor Herstelpad") % {"clinic": clinic.name}
        body = render_to_string(
            "tracker/email/invitation_existing.txt",
            {
                "clinic": clinic,
                "login": f"{settings.SITE_URL}{reverse('login')}",
                "reset": f"{settings.SITE_URL}{reverse('password_reset')}",
            },
        )
    send_mail(subject, body, None, [email])


def invitation_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    path = reverse("tracker:invitation_accept", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def invitation_send(*, patient: Patient) -> bool:
    """Email the invitation in the patient's language. False when the mail
    server refused it: the account exists, and staff can send it again."""
    link = invitation_link(user=patient.user)
    with translation.override(patient.language):
        subject = _("Uw uitnodiging voor Herstelpad van %(clinic)s") % {
            "clinic": patient.clinic.name
        }
        body = render_to_string(
            "tracker/email/invitation.txt",
            {"patient": patient, "link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        )
    try:
        send_mail(subject, body, None, [patient.user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("invitation to patient %s could not be sent", patient.pk, exc_info=True)
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
