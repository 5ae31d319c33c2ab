"""The simulated cohorts of RULES.md ("Operating characteristics: how the
triggers are judged"): patients whose pain follows the faster, typical or slower
course, a rise, a relapse or a flat line, with independent day-to-day variation
or bad spells, and missed days. Built with a seed, so the same seed gives the
same patients. ``advice.simulate`` runs the engine on them; the demo data draws
its day-to-day variation from here.

Pure Python, standard library only, like the engine.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from advice.band import band_fraction

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


def _band(curve: str, day: float) -> float:
    """The mean course on ``day`` since onset, as a fraction of onset pain: the
    curves of the expected band (RULES.md)."""
    return band_fraction(day / 7, curve)


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
