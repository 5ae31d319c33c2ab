"""Inviting a patient: the account and first episode, the email with a one-time
link (Django's password-reset token machinery with its own salt: the link stops
working as soon as the patient has chosen a password), sending it again, and the
answer when an address already has an account.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tracker import assessment
from tracker.models import Clinic, Episode, Patient, User

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "herstelpad.tracker.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def patient_invite(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    email: str,
    onset: dt.date,
    year_of_birth: int,
    language: str,
    physio: User | None = None,
) -> Patient:
    """Create the patient's account (no password yet) and their first episode.
    The view then emails the one-time link (`invitation_send`)."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=email, email=email, first_name=first_name, last_name=last_name
        )  # no password: unusable until the patient chooses one
        patient = Patient.objects.create(
            user=user,
            clinic=clinic,
            physio=physio,
            year_of_birth=year_of_birth,
            language=language,
        )
        episode = Episode.objects.create(patient=patient, onset=onset)
        assessment.reassess(episodes=[episode])
    return patient


def account_exists(*, email: str) -> bool:
    """An account already uses this address (as its email or its username)."""
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def invitation_for_existing_account(*, email: str, clinic: Clinic) -> None:
    """Someone at a clinic tried to invite an address that already has an
    account: tell its owner, in their language, how to go on. Nothing else
    happens, so the clinic learns nothing about the account."""
    user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    patient = Patient.objects.filter(user=user).first() if user else None
    language = patient.language if patient else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("Uitnodiging van %(clinic)s voor Herstelpad") % {"clinic": clinic.name}
        body = render_to_string(
            "tracker/email/invitation_existing.txt",
            {
                "clinic": clinic,
                "login": f"{settings.SITE_URL}{reverse('login')}",
                "reset": f"{settings.SITE_URL}{reverse('password_reset')}",
            },
        )
    try:
        send_mail(subject, body, None, [email])
    except (OSError, smtplib.SMTPException):
        # The clinic gets the usual answer either way: a refused email must not
        # tell it that the address has an account.
        logger.warning("email to an existing account refused", exc_info=True)


def invitation_link(*, user: User) -> str:
    return one_time_link(user=user, tokens=invitation_tokens, url_name="tracker:invitation_accept")


def one_time_link(*, user: User, tokens, url_name: str) -> str:
    """The full address of a one-time link for ``user``: the page ``url_name`` with
    the user's id and a token of ``tokens`` (invitations, password resets)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(url_name, kwargs={"uidb64": uid, "token": tokens.make_token(user)})
    return f"{settings.SITE_URL}{path}"


def invitation_send(*, patient: Patient) -> bool:
    """Email the invitation in the patient's language. False when the mail
    server refused it: the account exists, and staff can send it again."""
    link = invitation_link(user=patient.user)
    with translation.override(patient.language):
        subject = _("Uw uitnodiging voor Herstelpad van %(clinic)s") % {
            "clinic": patient.clinic.name
        }
        body = render_to_string(
            "tracker/email/invitation.txt",
            {"patient": patient, "link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        )
    try:
        send_mail(subject, body, None, [patient.user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("invitation to patient %s could not be sent", patient.pk, exc_info=True)
        return False
    return True
