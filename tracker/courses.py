"""The patient's course: the diary as the engine reads it as of a day, the
advice's level changes, and the course in words (the progress chart's text
alternative). What the progress page, its chart (``tracker.charts``) and the
printed summary (``tracker.summary``) show.

Every sentence goes through gettext: Dutch source strings, English translation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from advice import content, engine
from tracker import queries
from tracker.formatting import day_labels, format_number, format_percent
from tracker.models import Function, WorkStatus

_WINDOW_DAYS = 7  # the M7 window of RULES.md: today−6 .. today


@dataclass(frozen=True)
class Course:
    """A diary read by the engine as of ``today``: what the progress chart, its
    text alternative and the printed summary show."""

    onset: dt.date  # the episode's onset, or today when that lies in the future
    today: dt.date
    entries: tuple[engine.DayEntry, ...]  # up to and including today, oldest first
    baseline: float | None
    mean_7d: float | None
    baseline_weeks: float | None  # t_B: weeks since onset at the middle of the baseline
    means: tuple[tuple[dt.date, float | None], ...]  # engine.daily_means, first entry..today

    def weeks(self, day: dt.date) -> float:
        """Weeks since onset (negative before it)."""
        return (day - self.onset).days / 7

    @property
    def has_band(self) -> bool:
        return self.baseline is not None and self.baseline_weeks is not None

    def expected(self, weeks: float) -> tuple[float, float, float]:
        """(faster, typical, slower) expected pain at ``weeks`` since onset, scaled to
        the baseline (engine.expected_course). Only when ``has_band``."""
        assert self.baseline is not None and self.baseline_weeks is not None
        return engine.expected_course(
            baseline=self.baseline, baseline_weeks=self.baseline_weeks, weeks=max(0.0, weeks)
        )


def course(*, episode, today: dt.date, entries: Iterable | None = None) -> Course:
    """The episode's diary as of ``today``. ``entries`` are the episode's entries
    (anything with ``day``, ``pain``, ``function`` and ``bed_rest``) when the caller
    has them already; otherwise they are read with one query.

    The baseline is the one the episode's stored assessment holds when that was
    made under the current rules, today or after the episode closed (every change
    of the diary reassesses the episode, ``assessment.as_of_today`` does so on a
    new day, and a closed diary no longer changes); otherwise the engine assesses
    the diary here."""
    if entries is None:
        entries = episode.entries.filter(day__lte=today).values_list(
            "day", "pain", "function", "bed_rest", named=True
        )
    diary = [
        engine.DayEntry(entry.day, entry.pain, entry.function, entry.bed_rest)
        for entry in entries
        if entry.day <= today
    ]
    diary.sort(key=lambda entry: entry.day)
    onset = min(episode.onset, today)
    means = engine.daily_means(diary, last=today)
    fresh = episode.rules_version == engine.RULES_VERSION and (
        episode.assessed_on == today or not episode.is_open
    )
    baseline = (
        episode.baseline
        if fresh
        else engine.assess(onset=onset, today=today, entries=diary).baseline
    )
    return Course(
        onset=onset,
        today=today,
        entries=tuple(diary),
        baseline=baseline,
        mean_7d=means[-1][1] if means else None,
        baseline_weeks=engine.baseline_midpoint_weeks(onset=onset, today=today, entries=diary),
        means=tuple(means),
    )


def table_rows(entries: Iterable) -> SafeString:
    """The rows of the diary table on the progress page, newest day first: the day,
    the pain, daily activities, bed rest, active minutes and work. Written here
    rather than by the template: a diary of half a year has 180 rows, and template
    variables and filters cost more than the rest of the page together."""
    labels = day_labels("short")
    # str() first: escape() of a lazy label stays lazy, and would be translated
    # again for every row it is written into.
    functions = {value: escape(str(label)) for value, label in Function.choices}
    work = {value: escape(str(label)) for value, label in WorkStatus.choices}
    yes, no = escape(gettext("ja")), escape(gettext("nee"))
    rows = [
        f'<tr><th scope="row" class="fw-normal text-nowrap">{escape(labels(entry.day))}</th>'
        f"<td>{int(entry.pain)}</td><td>{functions.get(entry.function, '')}</td>"
        f'<td class="d-none d-sm-table-cell">{yes if entry.bed_rest else no}</td>'
        f"<td>{'–' if entry.active_minutes is None else int(entry.active_minutes)}</td>"
        f'<td class="d-none d-sm-table-cell">{work.get(entry.work_status, "")}</td></tr>'
        for entry in sorted(entries, key=lambda entry: entry.day, reverse=True)
    ]
    return mark_safe("\n".join(rows))  # every text in it is escaped above


@dataclass(frozen=True)
class LevelChange:
    """The advice changed on ``day`` to ``level`` (from the stored history)."""

    number: int
    day: dt.date
    level: str

    @property
    def title(self) -> str:
        return str(content.LEVEL_TITLES.get(self.level, self.level))


def level_changes(records: Iterable, *, first: dt.date, today: dt.date) -> list[LevelChange]:
    """The days on which the stored advice (``AssessmentRecord`` rows, in any order)
    changed level, from ``first`` to ``today``. The first record is where the
    advice started, not a change; a record made under new rules with the same
    level is not a change either."""
    ordered = sorted(records, key=lambda record: (record.assessed_at, record.pk or 0))
    changes: list[LevelChange] = []
    previous = None
    for record in ordered:
        changed = previous is not None and record.level != previous
        if changed and first <= record.assessed_on <= today:
            changes.append(LevelChange(len(changes) + 1, record.assessed_on, record.level))
        previous = record.level
    return changes


# --- The course in words -----------------------------------------------------------


def trend_in_words(diary: Course) -> str:
    """The chart as plain text (its text alternative)."""
    if not diary.entries:
        return gettext(
            "U heeft nog geen dagen ingevuld. Vul elke dag uw dagboek in; "
            "dan ziet u hier hoe uw rugpijn verloopt."
        )
    baseline, mean_7d = diary.baseline, diary.mean_7d
    sentences: list[str] = []

    if baseline is None:
        count = len(diary.entries)
        sentences.append(
            ngettext(
                "U heeft pas %(count)s dag ingevuld. Na 3 dagen ziet u hier hoe uw pijn verloopt.",
                "U heeft pas %(count)s dagen ingevuld. Na 3 dagen ziet u hier hoe uw pijn "
                "verloopt.",
                count,
            )
            % {"count": count}
        )
    else:
        sentences.append(
            gettext("Aan het begin van uw dagboek was uw pijn gemiddeld %(baseline)s.")
            % {"baseline": format_number(baseline)}
        )
        if mean_7d is None:
            sentences.append(
                gettext(
                    "Voor een gemiddelde van de afgelopen 7 dagen zijn minstens 4 ingevulde "
                    "dagen nodig."
                )
            )
        else:
            sentences.append(
                gettext("Nu is uw pijn gemiddeld %(mean)s (de afgelopen 7 dagen).")
                % {"mean": format_number(mean_7d)}
            )
            sentences.append(_change_sentence(baseline, mean_7d))
        today_weeks = diary.weeks(diary.today)
        # Before the middle of the baseline week the typical course is the baseline itself.
        if diary.baseline_weeks is not None and today_weeks > diary.baseline_weeks:
            _, typical, _ = diary.expected(today_weeks)
            sentences.append(
                gettext("Bij het gebruikelijke verloop zou uw pijn nu rond %(expected)s liggen.")
                % {"expected": format_number(typical)}
            )

    sentences.append(_activities_sentence(diary))
    return " ".join(sentence for sentence in sentences if sentence)


def _change_sentence(baseline: float, mean_7d: float) -> str:
    if baseline <= 0:
        if mean_7d <= 0:
            return gettext("Dat is gelijk aan het begin.")
        return gettext("Dat is hoger dan aan het begin.")
    percent = abs(queries.change_percent(baseline, mean_7d))
    if percent == 0:
        return gettext("Dat is ongeveer gelijk aan het begin.")
    if mean_7d < baseline:
        return gettext("Dat is %(percent)s lager dan aan het begin.") % {
            "percent": format_percent(percent)
        }
    return gettext("Dat is %(percent)s hoger dan aan het begin.") % {
        "percent": format_percent(percent)
    }


def _activities_sentence(diary: Course) -> str:
    window_start = diary.today - dt.timedelta(days=_WINDOW_DAYS - 1)
    week = [entry for entry in diary.entries if entry.day >= window_start]
    if not week:
        return gettext("U heeft de afgelopen 7 dagen niets ingevuld.")
    counts = Counter(entry.function for entry in week)
    sentence = ngettext(
        "U kon de afgelopen week op %(yes)s van de %(count)s ingevulde dag uw dagelijkse "
        "activiteiten doen.",
        "U kon de afgelopen week op %(yes)s van de %(count)s ingevulde dagen uw dagelijkse "
        "activiteiten doen.",
        len(week),
    ) % {"yes": counts[Function.YES], "count": len(week)}
    partly = counts[Function.PARTLY]
    if partly:
        sentence += " " + (
            ngettext(
                "Op %(count)s dag lukte dat gedeeltelijk.",
                "Op %(count)s dagen lukte dat gedeeltelijk.",
                partly,
            )
            % {"count": partly}
        )
    return sentence
