"""Clinics, staff and patients."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.phones import tel_uri, validate_phone

if TYPE_CHECKING:
    from tracker.models.episodes import Episode


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

    def shown_episode(self) -> Episode | None:
        """The episode the progress and goals pages show: the open one, else the latest."""
        return self.open_episode() or self.episodes.order_by("-opened_at").first()

    @property
    def phone_uri(self) -> str | None:
        return tel_uri(self.phone)

    @property
    def gp_phone_uri(self) -> str | None:
        return tel_uri(self.gp_phone)
