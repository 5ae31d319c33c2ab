"""Clinics, staff, patients, back-pain episodes and their daily entries.

The rules that must always hold are constraints in the database, so no code
path (a form, the admin, a bulk insert, a script) can break them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.phones import tel_uri, validate_phone


class User(AbstractUser):
    """A login: an admin (is_staff), a physiotherapist (has memberships) or a
    patient; `tracker.access.role_of` tells which."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    # Staff: a daily email of the day's new alerts among their patients (send_digest).
    digest = models.BooleanField(
        _("dagelijks overzicht van nieuwe meldingen per e-mail"), default=True
    )
    digest_sent_at = models.DateTimeField(_("laatste overzicht"), null=True, blank=True)

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ClinicQuerySet(models.QuerySet):
    def for_staff(self, user) -> ClinicQuerySet:
        """The clinics whose patients this user may see: all for admins, else their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(memberships__user=user)


class Clinic(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("korte naam"), max_length=50, unique=True)
    city = models.CharField(_("plaats"), max_length=100)
    phone = models.CharField(_("telefoonnummer"), max_length=20, validators=[validate_phone])
    address = models.CharField(_("adres"), max_length=200, blank=True)
    active = models.BooleanField(_("actief"), default=True)
    # The out-of-hours GP post (huisartsenpost) for the clinic's area. Empty: the
    # advice names "de huisartsenpost" without a number, never an invented one.
    gp_post_phone = models.CharField(
        _("telefoonnummer huisartsenpost"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("De huisartsenpost van de regio, voor avond, nacht en weekend."),
    )

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("praktijk")
        verbose_name_plural = _("praktijken")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_uri(self) -> str | None:
        return tel_uri(self.phone)

    @property
    def gp_post_phone_uri(self) -> str | None:
        return tel_uri(self.gp_post_phone)


class Membership(models.Model):
    """A physiotherapist works at a clinic. One person may work at several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("fysiotherapeut"),
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("praktijk")
    )
    created_at = models.DateTimeField(_("sinds"), default=timezone.now)

    class Meta:
        ordering = ["clinic__name", "user__username"]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="membership_once_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic}"


class Language(models.TextChoices):
    NL = "nl", "Nederlands"
    EN = "en", "English"


class PatientQuerySet(models.QuerySet):
    def for_staff(self, user) -> PatientQuerySet:
        """Patients of the clinics this user works at (every clinic for admins)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(clinic__memberships__user=user)


class Patient(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="patient",
        verbose_name=_("account"),
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="patients", verbose_name=_("praktijk")
    )
    physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="treated_patients",
        verbose_name=_("behandelend fysiotherapeut"),
    )
    year_of_birth = models.PositiveSmallIntegerField(_("geboortejaar"))
    language = models.CharField(
        _("taal"), max_length=2, choices=Language.choices, default=Language.NL
    )
    # The only link between the access log and this person: deleting the
    # patient leaves log records that no longer name anyone.
    pseudonym = models.UUIDField(_("pseudoniem"), default=uuid.uuid4, unique=True, editable=False)
    reminders = models.BooleanField(_("dagelijkse herinnering"), default=True)
    last_reminded_on = models.DateField(_("laatste herinnering"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    # Optional, filled in by the patient: how the clinic reaches them, and their
    # own GP practice, so the advice can say whom to call with the number to tap.
    phone = models.CharField(
        _("telefoonnummer"), max_length=20, blank=True, validators=[validate_phone]
    )
    gp_name = models.CharField(_("huisartspraktijk"), max_length=100, blank=True)
    gp_phone = models.CharField(
        _("telefoonnummer huisarts"), max_length=20, blank=True, validators=[validate_phone]
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("patiënt")
        verbose_name_plural = _("patiënten")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_of_birth__gte=1900) & Q(year_of_birth__lte=2100),
                name="patient_year_of_birth_plausible",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="patient_language_known"
            ),
        ]

    def __str__(self) -> str:
        return self.user.display_name()

    def open_episode(self) -> Episode | None:
        return self.episodes.filter(closed_at__isnull=True).first()

    @property
    def phone_uri(self) -> str | None:
        return tel_uri(self.phone)

    @property
    def gp_phone_uri(self) -> str | None:
        return tel_uri(self.gp_phone)


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("hersteld")
    IMPROVED = "improved", _("verbeterd, nog klachten")
    NOT_IMPROVED = "not_improved", _("niet verbeterd")
    REFERRED = "referred", _("doorverwezen")
    STOPPED = "stopped", _("gestopt met bijhouden")


class Level(models.TextChoices):
    """The advice levels of advice.engine, most severe first."""

    EMERGENCY = "emergency", _("spoed: huisarts nu")
    SEE_GP = "see_gp", _("huisarts vandaag")
    SEE_PHYSIO = "see_physio", _("contact fysiotherapeut")
    KEEP_MOVING = "keep_moving", _("blijf bewegen")
    TOO_FEW_ENTRIES = "too_few_entries", _("te weinig dagen")
    ON_TRACK = "on_track", _("op koers")
    SELF_MANAGE = "self_manage", _("zelfmanagement")
    RECOVERED = "recovered", _("hersteld")


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


class Function(models.TextChoices):
    YES = "yes", _("ja")
    PARTLY = "partly", _("gedeeltelijk")
    NO = "no", _("nee")


class WorkStatus(models.TextChoices):
    WORKING = "working", _("aan het werk")
    REDUCED = "reduced", _("minder uren")
    OFF_SICK = "off_sick", _("ziek gemeld")
    NOT_APPLICABLE = "n_a", _("niet van toepassing")


class DailyEntry(models.Model):
    """One day of the diary. At most one per episode and day."""

    PAIN_MIN, PAIN_MAX = 0, 10
    MINUTES_MAX = 1440

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


class RedFlag(models.TextChoices):
    """The red-flag codes of the clinical rules, with the patient's plain question."""

    BLADDER_BOWEL = "bladder_bowel", _("Problemen met plassen of ontlasting")
    SEXUAL_FUNCTION = "sexual_function", _("Problemen met seksuele functies")
    SADDLE_NUMBNESS = "saddle_numbness", _("Doof gevoel rond de geslachtsdelen of anus")
    LEG_WEAKNESS = "leg_weakness", _("Minder gevoel en kracht in de benen")
    FEVER_UNWELL = "fever_unwell", _("Ziek voelen door de rugpijn, bijvoorbeeld koorts")
    CANCER_HISTORY = (
        "cancer_history",
        _("Ouder dan 50, eerder kanker, pijn zonder duidelijke oorzaak"),
    )
    ACCIDENT = "accident", _("Pijn begonnen na een ongeluk of val")


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


class RiskFactor(models.TextChoices):
    """The five risk-factor statements (yellow flags) of the clinical rules."""

    SERIOUS_CAUSE_BELIEF = (
        "serious_cause_belief",
        _("Ik denk dat er iets ernstigs met mijn rug aan de hand is."),
    )
    MOVEMENT_HARMFUL_BELIEF = (
        "movement_harmful_belief",
        _("Ik denk dat bewegen of in beweging komen slecht is voor mijn rug."),
    )
    FEAR_AVOIDANCE = (
        "fear_avoidance",
        _("Ik vermijd activiteiten en rust veel, omdat ik bang ben voor de pijn."),
    )
    LOW_MOOD = "low_mood", _("Ik voel me somber of neerslachtig.")
    HEAVY_WORK = (
        "heavy_work",
        _(
            "In mijn werk moet ik veel tillen, bukken of draaien, "
            "of heb ik te maken met trillingen."
        ),
    )


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


class ContactAction(models.TextChoices):
    """What a physiotherapist did about an alert."""

    CALLED = "called", _("gebeld")
    EMAILED = "emailed", _("gemaild")
    APPOINTMENT = "appointment", _("afspraak gemaakt")
    NO_ANSWER = "no_answer", _("geen gehoor")
    NOT_NEEDED = "not_needed", _("niet nodig")


class ContactRecord(models.Model):
    """A physiotherapist acknowledged an alert and recorded what was done about it:
    who, when, the action, an optional short note, and what the alert said."""

    episode = models.ForeignKey(
        Episode,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("episode"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("fysiotherapeut"),
    )
    acknowledged_at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    # Empty only on acknowledgements made before contacts were recorded.
    action = models.CharField(
        _("wat er is gedaan"), max_length=20, choices=ContactAction.choices, blank=True
    )
    note = models.CharField(_("notitie"), max_length=300, blank=True)
    level = models.CharField(_("advies"), max_length=20, choices=Level.choices)
    reasons = models.JSONField(_("redenen"), default=list)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=[*ContactAction.values, ""]),
                name="contact_action_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode}: {self.action} ({self.acknowledged_at:%d-%m-%Y %H:%M})"


class CaseloadVisit(models.Model):
    """When a physiotherapist last opened a clinic's caseload: "new since you last
    looked" counts from the visit before the current session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="caseload_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic}: {self.seen_at:%d-%m-%Y %H:%M}"


class AppendOnlyError(Exception):
    """The access log is append-only: records are never changed or removed."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The access log cannot be deleted from.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("The access log cannot be changed.")


class AccessLog(models.Model):
    """NEN 7513: one record each time staff view, search, export, create, change
    or delete a patient's data. Append-only; no pain scores or notes in it.

    No foreign keys: a record must outlive the user and the patient it names.
    The patient is named by pseudonym only.
    """

    class Action(models.TextChoices):
        CREATE = "C", _("aangemaakt")
        READ = "R", _("bekeken")
        UPDATE = "U", _("gewijzigd")
        DELETE = "D", _("verwijderd")
        EXPORT = "E", _("geëxporteerd")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    event = models.CharField(_("gebeurtenis"), max_length=40)
    action = models.CharField(_("actie"), max_length=1, choices=Action.choices)
    user_id = models.BigIntegerField(_("gebruiker-id"), null=True)
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    user_name = models.CharField(_("naam gebruiker"), max_length=300)
    role = models.CharField(_("rol"), max_length=20)
    object_type = models.CharField(_("soort gegevens"), max_length=40)
    object_id = models.CharField(_("id gegevens"), max_length=40, blank=True)
    patient_ref = models.UUIDField(_("patiënt (pseudoniem)"), null=True, db_index=True)
    grounds = models.CharField(_("grondslag"), max_length=200)
    source_ip = models.GenericIPAddressField(_("bron (IP-adres)"), null=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("toegangslog")
        verbose_name_plural = _("toegangslog")
        indexes = [models.Index(fields=["user_id", "at"], name="accesslog_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.event}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log cannot be deleted from.")


from tracker.goal_models import Goal, GoalRating, GoalStatus  # noqa: E402,F401
