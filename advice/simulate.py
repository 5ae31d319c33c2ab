"""Operating characteristics of the advice rules on simulated cohorts (RULES.md,
"Operating characteristics: how the triggers are judged").

Run it as ``python -m advice.simulate`` (``--help`` for the options). It builds
six cohorts of simulated patients with a seed (``advice.cohorts``), runs the
engine day by day on each patient's growing diary and prints, per cohort and per
kind of day-to-day variation, how often and when the patients are told to seek
help ("told": level ``see_physio`` or more severe), next to the goals of RULES.md.

Pure Python, standard library only, like the engine. ``--engine FILE`` runs the
same cohorts through another version of ``advice/engine.py`` (for example one
taken from the git history), so rule versions can be compared on the same
patients.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType

from advice.codes import SEEK_HELP_LEVELS
from advice.cohorts import (
    BAD_SPELLS,
    COHORTS,
    DIARY_END,
    INDEPENDENT,
    ONSET,
    RETURN_START,
    RISE_START,
    VARIATIONS,
    Patient,
    build_cohort,
)

__all__ = ["GOALS", "Goal", "Result", "format_table", "main", "run"]

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


_TOLD_LEVELS = SEEK_HELP_LEVELS  # "told": see_physio or more severe


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
