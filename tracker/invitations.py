"""One-time invitation links, made with Django's password-reset token machinery.

A token is tied to the user's password hash and last login, so it stops working
as soon as the patient has chosen a password. Its own salt keeps it apart from
password-reset tokens.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "herstelpad.tracker.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
