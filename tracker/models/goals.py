"""The patient's own activity goals and their weekly scores (Patiënt Specifieke
Klachten, see ``advice.goals``).

What must always hold is a constraint in the database:

- at most three active goals per episode: each active goal holds one of three
  places (1, 2, 3), and a place is held by one active goal at a time;
- every score is a whole number from 0 to 10;
- one score per goal per week (week 0 is the score given when the goal was chosen).

A goal is never edited: its wording and its scores stay as they were given. It is
marked achieved or dropped, and a new wording is a new goal that names the one it
replaces. Who chose, scored and closed each goal is kept (the patient, or a
physiotherapist together with the patient).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice import goals as psk


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("actief")
    ACHIEVED = "achieved", _("gelukt")
    DROPPED = "dropped", _("gestopt")
    REWORDED = "reworded", _("anders omschreven")


class Goal(models.Model):
    """An activity that matters to the patient and is hard because of the back."""

    episode = models.ForeignKey(
        "tracker.Episode",
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name=_("episode"),
    )
    activity = models.CharField(_("activiteit"), max_length=psk.ACTIVITY_MAX_LENGTH)
    # One of the three places of the active goals (see the constraints).
    place = models.PositiveSmallIntegerField(_("plek (1 tot 3)"))
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    started_on = models.DateField(_("gekozen op"))
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gekozen door"),
    )
    closed_at = models.DateTimeField(_("afgesloten"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgesloten door"),
    )
    # A new wording of an earlier goal: the earlier one stays, marked reworded.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("vervangt"),
    )

    class Meta:
        ordering = ["episode_id", "started_on", "pk"]
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        constraints = [
            models.CheckConstraint(
                condition=Q(place__gte=1) & Q(place__lte=psk.MAX_ACTIVE),
                name="goal_place_1_to_3",
            ),
            models.UniqueConstraint(
                fields=["episode", "place"],
                condition=Q(status=GoalStatus.ACTIVE),
                name="goal_at_most_three_active",
            ),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="goal_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=GoalStatus.ACTIVE, closed_at__isnull=True)
                | (~Q(status=GoalStatus.ACTIVE) & Q(closed_at__isnull=False)),
                name="goal_closed_iff_not_active",
            ),
            models.CheckConstraint(condition=~Q(activity=""), name="goal_activity_named"),
        ]

    def __str__(self) -> str:
        return self.activity

    @property
    def is_active(self) -> bool:
        return self.status == GoalStatus.ACTIVE

    def week_of(self, day) -> int:
        """The goal's week a day falls in: the day it was chosen and the six after
        it are week 0."""
        return (day - self.started_on).days // 7


class GoalRating(models.Model):
    """How hard the activity was on a day, 0 (no problem) to 10 (impossible); or
    the weekly rating skipped (no score). One per goal per week."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("doel")
    )
    week = models.PositiveSmallIntegerField(_("week"))
    rated_on = models.DateField(_("dag"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    rated_at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )

    class Meta:
        ordering = ["goal_id", "week"]
        verbose_name = _("score van een doel")
        verbose_name_plural = _("scores van doelen")
        constraints = [
            models.UniqueConstraint(fields=["goal", "week"], name="goal_rating_once_a_week"),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | (Q(score__gte=psk.SCORE_MIN) & Q(score__lte=psk.SCORE_MAX)),
                name="goal_rating_score_0_10",
            ),
            models.CheckConstraint(
                condition=Q(week__gt=0) | Q(score__isnull=False),
                name="goal_rating_start_has_a_score",
            ),
        ]

    def __str__(self) -> str:
        score = "–" if self.score is None else self.score
        return f"{self.goal}: {self.rated_on:%d-%m-%Y} {score}"

    @property
    def skipped(self) -> bool:
        return self.score is None
