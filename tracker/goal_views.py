"""The goals' pages: the patient chooses and closes goals and scores them once a
week; a physiotherapist adds, scores, rewords and closes them with the patient.
Every read of a patient's goals by staff is in the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advice import goals as psk
from tracker import goal_board
from tracker import goals as goal_service
from tracker.access import (
    clinic_for_staff,
    goal_for_self,
    goal_for_staff,
    patient_for_self,
    patient_for_staff,
)
from tracker.audit import log_access
from tracker.forms import add_errors
from tracker.goal_forms import REWORD, GoalChangeForm, GoalChoiceForm, GoalCloseForm, GoalRatingForm
from tracker.models import AccessLog, Clinic, GoalStatus, Patient

# Where the goals page goes after saving: the check-in at the first visit, else
# the progress page's goals.
NEXT = {"checkin": "tracker:checkin"}


def _progress_goals_url() -> str:
    return reverse("tracker:progress") + "#goals"


def _next_url(request: HttpRequest) -> tuple[str, str]:
    """(the key in ?next= / the form, the address to go on to)."""
    key = request.POST.get("next") or request.GET.get("next") or ""
    if key in NEXT:
        return key, reverse(NEXT[key])
    return "", _progress_goals_url()


# --- The patient -----------------------------------------------------------------


def _typed(data, number: int) -> bool:
    return bool(data.get(f"activity_{number}", "").strip() or data.get(f"score_{number}", ""))


@require_http_methods(["GET", "POST"])
@login_required
def goals(request: HttpRequest) -> HttpResponse:
    """The patient's goals: choose up to three, mark one achieved or dropped."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None or episode.intake_done_at is None:
        return redirect("tracker:patient_home")
    today = timezone.localdate()
    board = goal_board.goal_board(episode=episode, today=today)
    next_key, next_url = _next_url(request)
    rows = board.free
    if request.method == "POST":
        # Rows typed while another tab (or the physiotherapist) took places: keep
        # them, so the service can say there is no room for them and nothing is lost.
        rows = max([rows, *(n for n in range(1, psk.MAX_ACTIVE + 1) if _typed(request.POST, n))])
    form = GoalChoiceForm(request.POST or None, places=rows) if rows else None
    if form is not None and form.is_valid():
        try:
            chosen = goal_service.goals_choose(
                episode=episode, goals=form.goals(), by=request.user, today=today
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Uw doelen zijn opgeslagen. Over een week vraagt Herstelpad hoe het gaat.")
                if len(chosen) > 1
                else _("Uw doel is opgeslagen. Over een week vraagt Herstelpad hoe het gaat."),
            )
            return redirect(next_url)
    return render(
        request,
        "tracker/goals/goals.html",
        {
            "goals": board,
            "form": form,
            "next": next_key,
            "skip_url": next_url,
            "suggestions": psk.SUGGESTIONS,
        },
    )


@require_POST
@login_required
def goal_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the patient's own goals achieved or dropped."""
    goal = goal_for_self(request, pk)
    form = GoalCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies gelukt of gestopt."))
    else:
        try:
            closed = goal_service.goal_close(
                goal=goal, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if closed and goal.status == GoalStatus.ACHIEVED:
                messages.success(
                    request, _("Goed zo! „%(goal)s” staat als gelukt.") % {"goal": goal.activity}
                )
            elif closed:
                messages.success(
                    request, _("„%(goal)s” staat als gestopt.") % {"goal": goal.activity}
                )
    return redirect("tracker:goals")


@require_http_methods(["GET", "POST"])
@login_required
def goals_week(request: HttpRequest) -> HttpResponse:
    """Once a week, after a check-in: the same activities scored again, or skipped."""
    patient = patient_for_self(request)
    episode = patient.open_episode()
    if episode is None or episode.intake_done_at is None:
        return redirect("tracker:patient_home")
    today = timezone.localdate()
    board = goal_board.goal_board(episode=episode, today=today)
    if not board.due:
        if request.method == "POST":
            messages.info(request, _("Uw doelen zijn deze week al gescoord."))
        return redirect("tracker:patient_home")
    if request.method == "POST" and "skip" in request.POST:
        goal_service.goals_skip(episode=episode, by=request.user, today=today)
        messages.info(request, _("Overgeslagen. Volgende week vraagt Herstelpad het weer."))
        return redirect("tracker:patient_home")
    form = GoalRatingForm(request.POST or None, goals=[line.goal for line in board.active])
    if form.is_valid():
        try:
            done = goal_service.goals_rate_weekly(
                episode=episode, scores=form.scores(), by=request.user, today=today
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if done:
                messages.success(
                    request,
                    _("Dank u wel. Bij Voortgang ziet u hoe uw activiteiten gaan."),
                )
            else:
                messages.info(request, _("Uw doelen zijn deze week al gescoord."))
            return redirect("tracker:patient_home")
    return render(request, "tracker/goals/week.html", {"form": form, "goals": board})


# --- The physiotherapist -----------------------------------------------------------


def _log(request: HttpRequest, patient: Patient, episode, event: str, action: str) -> None:
    log_access(
        request,
        event=event,
        action=action,
        patients=[patient],
        object_type="goals",
        object_id=episode.pk if episode else "",
    )


def _staff_page(
    request: HttpRequest,
    clinic: Clinic,
    patient: Patient,
    *,
    add_form: GoalChoiceForm | None = None,
    rate_form: GoalRatingForm | None = None,
    change_forms: dict | None = None,
) -> HttpResponse:
    """The staff goals page, logged as a read; a form that came back with an error
    is shown as typed."""
    episode = patient.shown_episode()
    _log(request, patient, episode, "goals.view", AccessLog.Action.READ)
    context = {"clinic": clinic, "patient": patient, "episode": episode, "goals": None}
    if episode is not None:
        board = goal_board.goal_board(episode=episode, who=True)
        unscored = [
            line.goal for line in board.active if line.this_week is None or line.this_week.skipped
        ]
        changes = change_forms or {}
        context.update(
            goals=board,
            add_form=add_form or (GoalChoiceForm(places=board.free) if board.free else None),
            rate_form=rate_form or GoalRatingForm(goals=unscored, required=False),
            active=[
                (
                    line,
                    changes.get(line.goal.pk) or GoalChangeForm(prefix=f"goal{line.goal.pk}"),
                )
                for line in board.active
            ],
            suggestions=psk.SUGGESTIONS,
        )
    return render(request, "tracker/goals/staff_goals.html", context)


def _open_episode(patient: Patient):
    episode = patient.open_episode()
    if episode is None:
        raise Http404
    return episode


@require_http_methods(["GET", "POST"])
@login_required
def staff_goals(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A patient's goals for the staff of their clinic; adding goals with the patient."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    if request.method != "POST":
        return _staff_page(request, clinic, patient)
    episode = _open_episode(patient)
    board = goal_board.goal_board(episode=episode)
    if not board.free:
        messages.info(request, _("Er zijn al drie doelen. Sluit er eerst een af."))
        return redirect("tracker:staff_goals", slug=clinic.slug, pk=patient.pk)
    form = GoalChoiceForm(request.POST, places=board.free)
    if form.is_valid():
        try:
            goal_service.goals_choose(episode=episode, goals=form.goals(), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            _log(request, patient, episode, "goals.create", AccessLog.Action.CREATE)
            messages.success(request, _("De doelen zijn vastgelegd."))
            return redirect("tracker:staff_goals", slug=clinic.slug, pk=patient.pk)
    return _staff_page(request, clinic, patient, add_form=form)


@require_POST
@login_required
def staff_goals_rate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """This week's scores, given with the patient (at a visit)."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    episode = _open_episode(patient)
    board = goal_board.goal_board(episode=episode)
    form = GoalRatingForm(request.POST, goals=[line.goal for line in board.active], required=False)
    if form.is_valid():
        try:
            goal_service.goals_rate(episode=episode, scores=form.scores(), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            _log(request, patient, episode, "goals.rate", AccessLog.Action.UPDATE)
            messages.success(request, _("De scores zijn vastgelegd."))
            return redirect("tracker:staff_goals", slug=clinic.slug, pk=patient.pk)
    return _staff_page(request, clinic, patient, rate_form=form)


@require_POST
@login_required
def staff_goal_change(request: HttpRequest, slug: str, pk: int, goal: int) -> HttpResponse:
    """A goal achieved, dropped or worded anew, with the patient."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    found = goal_for_staff(request, patient=patient, pk=goal)
    if not found.is_active:
        messages.info(request, _("Dit doel was al afgesloten."))
        return redirect("tracker:staff_goals", slug=clinic.slug, pk=patient.pk)
    form = GoalChangeForm(request.POST, prefix=f"goal{found.pk}")
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == REWORD:
                goal_service.goal_reword(
                    goal=found,
                    activity=form.cleaned_data["activity"],
                    score=form.cleaned_data["score"],
                    by=request.user,
                )
                done = True
            else:
                done = goal_service.goal_close(goal=found, status=action, by=request.user)
        except ValidationError as error:
            found.refresh_from_db()
            if not found.is_active or found.episode.closed_at is not None:
                # Closed meanwhile (or its period was): the page no longer shows a
                # form for it, so the reason is said on the page it returns to.
                messages.error(request, " ".join(error.messages))
                return redirect("tracker:staff_goals", slug=clinic.slug, pk=patient.pk)
            add_errors(form, error)
        else:
            if done:
                event = "goals.reword" if action == REWORD else "goals.close"
                _log(request, patient, found.episode, event, AccessLog.Action.UPDATE)
                messages.success(request, _("Vastgelegd."))
            else:
                messages.info(request, _("Dit doel was al afgesloten."))
            return redirect("tracker:staff_goals", slug=clinic.slug, pk=patient.pk)
    return _staff_page(request, clinic, patient, change_forms={found.pk: form})
