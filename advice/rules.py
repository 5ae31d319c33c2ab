"""The rules of RULES.md version 2, applied to a diary day by day.

``Timeline`` lays a diary out by day and walks it once from the first entry,
carrying forward what later days need: the lowest 7-day mean before the current
week (a relapse) and the seek-help reasons of the last ``HOLD_DAYS`` days (held
advice). ``advice.engine`` is the public face of it. Every number comes from the
contract or, where it leaves the number to us, from the cohort simulation
(``python -m advice.simulate``; docs/advice-rules.md has the table). Pure Python.
"""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from fractions import Fraction

from advice.band import band_fraction
from advice.codes import (
    ACTIVITIES_FIRST_WEEK,
    BED_REST,
    CHRONIC_12W,
    DAILY_ACTIVITIES,
    FEW_ENTRIES,
    NO_PROGRESS_2W,
    NOT_IMPROVING,
    NOT_RECOVERED_6W,
    ON_TRACK,
    REASON_LEVEL,
    REASON_ORDER,
    RECOVERED,
    SEE_PHYSIO,
    SELF_MANAGE,
    SEVERITY,
    WORSENING,
    reason_level,
)
from advice.entries import Assessment, DayEntry

__all__ = ["HOLD_DAYS", "RULES_VERSION", "Timeline", "dates", "meaningful"]

RULES_VERSION = "2026.2"

# Definitions of RULES.md (unchanged since version 1).
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

# The diary reasons that tell the patient to contact the physiotherapist; the ones
# a seek-help advice is held for.
_HELD_REASONS = frozenset(reason for reason, level in REASON_LEVEL.items() if level == SEE_PHYSIO)


class Timeline:
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
        # The same, counting only days from the second week after onset: a run of
        # "no" in the first week is keep-moving advice, also once that week is over.
        self.no_run_from_week_2 = _run_lengths(
            self.entries,
            lambda entry: (
                entry.function == "no"
                and onset is not None
                and (entry.day - onset).days >= _ACTIVITIES_ALERT_FROM_DAY
            ),
        )
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
                held = tuple(sorted(frozenset().union(*recent), key=REASON_ORDER.__getitem__))
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

        if self.has_static_run(self.no_run_from_week_2, index):
            fired.append(DAILY_ACTIVITIES)
        elif self.has_static_run(self.no_run, index):
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
        return sorted(fired, key=REASON_ORDER.__getitem__)

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
            level = min(levels, key=SEVERITY.__getitem__)
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
            improved=None if baseline is None or mean_7d is None else meaningful(baseline, mean_7d),
            held=held,
        )

    def _recovered(self, index: int, mean_7d: Fraction | None) -> bool:
        """M7 <= 1 and usual activities on every day of the last 7."""
        if mean_7d is None or mean_7d > _RECOVERED_MAX_PAIN:
            return False
        window = self.entries[max(0, index - _WINDOW_DAYS + 1) : index + 1]
        return all(entry.function == "yes" for entry in window if entry is not None)


def dates(first: date, last: date) -> Iterator[date]:
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


def _mean(pains: list[int]) -> Fraction:
    return Fraction(sum(pains), len(pains))


def meaningful(baseline: Fraction, mean_7d: Fraction) -> bool:
    """Ostelo 2008: B − M7 ≥ 2 points, or B − M7 ≥ 30 % of B."""
    change = baseline - mean_7d
    return change >= _IMPROVEMENT_POINTS or change >= _IMPROVEMENT_FRACTION * baseline
