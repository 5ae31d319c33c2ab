"""The patient's pages and the role-based landing page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from advice import content
from tracker import (
    account_views,
    assessment,
    charts,
    checkins,
    courses,
    exports,
    goal_board,
    language,
    lifecycle,
    passwords,
    summary,
)
from tracker.access import patient_for_self, role_of
from tracker.forms import AccessPeriodForm, DeleteAccountForm, LoginForm, SettingsForm
from tracker.invitations import invitation_tokens
from tracker.models import AccessLog, Clinic


class LoginView(auth_views.LoginView):
    """Django's login, which also switches a patient to their own language."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        account_views.start_session(self.request, form.get_user(), response)
        return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the login page for visitors, each role's own page after login."""
    if not request.user.is_authenticated:
        return redirect("login")
    role = role_of(request.user)
    if role == "admin":
        return redirect("admin:index")
    if role == "physio":
        clinic = Clinic.objects.for_staff(request.user).order_by("name").first()
        return redirect("tracker:clinic_dashboard", slug=clinic.slug)
    if role == "patient":
        return redirect("tracker:patient_home")
    raise PermissionDenied


@require_GET
@login_required
def patient_home(request: HttpRequest) -> HttpResponse:
    patient = patient_for_self(request)
    episode = patient.open_episode()
    today = timezone.localdate()
    if episode is None:
        closed = patient.episodes.order_by("-closed_at")[:5]
        return render(
            request, "tracker/patient_no_episode.html", {"patient": patient, "closed": closed}
        )
    if episode.intake_done_at is None:
        return redirect("tracker:intake")
    assessment.as_of_today(episodes=[episode], today=today)
    recent = {
        entry.day: entry for entry in episode.entries.filter(day__gte=today - dt.timedelta(days=7))
    }
    days = [(day, recent.get(day)) for day in checkins.editable_days(episode=episode, today=today)]
    return render(
        request,
        "tracker/patient_home.html",
        {
            "patient": patient,
            "episode": episode,
            "advice": content.patient_advice(
                episode.level,
                episode.reasons,
                patient.clinic,
                episode.held,
                patient,
                logged_days=assessment.diary_first_week_days(episode=episode, today=today),
            ),
            "today": today,
            "today_entry": recent.get(today),
            "days": days,
            "week": episode.week_number(today),
            "risk_factors_due": checkins.risk_factors_due(episode=episode),
        },
    )


@require_GET
@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """The course against the typical course: in words, as a chart and as a table."""
    patient = patient_for_self(request)
    episode = patient.shown_episode()
    if episode is None:
        return redirect("tracker:patient_home")
    today = timezone.localdate()
    assessment.as_of_today(episodes=[episode], today=today)
    entries = list(
        episode.entries.filter(day__lte=today)
        .order_by("day")
        .values_list(
            "day", "pain", "function", "bed_rest", "active_minutes", "work_status", named=True
        )
    )
    diary = courses.course(episode=episode, today=today, entries=entries)
    changes = courses.level_changes(episode.assessments.all(), first=episode.onset, today=today)
    return render(
        request,
        "tracker/progress.html",
        {
            "episode": episode,
            "entries": courses.table_rows(entries),
            "trend": courses.trend_in_words(diary),
            "chart": charts.progress_chart(diary, changes=changes),
            "goals": goal_board.goal_board(episode=episode, today=today),
        },
    )


@require_GET
@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    """The one-page summary for the GP or physiotherapist, of the episode the
    progress page shows."""
    patient = patient_for_self(request)
    episode = patient.shown_episode()
    if episode is None:
        raise Http404
    return summary.response(episode=episode, today=timezone.localdate())


@require_GET
@login_required
def access_history(request: HttpRequest) -> HttpResponse:
    """'Who viewed my record?': the access log of this patient, by period."""
    patient = patient_for_self(request)
    form = AccessPeriodForm(request.GET or None)
    start, end = form.period(today=timezone.localdate())
    records = AccessLog.objects.filter(
        patient_ref=patient.pseudonym, at__date__gte=start, at__date__lte=end
    ).order_by("-at")[:500]
    return render(
        request,
        "tracker/access_history.html",
        {"form": form, "records": records, "start": start, "end": end},
    )


@require_GET
@login_required
def export_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """Everything held about the patient, as JSON (with the codes, for other
    programs) or as CSV with readable labels in their language (?format=excel, the
    default, as Dutch Excel opens it; ?format=csv plain)."""
    patient = patient_for_self(request)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        return exports.csv_response(
            exports.patient_rows(patient),
            fmt=exports.csv_format(request.GET.get("format")),
            filename=f"herstelpad-{stamp}.csv",
        )
    response = HttpResponse(exports.patient_json(patient), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="herstelpad-{stamp}.json"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def patient_settings(request: HttpRequest) -> HttpResponse:
    patient = patient_for_self(request)
    form = SettingsForm(request.POST or None, instance=patient)
    if form.is_valid():
        patient = form.save()
        response = redirect("tracker:patient_settings")
        language.remember(request, response, patient.language)
        messages.success(request, _("Uw instellingen zijn opgeslagen."))
        return response
    return render(request, "tracker/settings.html", {"form": form, "patient": patient})


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the account and every diary, after a confirmation."""
    patient = patient_for_self(request)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if form.is_valid():
        lifecycle.patient_delete(patient=patient)
        logout(request)
        messages.success(request, _("Uw account en al uw gegevens zijn verwijderd."))
        return redirect(reverse("login"))
    return render(request, "tracker/account_delete.html", {"form": form})


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited patient opens the one-time link and chooses a password."""

    form_class = passwords.SetPasswordForm
    token_generator = invitation_tokens
    template_name = "tracker/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("tracker:intake")

    def form_valid(self, form):
        response = super().form_valid(form)
        account_views.start_session(self.request, form.user, response)
        return response


@require_GET
def web_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: added to a phone's home screen, Herstelpad opens on
    the check-in without the browser's bars. No service worker: it is a website."""
    manifest = {
        "name": "Herstelpad",
        "short_name": "Herstelpad",
        "description": _("Houd uw herstel van lage rugpijn bij, samen met uw fysiotherapeut."),
        "lang": translation.get_language(),
        "start_url": reverse("tracker:checkin"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


THEME_COLOUR = "#0a58ca"
