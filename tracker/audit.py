"""The access log (NEN 7513): who did what with which patient's data, when,
from where, and on what grounds. Staff access only; a patient reading their own
data is not logged. Records hold no pain scores or notes."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.translation import gettext_noop

from tracker.access import role_of
from tracker.middleware import ROLE_KEY
from tracker.models import AccessLog, Patient
from tracker.security import client_ip

# Stored in Dutch; shown to the patient in their language (tracker.exports).
GROUNDS = {
    "physio": gettext_noop("fysiotherapeut van de praktijk van de patiënt"),
    "admin": gettext_noop("beheerder van Herstelpad"),
}


def log_access(
    request: HttpRequest,
    *,
    event: str,
    action: str,
    patients: Iterable[Patient | None],
    object_type: str,
    object_id: object = "",
) -> None:
    """One record per patient whose data the request touched (one query)."""
    user = request.user
    role = request.session.get(ROLE_KEY) or role_of(user)
    common = {
        "event": event,
        "action": action,
        "user_id": user.pk,
        "username": user.get_username(),
        "user_name": user.get_full_name(),
        "role": role,
        "object_type": object_type,
        "object_id": str(object_id),
        "grounds": GROUNDS.get(role, role),
        "source_ip": client_ip(request),
    }
    AccessLog.objects.bulk_create(
        [
            AccessLog(patient_ref=patient.pseudonym if patient else None, **common)
            for patient in patients
        ]
    )
