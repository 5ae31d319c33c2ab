"""Everything held about a patient, for their own download (CSV and JSON), and
CSV files as spreadsheets open them (the caseload's too)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from advice import content
from tracker.goal_board import prefetch_goals
from tracker.goal_exports import episode_goals, goal_rows, label
from tracker.models import (
    AccessLog,
    AssessmentRecord,
    DailyEntry,
    Episode,
    Level,
    Patient,
    RedFlagReport,
    RiskFactorAnswer,
)


def patient_data(patient: Patient) -> dict:
    """A plain dictionary of the patient's account, episodes and everything in them."""
    user = patient.user
    episodes = patient.episodes.prefetch_related(
        "entries", "red_flags", "risk_factors", "assessments", prefetch_goals()
    ).order_by("opened_at")
    return {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "patient": {
            "clinic": patient.clinic.name,
            "clinic_phone": patient.clinic.phone,
            "physiotherapist": patient.physio.display_name() if patient.physio else None,
            "year_of_birth": patient.year_of_birth,
            "language": patient.language,
            "reminders": patient.reminders,
            "created_at": patient.created_at.isoformat(),
        },
        "access_log": [
            {
                "at": record.at.isoformat(),
                "event": record.event,
                "action": record.action,
                "user": record.user_name or record.username,
                "role": record.role,
                "object_type": record.object_type,
                "object_id": record.object_id,
                "grounds": record.grounds,
            }
            for record in AccessLog.objects.filter(patient_ref=patient.pseudonym).order_by("at")
        ],
        "episodes": [
            {
                "onset": episode.onset.isoformat(),
                "opened_at": episode.opened_at.isoformat(),
                "closed_at": episode.closed_at.isoformat() if episode.closed_at else None,
                "outcome": episode.outcome,
                "level": episode.level,
                "reasons": episode.reasons,
                "baseline": episode.baseline,
                "mean_7d": episode.mean_7d,
                "rules_version": episode.rules_version,
                "assessed_on": episode.assessed_on.isoformat() if episode.assessed_on else None,
                "entries": [
                    {
                        "day": entry.day.isoformat(),
                        "pain": entry.pain,
                        "function": entry.function,
                        "bed_rest": entry.bed_rest,
                        "active_minutes": entry.active_minutes,
                        "work_status": entry.work_status,
                        "painkillers": entry.painkillers,
                        "note": entry.note,
                    }
                    for entry in episode.entries.all()
                ],
                "red_flags": [
                    {
                        "code": report.code,
                        "reported_at": report.reported_at.isoformat(),
                        "resolved_at": report.resolved_at.isoformat()
                        if report.resolved_at
                        else None,
                    }
                    for report in episode.red_flags.all()
                ],
                "risk_factors": [
                    {
                        "code": answer.code,
                        "answer": answer.answer,
                        "occasion": answer.occasion,
                        "answered_at": answer.answered_at.isoformat(),
                    }
                    for answer in episode.risk_factors.all()
                ],
                "assessments": [
                    {
                        "assessed_at": record.assessed_at.isoformat(),
                        "level": record.level,
                        "reasons": record.reasons,
                        "rules_version": record.rules_version,
                        "message": record.message,
                    }
                    for record in episode.assessments.all()
                ],
                "goals": episode_goals(episode),
            }
            for episode in episodes
        ],
    }


def patient_json(patient: Patient) -> str:
    return json.dumps(patient_data(patient), ensure_ascii=False, indent=2)


# --- CSV as a spreadsheet opens it ----------------------------------------------------


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written. ``excel``: as Dutch Excel opens it with a double
    click (UTF-8 with a byte order mark, so "Zoë" stays Zoë; ``;`` between cells;
    a decimal comma; days as 21-11-2026). ``csv``: plain CSV for other programs
    (UTF-8, commas, a decimal point, days as 2026-11-21)."""

    name: str
    delimiter: str
    decimal: str
    bom: bool
    day: str
    label: str


EXCEL = CsvFormat("excel", ";", ",", True, "%d-%m-%Y", gettext_lazy("Excel"))
PLAIN = CsvFormat("csv", ",", ".", False, "%Y-%m-%d", gettext_lazy("CSV"))
FORMATS = {fmt.name: fmt for fmt in (EXCEL, PLAIN)}


def csv_format(raw: str | None) -> CsvFormat:
    """The format asked for in ?format=; Excel unless plain CSV is asked for."""
    return FORMATS.get(raw or "", EXCEL)


# A cell a spreadsheet would run as a formula starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value, fmt: CsvFormat) -> str:
    """One value as text for the format: decimals rounded to one digit, yes/no in
    the language, days and moments in the format's way; text that a spreadsheet
    would take for a formula is kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    if isinstance(value, float):
        return f"{round(value, 1):.1f}".replace(".", fmt.decimal)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime(f"{fmt.day} %H:%M")
    if isinstance(value, dt.date):
        return value.strftime(fmt.day)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(rows: Iterable[Sequence], fmt: CsvFormat) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=fmt.delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(value, fmt) for value in row])
    return (("\ufeff" if fmt.bom else "") + out.getvalue()).encode("utf-8")


def csv_response(rows: Iterable[Sequence], *, fmt: CsvFormat, filename: str) -> HttpResponse:
    response = HttpResponse(csv_bytes(rows, fmt), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The patient's own CSV, in their language ------------------------------------------


def patient_rows(patient: Patient) -> Iterator[list]:
    """Everything held about the patient as rows of a long table: what (a kind of
    record), period, number, item and value; readable labels and values in the
    active language, no internal codes. One table keeps every kind of record in
    one file a spreadsheet opens."""
    user = patient.user
    yield [_("Onderdeel"), _("Periode"), _("Nr."), _("Gegeven"), _("Waarde")]
    account = _("Account")
    yield [account, "", "", _("Gebruikersnaam"), user.username]
    yield [account, "", "", _("Voornaam"), user.first_name]
    yield [account, "", "", _("Achternaam"), user.last_name]
    yield [account, "", "", _("E-mailadres"), user.email]
    yield [account, "", "", _("Account aangemaakt"), user.date_joined]
    yield [account, "", "", _("Laatst ingelogd"), user.last_login]
    you = _("Gegevens")
    yield [you, "", "", _("Praktijk"), patient.clinic.name]
    yield [you, "", "", _("Telefoonnummer praktijk"), patient.clinic.phone]
    yield [
        you,
        "",
        "",
        label(Patient, "physio"),
        patient.physio.display_name() if patient.physio else None,
    ]
    yield [you, "", "", label(Patient, "year_of_birth"), patient.year_of_birth]
    yield [you, "", "", label(Patient, "language"), patient.get_language_display()]
    yield [you, "", "", label(Patient, "reminders"), patient.reminders]
    yield [you, "", "", label(Patient, "created_at"), patient.created_at]
    episodes = patient.episodes.prefetch_related(
        "entries", "red_flags", "risk_factors", "assessments", prefetch_goals()
    ).order_by("opened_at")
    for number, episode in enumerate(episodes, start=1):
        kind = _("Periode met rugpijn")
        yield [kind, number, "", label(Episode, "onset"), episode.onset]
        yield [kind, number, "", label(Episode, "opened_at"), episode.opened_at]
        yield [kind, number, "", label(Episode, "closed_at"), episode.closed_at]
        yield [kind, number, "", label(Episode, "outcome"), episode.get_outcome_display()]
        yield [kind, number, "", label(Episode, "level"), _level(episode.level)]
        yield [kind, number, "", label(Episode, "reasons"), _reasons(episode.reasons)]
        yield [kind, number, "", label(Episode, "baseline"), episode.baseline]
        yield [kind, number, "", label(Episode, "mean_7d"), episode.mean_7d]
        yield [kind, number, "", label(Episode, "rules_version"), episode.rules_version]
        yield [kind, number, "", label(Episode, "assessed_on"), episode.assessed_on]
        kind = capfirst(DailyEntry._meta.verbose_name)
        for item, entry in enumerate(episode.entries.all(), start=1):
            for name, value in (
                ("day", entry.day),
                ("pain", entry.pain),
                ("function", entry.get_function_display()),
                ("bed_rest", entry.bed_rest),
                ("active_minutes", entry.active_minutes),
                ("work_status", entry.get_work_status_display()),
                ("painkillers", entry.painkillers),
                ("note", entry.note),
            ):
                yield [kind, number, item, label(DailyEntry, name), value]
        kind = capfirst(RedFlagReport._meta.verbose_name)
        for item, report in enumerate(episode.red_flags.all(), start=1):
            yield [kind, number, item, label(RedFlagReport, "code"), report.get_code_display()]
            yield [kind, number, item, label(RedFlagReport, "reported_at"), report.reported_at]
            yield [kind, number, item, label(RedFlagReport, "resolved_at"), report.resolved_at]
        kind = capfirst(RiskFactorAnswer._meta.verbose_name)
        for item, answer in enumerate(episode.risk_factors.all(), start=1):
            yield [kind, number, item, label(RiskFactorAnswer, "code"), answer.get_code_display()]
            yield [kind, number, item, label(RiskFactorAnswer, "answer"), answer.answer]
            yield [
                kind,
                number,
                item,
                label(RiskFactorAnswer, "occasion"),
                answer.get_occasion_display(),
            ]
            yield [kind, number, item, label(RiskFactorAnswer, "answered_at"), answer.answered_at]
        kind = capfirst(AssessmentRecord._meta.verbose_name)
        for item, record in enumerate(episode.assessments.all(), start=1):
            yield [kind, number, item, label(AssessmentRecord, "assessed_at"), record.assessed_at]
            yield [kind, number, item, label(AssessmentRecord, "level"), _level(record.level)]
            yield [
                kind,
                number,
                item,
                label(AssessmentRecord, "reasons"),
                _reasons(record.reasons),
            ]
            yield [
                kind,
                number,
                item,
                label(AssessmentRecord, "rules_version"),
                record.rules_version,
            ]
            yield [kind, number, item, label(AssessmentRecord, "message"), record.message]
        yield from goal_rows(episode, number)
    kind = _("Inzage door de praktijk")
    records = AccessLog.objects.filter(patient_ref=patient.pseudonym).order_by("at")
    for item, record in enumerate(records, start=1):
        yield [kind, "", item, label(AccessLog, "at"), record.at]
        yield [kind, "", item, _("Door"), record.user_name or record.username]
        yield [kind, "", item, label(AccessLog, "role"), _role(record.role)]
        yield [kind, "", item, label(AccessLog, "action"), record.get_action_display()]
        yield [kind, "", item, label(AccessLog, "grounds"), gettext(record.grounds)]


def _level(level: str) -> str:
    return str(Level(level).label) if level in Level.values else level


def _reasons(reasons) -> str:
    """The reasons as the patient reads them, one sentence each."""
    lines = []
    for reason in reasons or []:
        try:
            lines.append(content.reason_line(reason))
        except (ValueError, KeyError):  # a reason of rules no longer known
            lines.append(reason)
    return " ".join(lines)


def _role(role: str) -> str:
    return {"physio": _("fysiotherapeut"), "admin": _("beheerder")}.get(role, role)
