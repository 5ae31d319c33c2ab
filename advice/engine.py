"""The advice engine: what a diary of low back pain means for the patient.

Pure Python (standard library only, no Django), so it can be imported and tested
without settings or a database. The clinical contract is ``shared/clinical/RULES.md``;
``docs/advice-rules.md`` explains the same rules for clinicians. Every number in
this module comes from that contract or, where the contract leaves the number to
us, from the cohort simulation (``python -m advice.simulate``), which measures the
operating characteristics the contract asks for. When a rule changes, bump
``RULES_VERSION``: each stored assessment records the version that produced it.

The diary is read day by day, as it grew: :func:`assess_days` walks from the
first entry to the last day asked for in one pass, carrying forward what later
days need (the lowest 7-day mean so far, the seek-help reasons of the last few
days). :func:`assess` is the last day of that walk.

Comparisons of means against thresholds are made with exact fractions (pain
scores are integers, so every mean is a rational number); the ``baseline`` and
``mean_7d`` reported in an :class:`Assessment` are the same means as plain,
unrounded floats. Comparisons with the expected course (an exponential curve)
are made in floating point.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from fractions import Fraction

from advice.band import BAND_CURVES, band_fraction, expected_band, expected_course
from advice.codes import (
    ACTIVITIES_FIRST_WEEK,
    BED_REST,
    CHRONIC_12W,
    DAILY_ACTIVITIES,
    EMERGENCY,
    FEW_ENTRIES,
    FUNCTION_CHOICES,
    KEEP_MOVING,
    LEVELS,
    NO_PROGRESS_2W,
    NOT_IMPROVING,
    NOT_RECOVERED_6W,
    ON_TRACK,
    REASON_LEVEL,
    REASONS,
    RECOVERED,
    RED_FLAG_ORDER,
    RED_FLAG_PREFIX,
    RED_FLAGS,
    SEE_GP,
    SEE_PHYSIO,
    SEEK_HELP_LEVELS,
    SELF_MANAGE,
    SEVERITY,
    TOO_FEW_ENTRIES,
    WORSENING,
    YELLOW_FLAGS,
    reason_level,
    red_flag_reason,
)
from advice.entries import Assessment, DayEntry
from advice.rules import HOLD_DAYS, RULES_VERSION, Timeline, dates, meaningful

__all__ = [
    "ACTIVITIES_FIRST_WEEK",
    "BAND_CURVES",
    "BED_REST",
    "CHRONIC_12W",
    "DAILY_ACTIVITIES",
    "EMERGENCY",
    "FEW_ENTRIES",
    "FUNCTION_CHOICES",
    "HOLD_DAYS",
    "KEEP_MOVING",
    "LEVELS",
    "NOT_IMPROVING",
    "NOT_RECOVERED_6W",
    "NO_PROGRESS_2W",
    "ON_TRACK",
    "REASONS",
    "REASON_LEVEL",
    "RECOVERED",
    "RED_FLAGS",
    "RED_FLAG_PREFIX",
    "RULES_VERSION",
    "SEEK_HELP_LEVELS",
    "SEE_GP",
    "SEE_PHYSIO",
    "SELF_MANAGE",
    "TOO_FEW_ENTRIES",
    "WORSENING",
    "YELLOW_FLAGS",
    "Assessment",
    "DayEntry",
    "assess",
    "assess_days",
    "band_fraction",
    "baseline_midpoint_weeks",
    "daily_means",
    "expected_band",
    "expected_course",
    "meaningful_improvement",
    "reason_level",
    "red_flag_reason",
]

_MAX_DENOMINATOR = 1000  # means of up to 14 integers have denominators of at most 14


def assess(
    *,
    onset: date,
    today: date,
    entries: Iterable[DayEntry],
    red_flags: Iterable[str] = (),
) -> Assessment:
    """Assess a diary as of ``today`` (see RULES.md).

    ``entries`` holds at most one entry per day; when a day appears twice the later
    item wins. Entries after ``today`` are ignored; entries before ``onset`` are
    used like any other. ``red_flags`` holds the codes of red flags the patient
    reports as currently present.
    """
    _check_date("onset", onset)
    _check_date("today", today)
    if onset > today:
        raise ValueError(f"onset ({onset.isoformat()}) is after today ({today.isoformat()})")
    ((_day, assessment),) = assess_days(
        onset=onset, first=today, last=today, entries=entries, red_flags=red_flags
    )
    return assessment


def assess_days(
    *,
    onset: date,
    first: date,
    last: date,
    entries: Iterable[DayEntry],
    red_flags: Iterable[str] = (),
) -> list[tuple[date, Assessment]]:
    """The assessment of every day from ``first`` to ``last``, each as
    :func:`assess` would give it on that day (only the entries up to that day
    count; ``red_flags`` count on every day). One pass over the diary, so a
    growing diary is not re-assessed from scratch for each day."""
    _check_date("onset", onset)
    _check_date("first", first)
    _check_date("last", last)
    if onset > first:
        raise ValueError(f"onset ({onset.isoformat()}) is after first ({first.isoformat()})")
    if first > last:
        raise ValueError(f"first ({first.isoformat()}) is after last ({last.isoformat()})")
    flags = tuple(red_flag_reason(code) for code in _red_flag_codes(red_flags))
    timeline = Timeline(onset, _diary(entries, last), last)
    # Days before the first entry are days of an empty diary.
    before = [
        (day, timeline.empty_assessment(day, flags))
        for day in dates(first, min(last, timeline.start - timedelta(days=1)))
    ]
    return before + list(timeline.walk(flags, first))


def daily_means(entries: Iterable[DayEntry], *, last: date) -> list[tuple[date, float | None]]:
    """The 7-day mean (M7) of every day from the first entry up to ``last``, as
    each day's assessment computes it: None on a day whose last 7 days hold fewer
    than 4 entries. Empty without entries up to ``last``. The one place the
    7-day mean of a diary is computed day by day (charts, reports, demo data)."""
    _check_date("last", last)
    timeline = Timeline(None, _diary(entries, last), last)
    return [
        (timeline.date_of(index), None if mean is None else float(mean))
        for index, mean in enumerate(timeline.means_7d())
    ]


def meaningful_improvement(baseline: float | None, mean_7d: float | None) -> bool | None:
    """Whether M7 is a meaningful improvement on B (Ostelo 2008: B − M7 ≥ 2 points
    or ≥ 30 % of B), for a stored assessment. None when either is missing.

    Both are means of at most 7 whole numbers, so the exact fraction is recovered
    from the float before comparing, as ``assess`` compares.
    """
    if baseline is None or mean_7d is None:
        return None
    exact_b = Fraction(baseline).limit_denominator(_MAX_DENOMINATOR)
    exact_m7 = Fraction(mean_7d).limit_denominator(_MAX_DENOMINATOR)
    return meaningful(exact_b, exact_m7)


def baseline_midpoint_weeks(
    *, onset: date, today: date, entries: Iterable[DayEntry]
) -> float | None:
    """t_B for :func:`expected_course`: weeks since onset at the middle of the
    baseline window, read from the same diary ``assess`` reads.

    The baseline window is first_day .. first_day+6, so its middle is first_day+3.
    When the baseline falls back to the first 3 entries, the middle is halfway
    between the first and the third entry. None when there is no baseline. A
    middle before onset (entries before onset) counts as 0 weeks.
    """
    _check_date("onset", onset)
    _check_date("today", today)
    if onset > today:
        raise ValueError(f"onset ({onset.isoformat()}) is after today ({today.isoformat()})")
    timeline = Timeline(onset, _diary(entries, today), today)
    return timeline.baseline(timeline.size - 1)[1]


def _check_date(field: str, value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{field} must be a date (not a datetime), got {value!r}")


def _red_flag_codes(red_flags: Iterable[str]) -> list[str]:
    """Known codes, duplicates removed, most severe first (table order within a level)."""
    if isinstance(red_flags, str):
        raise ValueError("red_flags must be a collection of codes, not a single string")
    try:
        codes = set(red_flags)
    except TypeError as error:
        raise ValueError(f"red_flags must be a collection of codes, got {red_flags!r}") from error
    for code in codes:
        if not isinstance(code, str) or code not in RED_FLAGS:
            raise ValueError(
                f"red_flags: unknown code {code!r}; known codes: {', '.join(RED_FLAGS)}"
            )
    return sorted(codes, key=lambda code: (SEVERITY[RED_FLAGS[code]], RED_FLAG_ORDER[code]))


def _diary(entries: Iterable[DayEntry], today: date) -> dict[date, DayEntry]:
    """One entry per day up to and including today; a later item replaces an
    earlier one for the same day."""
    if isinstance(entries, (str, bytes)):
        raise ValueError("entries must be a collection of DayEntry items, not a string")
    try:
        items = list(entries)
    except TypeError as error:
        raise ValueError(
            f"entries must be a collection of DayEntry items, got {entries!r}"
        ) from error
    diary: dict[date, DayEntry] = {}
    for item in items:
        if not isinstance(item, DayEntry):
            raise ValueError(f"entries must hold DayEntry items, got {type(item).__name__}")
        if item.day <= today:
            diary[item.day] = item
    return diary
