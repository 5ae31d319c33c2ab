"""Pages for physiotherapists and admins: the triaged caseload, a patient's
record, clinic outcomes, and inviting patients."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advice import content, engine
from tracker import charts, exports, passwords, queries, services, summary
from tracker.access import STAFF_ROLES, clinic_for_staff, patient_for_staff, role_of
from tracker.audit import log_access
from tracker.forms import CloseEpisodeForm, ContactForm, InvitationForm, StaffSettingsForm
from tracker.goal_queries import caseload_cell, clinic_goal_outcomes
from tracker.goal_views import record_goals
from tracker.models import AccessLog, CaseloadVisit, Clinic, Episode

PAGE_SIZE = 50


def _rows(episodes, *, today) -> list[dict]:
    """What a dashboard row shows, for a page of episodes (one more query)."""
    lines = queries.sparklines([episode.pk for episode in episodes], today=today)
    return [
        {
            "episode": episode,
            "patient": episode.patient,
            "week": episode.week_number(today),
            "level_label": content.STAFF_LEVEL_LABELS.get(episode.level, episode.level),
            "reasons": [
                content.staff_reason_label(reason)
                for reason in episode.reasons
                if reason != engine.FEW_ENTRIES or episode.level == engine.TOO_FEW_ENTRIES
            ]
            + [content.staff_held_label(reason) for reason in episode.held],
            "change": queries.change_percent(episode.baseline, episode.mean_7d),
            "spark": lines.get(episode.pk, queries.Sparkline()),
            # Still to be acknowledged: an alert, or a red flag (also one resolved).
            "to_do": episode.alert_unacknowledged or episode.flags_unseen,
            "flag_resolved": episode.flags_unseen
            and episode.level not in (engine.EMERGENCY, engine.SEE_GP),
        }
        for episode in episodes
    ]


SINCE_KEY = "herstelpad_caseload_since"


def _new_since(request: HttpRequest, clinic: Clinic, *, look: bool = True) -> dt.datetime | None:
    """When this physiotherapist last looked at this caseload before the current
    session: "new" means raised after it, and stays the same all session. The
    first look of a session records this one (``look``)."""
    seen = request.session.get(SINCE_KEY, {})
    key = str(clinic.pk)
    if key not in seen:
        visit = CaseloadVisit.objects.filter(user=request.user, clinic=clinic).first()
        if not look:
            return visit.seen_at if visit else None
        seen[key] = visit.seen_at.isoformat() if visit else None
        request.session[SINCE_KEY] = seen
        CaseloadVisit.objects.update_or_create(
            user=request.user, clinic=clinic, defaults={"seen_at": timezone.now()}
        )
    return dt.datetime.fromisoformat(seen[key]) if seen[key] else None


@require_GET
@login_required
def clinic_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The clinic's open episodes, triaged: who needs a physiotherapist today."""
    clinic = clinic_for_staff(request, slug)
    today = timezone.localdate()
    filters = queries.CaseloadFilters.from_query(request.GET)
    since = _new_since(request, clinic)
    caseload = queries.caseload(
        clinic=clinic, user=request.user, filters=filters, today=today, new_since=since
    )
    page = Paginator(caseload, PAGE_SIZE).get_page(request.GET.get("page"))
    stale = [
        episode for episode in page.object_list if episode.is_open and episode.assessed_on != today
    ]
    if stale:
        # The date alone can change a level: refresh the rows about to be shown.
        services.episodes_reassess(episodes=stale, today=today)
        page = Paginator(caseload, PAGE_SIZE).get_page(page.number)
    counts, new_count = queries.caseload_counts(
        clinic=clinic, user=request.user, filters=filters, today=today, new_since=since
    )
    log_access(
        request,
        event="caseload.search" if filters.q else "caseload.list",
        action=AccessLog.Action.READ,
        patients=[episode.patient for episode in page.object_list],
        object_type="caseload",
        object_id=clinic.slug,
    )
    query = filters.as_query()
    return render(
        request,
        "tracker/clinic_dashboard.html",
        {
            "clinic": clinic,
            "clinics": Clinic.objects.for_staff(request.user).filter(active=True),
            "page": page,
            "rows": _rows(page.object_list, today=today),
            "filters": filters,
            "levels": [(level, content.STAFF_LEVEL_LABELS[level]) for level in engine.LEVELS],
            "level_counts": [
                (
                    level,
                    content.STAFF_LEVEL_LABELS[level],
                    count,
                    urlencode(
                        filters.as_query(level="" if filters.level == level else level, new=False)
                    ),
                )
                for level, count in counts.items()
            ],
            "all_query": urlencode(filters.as_query(level="", new=False)),
            "new_count": new_count,
            "new_query": urlencode(filters.as_query(new=not filters.new, level="")),
            "since": since,
            "sorts": _sort_links(filters),
            "query": urlencode(query),
            "export_url": reverse("tracker:caseload_csv", args=[clinic.slug])
            + (f"?{urlencode(query)}" if query else ""),
            "export_plain_url": reverse("tracker:caseload_csv", args=[clinic.slug])
            + f"?{urlencode({**query, 'format': 'csv'})}",
            "today": today,
        },
    )


def _sort_links(filters: queries.CaseloadFilters) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (or reverses it), and
    its aria-sort value."""
    links = {}
    for column, first in (("last", "last"), ("mean", "mean"), ("days", "days")):
        current = filters.sort if filters.sort.lstrip("-") == column else ""
        following = ("-" + column) if current == column else first
        links[column] = {
            "query": urlencode(filters.as_query(sort=following)),
            "aria": (
                "none"
                if not current
                else {
                    "last": "ascending",
                    "-last": "descending",
                    "mean": "descending",
                    "-mean": "ascending",
                    "days": "descending",
                    "-days": "ascending",
                }[current]
            ),
        }
    return links


@require_GET
@login_required
def caseload_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The caseload as the table shows it (every page, the same filters; no notes),
    as Dutch Excel opens it (?format=excel, the default) or as plain CSV
    (?format=csv); decimals rounded to one digit."""
    clinic = clinic_for_staff(request, slug)
    today = timezone.localdate()
    filters = queries.CaseloadFilters.from_query(request.GET)
    episodes = queries.caseload(
        clinic=clinic,
        user=request.user,
        filters=filters,
        today=today,
        new_since=_new_since(request, clinic, look=False),
    )
    episodes = list(episodes)
    log_access(
        request,
        event="caseload.export",
        action=AccessLog.Action.EXPORT,
        patients=[episode.patient for episode in episodes],
        object_type="caseload",
        object_id=clinic.slug,
    )
    rows = [
        [
            _("patiënt"),
            _("fysiotherapeut"),
            _("week"),
            _("advies"),
            _("redenen"),
            _("startwaarde"),
            _("gemiddelde 7 dagen"),
            _("verandering %"),
            _("registraties 7 dagen"),
            _("laatste registratie"),
            _("risicofactoren"),
            _("melding nog niet gezien"),
            _("doelen: beter / gelijk / slechter"),
            _("versie regels"),
        ]
    ]
    for episode in episodes:
        physio = episode.patient.physio
        rows.append(
            [
                str(episode.patient),
                physio.display_name() if physio else "",
                episode.week_number(today),
                str(content.STAFF_LEVEL_LABELS.get(episode.level, episode.level)),
                ", ".join(
                    [content.staff_reason_label(reason) for reason in episode.reasons]
                    + [content.staff_held_label(reason) for reason in episode.held]
                ),
                episode.baseline,
                episode.mean_7d,
                queries.change_percent(episode.baseline, episode.mean_7d),
                episode.checkins_7d,
                episode.last_day,
                episode.risk_factors_yes,
                episode.alert_unacknowledged,
                caseload_cell(episode),
                episode.rules_version,
            ]
        )
    return exports.csv_response(
        rows,
        fmt=exports.csv_format(request.GET.get("format")),
        filename=f"caseload-{clinic.slug}-{today}.csv",
    )


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
        services.episode_refresh(episode=episode, today=today)
        entries = list(episode.entries.order_by("-day"))
        assessments = [_with_labels(record) for record in episode.assessments.all()]
        diary = charts.course(episode=episode, today=today, entries=entries)
        red_flags = list(episode.red_flags.all())
        context.update(
            entries=entries,
            red_flags=red_flags,
            risk_factors=list(episode.risk_factors.all()),
            assessments=assessments,
            contacts=list(episode.contacts.select_related("user")),
            level_label=content.STAFF_LEVEL_LABELS.get(episode.level, episode.level),
            reasons=[
                (content.staff_reason_label(r), content.staff_reason_explanation(r))
                for r in episode.reasons
            ]
            + [
                (content.staff_held_label(r), content.staff_reason_explanation(r))
                for r in episode.held
            ],
            change=queries.change_percent(episode.baseline, episode.mean_7d),
            week=episode.week_number(today),
            needs_contact=episode.alert_unacknowledged
            or any(flag.acknowledged_at is None for flag in red_flags),
            contact_form=contact_form or ContactForm(),
            close_form=close_form or CloseEpisodeForm(),
            chart=charts.progress_chart(
                diary,
                changes=charts.level_changes(assessments, first=episode.onset, today=today),
            ),
            goals=record_goals(episode=episode),
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
    record.reason_labels = [content.staff_reason_label(reason) for reason in record.reasons] + [
        content.staff_held_label(reason) for reason in record.held
    ]
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
    if services.alert_acknowledge(
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
    services.episode_close(episode=episode, outcome=form.cleaned_data["outcome"])
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


@require_GET
@login_required
def clinic_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = clinic_for_staff(request, slug)
    today = timezone.localdate()
    rows = queries.clinic_outcomes(clinic=clinic, today=today)
    return render(
        request,
        "tracker/clinic_outcomes.html",
        {
            "clinic": clinic,
            "rows": rows,
            "levels": [
                (level, content.STAFF_LEVEL_LABELS[level], count)
                for level, count in queries.level_counts(clinic=clinic).items()
            ],
            "rules_versions": queries.rules_versions(clinic=clinic),
            "goal_rows": clinic_goal_outcomes(clinic=clinic, today=today),
            "current_rules": engine.RULES_VERSION,
            "today": today,
        },
    )


@require_GET
@login_required
def clinic_outcomes_chart(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = clinic_for_staff(request, slug)
    today = timezone.localdate()
    png = charts.outcomes_chart(
        clinic=clinic, rows=queries.clinic_outcomes(clinic=clinic, today=today), today=today
    )
    return HttpResponse(png, content_type="image/png")


NOT_SENT = gettext_noop(
    "Het account is aangemaakt, maar de e-mail kon niet worden verstuurd. Stuur de "
    "uitnodiging opnieuw vanaf de pagina van de patiënt."
)


@require_POST
@login_required
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A new one-time link, for a patient who has not chosen a password yet
    (the link expired, the email went astray)."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    if patient.user.has_usable_password():
        messages.info(
            request,
            _(
                "Deze patiënt heeft al een wachtwoord gekozen. Stuur een nieuwe inloglink "
                "als het wachtwoord vergeten is."
            ),
        )
    elif services.invitation_send(patient=patient):
        log_access(
            request,
            event="patient.invite",
            action=AccessLog.Action.UPDATE,
            patients=[patient],
            object_type="patient",
            object_id=patient.pk,
        )
        messages.success(
            request,
            _("De uitnodiging is opnieuw gemaild naar %(email)s.") % {"email": patient.user.email},
        )
    else:
        messages.warning(
            request, _("De e-mail kon niet worden verstuurd. Probeer het later opnieuw.")
        )
    return redirect("tracker:patient_detail", slug=clinic.slug, pk=patient.pk)


@require_POST
@login_required
def sign_in_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A patient who forgot their password gets the reset email (a one-time link
    to choose a new one) from their clinic; at most a few per hour, like the
    'forgot your password' page."""
    clinic = clinic_for_staff(request, slug)
    patient = patient_for_staff(request, clinic=clinic, pk=pk)
    email = patient.user.email
    if not email:
        messages.warning(request, _("Deze patiënt heeft geen e-mailadres."))
    elif not passwords.address_allowed(email):
        messages.warning(
            request,
            _("Er is het afgelopen uur al een paar keer een link gestuurd. Probeer het later."),
        )
    elif passwords.reset_email_send(user=patient.user, clinic=clinic):
        log_access(
            request,
            event="patient.sign_in_link",
            action=AccessLog.Action.UPDATE,
            patients=[patient],
            object_type="patient",
            object_id=patient.pk,
        )
        messages.success(
            request,
            _("Er is een nieuwe inloglink gemaild naar %(email)s.") % {"email": email},
        )
    else:
        messages.warning(
            request, _("De e-mail kon niet worden verstuurd. Probeer het later opnieuw.")
        )
    return redirect("tracker:patient_detail", slug=clinic.slug, pk=patient.pk)


@require_http_methods(["GET", "POST"])
@login_required
def invite_patient(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff create a patient at their clinic; the patient gets a one-time link."""
    clinic = clinic_for_staff(request, slug)
    form = InvitationForm(
        request.POST or None,
        clinics=Clinic.objects.for_staff(request.user).filter(active=True),
        initial={"clinic": clinic},
    )
    if form.is_valid():
        data = form.cleaned_data
        done = _("%(name)s is uitgenodigd. De link is gemaild naar %(email)s.") % {
            "name": f"{data['first_name']} {data['last_name']}",
            "email": data["email"],
        }
        if services.account_exists(email=data["email"]):
            if request.user.is_staff:  # an admin may see every account anyway
                form.add_error("email", _("Er is al een account met dit e-mailadres."))
                return render(request, "tracker/invite.html", {"form": form, "clinic": clinic})
            # A physiotherapist must not learn that someone has an account (and so
            # is a patient somewhere): the same answer as an invitation; the owner
            # of the address gets an email instead, and nothing is created.
            services.invitation_for_existing_account(email=data["email"], clinic=data["clinic"])
            messages.success(request, done)
            return redirect("tracker:clinic_dashboard", slug=data["clinic"].slug)
        physio = (
            request.user
            if request.user.memberships.filter(clinic=data["clinic"]).exists()
            else None
        )
        patient = services.patient_invite(physio=physio, **data)
        log_access(
            request,
            event="patient.create",
            action=AccessLog.Action.CREATE,
            patients=[patient],
            object_type="patient",
            object_id=patient.pk,
        )
        if services.invitation_send(patient=patient):
            messages.success(request, done)
        else:
            messages.warning(request, _(NOT_SENT))
        return redirect("tracker:clinic_dashboard", slug=data["clinic"].slug)
    return render(request, "tracker/invite.html", {"form": form, "clinic": clinic})
