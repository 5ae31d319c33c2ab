"""Pages for physiotherapists and admins: the triaged caseload, a patient's
record, clinic outcomes, and inviting patients."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advice import words
from tracker import (
    assessment,
    charts,
    courses,
    goal_board,
    lifecycle,
    queries,
    summary,
)
from tracker.access import STAFF_ROLES, clinic_for_staff, patient_for_staff, role_of
from tracker.audit import log_access
from tracker.forms import CloseEpisodeForm, ContactForm, StaffSettingsForm
from tracker.models import AccessLog, Clinic, Episode


@require_GET
@login_required
def patient_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A patient's record for the staff of their clinic."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    return _record_page(request, clinic, patient, request.GET.get("episode"))


def _record_page(
    request: HttpRequest,
    clinic: Clinic,
    patient,
    wanted: str | None,
    *,
    contact_form: ContactForm | None = None,
    close_form: CloseEpisodeForm | None = None,
) -> HttpResponse:
    """The record page, logged as a read; the forms as typed when they came back
    with an error, so nothing is lost."""
    today = timezone.localdate()
    episodes = list(patient.episodes.select_related("alert_acknowledged_by").order_by("-opened_at"))
    episode = _chosen_episode(episodes, wanted)
    log_access(
        request,
        event="patient.view",
        action=AccessLog.Action.READ,
        patients=[patient],
        object_type="episode" if episode else "patient",
        object_id=episode.pk if episode else patient.pk,
    )
    context = {"clinic": clinic, "patient": patient, "episodes": episodes, "episode": episode}
    if episode is not None:
        assessment.as_of_today(episodes=[episode], today=today)
        entries = list(episode.entries.order_by("-day"))
        assessments = [_with_labels(record) for record in episode.assessments.all()]
        diary = courses.course(episode=episode, today=today, entries=entries)
        red_flags = list(episode.red_flags.all())
        context.update(
            entries=entries,
            red_flags=red_flags,
            risk_factors=list(episode.risk_factors.all()),
            assessments=assessments,
            contacts=list(episode.contacts.select_related("user")),
            level_label=words.STAFF_LEVEL_LABELS.get(episode.level, episode.level),
            reasons=[
                (words.staff_reason_label(r), words.staff_reason_explanation(r))
                for r in episode.reasons
            ]
            + [
                (words.staff_held_label(r), words.staff_reason_explanation(r)) for r in episode.held
            ],
            change=queries.change_percent(episode.baseline, episode.mean_7d),
            week=episode.week_number(today),
            needs_contact=episode.alert_unacknowledged
            or any(flag.acknowledged_at is None for flag in red_flags),
            contact_form=contact_form or ContactForm(),
            close_form=close_form or CloseEpisodeForm(),
            chart=charts.progress_chart(
                diary,
                changes=courses.level_changes(assessments, first=episode.onset, today=today),
            ),
            goals=goal_board.goal_board(episode=episode, who=True),
        )
    return render(request, "tracker/patient_detail.html", context)


@require_GET
@login_required
def summary_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The one-page summary of a patient's episode (?episode=, as on the record),
    for the staff of their clinic; every download is in the access log."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    episode = _chosen_episode(
        list(patient.episodes.order_by("-opened_at")), request.GET.get("episode")
    )
    if episode is None:
        raise Http404
    log_access(
        request,
        event="patient.summary",
        action=AccessLog.Action.EXPORT,
        patients=[patient],
        object_type="episode",
        object_id=episode.pk,
    )
    return summary.response(episode=episode, today=timezone.localdate())


def _with_labels(record):
    record.reason_labels = words.staff_reason_labels(record.reasons, record.held)
    return record


def _chosen_episode(episodes: list[Episode], raw: str | None) -> Episode | None:
    """The episode asked for in ?episode=, else the open one, else the newest."""
    try:
        wanted = int(raw) if raw else None
    except ValueError:  # not a number ("²" passes isdigit()), or too many digits
        wanted = None
    for episode in episodes:
        if episode.pk == wanted:
            return episode
    return next((e for e in episodes if e.is_open), episodes[0] if episodes else None)


def _open_episode_for_staff(request: HttpRequest, slug: str, pk: int) -> tuple[Clinic, Episode]:
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    return clinic, get_object_or_404(patient.episodes, closed_at__isnull=True)


@require_POST
@login_required
def alert_acknowledge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Acknowledge the alert the page showed, recording what was done. The episode
    may be closed: a patient who closed the diary with an alert open stays on the
    caseload until this is done."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    wanted = request.POST.get("episode")
    episode = _chosen_episode(list(patient.episodes.order_by("-opened_at")), wanted)
    if episode is None:
        raise Http404
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _record_page(request, clinic, patient, str(episode.pk), contact_form=form)
    try:
        shown = dt.datetime.fromisoformat(request.POST.get("raised_at", ""))
    except ValueError:
        shown = None
    if lifecycle.alert_acknowledge(
        episode=episode,
        user=request.user,
        raised_at=shown,
        action=form.cleaned_data["action"],
        note=form.cleaned_data["note"],
    ):
        log_access(
            request,
            event="alert.acknowledge",
            action=AccessLog.Action.UPDATE,
            patients=[patient],
            object_type="episode",
            object_id=episode.pk,
        )
        messages.success(request, _("Vastgelegd. De melding is afgehandeld."))
    elif episode.alert_unacknowledged:
        messages.warning(request, _("Er is intussen een nieuwe melding. Bekijk die eerst."))
    url = reverse("tracker:patient_detail", args=[clinic.slug, patient.pk])
    return redirect(url if episode.is_open else f"{url}?episode={episode.pk}")


@require_POST
@login_required
def episode_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic, episode = _open_episode_for_staff(request, slug, pk)
    form = CloseEpisodeForm(request.POST)
    if not form.is_valid():
        return _record_page(request, clinic, episode.patient, str(episode.pk), close_form=form)
    lifecycle.episode_close(episode=episode, outcome=form.cleaned_data["outcome"])
    log_access(
        request,
        event="episode.close",
        action=AccessLog.Action.UPDATE,
        patients=[episode.patient],
        object_type="episode",
        object_id=episode.pk,
    )
    messages.success(request, _("De periode is afgesloten."))
    return redirect("tracker:patient_detail", slug=clinic.slug, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def staff_settings(request: HttpRequest) -> HttpResponse:
    """A physiotherapist's own settings: the daily digest of new alerts."""
    if role_of(request.user) not in STAFF_ROLES:
        raise PermissionDenied
    # A form of one checkbox: an unticked box sends nothing, so read every POST.
    form = StaffSettingsForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Uw instellingen zijn opgeslagen."))
        return redirect("tracker:staff_settings")
    return render(request, "tracker/staff_settings.html", {"form": form})
