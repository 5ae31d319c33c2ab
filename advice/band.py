"""The expected recovery band (RULES.md, "Expected recovery band"): pain as a
fraction of the pain at onset on a faster, a typical and a slower course, and the
same scaled to one patient's baseline. For charts and for the rule "pain not
decreasing" (clearly above the slower course). Pure Python.
"""

import math
from numbers import Real

from advice.entries import PAIN_MAX, PAIN_MIN

__all__ = ["BAND_CURVES", "band_fraction", "expected_band", "expected_course"]

# Expected recovery band: f(t) = a + (1 - a) * exp(-k * t), t in weeks since onset.
BAND_CURVES: dict[str, tuple[float, float]] = {
    "faster": (0.10, 0.35),
    "typical": (0.20, 0.20),
    "slower": (0.30, 0.12),
}


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
        or not PAIN_MIN <= baseline <= PAIN_MAX
    ):
        raise ValueError(
            f"baseline must be a number from {PAIN_MIN} to {PAIN_MAX}, got {baseline!r}"
        )
    t_b = _weeks("baseline_weeks", baseline_weeks)
    t = _weeks("weeks", weeks)
    faster, typical, slower = (
        float(baseline) * band_fraction(t, curve) / band_fraction(t_b, curve)
        for curve in BAND_CURVES
    )
    return faster, typical, slower


def _weeks(field: str, value: float) -> float:
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ValueError(f"{field} must be a number of weeks, got {value!r}")
    weeks = float(value)
    if not math.isfinite(weeks) or weeks < 0:
        raise ValueError(f"{field} must be a finite number of weeks of 0 or more, got {value!r}")
    return weeks
