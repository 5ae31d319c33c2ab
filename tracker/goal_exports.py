"""The goals in the patient's own download (JSON and CSV) and on the one-page
summary for the GP or physiotherapist."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from tracker.goal_board import goal_board
from tracker.models import Goal, GoalRating, GoalStatus


def episode_goals(episode) -> list[dict]:
    """The episode's goals with every score, for the JSON download (with the codes,
    for other programs). The episode comes with ``goal_board.prefetch_goals``."""
    return [
        {
            "activity": line.goal.activity,
            "status": line.goal.status,
            "started_on": line.goal.started_on.isoformat(),
            "closed_at": line.goal.closed_at.isoformat() if line.goal.closed_at else None,
            "replaces": line.goal.replaces.activity if line.goal.replaces else None,
            "ratings": [
                {
                    "week": rating.week,
                    "rated_on": rating.rated_on.isoformat(),
                    "score": rating.score,  # None: that week was skipped
                }
                for rating in line.ratings
            ],
        }
        for line in goal_board(episode=episode, who=True, goals=episode.goals.all()).lines
    ]


def label(model, name: str) -> str:
    """A model field's name as the reader sees it (the exports' labels)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def goal_rows(episode, number: int) -> Iterator[list]:
    """The episode's goals as rows of the patient's CSV (what, period, number, item,
    value): readable labels in the active language, no codes. The episode comes
    with ``goal_board.prefetch_goals``."""
    kind = capfirst(Goal._meta.verbose_name)
    for item, line in enumerate(
        goal_board(episode=episode, who=True, goals=episode.goals.all()).lines, start=1
    ):
        goal = line.goal
        yield [kind, number, item, label(Goal, "activity"), goal.activity]
        yield [kind, number, item, label(Goal, "status"), goal.get_status_display()]
        yield [kind, number, item, label(Goal, "started_on"), goal.started_on]
        yield [kind, number, item, label(Goal, "closed_at"), goal.closed_at]
        if goal.replaces:
            yield [kind, number, item, label(Goal, "replaces"), goal.replaces.activity]
        for rating in line.ratings:
            week = gettext("week %(week)s") % {"week": rating.week}
            day = f"{label(GoalRating, 'rated_on')} ({week})"
            yield [kind, number, item, day, rating.rated_on]
            score = gettext("overgeslagen") if rating.skipped else rating.score
            yield [kind, number, item, f"{label(GoalRating, 'score')} ({week})", score]


def summary_lines(episode) -> tuple[tuple[str, str], ...]:
    """The summary's goals: the activity, and its start and latest score in words,
    with a meaningful change named as such. Active and achieved goals only."""
    lines = []
    for line in goal_board(episode=episode).lines:
        if line.goal.status not in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED):
            continue
        change = line.change
        if change is None:
            text = gettext("bij de start %(start)s, nog niet opnieuw gescoord") % {
                "start": line.start if line.start is not None else "–"
            }
        else:
            text = gettext("bij de start %(start)s, nu %(latest)s") % {
                "start": change.start,
                "latest": change.latest,
            }
            if change.points:
                text += ": " + (
                    ngettext(
                        "%(points)s punt minder moeite",
                        "%(points)s punten minder moeite",
                        change.size,
                    )
                    if change.points > 0
                    else ngettext(
                        "%(points)s punt meer moeite", "%(points)s punten meer moeite", change.size
                    )
                ) % {"points": change.size}
            if change.meaningful:
                text += ", " + gettext("een duidelijk verschil")
        if line.goal.status == GoalStatus.ACHIEVED:
            text += ", " + gettext("gelukt")
        lines.append((line.goal.activity, text))
    return tuple(lines)
