"""Everything held about a patient, for their own download (CSV and JSON)."""

from __future__ import annotations

import csv
import io
import json

from tracker.models import AccessLog, Patient


def patient_data(patient: Patient) -> dict:
    """A plain dictionary of the patient's account, episodes and everything in them."""
    user = patient.user
    episodes = patient.episodes.prefetch_related(
        "entries", "red_flags", "risk_factors", "assessments"
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
            }
            for episode in episodes
        ],
    }


def patient_json(patient: Patient) -> str:
    return json.dumps(patient_data(patient), ensure_ascii=False, indent=2)


def patient_csv(patient: Patient) -> str:
    """One row per record: a `record` column names the kind, `field`/`value` the data.

    A long table keeps every kind of record in one file a spreadsheet opens.
    """
    data = patient_data(patient)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record", "episode", "item", "field", "value"])
    for section in ("account", "patient"):
        for field, value in data[section].items():
            writer.writerow([section, "", "", field, _cell(value)])
    for number, episode in enumerate(data["episodes"], start=1):
        for field, value in episode.items():
            if not isinstance(value, list) or field == "reasons":
                writer.writerow(["episode", number, "", field, _cell(value)])
        for kind in ("entries", "red_flags", "risk_factors", "assessments"):
            for item, record in enumerate(episode[kind], start=1):
                for field, value in record.items():
                    writer.writerow([kind, number, item, field, _cell(value)])
    for item, record in enumerate(data["access_log"], start=1):
        for field, value in record.items():
            writer.writerow(["access_log", "", item, field, _cell(value)])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)
