"""What staff do and see: contact records, caseload visits and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models.episodes import Episode, Level
from tracker.models.people import Clinic


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
