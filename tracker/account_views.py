"""Starting a session, two-factor sign-in for staff, and changing, choosing or
recovering a password (tracker.passwords)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import language, middleware, passwords
from tracker.access import STAFF_ROLES, role_of
from tracker.security import client_ip


def start_session(request: HttpRequest, user, response: HttpResponse) -> None:
    """After a login (the login page, an invitation or a reset link): the role and
    the start of the session for the session rules, and a patient's own language."""
    request.session[middleware.ROLE_KEY] = role_of(user)
    request.session[middleware.STARTED_KEY] = timezone.now().timestamp()
    stored = language.stored(user)
    if stored:
        language.remember(request, response, stored)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code uit uw authenticator-app (6 cijfers)"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": gettext_lazy("Vul de code van 6 cijfers in."),
            "min_length": gettext_lazy("Vul de code van 6 cijfers in."),
            "max_length": gettext_lazy("Vul de code van 6 cijfers in."),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Staff confirm a TOTP code after their password; the first time they set
    up their authenticator app with a QR code."""
    if role_of(request.user) not in STAFF_ROLES:
        return redirect("tracker:home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_verified():
        return redirect(next_url or "tracker:home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setup = device is None
    if setup:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name="Herstelpad", confirmed=False
            )
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if setup:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_url or "tracker:home")
        form.add_error("token", _("Deze code klopt niet. Probeer de nieuwe code uit uw app."))
    context = {"form": form, "setup": setup, "next": next_url}
    if setup:
        import segno

        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
        context["secret"] = _base32(device.bin_key)
    return render(request, "registration/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password; every other session of this user ends with it."""

    form_class = passwords.PasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("tracker:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Uw wachtwoord is gewijzigd. Andere apparaten zijn uitgelogd."),
        )
        return response


password_change = login_required(PasswordChangeView.as_view())


class PasswordResetView(auth_views.PasswordResetView):
    """'Forgot your password?': the same answer for every address, at most a few
    requests per hour per address and per client (tracker.passwords)."""

    form_class = passwords.PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not passwords.request_allowed(email=email, client=client_ip(self.request)):
            form.add_error(
                None,
                _(
                    "Er is het afgelopen uur al een paar keer een nieuwe link gevraagd. "
                    "Probeer het over een uur opnieuw, of bel uw praktijk."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        form.save()
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link: choose a new password, and be logged in on this device.
    Every other session of the account ends (Django checks sessions against the
    password); staff still confirm their two-factor code."""

    form_class = passwords.SetPasswordForm
    token_generator = passwords.reset_tokens
    template_name = "registration/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("tracker:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        start_session(self.request, form.user, response)
        messages.success(
            self.request,
            _("Uw nieuwe wachtwoord is opgeslagen. Op andere apparaten bent u uitgelogd."),
        )
        return response


password_reset = never_cache(PasswordResetView.as_view())
password_reset_done = PasswordResetDoneView.as_view()
password_reset_confirm = PasswordResetConfirmView.as_view()
