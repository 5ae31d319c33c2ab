"""Choosing, changing and recovering a password.

- A forgotten password is recovered with Django's own reset views: an email with
  a one-time link (its own token salt, valid for RESET_LINK_HOURS, tied to the
  password hash and the last login, so it stops working once used). The page
  answers the same whether or not an account has the address. Requests are
  counted per address and per client address in the cache (Redis when
  REDIS_URL is set), so nobody can flood a mailbox.
- A physiotherapist can send a patient the same link from the patient's record.
- The new password ends every other session of the account: Django checks each
  session against a hash of the password.
- Staff keep their two-factor device; losing it is an admin action
  (docs/security.md).
- Password forms put the rules' messages under the new password, the mismatch
  under the confirmation, in the page's language.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import base36_to_int
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tracker import language
from tracker.invitations import one_time_link
from tracker.models import User

logger = logging.getLogger(__name__)

RESET_LINK_HOURS = 24
# Reset requests per hour: per address asked for, and per client address.
RESET_WINDOW_SECONDS = 60 * 60
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 10


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens with their own salt (an invitation link is not a reset
    link) and a lifetime of RESET_LINK_HOURS (invitations keep the week of
    PASSWORD_RESET_TIMEOUT)."""

    key_salt = "herstelpad.tracker.passwords.ResetTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= RESET_LINK_HOURS * 60 * 60


reset_tokens = ResetTokenGenerator()


# --- How often a link may be asked for --------------------------------------------


def _count(key: str, limit: int) -> bool:
    """Count one request under ``key``; False once there were more than ``limit``
    in the window (which starts with the first request)."""
    if cache.add(key, 1, timeout=RESET_WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=RESET_WINDOW_SECONDS)
        count = 1
    return count <= limit


def _address_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"password-reset:address:{digest}"


def address_allowed(email: str) -> bool:
    """Another link for this address may be sent (counts this request)."""
    return _count(_address_key(email), RESET_PER_ADDRESS)


def request_allowed(*, email: str, client: str | None) -> bool:
    """A reset request from this client for this address may go on. Both counts
    grow with every request, whether or not an account has the address, so the
    answer tells nothing about accounts."""
    address_ok = address_allowed(email)
    client_ok = _count(f"password-reset:client:{client}", RESET_PER_CLIENT) if client else True
    return address_ok and client_ok


# --- The email with the link ----------------------------------------------------------


def reset_link(user: User) -> str:
    return one_time_link(user=user, tokens=reset_tokens, url_name="password_reset_confirm")


def reset_email_send(*, user: User, clinic=None) -> bool:
    """Email the user a one-time link to choose a (new) password, in their
    language; ``clinic`` when their clinic sent it. False when the mail server
    refused it."""
    with translation.override(language.for_user(user)):
        subject = _("Een nieuw wachtwoord voor Herstelpad")
        body = render_to_string(
            "tracker/email/password_reset.txt",
            {
                "user": user,
                "link": reset_link(user),
                "hours": RESET_LINK_HOURS,
                "clinic": clinic,
                "reset": f"{settings.SITE_URL}{reverse('password_reset')}",
            },
        )
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("password reset email to user %s could not be sent", user.pk, exc_info=True)
        return False
    return True


# --- Forms ----------------------------------------------------------------------------


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message Django's Dutch catalogue does not translate (yet)."""

    def get_error_message(self) -> str:
        return ngettext(
            "Dit wachtwoord is te kort. Kies minstens %(min_length)d teken.",
            "Dit wachtwoord is te kort. Kies minstens %(min_length)d tekens.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Uw wachtwoord moet minstens %(min_length)d teken lang zijn.",
            "Uw wachtwoord moet minstens %(min_length)d tekens lang zijn.",
            self.min_length,
        ) % {"min_length": self.min_length}


class NewPasswordChecks:
    """For Django's SetPasswordForm and PasswordChangeForm: the password rules'
    messages go under the new password (where it is chosen), the mismatch under
    the confirmation; labels in the page's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = gettext_lazy("Nieuw wachtwoord")
        self.fields["new_password2"].label = gettext_lazy("Nieuw wachtwoord nog een keer")
        self.fields["new_password2"].help_text = gettext_lazy(
            "Typ hetzelfde wachtwoord nog een keer, om tikfouten te voorkomen."
        )

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class SetPasswordForm(NewPasswordChecks, auth_forms.SetPasswordForm):
    """Choose a password: after an invitation or a reset link."""


class PasswordChangeForm(NewPasswordChecks, auth_forms.PasswordChangeForm):
    """Change the password, with the old one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = gettext_lazy("Huidig wachtwoord")


def _same_text(a: str, b: str) -> bool:
    """Django's comparison of addresses for a reset: case-insensitive, and the
    same after Unicode normalisation (so a look-alike address does not match)."""
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """'Forgot your password?': the email address of the account (an invited
    patient's is also their username)."""

    email = forms.EmailField(
        label=gettext_lazy("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": gettext_lazy("Vul uw e-mailadres in."),
            "invalid": gettext_lazy(
                "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."
            ),
        },
    )

    def get_users(self, email: str):
        """Active accounts with this address, also those of invited patients who
        have not chosen a password yet (the link lets them choose one)."""
        users = User.objects.filter(email__iexact=email, is_active=True)
        return [user for user in users if _same_text(email, user.email)]

    def save(self, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            reset_email_send(user=user)
