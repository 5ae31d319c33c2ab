"""Demo data, planned: the people and diaries that show every course the advice
rules (shared/clinical/RULES.md) tell apart.

Pure: a seeded ``random.Random`` per patient and no database, so the same seed
always gives the same people and diaries. ``tracker.demo.seed`` writes the plan.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from advice import cohorts
from advice.engine import expected_band
from tracker.models import Clinic, Function, Language, RedFlag, WorkStatus

ADMIN_USERNAME = "demo-admin"
PHYSIO_PREFIX = "demo-physio-"
PATIENT_PREFIX = "demo-patient-"
PATIENT_USERNAME_REGEX = r"^demo-patient-[0-9]+$"
DEMO_USERNAME_REGEX = r"^demo-(admin|physio-.+|patient-[0-9]+)$"
BATCH_SIZE = 2000
USER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "password",
    "is_staff",
    "is_superuser",
    "is_active",
)

TYPICAL = "typical"
EARLY = "early"
NOT_IMPROVING = "not_improving"
WORSENING = "worsening"
RED_FLAG = "red_flag"
CHRONIC = "chronic"
RECOVERED = "recovered"
SPARSE = "sparse"
# Patient n follows COURSES[n % 8], so any 8 consecutive patients show every course
# and, between them, every level of the advice rules (the red-flag course shows
# emergency or see_gp, by the flag it draws).
COURSES: tuple[str, ...] = (
    TYPICAL,
    EARLY,
    NOT_IMPROVING,
    WORSENING,
    RED_FLAG,
    CHRONIC,
    RECOVERED,
    SPARSE,
)
COURSE_LABELS: dict[str, str] = {
    TYPICAL: "typical recovery",
    EARLY: "first week, in bed",
    NOT_IMPROVING: "not improving",
    WORSENING: "worsening",
    RED_FLAG: "red flag",
    CHRONIC: "chronic",
    RECOVERED: "recovered",
    SPARSE: "sparse logger",
}
# How many days ago the pain started, per course (inclusive range).
ONSET_DAYS_AGO: dict[str, tuple[int, int]] = {
    TYPICAL: (20, 80),  # past six weeks too: the typical course should not alert
    EARLY: (4, 6),  # still in the first week
    NOT_IMPROVING: (26, 45),
    WORSENING: (14, 35),
    RED_FLAG: (5, 21),
    CHRONIC: (92, 150),  # past the twelfth week
    RECOVERED: (42, 70),
    SPARSE: (10, 35),
}
RED_FLAG_CODES: tuple[str, ...] = (RedFlag.LEG_WEAKNESS, RedFlag.ACCIDENT)
# The patients' own words for their goals (Dutch, English).
GOAL_ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("Een uur zitten op mijn werk", "Sitting at work for an hour"),
    ("De hond uitlaten", "Walking the dog"),
    ("Mijn dochter optillen", "Lifting my daughter"),
    ("Naar het werk fietsen", "Cycling to work"),
    ("De nacht doorslapen", "Sleeping through the night"),
    ("Tuinieren", "Gardening"),
    ("Sokken aantrekken", "Putting on socks"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Bram", "Daan", "Emma", "Eva", "Fleur", "Floor", "Hans", "Ingrid", "Jan",
    "Jeroen", "Johan", "Julia", "Kees", "Lars", "Lisa", "Lotte", "Maarten", "Marieke",
    "Mark", "Noah", "Petra", "Ruben", "Sander", "Sanne", "Sem", "Sophie", "Thijs",
    "Tim", "Wim", "Yvonne", "Zoë",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Bakker", "Bos", "Brouwer", "de Boer", "de Bruijn", "de Graaf", "de Groot",
    "de Jong", "de Vries", "de Wit", "Dekker", "Hendriks", "Jansen", "Janssen",
    "Kok", "Meijer", "Mulder", "Peters", "Smit", "van Beek", "van den Berg",
    "van der Heijden", "van der Linden", "van Dijk", "van Leeuwen", "Verhoeven",
    "Vermeulen", "Visser", "Willems", "Wouters",
)  # fmt: skip
NOTES: dict[str, tuple[str, ...]] = {
    "low": (
        "Goede dag, lekker gewandeld.",
        "Bijna geen last meer.",
        "Weer gefietst naar het werk.",
        "Oefeningen gedaan, voelt goed.",
    ),
    "mid": (
        "Stijf bij het opstaan.",
        "Na het werk meer last.",
        "Lang zitten gaat nog moeilijk.",
        "Oefeningen gedaan.",
    ),
    "high": (
        "Slecht geslapen door de pijn.",
        "Bukken lukt niet.",
        "Veel last bij het aankleden.",
        "Pijn straalt uit naar de bil.",
    ),
}


@dataclass(frozen=True)
class PlannedEntry:
    day: dt.date
    pain: int
    function: str
    bed_rest: bool
    active_minutes: int | None
    work_status: str
    painkillers: bool
    note: str


@dataclass(frozen=True)
class PlannedGoal:
    """An activity goal chosen on the diary's first day, with its weekly scores
    (week, day, score; None for a skipped week)."""

    place: int
    activity: str
    started_on: dt.date
    scores: tuple[tuple[int, dt.date, int | None], ...]


@dataclass(frozen=True)
class PlannedPatient:
    n: int
    username: str
    first_name: str
    last_name: str
    year_of_birth: int
    language: str
    course: str
    onset: dt.date
    entries: tuple[PlannedEntry, ...]
    red_flag: str  # a RedFlag code, or "" for none
    red_flag_day: dt.date | None
    goals: tuple[PlannedGoal, ...] = ()


def patient_username(n: int) -> str:
    return f"{PATIENT_PREFIX}{n}"


def physio_username(clinic: Clinic) -> str:
    return f"{PHYSIO_PREFIX}{clinic.slug}"


def course_for(n: int) -> str:
    return COURSES[n % len(COURSES)]


def clinic_index(n: int, clinic_count: int) -> int:
    """Round-robin over the clinics, shifted by one every lap: with 8 clinics and
    8 courses a plain round-robin would give each clinic a single course."""
    return (n - 1 + (n - 1) // clinic_count) % clinic_count


def plan_patient(*, n: int, seed: int, today: dt.date, days: int) -> PlannedPatient:
    """Patient n's person and diary, drawn from its own ``Random(f"{seed}-{n}")``."""
    rng = random.Random(f"{seed}-{n}")
    # The person first, so that a different --days changes the diary, not the name.
    first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age = rng.randint(22, 78)
    language = Language.EN if rng.random() < 0.15 else Language.NL
    employed = age < 67 and rng.random() < 0.8
    course = course_for(n)
    onset, entries = plan_diary(course=course, rng=rng, today=today, days=days, employed=employed)
    red_flag, red_flag_day = "", None
    if course == RED_FLAG:
        red_flag = rng.choice(RED_FLAG_CODES)
        first_day = entries[0].day if entries else today
        if red_flag == RedFlag.ACCIDENT:  # reported when the diary starts
            red_flag_day = first_day
        else:  # noticed in the last few days
            red_flag_day = max(today - dt.timedelta(days=rng.randint(0, 3)), first_day)
    return PlannedPatient(
        n=n,
        username=patient_username(n),
        first_name=first_name,
        last_name=last_name,
        year_of_birth=today.year - age,
        language=language,
        course=course,
        onset=onset,
        entries=entries,
        red_flag=red_flag,
        red_flag_day=red_flag_day,
        goals=plan_goals(
            rng=random.Random(f"{seed}-{n}-goals"), language=language, entries=entries, today=today
        ),
    )


def plan_diary(
    *, course: str, rng: random.Random, today: dt.date, days: int, employed: bool
) -> tuple[dt.date, tuple[PlannedEntry, ...]]:
    """The onset and the diary of one course. The patient starts logging a few days
    after the onset; the diary never reaches back more than ``days`` days."""
    low, high = ONSET_DAYS_AGO[course]
    onset = today - dt.timedelta(days=rng.randint(low, high))
    started = 1 if course == EARLY else rng.randint(1, 4)  # days after onset
    first = max(onset + dt.timedelta(days=started), today - dt.timedelta(days=days - 1))
    level = rng.uniform(6.0, 7.5)  # pain at onset
    plateau = rng.uniform(4.5, 5.5)  # chronic and worsening courses settle here
    bed_rest_days = 3 if course == EARLY else rng.choice((0, 0, 1, 2))
    # Day-to-day variation as the rules were tuned on: the typical courses vary
    # independently or in bad spells; the courses that show one level vary
    # independently, so each shows its level.
    if course in (TYPICAL, SPARSE, RED_FLAG):
        variation = rng.choice(cohorts.VARIATIONS)
    else:
        variation = cohorts.INDEPENDENT
    noise = cohorts.daily_variation(rng, variation, (today - first).days + 1)
    by_day = {first + dt.timedelta(days=n): value for n, value in enumerate(noise)}
    entries = []
    logged = _logged_days(course=course, rng=rng, first=first, today=today)
    for index, day in enumerate(logged):
        days_left = (today - day).days
        pain = _pain(
            course=course,
            level=level,
            plateau=plateau,
            weeks=(day - onset).days / 7,
            days_left=days_left,
            span=len(logged),
            noise=by_day[day],
        )
        function = Function.NO if course == EARLY and index < 3 else _function(pain, rng)
        bed_rest = index < bed_rest_days and pain >= 5
        minutes = None if rng.random() < 0.1 else max(0, round(rng.gauss(80 - 8 * pain, 15)))
        if bed_rest and minutes is not None:
            minutes = min(minutes, 10)
        early = (day - first).days < 14
        painkillers = pain >= 4 and rng.random() < (0.85 if early else 0.3)
        note = rng.choice(NOTES[_band(pain)]) if rng.random() < 0.12 else ""
        entries.append(
            PlannedEntry(
                day=day,
                pain=pain,
                function=function,
                bed_rest=bed_rest,
                active_minutes=minutes,
                work_status=_work_status(pain, function, employed=employed),
                painkillers=painkillers,
                note=note,
            )
        )
    return onset, tuple(entries)


def _logged_days(
    *, course: str, rng: random.Random, first: dt.date, today: dt.date
) -> list[dt.date]:
    if course == SPARSE:
        # Every 3rd or 4th day: at most 3 entries in any 7 days.
        day, logged = today - dt.timedelta(days=rng.randint(0, 2)), []
        while day >= first:
            logged.append(day)
            day -= dt.timedelta(days=rng.choice((3, 3, 4)))
        return sorted(logged)
    # Almost every day; a forgotten day now and then, but never the last two.
    span = (today - first).days
    return [
        first + dt.timedelta(days=offset)
        for offset in range(span + 1)
        if span - offset < 2 or rng.random() >= 1 / 15
    ]


def _pain(
    *,
    course: str,
    level: float,
    plateau: float,
    weeks: float,
    days_left: int,
    span: int,
    noise: float,
) -> int:
    """The course's mean pain that day plus the day's variation, rounded and kept
    on the 0-10 scale."""
    _faster, typical, _slower = expected_band(weeks)
    if course == NOT_IMPROVING:
        value = level - 0.5  # flat around the baseline
    elif course == WORSENING:
        # Flat, then rising by 4 over the last week.
        value = plateau + 4 * max(0, 6 - days_left) / 6
        noise /= 2
    elif course == RED_FLAG:
        value = (level + 0.5) * typical
    elif course == CHRONIC:
        # Settled at a moderate level, easing by two points over the diary: past
        # twelve weeks, the patient manages it with their plan.
        value = plateau - 1.5 + 2 * days_left / max(span, 1)
    elif course == EARLY:
        value = level + 1
        noise /= 2
    elif course == RECOVERED:
        value = level * math.exp(-0.4 * weeks)
        if days_left < 7:
            return min(1, max(0, round(value + noise / 3)))
    else:  # TYPICAL, SPARSE
        value = level * typical
    return min(10, max(0, round(value + noise)))


def _function(pain: int, rng: random.Random) -> str:
    if pain <= 2:
        return Function.YES
    if pain <= 4:
        return Function.YES if rng.random() < 0.3 else Function.PARTLY
    if pain <= 6:
        return Function.NO if rng.random() < 0.3 else Function.PARTLY
    return Function.NO


def _work_status(pain: int, function: str, *, employed: bool) -> str:
    if not employed:
        return WorkStatus.NOT_APPLICABLE
    if function == Function.NO:
        return WorkStatus.OFF_SICK
    if function == Function.PARTLY and pain >= 5:
        return WorkStatus.REDUCED
    return WorkStatus.WORKING


def plan_goals(
    *, rng: random.Random, language: str, entries: tuple[PlannedEntry, ...], today: dt.date
) -> tuple[PlannedGoal, ...]:
    """Two patients in three choose one to three activity goals on their diary's
    first day; each is scored weekly (now and then a week skipped), getting easier
    as the pain does. Drawn from their own ``Random``, so the diaries stay as they
    were."""
    if not entries or rng.random() >= 2 / 3:
        return ()
    started = entries[0].day
    pain = {entry.day: entry.pain for entry in entries}

    def pain_around(day: dt.date) -> float:
        near = [pain[d] for d in pain if abs((d - day).days) <= 3]
        return sum(near) / len(near) if near else entries[-1].pain

    start_pain = max(pain_around(started), 1.0)
    activities = rng.sample(GOAL_ACTIVITIES, rng.randint(1, 3))
    goals = []
    for place, (dutch, english) in enumerate(activities, start=1):
        first = min(10, max(2, round(start_pain + rng.uniform(-1, 2))))
        scores = []
        for week in range((today - started).days // 7 + 1):
            day = started + dt.timedelta(days=7 * week)
            if week and rng.random() < 0.1:
                scores.append((week, day, None))  # skipped
                continue
            score = first * pain_around(day) / start_pain + rng.uniform(-1, 1)
            scores.append((week, day, first if week == 0 else min(10, max(0, round(score)))))
        goals.append(
            PlannedGoal(
                place=place,
                activity=english if language == Language.EN else dutch,
                started_on=started,
                scores=tuple(scores),
            )
        )
    return tuple(goals)


def _band(pain: int) -> str:
    return "low" if pain <= 2 else "mid" if pain <= 5 else "high"
