"""The patient's own activity goals, scored as the Patiënt Specifieke Klachten (PSK;
internationally the Patient-Specific Functional Scale, Stratford 1995).

The patient names up to three activities that matter to them and are hard because
of the back, and scores each from 0 (no problem) to 10 (impossible), as the PSK
scores it; once a week the same activities are scored again. A change of 3 points
or more is shown as a meaningful change (the PSFS's minimal important change).

Goals inform the patient and the physiotherapist. They change no advice level:
``advice.engine`` never reads them (see docs/advice-rules.md).

The numbers and the reading of a change are plain Python; the texts are Dutch
source strings with an English translation, lazy like ``advice.content``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

SCORE_MIN, SCORE_MAX = 0, 10  # 0 = no problem, 10 = impossible (the PSK's direction)
MAX_ACTIVE = 3  # at most three goals at a time
MEANINGFUL_CHANGE = 3  # points on the 0–10 scale: the PSFS minimal important change
RATING_INTERVAL_DAYS = 7  # the weekly rating comes back after seven days or more
ACTIVITY_MAX_LENGTH = 100

BETTER, SAME, WORSE = "better", "same", "worse"

# Offered as suggestions while typing (a datalist); the patient's own words are kept.
SUGGESTIONS = (
    _("Een uur zitten op mijn werk"),
    _("De hond uitlaten"),
    _("Een kind optillen"),
    _("Fietsen"),
    _("De nacht doorslapen"),
    _("Tuinieren"),
)


@dataclass(frozen=True)
class Change:
    """How a goal's score moved from its start: ``points`` is start − latest, so a
    positive number means the activity got easier (the PSK scores difficulty)."""

    start: int
    latest: int

    @property
    def points(self) -> int:
        return self.start - self.latest

    @property
    def size(self) -> int:
        """The change in points, without its direction."""
        return abs(self.points)

    @property
    def meaningful(self) -> bool:
        """3 points or more either way: the PSFS minimal important change."""
        return abs(self.points) >= MEANINGFUL_CHANGE

    @property
    def direction(self) -> str:
        """better or worse by a meaningful change; same when the change is smaller."""
        if not self.meaningful:
            return SAME
        return BETTER if self.points > 0 else WORSE


def change(start: int | None, latest: int | None) -> Change | None:
    """The change from the start score to the latest one; None without both."""
    if start is None or latest is None:
        return None
    return Change(start=start, latest=latest)


def check_score(score: int) -> int:
    """A score on the PSK's scale; ValueError naming the field otherwise."""
    if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(f"score must be a whole number from {SCORE_MIN} to {SCORE_MAX}: {score!r}")
    return score


def rating_due(last: date | None, today: date) -> bool:
    """The weekly rating of active goals is due: never scored, or the last score
    (or skip) is RATING_INTERVAL_DAYS old or more."""
    return last is None or (today - last).days >= RATING_INTERVAL_DAYS
