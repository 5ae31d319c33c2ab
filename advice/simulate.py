"""Operating characteristics of the advice rules on simulated cohorts (RULES.md,
"Operating characteristics: how the triggers are judged").

Run it as ``python -m advice.simulate`` (``--help`` for the options). It builds
six cohorts of simulated patients with a seed, runs the engine day by day on each
patient's growing diary and prints, per cohort and per kind of day-to-day
variation, how often and when the patients are told to seek help ("told": level
``see_physio`` or more severe), next to the goals of RULES.md.

Pure Python, standard library only, like the engine. ``--engine FILE`` runs the
same cohorts through another version of ``advice/engine.py`` (for example one
taken from the git history), so rule versions can be compared on the same
patients.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import ModuleType

__all__ = [
    "COHORTS",
    "GOALS",
    "VARIATIONS",
    "Goal",
    "Patient",
    "Result",
    "build_cohort",
    "daily_variation",
    "format_table",
    "main",
    "run",
]

DIARY_END = 98  # the diary runs to day 98 since onset
ONSET = date(2026, 1, 5)  # any Monday; only differences between days matter

# Day-to-day variation: independent (SD 1 point), or bad spells lasting several
# days (an AR(1) process with SD 1.2 and day-to-day correlation 0.6).
INDEPENDENT = "independent"
BAD_SPELLS = "bad spells"
VARIATIONS: tuple[str, ...] = (INDEPENDENT, BAD_SPELLS)
_AR1_SD = 1.2
_AR1_RHO = 0.6
_INDEPENDENT_SD = 1.0

_MISSED_DAY = 0.10  # about 1 day in 10 is not logged
RISE_START = 14  # the "rise" cohort: typical course to week 2, then +3 over 5 days
RISE_DAYS = 5
RISE_POINTS = 3.0
RETURN_START = 35  # the "relapse" cohort: faster course to week 5, then back to 5-6
RETURN_DAYS = 3

# Mean course, as a fraction of onset pain: f(t) = a + (1 - a)·e^(-k·t) (RULES.md).
_BAND = {"faster": (0.10, 0.35), "typical": (0.20, 0.20), "slower": (0.30, 0.12)}


def _band(curve: str, day: float) -> float:
    a, k = _BAND[curve]
    return a + (1 - a) * math.exp(-k * day / 7)


def _typical_then_rise(onset_pain: float, day: int, extra: float) -> float:
    rise = RISE_POINTS * min(1.0, max(0.0, (day - RISE_START) / RISE_DAYS))
    return onset_pain * _band("typical", min(day, RISE_START)) + rise


def _faster_then_return(onset_pain: float, day: int, extra: float) -> float:
    before = onset_pain * _band("faster", min(day, RETURN_START))
    share = min(1.0, max(0.0, (day - RETURN_START) / RETURN_DAYS))
    return before + share * (extra - before)


# Each cohort: its mean course (onset pain, day since onset, a per-patient extra
# number) and the range the extra number is drawn from.
_COURSES: dict[str, tuple[Callable[[float, int, float], float], tuple[float, float]]] = {
    "typical": (lambda pain, day, _extra: pain * _band("typical", day), (0, 0)),
    "faster": (lambda pain, day, _extra: pain * _band("faster", day), (0, 0)),
    "slower": (lambda pain, day, _extra: pain * _band("slower", day), (0, 0)),
    "flat": (lambda pain, _day, _extra: pain, (0, 0)),
    "rise": (_typical_then_rise, (0, 0)),
    "relapse": (_faster_then_return, (5.0, 6.0)),
}
COHORTS: tuple[str, ...] = tuple(_COURSES)


@dataclass(frozen=True)
class Patient:
    """One simulated diary: the days since onset that were logged, with pain,
    function and bed rest."""

    cohort: str
    variation: str
    onset_pain: float
    first_day: int
    days: tuple[int, ...]
    pains: tuple[int, ...]
    functions: tuple[str, ...]
    bed_rests: tuple[bool, ...]


def _function(rng: random.Random, pain: int) -> str:
    """Could the usual daily activities be done? "No" is likely at pain 8 or more
    and possible at 6-7."""
    roll = rng.random()
    if pain >= 8:
        return "no" if roll < 0.6 else "partly" if roll < 0.95 else "yes"
    if pain >= 6:
        return "no" if roll < 0.15 else "partly" if roll < 0.65 else "yes"
    if pain >= 3:
        return "partly" if roll < 0.3 else "yes"
    return "partly" if roll < 0.05 else "yes"


def _bed_rest(rng: random.Random, pain: int) -> bool:
    return rng.random() < (0.3 if pain >= 8 else 0.05 if pain >= 6 else 0.0)


def daily_variation(rng: random.Random, variation: str, days: int) -> Iterator[float]:
    """Day-to-day variation around the course's mean for ``days`` days: independent
    (SD 1) or bad spells (AR(1), SD 1.2, correlation 0.6). The demo data uses it too."""
    if variation not in VARIATIONS:
        raise ValueError(f"variation must be one of {', '.join(VARIATIONS)}, got {variation!r}")
    if variation == INDEPENDENT:
        for _ in range(days):
            yield rng.gauss(0.0, _INDEPENDENT_SD)
        return
    innovation = _AR1_SD * math.sqrt(1 - _AR1_RHO**2)
    value = rng.gauss(0.0, _AR1_SD)  # start in the stationary distribution
    for _ in range(days):
        yield value
        value = _AR1_RHO * value + rng.gauss(0.0, innovation)


def build_cohort(cohort: str, variation: str, size: int, rng: random.Random) -> list[Patient]:
    """``size`` simulated patients of one cohort: onset pain 5-9, a diary that
    starts 0-4 days after onset and runs to day 98, about 1 day in 10 not logged,
    pain = the course's mean + variation, rounded and clipped to 0-10."""
    if cohort not in _COURSES:
        raise ValueError(f"cohort must be one of {', '.join(COHORTS)}, got {cohort!r}")
    if variation not in VARIATIONS:
        raise ValueError(f"variation must be one of {', '.join(VARIATIONS)}, got {variation!r}")
    course, (low, high) = _COURSES[cohort]
    patients = []
    for _ in range(size):
        onset_pain = rng.uniform(5.0, 9.0)
        extra = rng.uniform(low, high)
        first_day = rng.randint(0, 4)
        days, pains, functions, bed_rests = [], [], [], []
        noise = daily_variation(rng, variation, DIARY_END - first_day + 1)
        for day, variation_today in zip(range(first_day, DIARY_END + 1), noise, strict=True):
            logged = day == first_day or rng.random() >= _MISSED_DAY
            if not logged:
                continue
            pain = min(10, max(0, round(course(onset_pain, day, extra) + variation_today)))
            days.append(day)
            pains.append(pain)
            functions.append(_function(rng, pain))
            bed_rests.append(_bed_rest(rng, pain))
        patients.append(
            Patient(
                cohort,
                variation,
                onset_pain,
                first_day,
                tuple(days),
                tuple(pains),
                tuple(functions),
                tuple(bed_rests),
            )
        )
    return patients


# --- What is measured -----------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """One line of the table: a share of a cohort told in a window of days since
    onset, and the goal per kind of variation (``at_most`` for cohorts to spare,
    otherwise at least)."""

    cohort: str
    label: str
    first: int
    last: int
    goals: dict[str, float]
    at_most: bool

    def met(self, variation: str, share: float) -> bool | None:
        goal = self.goals.get(variation)
        if goal is None:
            return None
        return share <= goal if self.at_most else share >= goal


def _both(independent: float, bad_spells: float) -> dict[str, float]:
    return {INDEPENDENT: independent, BAD_SPELLS: bad_spells}


GOALS: tuple[Goal, ...] = (
    Goal("typical", "told at any time in days 14-83", 14, 83, _both(0.10, 0.35), True),
    Goal("typical", "told on day 42", 42, 42, {INDEPENDENT: 0.03}, True),
    Goal("typical", "told on day 84", 84, 84, {INDEPENDENT: 0.05}, True),
    Goal("faster", "told at any time in days 14-83", 14, 83, _both(0.05, 0.15), True),
    Goal(
        "slower",
        "told at some point before 12 weeks (days 14-83)",
        14,
        83,
        _both(0.80, 0.80),
        False,
    ),
    Goal("flat", "told by day 28", 0, 28, _both(0.95, 0.90), False),
    Goal(
        "rise",
        "told within 7 days of the rise starting (days 14-21)",
        RISE_START,
        RISE_START + 7,
        _both(0.90, 0.85),
        False,
    ),
    Goal(
        "rise",
        "told within 12 days of the rise starting (days 14-26)",
        RISE_START,
        RISE_START + 12,
        _both(0.99, 0.98),
        False,
    ),
    Goal(
        "relapse",
        "told within 10 days of the return (days 35-45)",
        RETURN_START,
        RETURN_START + 10,
        _both(0.90, 0.85),
        False,
    ),
)


@dataclass
class Result:
    """The days each patient of one cohort and variation was told, day by day."""

    cohort: str
    variation: str
    told: list[list[bool]] = field(default_factory=list)  # per patient, per day 0..98

    def share(self, first: int, last: int) -> float:
        hits = sum(any(days[first : last + 1]) for days in self.told)
        return hits / len(self.told)

    def alerts(self) -> list[int]:
        """Separate alerts per patient: each stretch of consecutive days told."""
        return [
            sum(1 for n, now in enumerate(days) if now and (n == 0 or not days[n - 1]))
            for days in self.told
        ]


_TOLD_LEVELS = frozenset({"emergency", "see_gp", "see_physio"})


def _told_by_day(engine: ModuleType, patient: Patient) -> list[bool]:
    """Whether the patient is told, for each day 0..98 since onset (False before
    the diary starts)."""
    entries = [
        engine.DayEntry(ONSET + timedelta(days=day), pain, function, bed_rest)
        for day, pain, function, bed_rest in zip(
            patient.days, patient.pains, patient.functions, patient.bed_rests, strict=True
        )
    ]
    told = [False] * (DIARY_END + 1)
    first, last = ONSET + timedelta(days=patient.first_day), ONSET + timedelta(days=DIARY_END)
    if hasattr(engine, "assess_days"):  # one pass over the growing diary
        for day, assessment in engine.assess_days(
            onset=ONSET, first=first, last=last, entries=entries
        ):
            told[(day - ONSET).days] = assessment.level in _TOLD_LEVELS
        return told
    # An engine without assess_days: assess every day's diary from scratch.
    for offset in range(patient.first_day, DIARY_END + 1):
        today = ONSET + timedelta(days=offset)
        upto = [entry for entry in entries if entry.day <= today]
        told[offset] = engine.assess(onset=ONSET, today=today, entries=upto).level in _TOLD_LEVELS
    return told


def run(
    *,
    size: int = 300,
    seed: int = 20261203,
    engine: ModuleType | None = None,
    cohorts: Sequence[str] = COHORTS,
) -> dict[tuple[str, str], Result]:
    """Build the cohorts (``size`` patients each, per variation) and run the engine
    on them. The same seed gives the same patients, whatever the engine."""
    if engine is None:
        from advice import engine as default_engine

        engine = default_engine
    results = {}
    for variation in VARIATIONS:
        for cohort in cohorts:
            rng = random.Random(f"{seed}:{cohort}:{variation}")
            result = Result(cohort, variation)
            for patient in build_cohort(cohort, variation, size, rng):
                result.told.append(_told_by_day(engine, patient))
            results[cohort, variation] = result
    return results


def format_table(results: dict[tuple[str, str], Result]) -> str:
    """The operating characteristics as a Markdown table: per goal and variation,
    the share told, the goal, and whether it is met; then the median number of
    separate alerts per patient, per cohort and variation."""
    lines = [
        "| cohort | measure | independent | goal | bad spells | goal |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for goal in GOALS:
        cells = []
        for variation in VARIATIONS:
            result = results.get((goal.cohort, variation))
            if result is None:
                cells += ["", ""]
                continue
            share = result.share(goal.first, goal.last)
            target = goal.goals.get(variation)
            met = goal.met(variation, share)
            mark = "" if met is None else " ✓" if met else " ✗"
            cells.append(f"{share:.1%}{mark}")
            cells.append("—" if target is None else f"{'≤' if goal.at_most else '≥'} {target:.0%}")
        lines.append(f"| {goal.cohort} | {goal.label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| cohort | separate alerts per patient, median (independent) | (bad spells) |",
        "|---|--:|--:|",
    ]
    for cohort in COHORTS:
        cells = []
        for variation in VARIATIONS:
            result = results.get((cohort, variation))
            cells.append("" if result is None else f"{statistics.median(result.alerts()):g}")
        lines.append(f"| {cohort} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _load_engine(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("simulated_engine", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"--engine: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m advice.simulate",
        description="Operating characteristics of the advice rules on simulated cohorts.",
    )
    parser.add_argument("--size", type=int, default=300, help="patients per cohort and variation")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument(
        "--engine", help="path to another engine.py to run instead of advice.engine"
    )
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be 1 or more")
    engine = _load_engine(args.engine) if args.engine else None
    started = time.perf_counter()
    results = run(size=args.size, seed=args.seed, engine=engine)
    elapsed = time.perf_counter() - started
    version = (engine or sys.modules["advice.engine"]).RULES_VERSION
    patients = len(COHORTS) * len(VARIATIONS) * args.size
    print(
        f"Rules version {version}; {args.size} patients per cohort and variation, seed {args.seed}"
    )
    print()
    print(format_table(results))
    print()
    unmet = [
        f"{goal.cohort}, {goal.label}, {variation}"
        for goal in GOALS
        for variation in VARIATIONS
        if goal.met(variation, results[goal.cohort, variation].share(goal.first, goal.last))
        is False
    ]
    print("Every goal met." if not unmet else "Goals not met: " + "; ".join(unmet) + ".")
    print(f"{patients} patients × days 0-{DIARY_END} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
