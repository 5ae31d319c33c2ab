"""The one-page summary for the GP or the physiotherapist, as a PDF.

The leaflets send patients to their GP and physiotherapist; this page is what
they can show there: the course against the expected band, the key figures, the
red flags reported and when, the current advice with its rules version, the risk
factors answered "yes", and the clinic's name and phone number.

It is printed matter, so it is drawn with matplotlib (``tracker.summary_page``: A4, fonts
embedded), imported only when a summary is drawn. A summary is drawn
only when someone asks for it and kept in the configured cache under a digest of
everything it shows: the same data gives the same file without drawing it
again, and any change (a check-in, a red flag, an answer, the clinic's phone
number, the day, the language) gives a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import astuple, dataclass

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext

from advice import content, engine, words
from tracker import assessment, charts, courses
from tracker.formatting import format_date
from tracker.goal_exports import summary_lines
from tracker.models import Episode
from tracker.summary_page import draw

CACHE_TIMEOUT = 24 * 60 * 60  # seconds; the day is part of the key anyway
LAYOUT_VERSION = "2"  # part of the cache key: bump when the drawing changes


@dataclass(frozen=True)
class Summary:
    """Everything the page shows, in the active language: its digest is the cache key."""

    language: str
    today: dt.date
    patient: str
    year_of_birth: int
    clinic: str
    clinic_phone: str
    clinic_address: str
    onset: dt.date
    week: int
    closed: str  # "closed on …: outcome", or "" while the episode is open
    first_day: dt.date | None
    last_day: dt.date | None
    days_logged: int
    days_span: int  # days from the first entry to today (or the last entry of a closed episode)
    baseline: float | None
    mean_7d: float | None
    advice: str
    reasons: tuple[str, ...]
    rules_version: str
    assessed_on: dt.date | None
    red_flags: tuple[tuple[str, str], ...]  # (the flag, reported … / resolved …)
    risk_factors: tuple[tuple[str, str], ...]  # (the statement, when answered yes)
    changes: tuple[tuple[int, float, str, str], ...]  # (number, weeks since onset, day, advice)
    points: tuple[tuple[float, int], ...]  # (weeks since onset, pain)
    means: tuple[tuple[float, float | None], ...]
    band: tuple[tuple[float, float, float, float], ...]  # (weeks, faster, typical, slower)
    x_max: float
    goals: tuple[tuple[str, str], ...] = ()  # (the activity, its scores in words)

    def digest(self) -> str:
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()


def summary_of(*, episode: Episode, today: dt.date) -> Summary:
    """Read what the page shows (five queries, none for the patient and clinic,
    which the access helpers have loaded)."""
    assessment.as_of_today(episodes=[episode], today=today)
    patient = episode.patient
    clinic = patient.clinic
    entries = list(episode.entries.filter(day__lte=today).order_by("day"))
    diary = courses.course(episode=episode, today=today, entries=entries)
    records = list(episode.assessments.all())
    changes = courses.level_changes(records, first=episode.onset, today=today)
    day = format_date

    red_flags = tuple(
        (
            str(report.get_code_display()),
            gettext("gemeld %(when)s") % {"when": day(report.reported_at)}
            + (
                ", " + gettext("opgelost %(when)s") % {"when": day(report.resolved_at)}
                if report.resolved_at
                else ", " + gettext("nog aanwezig")
            ),
        )
        for report in episode.red_flags.order_by("reported_at", "pk")
    )
    latest_yes: dict[str, dt.datetime] = {}
    statements: dict[str, str] = {}
    for answer in episode.risk_factors.all():
        if answer.answer:
            latest_yes[answer.code] = answer.answered_at
            statements[answer.code] = str(answer.get_code_display())
    risk_factors = tuple(
        (statements[code], gettext("ja op %(when)s") % {"when": day(when)})
        for code, when in latest_yes.items()
    )

    last = today if episode.is_open or not entries else entries[-1].day
    first_day = entries[0].day if entries else None
    x_max = max(diary.weeks(today), charts.FIRST_MARK_WEEKS) + 0.5
    band = ()
    if diary.has_band:
        start = diary.baseline_weeks or 0.0
        steps = 60
        band = tuple(
            (w, *diary.expected(w))
            for w in (start + (x_max - start) * n / steps for n in range(steps + 1))
        )
    closed = ""
    if not episode.is_open:
        closed = gettext("Afgesloten op %(when)s: %(outcome)s.") % {
            "when": day(episode.closed_at),
            "outcome": episode.get_outcome_display(),
        }
    level = episode.level or engine.TOO_FEW_ENTRIES
    return Summary(
        language=translation.get_language() or "-",
        today=today,
        patient=str(patient),
        year_of_birth=patient.year_of_birth,
        clinic=clinic.name,
        clinic_phone=clinic.phone,
        clinic_address=", ".join(part for part in (clinic.address, clinic.city) if part),
        onset=episode.onset,
        week=episode.week_number(today),
        closed=closed,
        first_day=first_day,
        last_day=entries[-1].day if entries else None,
        days_logged=len(entries),
        days_span=(last - first_day).days + 1 if first_day else 0,
        baseline=diary.baseline,
        mean_7d=diary.mean_7d,
        advice=str(content.LEVEL_TITLES[level]),
        reasons=tuple(words.staff_reason_labels(episode.reasons or (), episode.held or ())),
        rules_version=episode.rules_version,
        assessed_on=episode.assessed_on,
        red_flags=red_flags,
        risk_factors=risk_factors,
        changes=tuple((c.number, diary.weeks(c.day), day(c.day), c.title) for c in changes),
        points=tuple((diary.weeks(entry.day), entry.pain) for entry in diary.entries),
        means=tuple((diary.weeks(d), mean) for d, mean in diary.means),
        band=band,
        x_max=x_max,
        goals=summary_lines(episode),
    )


def summary_pdf(*, episode: Episode, today: dt.date) -> bytes:
    """The summary as PDF bytes, from the cache when nothing on it changed."""
    summary = summary_of(episode=episode, today=today)
    key = f"summary-pdf:{LAYOUT_VERSION}:{episode.pk}:{summary.digest()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = draw(summary)
        cache.set(key, pdf, CACHE_TIMEOUT)
    return pdf


def response(*, episode: Episode, today: dt.date) -> HttpResponse:
    """The summary as a download. The file name holds no health data and no name."""
    pdf = summary_pdf(episode=episode, today=today)
    answer = HttpResponse(pdf, content_type="application/pdf")
    answer["Content-Disposition"] = (
        f'attachment; filename="herstelpad-samenvatting-{today.isoformat()}.pdf"'
    )
    return answer
