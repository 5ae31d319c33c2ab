"""Back-pain episodes and what is recorded in them: daily entries, red flags,
the stored assessment's history and risk-factor answers.

The clinical codes and their words come from ``advice.codes`` and ``advice.words``
(defined once there); the choices and check constraints here are built from them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice import codes, words
from tracker.models.people import Patient


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("hersteld")
    IMPROVED = "improved", _("verbeterd, nog klachten")
    NOT_IMPROVED = "not_improved", _("niet verbeterd")
    REFERRED = "referred", _("doorverwezen")
    STOPPED = "stopped", _("gestopt met bijhouden")


def _choices(name: str, values, labels) -> type[models.TextChoices]:
    """Choices built from advice.codes and advice.words, where the clinical codes
    and their words are defined once; members are the codes in capitals."""
    return models.TextChoices(
        name, [(code.upper(), (code, labels[code])) for code in values], module=__name__
    )


# The advice levels of advice.codes, most severe first.
Level = _choices("Level", codes.LEVELS, words.LEVEL_LABELS)


class Episode(models.Model):
    """One episode of back pain: from the day the pain started until it is closed.

    It keeps a snapshot of its latest assessment (level, reasons, baseline, 7-day
    mean, rules version, day assessed) so lists never run the engine per row.
    """

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="episodes", verbose_name=_("patiënt")
    )
    onset = models.DateField(_("begonnen op"), help_text=_("De dag waarop de rugpijn begon."))
    opened_at = models.DateTimeField(_("geopend"), default=timezone.now)
    closed_at = models.DateTimeField(_("gesloten"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    intake_done_at = models.DateTimeField(_("intake ingevuld"), null=True, blank=True)
    # Bumped whenever entries or red flags change: the chart cache key.
    data_changed_at = models.DateTimeField(_("gegevens gewijzigd"), default=timezone.now)

    level = models.CharField(_("advies"), max_length=20, choices=Level.choices, blank=True)
    reasons = models.JSONField(_("redenen"), default=list, blank=True)
    # Seek-help reasons of the last days that keep the level (advice.engine.HOLD_DAYS).
    held = models.JSONField(_("aangehouden redenen"), default=list, blank=True)
    baseline = models.FloatField(_("startwaarde pijn"), null=True, blank=True)
    mean_7d = models.FloatField(_("gemiddelde pijn 7 dagen"), null=True, blank=True)
    rules_version = models.CharField(_("versie regels"), max_length=20, blank=True)
    assessed_on = models.DateField(_("beoordeeld op"), null=True, blank=True)
    # Derived from the snapshot, stored so the dashboard sorts and filters in SQL.
    triage_rank = models.PositiveSmallIntegerField(_("triage"), default=99)
    red_flag_at = models.DateTimeField(_("nieuwste alarmsignaal"), null=True, blank=True)
    first_improved_on = models.DateField(_("eerst duidelijk verbeterd"), null=True, blank=True)
    first_recovered_on = models.DateField(_("eerst hersteld"), null=True, blank=True)
    # An alert is raised when the advice rises to a level that needs a person
    # (see_physio or higher) or a new reason at such a level fires.
    alert_raised_at = models.DateTimeField(_("melding"), null=True, blank=True)
    alert_acknowledged_at = models.DateTimeField(_("melding gezien"), null=True, blank=True)
    alert_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("melding gezien door"),
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["triage_rank", "red_flag_at"], name="episode_triage")]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(closed_at__isnull=True),
                name="episode_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(closed_at__isnull=False, outcome__in=Outcome.values),
                name="episode_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(level__in=Level.values), name="episode_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} ({self.onset:%d-%m-%Y})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def week_number(self, today) -> int:
        """The week since onset the patient is in: days 0–6 are week 1."""
        return (today - self.onset).days // 7 + 1

    @property
    def alert_unacknowledged(self) -> bool:
        return self.alert_raised_at is not None and (
            self.alert_acknowledged_at is None or self.alert_acknowledged_at < self.alert_raised_at
        )


# "Could you do your usual daily activities today?"
Function = _choices("Function", codes.FUNCTION_CHOICES, words.FUNCTION_LABELS)


class WorkStatus(models.TextChoices):
    WORKING = "working", _("aan het werk")
    REDUCED = "reduced", _("minder uren")
    OFF_SICK = "off_sick", _("ziek gemeld")
    NOT_APPLICABLE = "n_a", _("niet van toepassing")


class DailyEntry(models.Model):
    """One day of the diary. At most one per episode and day."""

    PAIN_MIN, PAIN_MAX = 0, 10
    MINUTES_MAX = 1440
    # The day's answers: the check-in form asks these, tracker.checkins.entry_save
    # stores them, the exports and the admin show them.
    ANSWERS = (
        "pain",
        "function",
        "bed_rest",
        "active_minutes",
        "work_status",
        "painkillers",
        "note",
    )

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="entries", verbose_name=_("episode")
    )
    day = models.DateField(_("dag"))
    pain = models.PositiveSmallIntegerField(_("pijn"))
    function = models.CharField(
        _("dagelijkse activiteiten"), max_length=6, choices=Function.choices
    )
    bed_rest = models.BooleanField(_("bedrust"), default=False)
    active_minutes = models.PositiveSmallIntegerField(_("actieve minuten"), null=True, blank=True)
    work_status = models.CharField(
        _("werk"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.NOT_APPLICABLE
    )
    painkillers = models.BooleanField(_("pijnstillers"), default=False)
    note = models.CharField(_("notitie"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("gewijzigd"), default=timezone.now)
    # One more with every change: a form says which version it was opened on, so
    # a change made meanwhile (another tab, another device) is never overwritten
    # without asking.
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)

    class Meta:
        ordering = ["episode", "day"]
        verbose_name = _("dagregistratie")
        verbose_name_plural = _("dagregistraties")
        constraints = [
            models.UniqueConstraint(fields=["episode", "day"], name="entry_once_per_day"),
            models.CheckConstraint(
                condition=Q(pain__gte=0) & Q(pain__lte=10), name="entry_pain_0_10"
            ),
            models.CheckConstraint(
                condition=Q(active_minutes__isnull=True)
                | (Q(active_minutes__gte=0) & Q(active_minutes__lte=1440)),
                name="entry_active_minutes_in_a_day",
            ),
            models.CheckConstraint(
                condition=Q(function__in=Function.values), name="entry_function_known"
            ),
            models.CheckConstraint(
                condition=Q(work_status__in=WorkStatus.values), name="entry_work_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode}: {self.day:%d-%m-%Y} pijn {self.pain}"


# The red flags of the clinical rules (leaflet 002).
RedFlag = _choices("RedFlag", codes.RED_FLAGS, words.RED_FLAG_LABELS)


class Resolution(models.TextChoices):
    """What the patient says happened when they mark a red flag resolved."""

    SEEN_DOCTOR = "seen_doctor", _("Ik heb een arts gesproken")
    MISTAKE = "mistake", _("Ik had het per vergissing aangevinkt")
    GONE = "gone", _("De klacht is vanzelf weggegaan")


class RedFlagReport(models.Model):
    """A red flag the patient reported; it stays in force until marked resolved.
    The clinic keeps seeing it, resolved or not, until a physiotherapist has
    acknowledged it (``acknowledged_at``)."""

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="red_flags", verbose_name=_("episode")
    )
    code = models.CharField(_("alarmsignaal"), max_length=20, choices=RedFlag.choices)
    reported_at = models.DateTimeField(_("gemeld"), default=timezone.now)
    resolved_at = models.DateTimeField(_("opgelost"), null=True, blank=True)
    resolution = models.CharField(
        _("wat er gebeurde"), max_length=20, choices=Resolution.choices, blank=True
    )
    # When the clinic's physiotherapists were emailed (claimed before sending).
    notified_at = models.DateTimeField(_("fysiotherapeut gemaild"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("gezien door fysiotherapeut"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("alarmsignaal")
        verbose_name_plural = _("alarmsignalen")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=RedFlag.values), name="red_flag_code_known"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("reported_at")),
                name="red_flag_resolved_after_reported",
            ),
            models.UniqueConstraint(
                fields=["episode", "code"],
                condition=Q(resolved_at__isnull=True),
                name="red_flag_one_open_per_code",
            ),
            models.CheckConstraint(
                condition=Q(resolution="")
                | Q(resolved_at__isnull=False, resolution__in=Resolution.values),
                name="red_flag_resolution_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode}: {self.get_code_display()}"


class AssessmentRecord(models.Model):
    """History: written whenever an episode's level changes. What the patient was
    told, when, and under which rules version."""

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("episode")
    )
    assessed_at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    assessed_on = models.DateField(_("beoordeeld op"))
    level = models.CharField(_("advies"), max_length=20, choices=Level.choices)
    reasons = models.JSONField(_("redenen"), default=list)
    held = models.JSONField(_("aangehouden redenen"), default=list, blank=True)
    baseline = models.FloatField(_("startwaarde pijn"), null=True)
    mean_7d = models.FloatField(_("gemiddelde pijn 7 dagen"), null=True)
    rules_version = models.CharField(_("versie regels"), max_length=20)
    message = models.TextField(_("wat de patiënt las"))

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")

    def __str__(self) -> str:
        return f"{self.episode}: {self.level} ({self.assessed_on})"


# The five risk-factor statements (yellow flags) of the clinical rules.
RiskFactor = _choices("RiskFactor", codes.YELLOW_FLAGS, words.RISK_FACTOR_STATEMENTS)


class RiskFactorAnswer(models.Model):
    """A patient's answer to one risk-factor statement, at intake or when the diary
    first shows no improvement. They inform; they trigger nothing."""

    class Occasion(models.TextChoices):
        INTAKE = "intake", _("intake")
        NOT_IMPROVING = "not_improving", _("geen verbetering")

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="risk_factors", verbose_name=_("episode")
    )
    code = models.CharField(_("risicofactor"), max_length=30, choices=RiskFactor.choices)
    answer = models.BooleanField(_("antwoord"))
    occasion = models.CharField(_("moment"), max_length=20, choices=Occasion.choices)
    answered_at = models.DateTimeField(_("beantwoord"), default=timezone.now)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("antwoord risicofactor")
        verbose_name_plural = _("antwoorden risicofactoren")
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "occasion", "code"], name="risk_factor_once_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(code__in=RiskFactor.values), name="risk_factor_code_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode}: {self.code}={self.answer}"
