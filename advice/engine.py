"""The advice engine: what a diary of low back pain means for the patient.

Pure Python (standard library only, no Django), so it can be imported and tested
without settings or a database. The clinical contract is ``shared/clinical/RULES.md``;
``docs/advice-rules.md`` explains the same rules for clinicians. Every number in
this module comes from that contract. When a rule changes, bump ``RULES_VERSION``:
each stored assessment records the version that produced it.

Comparisons against thresholds are made with exact fractions (pain scores are
integers, so every mean is a rational number); the ``baseline`` and ``mean_7d``
reported in an :class:`Assessment` are the same means as plain, unrounded floats.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from numbers import Real

__all__ = [
    "BAND_CURVES",
    "BED_REST",
    "CHRONIC_12W",
    "DAILY_ACTIVITIES",
    "EMERGENCY",
    "FEW_ENTRIES",
    "FUNCTION_CHOICES",
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
    "SEE_GP",
    "SEE_PHYSIO",
    "TOO_FEW_ENTRIES",
    "WORSENING",
    "YELLOW_FLAGS",
    "Assessment",
    "DayEntry",
    "assess",
    "band_fraction",
    "baseline_midpoint_weeks",
    "expected_band",
    "expected_course",
    "meaningful_improvement",
    "reason_level",
    "red_flag_reason",
]

RULES_VERSION = "2026.1"

# Levels, most severe first.
EMERGENCY = "emergency"
SEE_GP = "see_gp"
SEE_PHYSIO = "see_physio"
KEEP_MOVING = "keep_moving"
TOO_FEW_ENTRIES = "too_few_entries"
ON_TRACK = "on_track"
RECOVERED = "recovered"
LEVELS: tuple[str, ...] = (
    EMERGENCY,
    SEE_GP,
    SEE_PHYSIO,
    KEEP_MOVING,
    TOO_FEW_ENTRIES,
    ON_TRACK,
    RECOVERED,
)

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

# Reasons computed from the diary, in the order of RULES.md (which is severity order).
WORSENING = "worsening"
DAILY_ACTIVITIES = "daily_activities"
NOT_IMPROVING = "not_improving"
NOT_RECOVERED_6W = "not_recovered_6w"
CHRONIC_12W = "chronic_12w"
NO_PROGRESS_2W = "no_progress_2w"
BED_REST = "bed_rest"
FEW_ENTRIES = "few_entries"
REASONS: tuple[str, ...] = (
    WORSENING,
    DAILY_ACTIVITIES,
    NOT_IMPROVING,
    NOT_RECOVERED_6W,
    CHRONIC_12W,
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

# Thresholds of RULES.md.
_PAIN_MIN = 0
_PAIN_MAX = 10
_WINDOW_DAYS = 7  # baseline window and M7 window are both 7 calendar days
_MIN_BASELINE_ENTRIES = 3
_MIN_M7_ENTRIES = 4
_RUN_DAYS = 3
_WORSENING_POINTS = 2
_IMPROVEMENT_POINTS = 2  # Ostelo 2008: 2 points ...
_IMPROVEMENT_FRACTION = Fraction(3, 10)  # ... or 30 % of the baseline
_WORSENING_MEAN_MIN_DAYS_IN = 7
_NO_PROGRESS_MIN_DAYS_IN = 14
_NOT_IMPROVING_MIN_DAYS_IN = 21
_NOT_RECOVERED_MIN_DAYS_SINCE_ONSET = 42
_NOT_RECOVERED_PAIN = 4
_NOT_RECOVERED_FRACTION_OF_BASELINE = Fraction(1, 2)
_CHRONIC_MIN_DAYS_SINCE_ONSET = 84
_RECOVERED_MAX_PAIN = 1

_MAX_DENOMINATOR = 1000  # means of up to 7 integers have denominators of at most 7

_SEVERITY = {level: index for index, level in enumerate(LEVELS)}
_RED_FLAG_ORDER = {code: index for index, code in enumerate(RED_FLAGS)}


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
    """What the diary means today. ``reasons`` lists every rule that fired, most
    severe first; ``level`` is the level of the first reason (or ``recovered`` /
    ``on_track`` when nothing fired)."""

    level: str
    reasons: tuple[str, ...]
    baseline: float | None
    mean_7d: float | None
    days_since_onset: int
    rules_version: str


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
    flags = _red_flag_codes(red_flags)
    diary = _diary(entries, today)

    days = sorted(diary)
    pains = [diary[day].pain for day in days]
    baseline = _baseline(days, pains)
    window_start = today - timedelta(days=_WINDOW_DAYS - 1)
    window = [diary[day] for day in days if day >= window_start]  # today−6 .. today
    mean_7d = _mean([entry.pain for entry in window]) if len(window) >= _MIN_M7_ENTRIES else None
    days_in = (today - days[0]).days if days else None
    days_since_onset = (today - onset).days

    fired: list[str] = []

    worsening_by_mean = (
        baseline is not None
        and mean_7d is not None
        and days_in is not None
        and days_in >= _WORSENING_MEAN_MIN_DAYS_IN
        and mean_7d >= baseline + _WORSENING_POINTS
    )
    worsening_by_run = baseline is not None and _has_run(
        diary, today, lambda entry: entry.pain >= baseline + _WORSENING_POINTS
    )
    if worsening_by_mean or worsening_by_run:
        fired.append(WORSENING)

    if _has_run(diary, today, lambda entry: entry.function == "no"):
        fired.append(DAILY_ACTIVITIES)

    if (
        days_in is not None
        and days_in >= _NOT_IMPROVING_MIN_DAYS_IN
        and baseline is not None
        and mean_7d is not None
        and mean_7d > _RECOVERED_MAX_PAIN
        and not _meaningful_improvement(baseline, mean_7d)
    ):
        fired.append(NOT_IMPROVING)

    if (
        days_since_onset >= _NOT_RECOVERED_MIN_DAYS_SINCE_ONSET
        and mean_7d is not None
        and (
            mean_7d >= _NOT_RECOVERED_PAIN
            or (baseline is not None and mean_7d > _NOT_RECOVERED_FRACTION_OF_BASELINE * baseline)
        )
    ):
        fired.append(NOT_RECOVERED_6W)

    window_recovered = (
        mean_7d is not None
        and mean_7d <= _RECOVERED_MAX_PAIN
        and all(entry.function == "yes" for entry in window)
    )
    if (
        days_since_onset >= _CHRONIC_MIN_DAYS_SINCE_ONSET
        and mean_7d is not None
        and not window_recovered
    ):
        fired.append(CHRONIC_12W)

    if (
        days_in is not None
        and days_in >= _NO_PROGRESS_MIN_DAYS_IN
        and baseline is not None
        and mean_7d is not None
        and mean_7d >= baseline
    ):
        fired.append(NO_PROGRESS_2W)

    if _has_run(diary, today, lambda entry: entry.bed_rest):
        fired.append(BED_REST)

    if mean_7d is None:
        fired.append(FEW_ENTRIES)

    reasons = tuple(
        [red_flag_reason(code) for code in flags]
        # REASONS is in severity order, so this puts the most severe first.
        + sorted(fired, key=REASONS.index)
    )
    if reasons:
        level = reason_level(reasons[0])
    elif window_recovered:
        level = RECOVERED
    else:
        level = ON_TRACK

    return Assessment(
        level=level,
        reasons=reasons,
        baseline=None if baseline is None else float(baseline),
        mean_7d=None if mean_7d is None else float(mean_7d),
        days_since_onset=days_since_onset,
        rules_version=RULES_VERSION,
    )


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
    baseline window, see :func:`baseline_midpoint_weeks`). Chart only."""
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
    days = sorted(_diary(entries, today))
    if len(days) < _MIN_BASELINE_ENTRIES:
        return None
    first_week = [day for day in days if day <= days[0] + timedelta(days=_WINDOW_DAYS - 1)]
    if len(first_week) >= _MIN_BASELINE_ENTRIES:
        middle_days_since_onset = (days[0] - onset).days + (_WINDOW_DAYS - 1) / 2
    else:
        first, third = days[0], days[_MIN_BASELINE_ENTRIES - 1]
        middle_days_since_onset = (first - onset).days + (third - first).days / 2
    return max(0.0, middle_days_since_onset / 7)


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


def _baseline(days: list[date], pains: list[int]) -> Fraction | None:
    """B: mean pain of first_day .. first_day+6; with fewer than 3 entries there, the
    mean of the first 3 entries; with fewer than 3 entries in all, None.
    ``days`` is sorted and ``pains`` follows it."""
    if len(pains) < _MIN_BASELINE_ENTRIES:
        return None
    last_day = days[0] + timedelta(days=_WINDOW_DAYS - 1)
    first_week = [pain for day, pain in zip(days, pains, strict=True) if day <= last_day]
    if len(first_week) >= _MIN_BASELINE_ENTRIES:
        return _mean(first_week)
    return _mean(pains[:_MIN_BASELINE_ENTRIES])


def _meaningful_improvement(baseline: Fraction, mean_7d: Fraction) -> bool:
    """Ostelo 2008: B − M7 ≥ 2 points, or B − M7 ≥ 30 % of B."""
    change = baseline - mean_7d
    return change >= _IMPROVEMENT_POINTS or change >= _IMPROVEMENT_FRACTION * baseline


def _has_run(
    diary: dict[date, DayEntry], today: date, condition: Callable[[DayEntry], bool]
) -> bool:
    """True when 3 consecutive calendar days inside today−6 .. today each have an
    entry meeting ``condition``."""
    window_start = today - timedelta(days=_WINDOW_DAYS - 1)
    for offset in range(_WINDOW_DAYS - _RUN_DAYS + 1):
        start = window_start + timedelta(days=offset)
        run = [diary.get(start + timedelta(days=n)) for n in range(_RUN_DAYS)]
        if all(entry is not None and condition(entry) for entry in run):
            return True
    return False


def _weeks(field: str, value: float) -> float:
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ValueError(f"{field} must be a number of weeks, got {value!r}")
    weeks = float(value)
    if not math.isfinite(weeks) or weeks < 0:
        raise ValueError(f"{field} must be a finite number of weeks of 0 or more, got {value!r}")
    return weeks
