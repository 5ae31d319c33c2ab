"""The stored assessment: the one place that writes it.

An episode keeps a snapshot of what its diary means today (``SNAPSHOT_FIELDS``:
level, reasons, held reasons, baseline, 7-day mean, rules version, the day it was
made, the triage rank, the newest red flag, the first days of improvement and
recovery, when an alert was raised), so lists never run the engine per row; and a
history row (``AssessmentRecord``) whenever the level or the rules version changes,
holding what the patient read.

``reassess`` is the only function that writes the snapshot. Every writer of an
episode's data (a check-in, a red flag, the first visit, the admin, the daily
command, the demo data) calls it after its change, in its transaction.

The row lock. Writers of one episode are serialised on the episode's row:
``lock`` (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE
transaction already holds the database's write lock) is taken first by every
diary write, and again by ``reassess`` for the episodes it writes (a no-op when the
caller holds it). ``reassess`` then reads the stored snapshot afresh, so a writer
that waited compares against what the one before it stored: a level change gets
exactly one history row, and an alert is raised once.

Reads on GET. The date alone can change a level (days 7, 14, 18, 42, 84, 91), so a
page that shows a level asks ``as_of_today`` first: it reassesses, under the lock,
the open episodes whose snapshot was made before today or under other rules, and
leaves the others alone (no write, no lock). The patient's home, progress page
and summary, the caseload and the patient's record all use it; the daily command
(``manage.py reassess``) does the same for every open episode at night, so on
most days the pages find nothing stale.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from advice import content, engine
from tracker import triage
from tracker.models import AssessmentRecord, DailyEntry, Episode, RedFlagReport

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

# The red flags the clinic still has to see: present now, or resolved by the
# patient but not yet acknowledged by a physiotherapist.
_FLAGS_IN_VIEW = Q(resolved_at__isnull=True) | Q(acknowledged_at__isnull=True)
_FLAG_COLUMNS = ("code", "reported_at", "resolved_at")
_ENTRY_COLUMNS = ("day", "pain", "function", "bed_rest")
_READ_UNDER_LOCK = ("onset", "closed_at", *SNAPSHOT_FIELDS)


def lock(*, episode: Episode) -> None:
    """Serialise the writers of one episode: lock its row and read its stored
    assessment (and its state) afresh, so this writer sees what the one before it
    stored. Call inside a transaction, before changing the episode's data."""
    row = (
        Episode.objects.select_for_update()
        .filter(pk=episode.pk)
        .values("closed_at", "data_changed_at", "alert_acknowledged_at", *SNAPSHOT_FIELDS)
        .get()
    )
    for name, value in row.items():
        setattr(episode, name, value)


def reassess(*, episodes: Sequence[Episode], today: dt.date | None = None) -> int:
    """Assess the episodes' diaries as of ``today`` and store the result: the
    snapshot, and a history row where the level or the rules version changed.
    Under the episodes' row locks (taken in a fixed order), with a fixed number of
    queries however many episodes. Returns how many were assessed."""
    today = today or timezone.localdate()
    if not episodes:
        return 0
    with transaction.atomic():
        ids = sorted(episode.pk for episode in episodes)
        stored = {
            row["pk"]: row
            for row in Episode.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values("pk", *_READ_UNDER_LOCK)
        }
        # Read afresh under the lock: another writer may have changed the onset or
        # closed the episode since the caller loaded it, or deleted it.
        episodes = [episode for episode in episodes if episode.pk in stored]
        entries: dict[int, list] = defaultdict(list)
        for episode_id, *row in (
            DailyEntry.objects.filter(episode_id__in=ids, day__lte=today)
            .order_by("day")
            .values_list("episode_id", *_ENTRY_COLUMNS)
        ):
            entries[episode_id].append(row)
        flags: dict[int, list] = defaultdict(list)
        for episode_id, *flag in RedFlagReport.objects.filter(
            _FLAGS_IN_VIEW, episode_id__in=ids
        ).values_list("episode_id", *_FLAG_COLUMNS):
            flags[episode_id].append(flag)
        records = []
        for episode in episodes:
            for name in _READ_UNDER_LOCK:
                setattr(episode, name, stored[episode.pk][name])
            fields, news = _snapshot(
                episode=episode, rows=entries[episode.pk], flags=flags[episode.pk], today=today
            )
            for name, value in fields.items():
                setattr(episode, name, value)
            if news:
                logged = first_week_days([row[0] for row in entries[episode.pk]], today=today)
                records.append(history_row(episode=episode, logged=logged))
        Episode.objects.bulk_update(episodes, list(SNAPSHOT_FIELDS), batch_size=500)
        AssessmentRecord.objects.bulk_create(records, batch_size=500)
    return len(episodes)


def as_of_today(*, episodes: Sequence[Episode], today: dt.date | None = None) -> int:
    """The read helper of every page that shows a level: reassess the open
    episodes whose snapshot was made before today (the date alone can change a
    level) or under other rules; the others are left alone, without a write or a
    lock. Returns how many were reassessed (the caller re-reads a list when any)."""
    today = today or timezone.localdate()
    stale = [
        episode
        for episode in episodes
        if episode.is_open
        and (episode.assessed_on != today or episode.rules_version != engine.RULES_VERSION)
    ]
    return reassess(episodes=stale, today=today)


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


def _snapshot(*, episode: Episode, rows, flags, today: dt.date) -> tuple[dict, bool]:
    """The snapshot fields for the diary ``rows`` and red-flag ``flags`` (rows of
    (code, reported_at, resolved_at)), given the episode as it was stored; and
    whether the change is worth a history row."""
    entries = [engine.DayEntry(*row) for row in rows]
    onset = min(episode.onset, today)
    open_codes = [code for code, _reported, resolved in flags if resolved is None]
    first_improved, first_recovered = episode.first_improved_on, episode.first_recovered_on
    if entries and (first_improved is None or first_recovered is None):
        # Backfill from the diary, day by day: the days it first showed them.
        days = engine.assess_days(
            onset=onset,
            first=max(onset, entries[0].day),
            last=today,
            entries=entries,
            red_flags=open_codes,
        )
        assessment = days[-1][1]
        first_improved = first_improved or next((d for d, a in days if a.improved), None)
        first_recovered = first_recovered or next(
            (d for d, a in days if a.level == engine.RECOVERED), None
        )
    else:
        assessment = engine.assess(onset=onset, today=today, entries=entries, red_flags=open_codes)
    fields = fields_for(
        episode=episode,
        assessment=assessment,
        today=today,
        red_flag_at=max((reported for _code, reported, _resolved in flags), default=None),
        red_flag_unseen=any(resolved is not None for _code, _reported, resolved in flags),
    )
    fields["first_improved_on"], fields["first_recovered_on"] = first_improved, first_recovered
    # A history row when the level changes, and when another version of the rules
    # made the assessment: the patient and the physiotherapist see why the advice
    # changed (or that it did not) under the new rules.
    news = assessment.level != episode.level or assessment.rules_version != episode.rules_version
    return fields, news


def fields_for(
    *,
    episode: Episode,
    assessment: engine.Assessment,
    today: dt.date,
    red_flag_at: dt.datetime | None = None,
    red_flag_unseen: bool = False,
) -> dict:
    """The snapshot fields that keep ``assessment``, given the episode as it was
    stored (pure: ``reassess`` writes them). ``red_flag_unseen``: a red flag the
    patient resolved has not been acknowledged yet, so the row stays among the
    red flags."""
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
        "first_improved_on": episode.first_improved_on or (today if assessment.improved else None),
        "first_recovered_on": episode.first_recovered_on
        or (today if assessment.level == engine.RECOVERED else None),
        "alert_raised_at": episode.alert_raised_at,
    }
    if triage.alert_reasons(assessment.reasons, assessment.held) - triage.alert_reasons(
        episode.reasons or [], episode.held or []
    ):
        fields["alert_raised_at"] = timezone.now()
    return fields


def history_row(*, episode: Episode, logged: int | None = None) -> AssessmentRecord:
    """An (unsaved) history row for the episode's current snapshot, holding the
    text the patient is shown, in their language."""
    patient = episode.patient
    with translation.override(patient.language):
        message = content.patient_message(
            episode.level,
            episode.reasons,
            patient.clinic,
            episode.held,
            patient,
            logged_days=logged,
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
