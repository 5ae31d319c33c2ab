"""Reads for the caseload: the triaged dashboard rows and the clinic outcomes.

Every list here costs a fixed number of queries, whatever the caseload: the
rows come from the episodes' stored assessments, counts are subqueries, and the
sparklines of a page are one query.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Contains

from advice import engine
from tracker.goal_queries import caseload_annotations, count_per_episode
from tracker.models import Clinic, DailyEntry, Episode, RedFlagReport, RiskFactorAnswer, User

STALE_DAYS = 3
SPARK_DAYS = 28


# The columns the caseload can be sorted by (besides triage order): the query
# value, and the order; a leading "-" reverses it.
SORTS: dict[str, tuple] = {
    "last": (F("last_day").asc(nulls_first=True),),  # longest without a check-in first
    "-last": (F("last_day").desc(nulls_last=True),),
    "mean": (F("mean_7d").desc(nulls_last=True),),  # highest 7-day mean first
    "-mean": (F("mean_7d").asc(nulls_last=True),),
    "days": (F("onset").asc(),),  # longest since onset first
    "-days": (F("onset").desc(),),
}


@dataclass(frozen=True)
class CaseloadFilters:
    mine: bool = False
    level: str = ""
    stale: bool = False
    new: bool = False
    q: str = ""
    sort: str = ""

    @classmethod
    def from_query(cls, params) -> CaseloadFilters:
        """Read the filters from the query string; unknown values are ignored."""
        level = params.get("level", "")
        sort = params.get("sort", "")
        return cls(
            mine=params.get("scope") == "mine",
            level=level if level in engine.LEVELS else "",
            stale=params.get("stale") == "1",
            new=params.get("new") == "1",
            # NUL as a space: PostgreSQL refuses it in a query, and no name holds it.
            q=" ".join(params.get("q", "").replace("\x00", " ").split())[:100],
            sort=sort if sort in SORTS else "",
        )

    def as_query(self, **changes) -> dict[str, str]:
        """The filters as query parameters, with ``changes`` applied (e.g. level="")."""
        values = {**self.__dict__, **changes}
        query = {}
        if values["mine"]:
            query["scope"] = "mine"
        if values["level"]:
            query["level"] = values["level"]
        if values["stale"]:
            query["stale"] = "1"
        if values["new"]:
            query["new"] = "1"
        if values["q"]:
            query["q"] = values["q"]
        if values["sort"]:
            query["sort"] = values["sort"]
        return query


class Unaccent(Func):
    """unaccent(text): "Zoë" → "Zoe". PostgreSQL's unaccent extension (migration
    0007); on SQLite a Python function registered on each connection
    (tracker.apps)."""

    function = "UNACCENT"
    output_field = CharField()


# Letters that do not decompose into a letter and an accent.
_PLAIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L",
                        "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE", "ı": "i"})  # fmt: skip


def unaccent(text: str | None) -> str | None:
    """The Python side of Unaccent: the letters without their accents."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# An alert a physiotherapist has not acknowledged yet, or a red flag the clinic has
# not seen (also when the patient resolved it): the row stays on the caseload,
# even after the episode was closed.
NEEDS_ATTENTION = Q(
    alert_raised_at__isnull=False,
    alert_acknowledged_at__isnull=True,
) | Q(alert_acknowledged_at__lt=F("alert_raised_at"))


def caseload(
    *,
    clinic: Clinic,
    user: User,
    filters: CaseloadFilters,
    today: dt.date,
    new_since: dt.datetime | None = None,
) -> QuerySet[Episode]:
    """The clinic's open episodes, and closed ones with an alert or red flag not yet
    acknowledged, in triage order (or the chosen sort), with what a row shows.
    ``new_since``: what "new" means for the ``new`` filter (alerts raised after it;
    every unacknowledged alert when None)."""
    episodes = _in_view(clinic=clinic, user=user, filters=filters, today=today)
    if filters.level:
        episodes = episodes.filter(level=filters.level)
    if filters.new:
        episodes = episodes.filter(_new(new_since))
    return episodes.order_by(
        *SORTS.get(filters.sort, ()),
        "triage_rank",
        F("red_flag_at").desc(nulls_last=True),
        "patient__user__last_name",
        "patient__user__first_name",
        "pk",
    )


def _new(since: dt.datetime | None) -> Q:
    return NEEDS_ATTENTION if since is None else Q(alert_raised_at__gt=since)


def _in_view(
    *, clinic: Clinic, user: User, filters: CaseloadFilters, today: dt.date, rows: bool = True
):
    """The episodes before the level and "new" filters; with ``rows``, annotated
    with what a row shows (the counts at the top of the page need none of it)."""
    entries = DailyEntry.objects.filter(episode=OuterRef("pk"))
    unseen_flags = RedFlagReport.objects.filter(
        episode=OuterRef("pk"), acknowledged_at__isnull=True
    )
    episodes = Episode.objects.filter(patient__clinic=clinic).filter(
        Q(closed_at__isnull=True) | NEEDS_ATTENTION | Exists(unseen_flags)
    )
    if rows:
        episodes = episodes.select_related(
            "patient__user", "patient__physio", "patient__clinic"
        ).annotate(
            flags_unseen=Exists(unseen_flags),
            checkins_7d=count_per_episode(
                entries.filter(day__gt=today - dt.timedelta(days=7), day__lte=today)
            ),
            risk_factors_yes=Coalesce(
                Subquery(
                    RiskFactorAnswer.objects.filter(episode=OuterRef("pk"), answer=True)
                    .order_by()
                    .values("episode")
                    .annotate(n=Count("code", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        episodes = episodes.annotate(**caseload_annotations())  # goals column
    if rows or filters.stale or filters.sort.lstrip("-") == "last":
        episodes = episodes.annotate(last_day=Subquery(entries.order_by("-day").values("day")[:1]))
    if filters.mine:
        episodes = episodes.filter(patient__physio=user)
    if filters.stale:
        cutoff = today - dt.timedelta(days=STALE_DAYS)
        episodes = episodes.filter(Q(last_day__lte=cutoff) | Q(last_day__isnull=True))
    for word in filters.q.split():
        word = unaccent(word).lower()
        episodes = episodes.filter(
            _matches("patient__user__first_name", word)
            | _matches("patient__user__last_name", word)
            | _matches("patient__user__username", word)
        )
    return episodes


def _matches(field: str, word: str) -> Q:
    """The field holds ``word`` (already without accents, lowercase), ignoring
    accents and case: "zoe" finds "Zoë"."""
    return Q(Contains(Lower(Unaccent(field)), word))


def caseload_counts(
    *,
    clinic: Clinic,
    user: User,
    filters: CaseloadFilters,
    today: dt.date,
    new_since: dt.datetime | None,
) -> tuple[dict[str, int], int]:
    """How many rows each level has, and how many are new, under the page's other
    filters (one query)."""
    rows = (
        _in_view(clinic=clinic, user=user, filters=filters, today=today, rows=False)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"), new=Count("pk", filter=_new(new_since)))
    )
    counts, new = {}, 0
    for row in rows:
        counts[row["level"]] = counts.get(row["level"], 0) + row["n"]
        new += row["new"]
    return {level: counts.get(level, 0) for level in engine.LEVELS}, new


@dataclass
class Sparkline:
    """The last 28 days of pain as an inline SVG polyline (no image, no query)."""

    points: list[tuple[int, int]] = field(default_factory=list)  # (day index, pain)
    width: int = 84
    height: int = 20

    @property
    def segments(self) -> list[str]:
        """SVG point lists, split where a day is missing."""
        step = self.width / (SPARK_DAYS - 1)
        segments, current, previous = [], [], None
        for index, pain in self.points:
            if previous is not None and index != previous + 1:
                segments.append(current)
                current = []
            x = round(index * step, 1)
            y = round(2 + (10 - pain) * (self.height - 4) / 10, 1)
            current.append(f"{x},{y}")
            previous = index
        if current:
            segments.append(current)
        return [" ".join(segment) for segment in segments]

    @property
    def dots(self) -> list[tuple[str, str]]:
        """Single days with no neighbour, drawn as dots: their coordinates as SVG
        numbers (text, so a Dutch page does not write 12,5)."""
        return [tuple(segment.split(",")) for segment in self.segments if " " not in segment]

    @property
    def last(self) -> int | None:
        return self.points[-1][1] if self.points else None


def sparklines(episode_ids: list[int], *, today: dt.date) -> dict[int, Sparkline]:
    """The sparkline of each episode, in one query."""
    start = today - dt.timedelta(days=SPARK_DAYS - 1)
    lines: dict[int, Sparkline] = defaultdict(Sparkline)
    rows = (
        DailyEntry.objects.filter(episode_id__in=episode_ids, day__gte=start, day__lte=today)
        .order_by("episode_id", "day")
        .values_list("episode_id", "day", "pain")
    )
    for episode_id, day, pain in rows:
        lines[episode_id].points.append(((day - start).days, pain))
    return lines


def change_percent(baseline: float | None, mean_7d: float | None) -> int | None:
    """Change of the 7-day mean against the baseline, in whole percent."""
    if baseline is None or mean_7d is None or baseline == 0:
        return None
    return round((mean_7d - baseline) / baseline * 100)


OUTCOME_WEEKS = (2, 4, 6, 12)


@dataclass(frozen=True)
class OutcomeRow:
    week: int
    eligible: int  # episodes whose onset lies at least this many weeks back
    improved: int
    recovered: int

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.eligible if self.eligible else None

    @property
    def recovered_share(self) -> float | None:
        return self.recovered / self.eligible if self.eligible else None

    @property
    def typical_percent(self) -> int:
        """The typical course of RULES.md: the share of the pain gone by this week."""
        return round((1 - engine.expected_band(self.week)[1]) * 100)


def clinic_outcomes(*, clinic: Clinic, today: dt.date) -> list[OutcomeRow]:
    """For each of weeks 2, 4, 6 and 12 since onset: of the clinic's episodes that
    have come that far, and whose diary had started by then (a patient who joined
    in week 5 cannot count as not improved in week 2), how many showed a
    meaningful improvement and how many had recovered by then. One query."""
    rows = list(
        Episode.objects.filter(patient__clinic=clinic)
        .annotate(first_day=Min("entries__day"))
        .values_list("onset", "first_improved_on", "first_recovered_on", "first_day")
    )
    result = []
    for week in OUTCOME_WEEKS:
        span = dt.timedelta(weeks=week)
        eligible = [
            row[:3]
            for row in rows
            if row[0] + span <= today and row[3] is not None and row[3] <= row[0] + span
        ]
        result.append(
            OutcomeRow(
                week=week,
                eligible=len(eligible),
                improved=sum(
                    1 for onset, improved, _ in eligible if improved and improved <= onset + span
                ),
                recovered=sum(
                    1 for onset, _, recovered in eligible if recovered and recovered <= onset + span
                ),
            )
        )
    return result


def level_counts(*, clinic: Clinic) -> dict[str, int]:
    """How many open episodes are at each level today, most severe first."""
    counts = dict(
        Episode.objects.filter(patient__clinic=clinic, closed_at__isnull=True)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    return {level: counts.get(level, 0) for level in engine.LEVELS}


def rules_versions(*, clinic: Clinic) -> dict[str, int]:
    """How many open episodes carry an assessment of each rules version, newest first."""
    counts = (
        Episode.objects.filter(patient__clinic=clinic, closed_at__isnull=True)
        .exclude(rules_version="")
        .order_by()
        .values_list("rules_version")
        .annotate(n=Count("pk"))
    )
    return dict(sorted(counts, reverse=True))
