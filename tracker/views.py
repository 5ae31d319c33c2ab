"""The patient's pages and the role-based landing page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from advice import content, engine
from tracker import account_views, charts, exports, language, passwords, services, summary
from tracker.access import patient_for_self, red_flag_for_self, role_of
from tracker.formatting import format_day
from tracker.forms import (
    AccessPeriodForm,
    CheckinForm,
    DeleteAccountForm,
    IntakeForm,
    LoginForm,
    NewEpisodeForm,
    PatientCloseForm,
    RedFlagForm,
    ResolveRedFlagForm,
    RiskFactorForm,
    SettingsForm,
)
from tracker.goal_views import first_visit_offer, progress_goals, weekly_rating_due
from tracker.invitations import invitation_tokens
from tracker.models import AccessLog, Clinic, Patient, RiskFactorAnswer


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
    services.episode_refresh(episode=episode, today=today)
    recent = {
        entry.day: entry for entry in episode.entries.filter(day__gte=today - dt.timedelta(days=7))
    }
    days = [(day, recent.get(day)) for day in services.editable_days(episode=episode, today=today)]
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
                logged_days=services.diary_first_week_days(episode=episode, today=today),
            ),
            "today": today,
            "today_entry": recent.get(today),
            "days": days,
            "week": episode.week_number(today),
            "risk_factors_due": services.risk_factors_due(episode=episode),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """The first visit: onset date, red-flag checklist, risk factors, what the app is."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None or episode.intake_done_at is not None:  # once per episode
        return redirect("tracker:patient_home")
    form = IntakeForm(
        request.POST or None,
        initial={
            "onset": episode.onset,
            "gp_name": patient.gp_name,
            "gp_phone": patient.gp_phone,
            "phone": patient.phone,
        },
    )
    if form.is_valid():
        try:
            services.intake_complete(
                episode=episode,
                onset=form.cleaned_data["onset"],
                red_flags=form.red_flags(),
                risk_factors=form.risk_factors(),
                contacts=form.contacts(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("tracker:risk_factor_answers")
    return render(
        request,
        "tracker/intake.html",
        {"form": form, "patient": patient, "about": content.ABOUT_THE_APP},
    )


@require_GET
@login_required
def checkin(request: HttpRequest) -> HttpResponse:
    """The menu's and the reminder's link: today's page (or the day in ?day=, as
    older links have it)."""
    patient_for_self(request)  # staff have no diary: 403
    today = timezone.localdate()
    return redirect("tracker:checkin_day", day=_day_param(request.GET.get("day"), today))


@require_http_methods(["GET", "POST"])
@login_required
def checkin_day(request: HttpRequest, day: dt.date) -> HttpResponse:
    """One day of the diary, at its own address. Saving replaces that day's
    entry, never another day's; when the entry changed since the form was
    opened (another tab or device), the patient is asked before it is replaced.
    What was typed is kept on every error."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None or episode.intake_done_at is None:
        return redirect("tracker:patient_home")
    today = timezone.localdate()
    try:
        services.entry_check_day(episode=episode, day=day, today=today)
    except ValidationError as error:
        if request.method == "GET":
            messages.info(request, " ".join(error.messages))
            return redirect("tracker:patient_home")
    existing = episode.entries.filter(day=day).first()
    initial = {"version": existing.version if existing else ""}
    if existing is not None:
        initial.update(
            pain=existing.pain,
            function=existing.function,
            bed_rest=existing.bed_rest,
            active_minutes=existing.active_minutes,
            work_status=existing.work_status,
            painkillers=existing.painkillers,
            note=existing.note,
        )
    form = CheckinForm(request.POST or None, day=day, today=today, initial=initial)
    if form.is_valid():
        try:
            _entry, created = services.entry_save(
                episode=episode,
                day=day,
                today=today,
                version=form.cleaned_data["version"],
                **form.entry_values(),
            )
        except services.EntryChanged as changed:
            existing = changed.entry
            _ask_before_replacing(form, existing)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            day_text = _("vandaag") if day == today else format_day(day, today=today)
            if created:
                messages.success(
                    request, _("Opgeslagen voor %(day)s. Dank u wel!") % {"day": day_text}
                )
            else:
                messages.success(request, _("Aangepast voor %(day)s.") % {"day": day_text})
            if weekly_rating_due(episode=episode, today=today):  # the weekly goals screen
                return redirect("tracker:goals_week")
            return redirect("tracker:patient_home")
    return render(
        request,
        "tracker/checkin.html",
        {
            "form": form,
            "episode": episode,
            "existing": existing,
            "day": day,
            "is_today": day == today,
        },
    )


def _ask_before_replacing(form: CheckinForm, stored) -> None:
    """The day changed since the form was opened: say what is stored now, and let
    the next Opslaan replace it (the form now carries the stored version)."""
    form.data = form.data.copy()
    form.data["version"] = str(stored.version) if stored else ""
    if stored is None:
        form.add_error(
            None,
            _(
                "Wat er voor deze dag stond, is intussen verwijderd. Kies opnieuw Opslaan "
                "om op te slaan wat u hieronder invulde."
            ),
        )
        return
    form.add_error(
        None,
        _(
            "Deze dag is intussen ergens anders aangepast (in een ander venster of op een "
            "ander apparaat). Nu staat er: pijn %(pain)s, dagelijkse activiteiten: "
            "%(function)s. Wilt u dat vervangen door wat u hieronder invulde? Kies dan "
            "opnieuw Opslaan."
        )
        % {"pain": stored.pain, "function": stored.get_function_display()},
    )


def _day_param(raw: str | None, today: dt.date) -> dt.date:
    """The day asked for in ?day=YYYY-MM-DD; today when absent or unreadable."""
    try:
        return dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@login_required
def red_flags(request: HttpRequest) -> HttpResponse:
    """'Something changed?': the red-flag checklist, open at any time."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None:
        return redirect("tracker:patient_home")
    form = RedFlagForm(request.POST or None)
    if form.is_valid():
        reported = form.red_flags()
        services.red_flags_report(episode=episode, codes=reported)
        if not reported:
            messages.info(request, _("Fijn. U gaf geen alarmsignalen aan."))
        return redirect("tracker:patient_home")
    return render(request, "tracker/red_flags.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def red_flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Marking a red flag as over: a page of its own that asks what happened, so
    one tap never clears it by accident."""
    report = red_flag_for_self(request, pk)
    if report.resolved_at is not None:
        return redirect("tracker:patient_home")
    form = ResolveRedFlagForm(request.POST or None)
    if form.is_valid():
        services.red_flag_resolve(report=report, resolution=form.cleaned_data["resolution"])
        messages.success(
            request,
            _(
                "Het alarmsignaal is gemarkeerd als voorbij. Uw fysiotherapeut ziet dit ook. "
                "Komt de klacht terug? Meld het dan opnieuw bij 'Iets veranderd?'."
            ),
        )
        return redirect("tracker:patient_home")
    return render(request, "tracker/red_flag_resolve.html", {"form": form, "report": report})


@require_http_methods(["GET", "POST"])
@login_required
def risk_factors(request: HttpRequest) -> HttpResponse:
    """The risk-factor statements again, once, when the diary shows no improvement."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None or not services.risk_factors_due(episode=episode):
        return redirect("tracker:patient_home")
    form = RiskFactorForm(request.POST or None)
    if form.is_valid():
        services.risk_factors_save(
            episode=episode,
            answers=form.risk_factors(),
            occasion=RiskFactorAnswer.Occasion.NOT_IMPROVING,
        )
        return redirect("tracker:risk_factor_answers")
    return render(request, "tracker/risk_factors.html", {"form": form})


@require_GET
@login_required
def risk_factor_answers(request: HttpRequest) -> HttpResponse:
    """What the patient answered last time, with the education text for each 'yes'."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None:
        return redirect("tracker:patient_home")
    answers = list(episode.risk_factors.all())
    latest = answers[-1].occasion if answers else None
    education = [
        (answer.get_code_display(), content.RISK_FACTOR_EDUCATION[answer.code])
        for answer in answers
        if answer.occasion == latest and answer.answer
    ]
    return render(
        request,
        "tracker/risk_factor_answers.html",
        {
            "education": education,
            "advice": content.patient_advice(
                episode.level,
                episode.reasons,
                patient.clinic,
                episode.held,
                patient,
                logged_days=services.diary_first_week_days(
                    episode=episode, today=timezone.localdate()
                ),
            ),
            "goals_offer": first_visit_offer(episode=episode),
        },
    )


@require_GET
@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """The course against the typical course: in words, as a chart and as a table."""
    patient = patient_for_self(request)
    episode = _progress_episode(patient)
    if episode is None:
        return redirect("tracker:patient_home")
    today = timezone.localdate()
    services.episode_refresh(episode=episode, today=today)
    entries = list(
        episode.entries.filter(day__lte=today)
        .order_by("day")
        .values_list(
            "day", "pain", "function", "bed_rest", "active_minutes", "work_status", named=True
        )
    )
    diary = charts.course(episode=episode, today=today, entries=entries)
    changes = charts.level_changes(episode.assessments.all(), first=episode.onset, today=today)
    return render(
        request,
        "tracker/progress.html",
        {
            "episode": episode,
            "entries": charts.table_rows(entries),
            "trend": charts.trend_in_words(diary),
            "chart": charts.progress_chart(diary, changes=changes),
            "goals": progress_goals(episode=episode, today=today),
        },
    )


def _progress_episode(patient: Patient):
    """The episode the progress page shows: the open one, else the latest."""
    return patient.open_episode() or patient.episodes.order_by("-opened_at").first()


@require_GET
@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    """The one-page summary for the GP or physiotherapist, of the episode the
    progress page shows."""
    patient = patient_for_self(request)
    episode = _progress_episode(patient)
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
def episode_close(request: HttpRequest) -> HttpResponse:
    """'My back has recovered': the patient closes the episode and says how it went.
    When the advice was to contact someone, the page asks whether the back is
    really better; an alert the clinic has not seen stays on its caseload."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None:
        return redirect("tracker:patient_home")
    form = PatientCloseForm(request.POST or None)
    if form.is_valid():
        try:
            services.episode_close(
                episode=episode, outcome=form.cleaned_data["outcome"], by_patient=True
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Uw dagboek is afgesloten. Dank u wel voor het bijhouden!"))
            return redirect("tracker:patient_home")
    return render(
        request,
        "tracker/episode_close.html",
        {
            "episode": episode,
            "form": form,
            "seek_help": episode.level in engine.SEEK_HELP_LEVELS,
            "clinic": patient.clinic,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def episode_new(request: HttpRequest) -> HttpResponse:
    """The pain came back: start a new episode."""
    patient = patient_for_self(request)
    if patient.open_episode() is not None:
        return redirect("tracker:patient_home")
    form = NewEpisodeForm(request.POST or None, initial={"onset": timezone.localdate()})
    if form.is_valid():
        try:
            services.episode_open(patient=patient, onset=form.cleaned_data["onset"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("tracker:intake")
    return render(request, "tracker/episode_new.html", {"form": form})


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
        services.patient_delete(patient=patient)
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
