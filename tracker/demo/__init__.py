"""Demo data: an admin, a physiotherapist per clinic and patients whose diaries
show every course the advice rules tell apart. ``plan`` draws them (pure, seeded);
``seed`` writes them and has them assessed like any other diary."""

from tracker.demo.plan import (
    CHRONIC,
    COURSE_LABELS,
    COURSES,
    EARLY,
    NOT_IMPROVING,
    RECOVERED,
    RED_FLAG,
    SPARSE,
    TYPICAL,
    WORSENING,
    course_for,
    plan_patient,
)
from tracker.demo.seed import DemoLogins, seed_demo

__all__ = [
    "CHRONIC",
    "COURSE_LABELS",
    "COURSES",
    "EARLY",
    "NOT_IMPROVING",
    "RECOVERED",
    "RED_FLAG",
    "SPARSE",
    "TYPICAL",
    "WORSENING",
    "DemoLogins",
    "course_for",
    "plan_patient",
    "seed_demo",
]
