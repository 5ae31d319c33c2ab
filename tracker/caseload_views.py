"""The clinic's pages for staff: the caseload (triaged, filtered, paged), its CSV
and Excel exports, and the clinic outcomes with their figure. Only for the
clinic's own staff (tracker.access.clinic_for_staff); every list of patients
shown is written to the access log.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from advice import content, engine, words
from tracker import (
    assessment,
    exports,
    outcomes_figure,
    queries,
)
from tracker.access import clinic_for_staff
from tracker.audit import log_access
from tracker.goal_queries import caseload_cell, clinic_goal_outcomes
from tracker.models import AccessLog, CaseloadVisit, Clinic

PAGE_SIZE = 50


def _rows(episodes, *, today) -> list[dict]:
    """What a dashboard row shows, for a page of episodes (one more query)."""
    lines = queries.sparklines([episode.pk for episode in episodes], today=today)
    return [
        {
            "episode": episode,
            "patient": episode.patient,
            "week": episode.week_number(today),
            # The short label keeps the row on one line; the full one is its title.
            "level_label": words.LEVEL_LABELS.get(episode.level, episode.level),
            "level_title": words.STAFF_LEVEL_LABELS.get(episode.level, episode.level),
            "reasons": words.staff_reason_labels(
                [
                    reason
                    for reason in episode.reasons
                    if reason != engine.FEW_ENTRIES or episode.level == engine.TOO_FEW_ENTRIES
                ],
                episode.held,
            ),
            "change": queries.change_percent(episode.baseline, episode.mean_7d),
            "spark": lines.get(episode.pk, queries.Sparkline()),
            # Still to be acknowledged: an alert, or a red flag (also one resolved).
            "to_do": episode.alert_unacknowledged or episode.flags_unseen,
            "flag_resolved": episode.flags_unseen and episode.level not in content.URGENT_LEVELS,
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
    if assessment.as_of_today(episodes=page.object_list, today=today):
        # A row's level changed with the date: the order may have, too.
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
            "levels": [(level, words.STAFF_LEVEL_LABELS[level]) for level in engine.LEVELS],
            "level_counts": [
                (
                    level,
                    words.STAFF_LEVEL_LABELS[level],
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
                str(words.STAFF_LEVEL_LABELS.get(episode.level, episode.level)),
                ", ".join(words.staff_reason_labels(episode.reasons, episode.held)),
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
                (level, words.STAFF_LEVEL_LABELS[level], count)
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
    png = outcomes_figure.outcomes_chart(
        clinic=clinic, rows=queries.clinic_outcomes(clinic=clinic, today=today), today=today
    )
    return HttpResponse(png, content_type="image/png")
