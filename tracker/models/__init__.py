"""Clinics, staff, patients, back-pain episodes and their daily entries.

The rules that must always hold are constraints in the database, so no code
path (a form, the admin, a bulk insert, a script) can break them.

- ``people``: users, clinics, memberships and patients;
- ``episodes``: episodes and what is recorded in them (daily entries, red flags,
  the assessment history, risk-factor answers);
- ``records``: what staff do and see (contact records, caseload visits, the
  access log);
- ``goals``: the patient's own activity goals and their weekly scores.
"""

from tracker.models.episodes import (
    AssessmentRecord,
    DailyEntry,
    Episode,
    Function,
    Level,
    Outcome,
    RedFlag,
    RedFlagReport,
    Resolution,
    RiskFactor,
    RiskFactorAnswer,
    WorkStatus,
)
from tracker.models.goals import Goal, GoalRating, GoalStatus
from tracker.models.people import (
    Clinic,
    ClinicQuerySet,
    Language,
    Membership,
    Patient,
    PatientQuerySet,
    User,
)
from tracker.models.records import (
    AccessLog,
    AccessLogQuerySet,
    AppendOnlyError,
    CaseloadVisit,
    ContactAction,
    ContactRecord,
)

__all__ = [
    "AccessLog",
    "AccessLogQuerySet",
    "AppendOnlyError",
    "AssessmentRecord",
    "CaseloadVisit",
    "Clinic",
    "ClinicQuerySet",
    "ContactAction",
    "ContactRecord",
    "DailyEntry",
    "Episode",
    "Function",
    "Goal",
    "GoalRating",
    "GoalStatus",
    "Language",
    "Level",
    "Membership",
    "Outcome",
    "Patient",
    "PatientQuerySet",
    "RedFlag",
    "RedFlagReport",
    "Resolution",
    "RiskFactor",
    "RiskFactorAnswer",
    "User",
    "WorkStatus",
]
