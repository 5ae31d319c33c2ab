"""The caseload's triage order, derived from an episode's stored assessment.

Red flags first (emergency and see_gp together, newest red flag first), then
see_physio by its first reason (a reason that fired today, else the reason that
holds the advice), then keep_moving, too_few_entries, on_track, self_manage and
recovered. The rank is stored on the episode so the dashboard sorts in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from advice import engine

RED_FLAG_RANK = 0
_SEE_PHYSIO_RANKS = {
    engine.WORSENING: 1,
    engine.DAILY_ACTIVITIES: 2,
    engine.NOT_IMPROVING: 3,
    engine.NOT_RECOVERED_6W: 4,
    engine.CHRONIC_12W: 5,
}
_LEVEL_RANKS = {
    engine.EMERGENCY: RED_FLAG_RANK,
    engine.SEE_GP: RED_FLAG_RANK,
    engine.KEEP_MOVING: 6,
    engine.TOO_FEW_ENTRIES: 7,
    engine.ON_TRACK: 8,
    engine.SELF_MANAGE: 9,
    engine.RECOVERED: 10,
}
UNASSESSED_RANK = 99

# Levels that need a person to act: a change into one raises an alert.
ALERT_LEVELS = engine.SEEK_HELP_LEVELS


def triage_rank(level: str, reasons: Sequence[str], held: Sequence[str] = ()) -> int:
    if level == engine.SEE_PHYSIO:
        return min(
            _SEE_PHYSIO_RANKS[reason] for reason in (*reasons, *held) if reason in _SEE_PHYSIO_RANKS
        )
    return _LEVEL_RANKS.get(level, UNASSESSED_RANK)


def alert_reasons(reasons: Sequence[str], held: Sequence[str] = ()) -> set[str]:
    """The reasons that need a person to act. A held reason still counts: it was
    raised when it fired, and firing again while held is not a new alert."""
    return {reason for reason in (*reasons, *held) if engine.reason_level(reason) in ALERT_LEVELS}
