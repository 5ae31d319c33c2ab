from django.http import HttpRequest

from advice import content, engine
from tracker.middleware import ROLE_KEY
from tracker.models import RedFlagReport


def patient_alerts(request: HttpRequest) -> dict:
    """For a patient: the red flags still open, shown on top of every page until
    the patient marks them resolved, and the patient's menu. Admins and visitors
    cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = request.session.get(ROLE_KEY)  # set at login (StaffSessionMiddleware)
    if role == "physio":
        return {"is_physio_user": True}
    if role != "patient":
        return {}
    flags = list(
        RedFlagReport.objects.filter(
            episode__patient__user=user, episode__closed_at__isnull=True, resolved_at__isnull=True
        ).select_related("episode__patient__clinic")
    )
    context = {"is_patient_user": True, "open_red_flags": flags}
    if flags:
        # What to do comes from the advice texts of the most severe flag's level.
        codes = [flag.code for flag in flags]
        level = min((engine.RED_FLAGS[code] for code in codes), key=engine.LEVELS.index)
        patient = flags[0].episode.patient
        context["red_flag_advice"] = content.patient_advice(
            level, [engine.red_flag_reason(code) for code in codes], patient.clinic, gp=patient
        )
    return context
