"""A goal's course as a small inline SVG, like the caseload's sparklines: the score
of each week as a dot (its title names the week and the score), joined by a line
that breaks at a skipped week, and a dashed line at the start score. Drawn from a
goal's ratings alone (no query); the template writes the markup, so every text is
escaped there. The numbers are in the page's text and table as well."""

from __future__ import annotations

from dataclasses import dataclass, field

from advice import goals as psk

WIDTH, HEIGHT = 220, 64
_PAD_X, _PAD_Y = 12, 16  # room for the score written above a dot
MIN_WEEKS = 4  # the axis spans at least weeks 0–4, so one week is not the whole width


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    week: int
    score: int

    @property
    def label_y(self) -> float:
        """Where the score is written: above the dot (12 px text)."""
        return round(self.y - 6, 1)


@dataclass
class GoalChart:
    points: list[Point] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # SVG point lists
    start_y: float | None = None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def labelled(self) -> list[Point]:
        """The dots whose score is written next to them: the first and the latest."""
        if len(self.points) < 2:
            return list(self.points)
        return [self.points[0], self.points[-1]]


def _x(week: int, last_week: int) -> float:
    span = max(last_week, MIN_WEEKS)
    return round(_PAD_X + week * (WIDTH - 2 * _PAD_X) / span, 1)


def _y(score: int) -> float:
    """0 (no problem) at the bottom, 10 (impossible) at the top, as the pain chart."""
    plot = HEIGHT - _PAD_Y - 4
    return round(_PAD_Y + (psk.SCORE_MAX - score) * plot / psk.SCORE_MAX, 1)


def goal_chart(ratings) -> GoalChart:
    """The chart of one goal from its ratings (anything with ``week`` and ``score``;
    a skipped week has no score), in any order."""
    ratings = sorted(ratings, key=lambda rating: rating.week)
    if not ratings:
        return GoalChart()
    last_week = ratings[-1].week
    points, segments, current = [], [], []
    for rating in ratings:
        if rating.score is None:  # skipped: the line breaks here
            if current:
                segments.append(current)
            current = []
            continue
        point = Point(_x(rating.week, last_week), _y(rating.score), rating.week, rating.score)
        points.append(point)
        current.append(point)
    if current:
        segments.append(current)
    start = next((r.score for r in ratings if r.week == 0 and r.score is not None), None)
    return GoalChart(
        points=points,
        segments=[
            " ".join(f"{p.x},{p.y}" for p in segment) for segment in segments if len(segment) > 1
        ],
        start_y=None if start is None else _y(start),
    )
