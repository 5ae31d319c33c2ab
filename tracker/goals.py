"""The patient's own activity goals (Patiënt Specifieke Klachten): the writes, as
plain functions with keyword-only arguments (the pages' reads: tracker.goal_board).

A goal is chosen with a score of how hard the activity is now (its week 0), scored
again once a week (the first check-in seven or more days after the last score
asks), and marked achieved or dropped. Nothing here edits a goal's wording or a
given score: a new wording is a new goal that replaces the old one, which stays.
Goals inform; ``advice.engine`` never reads them, so no write here reassesses the
episode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advice import goals as psk
from tracker import assessment
from tracker.models import Episode, Goal, GoalRating, GoalStatus, User

CLOSING = (GoalStatus.ACHIEVED, GoalStatus.DROPPED)  # what a person may mark a goal


def _lock(episode: Episode) -> None:
    """Serialise the writers of one episode's goals on the episode's row lock (the
    one the diary's writers take, ``assessment.lock``) and refuse a closed episode."""
    assessment.lock(episode=episode)
    if episode.closed_at is not None:
        raise ValidationError(_("Deze periode is afgesloten."))


def _free_places(episode: Episode) -> list[int]:
    taken = set(
        Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE).values_list(
            "place", flat=True
        )
    )
    return [place for place in range(1, psk.MAX_ACTIVE + 1) if place not in taken]


def _clean_activity(activity: str) -> str:
    activity = " ".join(str(activity).split())
    if not activity:
        raise ValidationError(_("Beschrijf de activiteit."))
    if len(activity) > psk.ACTIVITY_MAX_LENGTH:
        raise ValidationError(
            _("Houd de omschrijving korter dan %(count)s tekens.")
            % {"count": psk.ACTIVITY_MAX_LENGTH}
        )
    return activity


def _check_score(score: int) -> int:
    try:
        return psk.check_score(score)
    except ValueError:
        raise ValidationError(_("Kies een getal van 0 tot 10.")) from None


def goals_choose(
    *,
    episode: Episode,
    goals: Iterable[tuple[str, int]],
    by: User,
    today: dt.date | None = None,
) -> list[Goal]:
    """Start goals: (activity, how hard it is now) for each, in the patient's own
    words. At most three are active at a time; ``by`` is who chose them (the
    patient, or a physiotherapist together with the patient). Raises
    ValidationError naming ``activity_<n>`` or ``score_<n>`` (n counts from 1)."""
    today = today or timezone.localdate()
    cleaned, errors = [], {}
    for number, (activity, score) in enumerate(goals, start=1):
        try:
            activity = _clean_activity(activity)
        except ValidationError as error:
            errors[f"activity_{number}"] = error.messages
        try:
            score = _check_score(score)
        except ValidationError as error:
            errors[f"score_{number}"] = error.messages
        cleaned.append((activity, score))
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"activity_1": _("Noem ten minste één activiteit.")})
    try:
        with transaction.atomic():
            _lock(episode)
            places = _free_places(episode)
            if len(cleaned) > len(places):
                raise ValidationError(_too_many(len(places)))
            created = []
            for place, (activity, score) in zip(places, cleaned, strict=False):
                goal = Goal.objects.create(
                    episode=episode,
                    activity=activity,
                    place=place,
                    started_on=today,
                    created_by=by,
                )
                GoalRating.objects.create(
                    goal=goal, week=0, rated_on=today, score=score, rated_by=by
                )
                created.append(goal)
    except IntegrityError:  # another request took a place between our read and write
        raise ValidationError(_too_many(0)) from None
    return created


def _too_many(free: int) -> str:
    if free == 0:
        return _("U heeft al drie doelen. Sluit er eerst een af.")
    return ngettext(
        "Er is nog plaats voor %(count)s doel: u kunt er drie tegelijk hebben.",
        "Er is nog plaats voor %(count)s doelen: u kunt er drie tegelijk hebben.",
        free,
    ) % {"count": free}


def goal_close(*, goal: Goal, status: str, by: User) -> bool:
    """Mark an active goal achieved or dropped. False when it was no longer active
    (closed meanwhile); its wording and scores stay as they are."""
    if status not in CLOSING:
        raise ValidationError({"status": _("Kies gelukt of gestopt.")})
    with transaction.atomic():
        _lock(goal.episode)
        closed = Goal.objects.filter(pk=goal.pk, status=GoalStatus.ACTIVE).update(
            status=status, closed_at=timezone.now(), closed_by=by
        )
    if closed:
        goal.refresh_from_db()
    return bool(closed)


def goal_reword(
    *, goal: Goal, activity: str, score: int, by: User, today: dt.date | None = None
) -> Goal:
    """A new wording of an active goal (a physiotherapist with the patient): the old
    goal is kept as it was, marked reworded, and the new one takes its place with a
    score of how hard the activity, as now worded, is today."""
    today = today or timezone.localdate()
    errors = {}
    try:
        activity = _clean_activity(activity)
    except ValidationError as error:
        errors["activity"] = error.messages
    try:
        score = _check_score(score)
    except ValidationError as error:
        errors["score"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(goal.episode)
        closed = Goal.objects.filter(pk=goal.pk, status=GoalStatus.ACTIVE).update(
            status=GoalStatus.REWORDED, closed_at=timezone.now(), closed_by=by
        )
        if not closed:
            raise ValidationError(_("Dit doel is intussen al afgesloten."))
        new = Goal.objects.create(
            episode=goal.episode,
            activity=activity,
            place=goal.place,
            started_on=today,
            created_by=by,
            replaces=goal,
        )
        GoalRating.objects.create(goal=new, week=0, rated_on=today, score=score, rated_by=by)
    return new


def goals_rate(
    *,
    episode: Episode,
    scores: Mapping[int, int],
    by: User,
    today: dt.date | None = None,
) -> list[GoalRating]:
    """Score active goals for this week (goal pk → score). A week the patient
    skipped is filled in; a week already scored is refused (a score is never
    changed): ValidationError naming ``goal_<pk>``."""
    today = today or timezone.localdate()
    errors = {}
    for pk, score in scores.items():
        try:
            _check_score(score)
        except ValidationError as error:
            errors[f"goal_{pk}"] = error.messages
    if errors:
        raise ValidationError(errors)
    if not scores:
        raise ValidationError(_("Kies voor ten minste één doel een score."))
    with transaction.atomic():
        _lock(episode)
        goals = {
            goal.pk: goal
            for goal in Goal.objects.filter(
                episode=episode, status=GoalStatus.ACTIVE, pk__in=list(scores)
            )
        }
        weeks = {goal.pk: goal.week_of(today) for goal in goals.values()}
        stored = {
            rating.goal_id: rating
            for rating in GoalRating.objects.filter(
                goal__in=list(goals.values()), week__in=set(weeks.values())
            )
            if rating.week == weeks[rating.goal_id]
        }
        for pk in scores:
            if pk not in goals:
                errors[f"goal_{pk}"] = [_("Dit doel is intussen afgesloten.")]
            elif pk in stored and not stored[pk].skipped:
                errors[f"goal_{pk}"] = [
                    _("Dit doel heeft deze week al een score (%(score)s). Volgende week weer.")
                    % {"score": stored[pk].score}
                ]
        if errors:
            raise ValidationError(errors)
        saved = []
        for pk, score in scores.items():
            rating = stored.get(pk)
            if rating is None:
                rating = GoalRating(goal=goals[pk], week=weeks[pk])
            rating.rated_on, rating.score, rating.rated_by = today, score, by
            rating.rated_at = timezone.now()
            rating.save()
            saved.append(rating)
    return saved


def goals_rate_weekly(
    *, episode: Episode, scores: Mapping[int, int], by: User, today: dt.date | None = None
) -> bool:
    """The weekly screen's scores: every active goal, once the rating is due. False
    when it is no longer due (scored or skipped meanwhile, another tab)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock(episode)
        if not rating_due(episode=episode, today=today):
            return False
        active = set(
            Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        missing = active - set(scores)
        if missing:
            raise ValidationError(
                {f"goal_{pk}": _("Kies een getal van 0 tot 10.") for pk in sorted(missing)}
            )
        goals_rate(episode=episode, scores=scores, by=by, today=today)
    return True


def goals_skip(*, episode: Episode, by: User, today: dt.date | None = None) -> bool:
    """The patient skips this week's rating: an empty score for each active goal, so
    the question comes back only seven days later. False when it was not due."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock(episode)
        if not rating_due(episode=episode, today=today):
            return False
        GoalRating.objects.bulk_create(
            [
                GoalRating(goal=goal, week=goal.week_of(today), rated_on=today, rated_by=by)
                for goal in Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE)
            ]
        )
    return True


def rating_due(*, episode: Episode, today: dt.date | None = None) -> bool:
    """The weekly rating is due: the episode is open and has active goals, and the
    last score (or skip) of them is seven days old or more. One query."""
    today = today or timezone.localdate()
    if not episode.is_open:
        return False
    row = Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE).aggregate(
        active=Count("pk", distinct=True), last=Max("ratings__rated_on")
    )
    if not row["active"]:
        return False
    return psk.rating_due(row["last"], today)
