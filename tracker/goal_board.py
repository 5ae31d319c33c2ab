"""The patient's goals as the pages show them: each goal with its scores, its change
since the start and its small chart, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from advice import goals as psk
from tracker import goal_charts
from tracker.models import Episode, Goal, GoalRating, GoalStatus


@dataclass
class GoalLine:
    """One goal with its scores, oldest week first (skipped weeks have no score)."""

    goal: Goal
    ratings: list[GoalRating] = field(default_factory=list)

    @property
    def scored(self) -> list[GoalRating]:
        return [rating for rating in self.ratings if not rating.skipped]

    @property
    def start(self) -> int | None:
        scored = self.scored
        return scored[0].score if scored and scored[0].week == 0 else None

    @property
    def latest(self) -> GoalRating | None:
        scored = self.scored
        return scored[-1] if scored else None

    @property
    def change(self) -> psk.Change | None:
        """The change since the start; None until the goal is scored again."""
        latest = self.latest
        if latest is None or latest.week == 0:
            return None
        return psk.change(self.start, latest.score)

    @property
    def chart(self) -> goal_charts.GoalChart:
        return goal_charts.goal_chart(self.ratings)

    @property
    def this_week(self) -> GoalRating | None:
        """The score (or skip) of the goal's current week, if any."""
        week = self.goal.week_of(timezone.localdate())
        return next((rating for rating in self.ratings if rating.week == week), None)


@dataclass
class GoalBoard:
    """An episode's goals for a page: active ones first, then the closed ones."""

    episode: Episode
    lines: list[GoalLine]
    due: bool

    @property
    def active(self) -> list[GoalLine]:
        return [line for line in self.lines if line.goal.is_active]

    @property
    def closed(self) -> list[GoalLine]:
        return [line for line in self.lines if not line.goal.is_active]

    @property
    def free(self) -> int:
        return psk.MAX_ACTIVE - len(self.active) if self.episode.is_open else 0


def _goals(*, who: bool):
    """The goals with their scores in week order; ``who`` also loads who chose,
    scored and closed them."""
    ratings = GoalRating.objects.order_by("week")
    goals = Goal.objects.all()
    if who:
        ratings = ratings.select_related("rated_by")
        goals = goals.select_related("created_by", "closed_by", "replaces")
    return goals.prefetch_related(Prefetch("ratings", queryset=ratings))


def prefetch_goals() -> Prefetch:
    """For a list of episodes (the patient's downloads): their goals, with who
    chose, scored and closed them, in two queries for all of them. Pass
    ``episode.goals.all()`` to ``goal_board`` as ``goals``."""
    return Prefetch("goals", queryset=_goals(who=True))


def goal_board(
    *, episode: Episode, today: dt.date | None = None, who: bool = False, goals=None
) -> GoalBoard:
    """The episode's goals with their scores (two queries); ``who`` also loads who
    chose, scored and closed them, for the physiotherapist's record. ``goals``:
    the episode's goals already loaded by ``prefetch_goals`` (no query)."""
    today = today or timezone.localdate()
    if goals is None:
        goals = _goals(who=who).filter(episode=episode)
    order = {GoalStatus.ACTIVE: 0, GoalStatus.ACHIEVED: 1, GoalStatus.DROPPED: 2}
    lines = sorted(
        (GoalLine(goal=goal, ratings=list(goal.ratings.all())) for goal in goals),
        key=lambda line: (order.get(line.goal.status, 3), line.goal.started_on, line.goal.pk),
    )
    due = False
    if episode.is_open:
        last = max(
            (rating.rated_on for line in lines if line.goal.is_active for rating in line.ratings),
            default=None,
        )
        has_active = any(line.goal.is_active for line in lines)
        due = has_active and psk.rating_due(last, today)
    return GoalBoard(episode=episode, lines=lines, due=due)


def first_visit_offer(*, episode: Episode) -> bool:
    """At the end of the first visit: offer to choose goals when the episode has
    never had one."""
    return episode.is_open and not Goal.objects.filter(episode=episode).exists()
