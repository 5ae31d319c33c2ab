"""The patient's diary pages: the first visit, the daily check-in (one address
per day), red flags, risk factors, and closing or starting an episode. Each view
hands the form's cleaned data to a service (tracker.checkins,
tracker.lifecycle), which enforces the rule once.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from advice import content, engine, words
from tracker import (
    assessment,
    checkins,
    goal_board,
    lifecycle,
)
from tracker import goals as goal_service
from tracker.access import patient_for_self, red_flag_for_self
from tracker.diary_forms import (
    CheckinForm,
    IntakeForm,
    NewEpisodeForm,
    PatientCloseForm,
    RedFlagForm,
    ResolveRedFlagForm,
    RiskFactorForm,
)
from tracker.formatting import format_day
from tracker.forms import add_errors
from tracker.models import DailyEntry, RiskFactorAnswer


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
            checkins.intake_complete(
                episode=episode,
                onset=form.cleaned_data["onset"],
                red_flags=form.red_flags(),
                risk_factors=form.risk_factors(),
                contacts=form.contacts(),
            )
        except ValidationError as error:
            add_errors(form, error)
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
    if request.method == "GET":
        # A day that cannot be edited is not offered a form; on POST the service
        # refuses it (entry_save) and the form shows why, keeping what was typed.
        try:
            checkins.entry_check_day(episode=episode, day=day, today=today)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return redirect("tracker:patient_home")
    existing = episode.entries.filter(day=day).first()
    initial = {"version": existing.version if existing else ""}
    if existing is not None:
        initial.update({name: getattr(existing, name) for name in DailyEntry.ANSWERS})
    form = CheckinForm(request.POST or None, day=day, today=today, initial=initial)
    if form.is_valid():
        try:
            _entry, created = checkins.entry_save(
                episode=episode,
                day=day,
                today=today,
                version=form.cleaned_data["version"],
                answers=form.answers(),
            )
        except checkins.EntryChanged as changed:
            existing = changed.entry
            _ask_before_replacing(form, existing)
        except ValidationError as error:
            add_errors(form, error)
        else:
            day_text = _("vandaag") if day == today else format_day(day, today=today)
            if created:
                messages.success(
                    request, _("Opgeslagen voor %(day)s. Dank u wel!") % {"day": day_text}
                )
            else:
                messages.success(request, _("Aangepast voor %(day)s.") % {"day": day_text})
            if goal_service.rating_due(episode=episode, today=today):  # the weekly goals screen
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
        checkins.red_flags_report(episode=episode, codes=reported)
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
        checkins.red_flag_resolve(report=report, resolution=form.cleaned_data["resolution"])
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
    if episode is None or not checkins.risk_factors_due(episode=episode):
        return redirect("tracker:patient_home")
    form = RiskFactorForm(request.POST or None)
    if form.is_valid():
        checkins.risk_factors_save(
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
        (answer.get_code_display(), words.RISK_FACTOR_EDUCATION[answer.code])
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
                logged_days=assessment.diary_first_week_days(
                    episode=episode, today=timezone.localdate()
                ),
            ),
            "goals_offer": goal_board.first_visit_offer(episode=episode),
        },
    )


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
            lifecycle.episode_close(
                episode=episode, outcome=form.cleaned_data["outcome"], by_patient=True
            )
        except ValidationError as error:
            add_errors(form, error)
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
            lifecycle.episode_open(patient=patient, onset=form.cleaned_data["onset"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("tracker:intake")
    return render(request, "tracker/episode_new.html", {"form": form})
