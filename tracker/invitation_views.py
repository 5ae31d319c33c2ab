"""Inviting patients, for staff: a new patient's invitation, sending it again,
and a new sign-in link for a patient who forgot their password. Each is written
to the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from tracker import (
    invitations,
    passwords,
)
from tracker.access import clinic_for_staff, patient_for_staff
from tracker.audit import log_access
from tracker.forms import InvitationForm
from tracker.models import AccessLog, Clinic

NOT_SENT = gettext_noop(
    "Het account is aangemaakt, maar de e-mail kon niet worden verstuurd. Stuur de "
    "uitnodiging opnieuw vanaf de pagina van de patiënt."
)


@require_POST
@login_required
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A new one-time link, for a patient who has not chosen a password yet
    (the link expired, the email went astray)."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    if patient.user.has_usable_password():
        messages.info(
            request,
            _(
                "Deze patiënt heeft al een wachtwoord gekozen. Stuur een nieuwe inloglink "
                "als het wachtwoord vergeten is."
            ),
        )
    elif invitations.invitation_send(patient=patient):
        log_access(
            request,
            event="patient.invite",
            action=AccessLog.Action.UPDATE,
            patients=[patient],
            object_type="patient",
            object_id=patient.pk,
        )
        messages.success(
            request,
            _("De uitnodiging is opnieuw gemaild naar %(email)s.") % {"email": patient.user.email},
        )
    else:
        messages.warning(
            request, _("De e-mail kon niet worden verstuurd. Probeer het later opnieuw.")
        )
    return redirect("tracker:patient_detail", slug=clinic.slug, pk=patient.pk)


@require_POST
@login_required
def sign_in_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A patient who forgot their password gets the reset email (a one-time link
    to choose a new one) from their clinic; at most a few per hour, like the
    'forgot your password' page."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    email = patient.user.email
    if not email:
        messages.warning(request, _("Deze patiënt heeft geen e-mailadres."))
    elif not passwords.address_allowed(email):
        messages.warning(
            request,
            _("Er is het afgelopen uur al een paar keer een link gestuurd. Probeer het later."),
        )
    elif passwords.reset_email_send(user=patient.user, clinic=clinic):
        log_access(
            request,
            event="patient.sign_in_link",
            action=AccessLog.Action.UPDATE,
            patients=[patient],
            object_type="patient",
            object_id=patient.pk,
        )
        messages.success(
            request,
            _("Er is een nieuwe inloglink gemaild naar %(email)s.") % {"email": email},
        )
    else:
        messages.warning(
            request, _("De e-mail kon niet worden verstuurd. Probeer het later opnieuw.")
        )
    return redirect("tracker:patient_detail", slug=clinic.slug, pk=patient.pk)


@require_http_methods(["GET", "POST"])
@login_required
def invite_patient(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff create a patient at their clinic; the patient gets a one-time link."""
    clinic = clinic_for_staff(request, slug)
    form = InvitationForm(
        request.POST or None,
        clinics=Clinic.objects.for_staff(request.user).filter(active=True),
        initial={"clinic": clinic},
    )
    if form.is_valid():
        data = form.cleaned_data
        done = _("%(name)s is uitgenodigd. De link is gemaild naar %(email)s.") % {
            "name": f"{data['first_name']} {data['last_name']}",
            "email": data["email"],
        }
        if invitations.account_exists(email=data["email"]):
            if request.user.is_staff:  # an admin may see every account anyway
                form.add_error("email", _("Er is al een account met dit e-mailadres."))
                return render(request, "tracker/invite.html", {"form": form, "clinic": clinic})
            # A physiotherapist must not learn that someone has an account (and so
            # is a patient somewhere): the same answer as an invitation; the owner
            # of the address gets an email instead, and nothing is created.
            invitations.invitation_for_existing_account(email=data["email"], clinic=data["clinic"])
            messages.success(request, done)
            return redirect("tracker:clinic_dashboard", slug=data["clinic"].slug)
        physio = (
            request.user
            if request.user.memberships.filter(clinic=data["clinic"]).exists()
            else None
        )
        patient = invitations.patient_invite(physio=physio, **data)
        log_access(
            request,
            event="patient.create",
            action=AccessLog.Action.CREATE,
            patients=[patient],
            object_type="patient",
            object_id=patient.pk,
        )
        if invitations.invitation_send(patient=patient):
            messages.success(request, done)
        else:
            messages.warning(request, _(NOT_SENT))
        return redirect("tracker:clinic_dashboard", slug=data["clinic"].slug)
    return render(request, "tracker/invite.html", {"form": form, "clinic": clinic})
