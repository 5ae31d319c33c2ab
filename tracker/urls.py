import datetime as dt

from django.urls import path, register_converter

from tracker import caseload_views, diary_views, goal_urls, invitation_views, staff_views, views


class DayConverter:
    """A day in an address, 2026-12-01; a day that does not exist is a 404."""

    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # ValueError: no match, so a 404

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(DayConverter, "day")

app_name = "tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path(
        "welkom/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
    # The patient's own pages.
    path("me/", views.patient_home, name="patient_home"),
    path("me/start/", diary_views.intake, name="intake"),
    path("me/checkin/", diary_views.checkin, name="checkin"),
    path("me/checkin/<day:day>/", diary_views.checkin_day, name="checkin_day"),
    path("me/red-flags/", diary_views.red_flags, name="red_flags"),
    path("me/red-flags/<int:pk>/resolve/", diary_views.red_flag_resolve, name="red_flag_resolve"),
    path("me/risk-factors/", diary_views.risk_factors, name="risk_factors"),
    path("me/risk-factors/answers/", diary_views.risk_factor_answers, name="risk_factor_answers"),
    path("me/progress/", views.progress, name="progress"),
    path("me/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("me/access/", views.access_history, name="access_history"),
    path("me/export.csv", views.export_data, {"fmt": "csv"}, name="export_csv"),
    path("me/export.json", views.export_data, {"fmt": "json"}, name="export_json"),
    path("me/episode/close/", diary_views.episode_close, name="episode_close"),
    path("me/episode/new/", diary_views.episode_new, name="episode_new"),
    path("me/settings/", views.patient_settings, name="patient_settings"),
    path("me/delete/", views.account_delete, name="account_delete"),
    # Staff.
    path("staff/settings/", staff_views.staff_settings, name="staff_settings"),
    path("clinic/<slug:slug>/", caseload_views.clinic_dashboard, name="clinic_dashboard"),
    path("clinic/<slug:slug>/caseload.csv", caseload_views.caseload_csv, name="caseload_csv"),
    path("clinic/<slug:slug>/outcomes/", caseload_views.clinic_outcomes, name="clinic_outcomes"),
    path(
        "clinic/<slug:slug>/outcomes.png",
        caseload_views.clinic_outcomes_chart,
        name="clinic_outcomes_chart",
    ),
    path("clinic/<slug:slug>/invite/", invitation_views.invite_patient, name="invite_patient"),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/", staff_views.patient_detail, name="patient_detail"
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/summary.pdf",
        staff_views.summary_pdf,
        name="staff_summary_pdf",
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/acknowledge/",
        staff_views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/invite-again/",
        invitation_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/sign-in-link/",
        invitation_views.sign_in_link,
        name="sign_in_link",
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/close/",
        staff_views.episode_close,
        name="staff_episode_close",
    ),
]

urlpatterns += goal_urls.urlpatterns  # the goals (Patiënt Specifieke Klachten)
