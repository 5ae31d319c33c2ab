"""Diary writes: a day's entry, red flags, the first visit, the risk-factor
answers. Plain functions with keyword-only arguments; each takes the episode's row
lock, changes the data, and has the episode reassessed (``tracker.assessment``) in
the same transaction. The rules live here, once: the forms check the input, these
refuse what may not be stored, with a message naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advice import engine
from tracker import assessment, notifications
from tracker.formatting import format_day
from tracker.models import DailyEntry, Episode, Patient, RedFlagReport, Resolution, RiskFactorAnswer

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
    answers: Mapping[str, object],
    version: int | None | object = ANY_VERSION,
    today: dt.date | None = None,
) -> tuple[DailyEntry, bool]:
    """Store the day's entry and reassess.

    ``answers`` holds the day's answers by the names of ``DailyEntry.ANSWERS``
    (pain and function are needed; the others default to the model's defaults).
    ``version`` is the version of the entry the form was opened on (None: there
    was no entry). When the stored entry is another one, nothing is written and
    EntryChanged says what is there now. Returns the entry and whether it was
    new. Raises ValidationError naming the field when the day cannot be logged
    or the episode is closed.
    """
    today = today or timezone.localdate()
    unknown = set(answers) - set(DailyEntry.ANSWERS)
    if unknown or not {"pain", "function"} <= set(answers):
        raise TypeError(f"answers: expected {DailyEntry.ANSWERS}, got {sorted(answers)}")
    if not episode.is_open:
        raise ValidationError(_("Deze periode is afgesloten."))
    entry_check_day(episode=episode, day=day, today=today)
    values = {
        name: answers[name] if name in answers else DailyEntry._meta.get_field(name).get_default()
        for name in DailyEntry.ANSWERS
    }
    values["updated_at"] = timezone.now()
    for attempt in range(2):
        try:
            with transaction.atomic():
                assessment.lock(episode=episode)  # every writer of the episode waits here, in turn
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
                touch(episode)
                assessment.reassess(episodes=[episode], today=today)
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
    with transaction.atomic():
        assessment.lock(episode=episode)
        created = _red_flags_store(episode=episode, codes=codes)
        if created:
            touch(episode)
            assessment.reassess(episodes=[episode], today=today)
    return created


def _red_flags_store(*, episode: Episode, codes: Iterable[str]) -> list[RedFlagReport]:
    """Store the reports of the codes not already open, and email the clinic once
    they are committed. The caller holds the episode's lock and reassesses."""
    codes = [code for code in dict.fromkeys(codes) if code in engine.RED_FLAGS]
    open_codes = set(
        episode.red_flags.filter(resolved_at__isnull=True).values_list("code", flat=True)
    )
    created = []
    for code in codes:
        if code in open_codes:
            continue
        try:
            with transaction.atomic():
                created.append(RedFlagReport.objects.create(episode=episode, code=code))
        except IntegrityError:
            continue  # reported at the same moment by another request
    if created:
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
        assessment.lock(episode=report.episode)
        updated = RedFlagReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=resolution
        )
        if updated:
            touch(report.episode)
            assessment.reassess(episodes=[report.episode], today=today)


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
        assessment.lock(episode=episode)
        episode.onset = onset
        episode.intake_done_at = timezone.now()
        episode.save(update_fields=["onset", "intake_done_at"])
        if contacts:
            Patient.objects.filter(pk=episode.patient_id).update(**contacts)
        risk_factors_save(
            episode=episode, answers=risk_factors, occasion=RiskFactorAnswer.Occasion.INTAKE
        )
        _red_flags_store(episode=episode, codes=red_flags)
        touch(episode)
        assessment.reassess(episodes=[episode], today=today)


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


def touch(episode: Episode) -> None:
    """Mark the episode's data as changed (the summary's cache key follows it)."""
    episode.data_changed_at = timezone.now()
    Episode.objects.filter(pk=episode.pk).update(data_changed_at=episode.data_changed_at)
