"""The two values of the advice engine: a diary day (``DayEntry``) and what the
diary means on a day (``Assessment``). Pure Python."""

from dataclasses import dataclass
from datetime import date, datetime

from advice.codes import FUNCTION_CHOICES

__all__ = ["Assessment", "DayEntry", "PAIN_MAX", "PAIN_MIN"]

PAIN_MIN = 0
PAIN_MAX = 10


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
            or not PAIN_MIN <= self.pain <= PAIN_MAX
        ):
            raise ValueError(
                f"pain must be a whole number from {PAIN_MIN} to {PAIN_MAX}, got {self.pain!r}"
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
