"""One helper per object type: every lookup is scoped to what the user may see.

Another clinic's object is a 404, exactly like an object that does not exist;
the right place but the wrong role is a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from tracker.models import Clinic, Goal, Patient, RedFlagReport

STAFF_ROLES = frozenset({"admin", "physio"})


def role_of(user) -> str:
    """'admin', 'physio', 'patient' or '' for a logged-in user without a role."""
    if not user.is_authenticated or not user.is_active:
        return ""
    if user.is_staff:
        return "admin"
    if user.memberships.exists():
        return "physio"
    if Patient.objects.filter(user=user).exists():
        return "patient"
    return ""


def clinic_for_staff(request: HttpRequest, slug: str) -> Clinic:
    """The clinic, if the user is its staff (or an admin); a patient gets 403."""
    if not request.user.is_staff and not request.user.memberships.exists():
        raise PermissionDenied
    return get_object_or_404(Clinic.objects.for_staff(request.user), slug=slug)


def patient_for_staff(request: HttpRequest, *, clinic: Clinic, pk: int) -> Patient:
    """A patient of this clinic, for its staff. Another clinic's patient is a 404."""
    patients = Patient.objects.for_staff(request.user).filter(clinic=clinic)
    return get_object_or_404(patients.select_related("user", "physio", "clinic"), pk=pk)


def patient_for_self(request: HttpRequest) -> Patient:
    """The logged-in patient's own record; staff without one get 403."""
    try:
        return Patient.objects.select_related("clinic").get(user=request.user)
    except Patient.DoesNotExist:
        raise PermissionDenied from None


def red_flag_for_self(request: HttpRequest, pk: int) -> RedFlagReport:
    """One of the logged-in patient's own red-flag reports; staff get 403."""
    patient = patient_for_self(request)
    return get_object_or_404(
        RedFlagReport.objects.select_related("episode"), pk=pk, episode__patient=patient
    )


def goal_for_self(request: HttpRequest, pk: int) -> Goal:
    """One of the logged-in patient's own goals; staff get 403."""
    patient = patient_for_self(request)
    return get_object_or_404(
        Goal.objects.select_related("episode"), pk=pk, episode__patient=patient
    )


def goal_for_staff(request: HttpRequest, *, patient: Patient, pk: int) -> Goal:
    """A goal of this patient (found with patient_for_staff), scoped to the user's
    clinics once more: another patient's goal, like another clinic's, is a 404."""
    goals = Goal.objects.filter(
        episode__patient=patient, episode__patient__in=Patient.objects.for_staff(request.user)
    )
    return get_object_or_404(goals.select_related("episode"), pk=pk)
