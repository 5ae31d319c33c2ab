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

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from numbers import Real

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

RULES_VERSION = "2026.2"

# Levels, most severe first.
EMERGENCY = "emergency"
SEE_GP = "see_gp"
SEE_PHYSIO = "see_physio"
KEEP_MOVING = "keep_moving"
TOO_FEW_ENTRIES = "too_few_entries"
ON_TRACK = "on_track"
SELF_MANAGE = "self_manage"
RECOVERED = "recovered"
LEVELS: tuple[str, ...] = (
    EMERGENCY,
    SEE_GP,
    SEE_PHYSIO,
    KEEP_MOVING,
    TOO_FEW_ENTRIES,
    ON_TRACK,
    SELF_MANAGE,
    RECOVERED,
)
# The levels that tell the patient to contact someone ("told" in RULES.md).
SEEK_HELP_LEVELS: frozenset[str] = frozenset({EMERGENCY, SEE_GP, SEE_PHYSIO})

# Red flags the patient reports as present (leaflet 002), in the order of RULES.md.
RED_FLAG_PREFIX = "red_flag:"
RED_FLAGS: dict[str, str] = {
    "bladder_bowel": EMERGENCY,
    "sexual_function": EMERGENCY,
    "saddle_numbness": EMERGENCY,
    "leg_weakness": EMERGENCY,
    "fever_unwell": SEE_GP,
    "cancer_history": SEE_GP,
    "accident": SEE_GP,
}

# Reasons computed from the diary, in severity order.
WORSENING = "worsening"
DAILY_ACTIVITIES = "daily_activities"
NOT_IMPROVING = "not_improving"
NOT_RECOVERED_6W = "not_recovered_6w"
CHRONIC_12W = "chronic_12w"
ACTIVITIES_FIRST_WEEK = "activities_first_week"
NO_PROGRESS_2W = "no_progress_2w"
BED_REST = "bed_rest"
FEW_ENTRIES = "few_entries"
REASONS: tuple[str, ...] = (
    WORSENING,
    DAILY_ACTIVITIES,
    NOT_IMPROVING,
    NOT_RECOVERED_6W,
    CHRONIC_12W,
    ACTIVITIES_FIRST_WEEK,
    NO_PROGRESS_2W,
    BED_REST,
    FEW_ENTRIES,
)
REASON_LEVEL: dict[str, str] = {
    WORSENING: SEE_PHYSIO,
    DAILY_ACTIVITIES: SEE_PHYSIO,
    NOT_IMPROVING: SEE_PHYSIO,
    NOT_RECOVERED_6W: SEE_PHYSIO,
    CHRONIC_12W: SEE_PHYSIO,
    ACTIVITIES_FIRST_WEEK: KEEP_MOVING,
    NO_PROGRESS_2W: KEEP_MOVING,
    BED_REST: KEEP_MOVING,
    FEW_ENTRIES: TOO_FEW_ENTRIES,
}

# Risk factors for a slow recovery (leaflet 000). Asked as statements; never input
# to assess(): they inform, they trigger nothing.
YELLOW_FLAGS: tuple[str, ...] = (
    "serious_cause_belief",
    "movement_harmful_belief",
    "fear_avoidance",
    "low_mood",
    "heavy_work",
)

# "Could you do your usual daily activities today?"
FUNCTION_CHOICES: tuple[str, ...] = ("yes", "partly", "no")

# Expected recovery band: f(t) = a + (1 - a) * exp(-k * t), t in weeks since onset.
BAND_CURVES: dict[str, tuple[float, float]] = {
    "faster": (0.10, 0.35),
    "typical": (0.20, 0.20),
    "slower": (0.30, 0.12),
}

# Definitions of RULES.md (unchanged since version 1).
_PAIN_MIN = 0
_PAIN_MAX = 10
_WINDOW_DAYS = 7  # baseline window and M7 window are both 7 calendar days
_MIN_BASELINE_ENTRIES = 3
_MIN_M7_ENTRIES = 4
_RUN_DAYS = 3
_IMPROVEMENT_POINTS = 2  # Ostelo 2008: 2 points ...
_IMPROVEMENT_FRACTION = Fraction(3, 10)  # ... or 30 % of the baseline
_RECOVERED_MAX_PAIN = 1

# Thresholds of version 2. Where RULES.md leaves a number to us, it was chosen with
# the cohort simulation (docs/advice-rules.md has the table it gives).
_WORSENING_POINTS = 2  # above the baseline, as M7 (from day 7 in) or as a run
_WORSENING_MEAN_MIN_DAYS_IN = 7
_RELAPSE_POINTS = 2  # a relapse: M7 this far above the lowest M7 before this week ...
_RELAPSE_MIN_PAIN = 4  # ... and at least this high (3 alerted a quarter of the faster cohort)
_LOW_PAIN = 2  # no nagging: at M7 <= 2 only red flags, worsening and activities fire
_ACTIVITIES_ALERT_FROM_DAY = 7  # since onset: a run of "no" in week 1 is keep-moving advice
_SLOW_WINDOW_DAYS = 14  # pain not decreasing: the mean of the last 14 days ...
_SLOW_MIN_ENTRIES = 8  # ... (at least 8 entries) ...
_SLOW_MARGIN = 0.35  # ... this far above the slower course scaled to the baseline,
_SLOW_MIN_DAYS_IN = 18  # from day 18 of the diary;
_SLOW_RUN_MARGIN = 1.25  # or a run of 3 days, each this far above it,
_SLOW_RUN_MIN_DAYS_IN = 7  # from day 7 of the diary.
_NOT_RECOVERED_FROM_DAY = 42  # since onset, 6 weeks
_NOT_RECOVERED_PAIN = 5  # M7 >= 5: still moderate pain
_CHRONIC_FROM_DAY = 84  # since onset, 12 weeks: one prompt in that week,
_CHRONIC_DAYS = 7
_CHRONIC_PAIN = 3  # when M7 is still 3 or more; then self_manage.
_NO_PROGRESS_MIN_DAYS_IN = 14
HOLD_DAYS = 5  # a seek-help reason holds the level for this many days after it fired

_MAX_DENOMINATOR = 1000  # means of up to 14 integers have denominators of at most 14

_SEVERITY = {level: index for index, level in enumerate(LEVELS)}
_RED_FLAG_ORDER = {code: index for index, code in enumerate(RED_FLAGS)}
_REASON_ORDER = {reason: index for index, reason in enumerate(REASONS)}
# The diary reasons that tell the patient to contact the physiotherapist; the ones
# a seek-help advice is held for.
_HELD_REASONS = frozenset(reason for reason, level in REASON_LEVEL.items() if level == SEE_PHYSIO)


@dataclass(frozen=True)
class DayEntry:
    """One diary day: average pain over the last 24 hours (NRS 0..10), whether the
    usual daily activities were possible, and whether (most of) the day was spent
    in bed because of the back."""

    day: date
    pain: int
    function: str = "yes"
    bed_rest: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"day must be a date (not a datetime), got {self.day!r}")
        if (
            not isinstance(self.pain, int)
            or isinstance(self.pain, bool)
            or not _PAIN_MIN <= self.pain <= _PAIN_MAX
        ):
            raise ValueError(
                f"pain must be a whole number from {_PAIN_MIN} to {_PAIN_MAX}, got {self.pain!r}"
            )
        if not isinstance(self.function, str) or self.function not in FUNCTION_CHOICES:
            raise ValueError(
                f"function must be one of {', '.join(FUNCTION_CHOICES)}, got {self.function!r}"
            )
        if not isinstance(self.bed_rest, bool):
            raise ValueError(f"bed_rest must be True or False, got {self.bed_rest!r}")


@dataclass(frozen=True)
class Assessment:
    """What the diary means today.

    ``reasons`` lists every rule that fired today, most severe first. ``held``
    lists the seek-help reasons of the last ``HOLD_DAYS`` days that keep the
    level at ``see_physio`` although none fired today (empty otherwise).
    ``level`` is the most severe level of ``reasons`` and ``held``, or
    ``recovered`` / ``self_manage`` / ``on_track`` when there are none.
    ``improved`` is the meaningful improvement of M7 on B (None without both).
    """

    level: str
    reasons: tuple[str, ...]
    baseline: float | None
    mean_7d: float | None
    days_since_onset: int
    rules_version: str
    improved: bool | None = None
    held: tuple[str, ...] = ()


def red_flag_reason(code: str) -> str:
    """The reason code for a red flag: ``"red_flag:<code>"``."""
    if code not in RED_FLAGS:
        raise ValueError(f"red_flags: unknown code {code!r}; known codes: {', '.join(RED_FLAGS)}")
    return RED_FLAG_PREFIX + code


def reason_level(reason: str) -> str:
    """The level a reason code stands for; works for ``"red_flag:<code>"`` too."""
    if reason.startswith(RED_FLAG_PREFIX):
        code = reason.removeprefix(RED_FLAG_PREFIX)
        if code in RED_FLAGS:
            return RED_FLAGS[code]
    elif reason in REASON_LEVEL:
        return REASON_LEVEL[reason]
    raise ValueError(f"reason: unknown reason code {reason!r}")


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
    timeline = _Timeline(onset, _diary(entries, last), last)
    # Days before the first entry are days of an empty diary.
    before = [
        (day, timeline.empty_assessment(day, flags))
        for day in _dates(first, min(last, timeline.start - timedelta(days=1)))
    ]
    return before + list(timeline.walk(flags, first))


def daily_means(entries: Iterable[DayEntry], *, last: date) -> list[tuple[date, float | None]]:
    """The 7-day mean (M7) of every day from the first entry up to ``last``, as
    each day's assessment computes it: None on a day whose last 7 days hold fewer
    than 4 entries. Empty without entries up to ``last``. The one place the
    7-day mean of a diary is computed day by day (charts, reports, demo data)."""
    _check_date("last", last)
    timeline = _Timeline(None, _diary(entries, last), last)
    return [
        (timeline.date_of(index), None if mean is None else float(mean))
        for index, mean in enumerate(timeline.means_7d())
    ]


class _Timeline:
    """A diary laid out by day index (0 = the first entry) up to ``last``, with
    running sums so every window mean is two subtractions."""

    def __init__(self, onset: date | None, diary: dict[date, DayEntry], last: date) -> None:
        self.onset = onset
        self.last = last
        days = sorted(diary)
        self.start = days[0] if days else last
        size = (last - self.start).days + 1
        self.size = size
        self.entries: list[DayEntry | None] = [None] * size
        for day in days:
            self.entries[(day - self.start).days] = diary[day]
        self.count = [0] * (size + 1)  # entries in days [0, i)
        self.total = [0] * (size + 1)  # their pain
        for index, entry in enumerate(self.entries):
            has = entry is not None
            self.count[index + 1] = self.count[index] + has
            self.total[index + 1] = self.total[index] + (entry.pain if has else 0)
        # The first 3 entries: the baseline when the first week holds fewer than 3.
        self.first_three = [(day - self.start).days for day in days[:_MIN_BASELINE_ENTRIES]]
        self.no_run = _run_lengths(self.entries, lambda entry: entry.function == "no")
        self.bed_run = _run_lengths(self.entries, lambda entry: entry.bed_rest)

    def date_of(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def window(self, index: int, days: int) -> tuple[int, int]:
        """(entries, total pain) of the ``days`` days ending on ``index``."""
        low = max(0, index - days + 1)
        return (
            self.count[index + 1] - self.count[low],
            self.total[index + 1] - self.total[low],
        )

    def mean_7d(self, index: int) -> Fraction | None:
        count, total = self.window(index, _WINDOW_DAYS)
        return Fraction(total, count) if count >= _MIN_M7_ENTRIES else None

    def means_7d(self) -> list[Fraction | None]:
        return [self.mean_7d(index) for index in range(self.size)]

    def baseline(self, index: int) -> tuple[Fraction | None, float | None]:
        """B as of day ``index`` and t_B (weeks since onset at the middle of the
        baseline window; None without an onset)."""
        first_week = min(index, _WINDOW_DAYS - 1)
        count, total = self.window(first_week, first_week + 1)
        if count >= _MIN_BASELINE_ENTRIES:
            middle = (_WINDOW_DAYS - 1) / 2
            return Fraction(total, count), self._weeks(middle)
        if self.count[index + 1] < _MIN_BASELINE_ENTRIES:
            return None, None
        first, *_, third = self.first_three
        pains = [self.entries[n].pain for n in self.first_three]  # type: ignore[union-attr]
        return _mean(pains), self._weeks((first + third) / 2)

    def _weeks(self, index: float) -> float | None:
        if self.onset is None:
            return None
        return max(0.0, ((self.start - self.onset).days + index) / 7)

    def has_run(
        self, index: int, condition: Callable[[DayEntry, int], bool], days: int = _RUN_DAYS
    ) -> bool:
        """A run of ``days`` (3) consecutive days inside the last 7 days (ending on
        ``index``), each with an entry meeting ``condition(entry, its index)``."""
        streak = 0
        for n in range(max(0, index - _WINDOW_DAYS + 1), index + 1):
            entry = self.entries[n]
            streak = streak + 1 if entry is not None and condition(entry, n) else 0
            if streak >= days:
                return True
        return False

    def has_static_run(self, runs: list[int], index: int) -> bool:
        low = max(0, index - _WINDOW_DAYS + _RUN_DAYS)
        return any(runs[n] >= _RUN_DAYS for n in range(low, index + 1))

    def walk(self, flags: tuple[str, ...], first: date) -> Iterator[tuple[date, Assessment]]:
        """The assessment of every day from ``first`` (or the first entry, when that
        is later) to ``last``. The walk starts at the first entry, carrying forward
        the lowest M7 before the current week and the seek-help reasons of the last
        HOLD_DAYS days; the days before ``first`` are walked, not reported."""
        assert self.onset is not None
        means: list[Fraction | None] = []
        lowest_before_week: Fraction | None = None  # lowest M7 up to 7 days ago
        recent: list[frozenset[str]] = []  # seek-help reasons of the last days
        for index in range(self.size):
            day = self.date_of(index)
            mean_7d = self.mean_7d(index)
            means.append(mean_7d)
            if index >= _WINDOW_DAYS:
                earlier = means[index - _WINDOW_DAYS]
                if earlier is not None and (
                    lowest_before_week is None or earlier < lowest_before_week
                ):
                    lowest_before_week = earlier
            baseline, baseline_weeks = self.baseline(index)
            fired = self.fired(index, day, baseline, baseline_weeks, mean_7d, lowest_before_week)
            seek_help = frozenset(fired) & _HELD_REASONS
            held: tuple[str, ...] = ()
            if not seek_help:
                held = tuple(sorted(frozenset().union(*recent), key=_REASON_ORDER.__getitem__))
            recent = [*recent, seek_help][-HOLD_DAYS:]
            if day >= first:
                reasons = flags + tuple(fired)
                yield day, self.assessment(day, reasons, held, baseline, mean_7d, index)

    def empty_assessment(self, day: date, flags: tuple[str, ...]) -> Assessment:
        """A day before the first entry: nothing but the red flags and few_entries."""
        return self.assessment(day, (*flags, FEW_ENTRIES), (), None, None, None)

    def fired(
        self,
        index: int,
        day: date,
        baseline: Fraction | None,
        baseline_weeks: float | None,
        mean_7d: Fraction | None,
        lowest_before_week: Fraction | None,
    ) -> list[str]:
        """The diary reasons that fire on day ``index``, in severity order."""
        assert self.onset is not None
        days_in = index if self.entries[0] is not None else None
        days_since_onset = (day - self.onset).days
        low_pain = mean_7d is not None and mean_7d <= _LOW_PAIN
        fired = []

        if self._worsening(index, baseline, mean_7d, days_in, lowest_before_week):
            fired.append(WORSENING)

        if self.has_static_run(self.no_run, index):
            if days_since_onset >= _ACTIVITIES_ALERT_FROM_DAY:
                fired.append(DAILY_ACTIVITIES)
            else:
                fired.append(ACTIVITIES_FIRST_WEEK)

        if (
            mean_7d is not None
            and not low_pain
            and days_in is not None
            and days_since_onset < _CHRONIC_FROM_DAY
            and baseline is not None
            and baseline_weeks is not None
            and self._slower_than_expected(index, baseline, baseline_weeks)
        ):
            fired.append(NOT_IMPROVING)

        if (
            _NOT_RECOVERED_FROM_DAY <= days_since_onset < _CHRONIC_FROM_DAY
            and mean_7d is not None
            and mean_7d >= _NOT_RECOVERED_PAIN
        ):
            fired.append(NOT_RECOVERED_6W)

        if (
            _CHRONIC_FROM_DAY <= days_since_onset < _CHRONIC_FROM_DAY + _CHRONIC_DAYS
            and mean_7d is not None
            and mean_7d >= _CHRONIC_PAIN
        ):
            fired.append(CHRONIC_12W)

        if (
            not low_pain
            and days_in is not None
            and days_in >= _NO_PROGRESS_MIN_DAYS_IN
            and baseline is not None
            and mean_7d is not None
            and mean_7d >= baseline
        ):
            fired.append(NO_PROGRESS_2W)

        if not low_pain and self.has_static_run(self.bed_run, index):
            fired.append(BED_REST)

        if mean_7d is None:
            fired.append(FEW_ENTRIES)
        return sorted(fired, key=_REASON_ORDER.__getitem__)

    def _worsening(
        self,
        index: int,
        baseline: Fraction | None,
        mean_7d: Fraction | None,
        days_in: int | None,
        lowest_before_week: Fraction | None,
    ) -> bool:
        """Worse than the baseline by 2 points as M7 or as a run, or a relapse:
        M7 2 points above the lowest M7 before this week, and at least 3."""
        if baseline is not None:
            worse = baseline + _WORSENING_POINTS
            if (
                mean_7d is not None
                and days_in is not None
                and days_in >= _WORSENING_MEAN_MIN_DAYS_IN
                and mean_7d >= worse
            ):
                return True
            if self.has_run(index, lambda entry, _n: entry.pain >= worse):
                return True
        return (
            mean_7d is not None
            and lowest_before_week is not None
            and mean_7d >= lowest_before_week + _RELAPSE_POINTS
            and mean_7d >= _RELAPSE_MIN_PAIN
        )

    def _slower_than_expected(self, index: int, baseline: Fraction, baseline_weeks: float) -> bool:
        """Pain not decreasing: the mean of the last 14 days clearly above the
        slower course scaled to the baseline (at the window's middle), or a run of
        3 days each clearly above it."""
        scale = float(baseline) / band_fraction(baseline_weeks, "slower")
        assert self.onset is not None
        offset = (self.start - self.onset).days

        def slower(at_index: float) -> float:
            return scale * band_fraction(max(0.0, (offset + at_index) / 7), "slower")

        count, total = self.window(index, _SLOW_WINDOW_DAYS)
        if count >= _SLOW_MIN_ENTRIES and index >= _SLOW_MIN_DAYS_IN:
            middle = index - (min(index + 1, _SLOW_WINDOW_DAYS) - 1) / 2
            if total / count >= slower(middle) + _SLOW_MARGIN:
                return True
        return index >= _SLOW_RUN_MIN_DAYS_IN and self.has_run(
            index, lambda entry, n: entry.pain >= slower(n) + _SLOW_RUN_MARGIN
        )

    def assessment(
        self,
        day: date,
        reasons: tuple[str, ...],
        held: tuple[str, ...],
        baseline: Fraction | None,
        mean_7d: Fraction | None,
        index: int | None,
    ) -> Assessment:
        assert self.onset is not None
        days_since_onset = (day - self.onset).days
        levels = [reason_level(reason) for reason in (*reasons[:1], *held[:1])]
        if levels:
            level = min(levels, key=_SEVERITY.__getitem__)
        elif index is not None and self._recovered(index, mean_7d):
            level = RECOVERED
        elif days_since_onset >= _CHRONIC_FROM_DAY:
            level = SELF_MANAGE
        else:
            level = ON_TRACK
        return Assessment(
            level=level,
            reasons=reasons,
            baseline=None if baseline is None else float(baseline),
            mean_7d=None if mean_7d is None else float(mean_7d),
            days_since_onset=days_since_onset,
            rules_version=RULES_VERSION,
            improved=None
            if baseline is None or mean_7d is None
            else _meaningful_improvement(baseline, mean_7d),
            held=held,
        )

    def _recovered(self, index: int, mean_7d: Fraction | None) -> bool:
        """M7 <= 1 and usual activities on every day of the last 7."""
        if mean_7d is None or mean_7d > _RECOVERED_MAX_PAIN:
            return False
        window = self.entries[max(0, index - _WINDOW_DAYS + 1) : index + 1]
        return all(entry.function == "yes" for entry in window if entry is not None)


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _run_lengths(
    entries: list[DayEntry | None], condition: Callable[[DayEntry], bool]
) -> list[int]:
    """For each day, the number of consecutive days up to it meeting ``condition``."""
    runs, streak = [], 0
    for entry in entries:
        streak = streak + 1 if entry is not None and condition(entry) else 0
        runs.append(streak)
    return runs


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
    return _meaningful_improvement(exact_b, exact_m7)


def band_fraction(weeks: float, curve: str) -> float:
    """Pain as a fraction of pain at onset after ``weeks`` on one curve of the band
    (``"faster"``, ``"typical"`` or ``"slower"``): f(t) = a + (1 - a)·e^(-k·t)."""
    weeks = _weeks("weeks", weeks)
    if curve not in BAND_CURVES:
        raise ValueError(f"curve must be one of {', '.join(BAND_CURVES)}, got {curve!r}")
    a, k = BAND_CURVES[curve]
    return a + (1 - a) * math.exp(-k * weeks)


def expected_band(weeks_since_onset: float) -> tuple[float, float, float]:
    """(faster, typical, slower) pain as a fraction of pain at onset. Chart only."""
    weeks = _weeks("weeks_since_onset", weeks_since_onset)
    faster, typical, slower = (band_fraction(weeks, curve) for curve in BAND_CURVES)
    return faster, typical, slower


def expected_course(
    *, baseline: float, baseline_weeks: float, weeks: float
) -> tuple[float, float, float]:
    """(faster, typical, slower) expected pain at ``weeks`` since onset for one
    patient: expected(t) = B × f(t) / f(t_B), each curve scaled by itself so that
    all three meet the baseline B at t_B (weeks since onset at the middle of the
    baseline window, see :func:`baseline_midpoint_weeks`)."""
    if (
        not isinstance(baseline, Real)
        or isinstance(baseline, bool)
        or not _PAIN_MIN <= baseline <= _PAIN_MAX
    ):
        raise ValueError(
            f"baseline must be a number from {_PAIN_MIN} to {_PAIN_MAX}, got {baseline!r}"
        )
    t_b = _weeks("baseline_weeks", baseline_weeks)
    t = _weeks("weeks", weeks)
    faster, typical, slower = (
        float(baseline) * band_fraction(t, curve) / band_fraction(t_b, curve)
        for curve in BAND_CURVES
    )
    return faster, typical, slower


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
    timeline = _Timeline(onset, _diary(entries, today), today)
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
    return sorted(codes, key=lambda code: (_SEVERITY[RED_FLAGS[code]], _RED_FLAG_ORDER[code]))


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


def _mean(pains: list[int]) -> Fraction:
    return Fraction(sum(pains), len(pains))


def _meaningful_improvement(baseline: Fraction, mean_7d: Fraction) -> bool:
    """Ostelo 2008: B − M7 ≥ 2 points, or B − M7 ≥ 30 % of B."""
    change = baseline - mean_7d
    return change >= _IMPROVEMENT_POINTS or change >= _IMPROVEMENT_FRACTION * baseline


def _weeks(field: str, value: float) -> float:
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ValueError(f"{field} must be a number of weeks, got {value!r}")
    weeks = float(value)
    if not math.isfinite(weeks) or weeks < 0:
        raise ValueError(f"{field} must be a finite number of weeks of 0 or more, got {value!r}")
    return weeks
