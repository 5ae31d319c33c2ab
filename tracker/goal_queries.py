"""Reads of the goals for the clinic: the caseload's goals column and the clinic
outcomes. Both cost no query of their own beyond a fixed number: the caseload's
counts are subqueries of the caseload's own query, the outcomes one query."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from advice import goals as psk
from tracker.models import Clinic, Goal, GoalRating, GoalStatus

# The goals the caseload counts: those still pursued and those achieved (not the
# dropped ones, nor a wording that was replaced by a new one).
COUNTED = (GoalStatus.ACTIVE, GoalStatus.ACHIEVED)


def _scored():
    """The goal's (OuterRef) ratings that hold a score (not a skipped week)."""
    return GoalRating.objects.filter(goal=OuterRef("pk"), score__isnull=False)


def _goals_moved(direction: str) -> Coalesce:
    """A correlated COUNT of the episode's counted goals whose latest score moved from
    the start by a meaningful change (``better``/``worse``) or less (``same``).
    A goal not scored again since its start is not counted."""
    start = Subquery(_scored().filter(week=0).order_by().values("score")[:1])
    latest = Subquery(_scored().order_by("-week").values("score")[:1])
    latest_week = Subquery(_scored().order_by("-week").values("week")[:1])
    goals = (
        Goal.objects.filter(episode=OuterRef("pk"), status__in=COUNTED)
        .annotate(start=start, latest=latest, latest_week=latest_week)
        .filter(latest_week__gt=0, start__isnull=False)
    )
    mic = psk.MEANINGFUL_CHANGE
    if direction == psk.BETTER:
        goals = goals.filter(latest__lte=F("start") - mic)
    elif direction == psk.WORSE:
        goals = goals.filter(latest__gte=F("start") + mic)
    else:
        goals = goals.filter(latest__gt=F("start") - mic, latest__lt=F("start") + mic)
    return count_per_episode(goals)


def count_per_episode(queryset) -> Coalesce:
    """A correlated COUNT(*) subquery of rows with an ``episode`` (no join, so the
    row count stays one per episode)."""
    counted = queryset.order_by().values("episode").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def caseload_annotations() -> dict:
    """The caseload row's goals column: how many goals got meaningfully better, stayed
    about the same and got meaningfully worse since their start, and how many goals
    the episode has at all. Subqueries of the caseload's query: no query of their own."""
    return {
        "goals_better": _goals_moved(psk.BETTER),
        "goals_same": _goals_moved(psk.SAME),
        "goals_worse": _goals_moved(psk.WORSE),
        "goals_count": count_per_episode(
            Goal.objects.filter(episode=OuterRef("pk"), status__in=COUNTED)
        ),
    }


def caseload_cell(episode) -> str:
    """The goals column as text, for the caseload's export: "2 / 1 / 0" (better /
    same / worse); "2 gekozen" while no goal has been scored again since its start;
    empty when the episode has no goals."""
    if not getattr(episode, "goals_count", 0):
        return ""
    if not episode.goals_better + episode.goals_same + episode.goals_worse:
        return gettext("%(count)s gekozen") % {"count": episode.goals_count}
    return f"{episode.goals_better} / {episode.goals_same} / {episode.goals_worse}"


GOAL_OUTCOME_WEEKS = (4, 6)


@dataclass(frozen=True)
class GoalOutcomeRow:
    week: int
    eligible: int  # episodes this many weeks past onset with a goal chosen by then
    improved: int  # of those: a meaningful improvement in at least one goal by then

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.eligible if self.eligible else None

    @property
    def improved_percent(self) -> int | None:
        share = self.improved_share
        return None if share is None else round(share * 100)


def clinic_goal_outcomes(*, clinic: Clinic, today: dt.date) -> list[GoalOutcomeRow]:
    """For weeks 4 and 6 since onset: of the clinic's episodes that have come that far
    and had chosen a goal by then, how many showed a meaningful improvement (3
    points or more easier than at its start) in at least one goal by then. Goals
    of every status count: a goal achieved or dropped later still improved. One
    query."""
    rows = GoalRating.objects.filter(
        goal__episode__patient__clinic=clinic, score__isnull=False
    ).values_list(
        "goal__episode_id", "goal__episode__onset", "goal_id", "week", "rated_on", "score"
    )
    onsets: dict[int, dt.date] = {}
    starts: dict[int, tuple[dt.date, int]] = {}  # goal → (day chosen, start score)
    later: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    goals_of: dict[int, set[int]] = defaultdict(set)
    for episode_id, onset, goal_id, week, rated_on, score in rows:
        onsets[episode_id] = onset
        goals_of[episode_id].add(goal_id)
        if week == 0:
            starts[goal_id] = (rated_on, score)
        else:
            later[goal_id].append((rated_on, score))
    result = []
    for week in GOAL_OUTCOME_WEEKS:
        eligible = improved = 0
        for episode_id, onset in onsets.items():
            by = onset + dt.timedelta(weeks=week)
            if by > today:
                continue
            chosen = [g for g in goals_of[episode_id] if g in starts and starts[g][0] <= by]
            if not chosen:
                continue
            eligible += 1
            if any(
                psk.Change(start=starts[g][1], latest=score).direction == psk.BETTER
                for g in chosen
                for day, score in later[g]
                if day <= by
            ):
                improved += 1
        result.append(GoalOutcomeRow(week=week, eligible=eligible, improved=improved))
    return result
