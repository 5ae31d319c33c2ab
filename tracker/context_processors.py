from django.http import HttpRequest

from tracker.middleware import ROLE_KEY
from tracker.models import RedFlagReport


def patient_alerts(request: HttpRequest) -> dict:
    """For a patient: the red flags still open, shown on top of every page until
    the patient marks them resolved, and the patient's menu. Admins and visitors
    cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if request.session.get(ROLE_KEY) != "patient":  # set by StaffSessionMiddleware
        return {}
    flags = RedFlagReport.objects.filter(
        episode__patient__user=user, episode__closed_at__isnull=True, resolved_at__isnull=True
    ).select_related("episode__patient__clinic")
    return {"is_patient_user": True, "open_red_flags": list(flags)}
