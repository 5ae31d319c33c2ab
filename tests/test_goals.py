"""The patient's own activity goals (Patiënt Specifieke Klachten): chosen at the
first visit or later, scored once a week after a check-in, shown with their change
since the start on the progress page, the record, the caseload, the outcomes, the
summary and the exports. They change no advice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from pypdf import PdfReader

from advice import engine
from advice import goals as psk
from tests.conftest import client_for
from tests.factories import make_clinic, make_entry, make_patient, make_physio
from tests.test_bad_input import JUNK, OMITTED, form_data, fuzz, last
from tracker import assessment, goals, lifecycle
from tracker.models import (
    AccessLog,
    AssessmentRecord,
    DailyEntry,
    Episode,
    Goal,
    GoalRating,
    GoalStatus,
)

GOALS = reverse("tracker:goals")
WEEK = reverse("tracker:goals_week")
PROGRESS = reverse("tracker:progress")
HOME = reverse("tracker:patient_home")
START = dt.datetime(2026, 11, 2, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))  # a Monday


def checkin_url(day: dt.date | None = None) -> str:
    return reverse("tracker:checkin_day", args=[day or timezone.localdate()])


def check_in(patient, pain: int = 4):
    """Today's check-in, on a session opened now (a patient's lasts two weeks, and
    these tests move the clock on by weeks)."""
    return client_for(patient.user).post(
        checkin_url(), {"pain": str(pain), "function": "yes", "work_status": "n_a", "version": ""}
    )


def staff_goals_url(patient) -> str:
    return reverse("tracker:staff_goals", args=[patient.clinic.slug, patient.pk])


def choose(patient, *chosen: tuple[str, int], by=None, today=None) -> list[Goal]:
    return goals.goals_choose(
        episode=patient.episodes.get(),
        goals=list(chosen),
        by=by or patient.user,
        today=today,
    )


def rate(goal: Goal, score: int, *, day: dt.date, by=None) -> None:
    """A score in a later week, as the weekly screen stores it."""
    GoalRating.objects.create(
        goal=goal, week=goal.week_of(day), rated_on=day, score=score, rated_by=by
    )


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def patient(world, clock):
    """Patient A, ten days into the episode (onset moved to the frozen clock)."""
    Episode.objects.filter(patient=world.patient_a).update(
        onset=timezone.localdate() - dt.timedelta(days=10)
    )
    return world.patient_a


# --- The database's rules ---------------------------------------------------------------


def test_the_database_holds_at_most_three_active_goals_per_episode(patient):
    first, *_ = choose(patient, ("Fietsen", 6), ("Tuinieren", 7), ("Wandelen", 5))
    episode = patient.episodes.get()
    for place in (1, 2, 3):  # every place is taken by an active goal
        with pytest.raises(IntegrityError), transaction.atomic():
            Goal.objects.create(
                episode=episode, activity="Zwemmen", place=place, started_on=timezone.localdate()
            )
    with pytest.raises(IntegrityError), transaction.atomic():  # there is no fourth place
        Goal.objects.create(
            episode=episode, activity="Zwemmen", place=4, started_on=timezone.localdate()
        )
    # A closed goal frees its place; it stays, with its wording and score.
    goals.goal_close(goal=first, status=GoalStatus.ACHIEVED, by=patient.user)
    (fourth,) = choose(patient, ("Zwemmen", 4))
    assert fourth.place == first.place
    assert Goal.objects.get(pk=first.pk).activity == "Fietsen"
    assert Goal.objects.filter(episode=episode).count() == 4


def test_the_database_keeps_scores_from_0_to_10_and_one_a_week(patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    today = timezone.localdate()
    for score in (11, 99):
        with pytest.raises(IntegrityError), transaction.atomic():
            GoalRating.objects.create(goal=goal, week=1, rated_on=today, score=score)
    with pytest.raises(IntegrityError), transaction.atomic():  # week 0 already has its score
        GoalRating.objects.create(goal=goal, week=0, rated_on=today, score=5)
    unrated = Goal.objects.create(
        episode=goal.episode, activity="Tuinieren", place=2, started_on=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():  # the start needs a score
        GoalRating.objects.create(goal=unrated, week=0, rated_on=today)
    GoalRating.objects.create(goal=goal, week=1, rated_on=today, score=10)
    GoalRating.objects.create(goal=goal, week=2, rated_on=today, score=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalRating.objects.create(goal=goal, week=2, rated_on=today, score=3)
    assert sorted(goal.ratings.values_list("week", "score")) == [(0, 6), (1, 10), (2, 0)]
    assert not unrated.ratings.exists()


def test_the_database_refuses_an_unknown_status_and_a_closed_goal_without_a_moment(patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(status="forgotten", closed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.DROPPED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(activity="")


def test_a_fourth_goal_is_refused_with_a_message_and_nothing_is_stored(patient):
    choose(patient, ("Fietsen", 6), ("Tuinieren", 7))
    with pytest.raises(Exception, match="nog plaats voor 1 doel"):
        choose(patient, ("Wandelen", 5), ("Zwemmen", 4))
    assert Goal.objects.count() == 2
    choose(patient, ("Wandelen", 5))
    with pytest.raises(Exception, match="al drie doelen"):
        choose(patient, ("Zwemmen", 4))


def test_a_goal_is_never_edited_a_new_wording_replaces_it_and_keeps_the_old(world, patient):
    (goal,) = choose(patient, ("Een uur zitten", 8))
    rate(goal, 6, day=timezone.localdate() + dt.timedelta(days=7))
    new = goals.goal_reword(
        goal=goal, activity="Twee uur zitten op het werk", score=7, by=world.physio_a
    )
    old = Goal.objects.get(pk=goal.pk)
    assert (old.activity, old.status, old.closed_by) == (
        "Een uur zitten",
        GoalStatus.REWORDED,
        world.physio_a,
    )
    assert sorted(old.ratings.values_list("week", "score")) == [(0, 8), (1, 6)]
    assert (new.activity, new.replaces, new.place, new.created_by) == (
        "Twee uur zitten op het werk",
        old,
        old.place,
        world.physio_a,
    )
    assert list(new.ratings.values_list("week", "score")) == [(0, 7)]


# --- Choosing goals ---------------------------------------------------------------------


def test_the_first_visit_ends_with_the_offer_to_choose_goals(world, clock):
    newcomer = make_patient(world.clinic_a, onset=timezone.localdate(), intake_done=False)
    client = client_for(newcomer.user)
    answers = {"onset": timezone.localdate().isoformat()}
    answers |= {f"red_flag_{code}": "no" for code in engine.RED_FLAGS}
    answers |= {f"risk_{code}": "no" for code in engine.YELLOW_FLAGS}
    page = client.post(reverse("tracker:intake"), answers, follow=True).content.decode()
    assert "Wat wilt u weer kunnen?" in page
    assert f'href="{GOALS}?next=checkin"' in page

    form = client.get(GOALS, {"next": "checkin"}).content.decode()
    assert form.count('name="activity_') == 3
    assert '<option value="De hond uitlaten">' in form  # the suggestions
    response = client.post(
        GOALS,
        {
            "next": "checkin",
            "activity_1": "  De hond   uitlaten ",
            "score_1": "7",
            "activity_2": "Een kind optillen",
            "score_2": "9",
        },
    )
    assert response["Location"] == reverse("tracker:checkin")  # on to the first check-in
    chosen = list(Goal.objects.filter(episode__patient=newcomer).order_by("place"))
    assert [(g.activity, g.place, g.created_by) for g in chosen] == [
        ("De hond uitlaten", 1, newcomer.user),
        ("Een kind optillen", 2, newcomer.user),
    ]
    assert [g.ratings.get().score for g in chosen] == [7, 9]
    # Once chosen, the first visit's page no longer offers them.
    answers_page = client.get(reverse("tracker:risk_factor_answers")).content.decode()
    assert "Wat wilt u weer kunnen?" not in answers_page


def test_a_goal_without_a_score_is_named_and_what_was_typed_is_kept(patient):
    client = client_for(patient.user)
    response = client.post(
        GOALS, {"activity_1": "Fietsen naar het werk", "score_2": "5", "activity_3": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#div_id_score_1"' in page
    assert "Kies hoe moeilijk dit nu is: een getal van 0 tot 10." in page
    assert 'href="#div_id_activity_2"' in page and "Beschrijf de activiteit." in page
    assert 'value="Fietsen naar het werk"' in page
    assert 'id="id_score_2_5" value="5" checked' in page
    assert not Goal.objects.exists()
    empty = client.post(GOALS, {"activity_1": " "})
    assert "Noem ten minste één activiteit." in empty.content.decode()


def test_the_patient_marks_a_goal_achieved_and_can_choose_a_new_one(patient):
    first, second, third = choose(patient, ("Fietsen", 6), ("Tuinieren", 7), ("Wandelen", 5))
    client = client_for(patient.user)
    full = client.get(GOALS).content.decode()
    assert 'name="activity_1"' not in full  # three goals: first close one
    response = client.post(reverse("tracker:goal_close", args=[first.pk]), {"status": "achieved"})
    assert response["Location"] == GOALS
    first.refresh_from_db()
    assert (first.status, first.closed_by) == (GoalStatus.ACHIEVED, patient.user)
    page = client.get(GOALS).content.decode()
    assert 'name="activity_1"' in page and 'name="activity_2"' not in page
    assert "Afgesloten doelen" in page and "Fietsen" in page


def test_another_patients_goal_cannot_be_closed(world, patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    client = client_for(world.patient_b.user)
    response = client.post(reverse("tracker:goal_close", args=[goal.pk]), {"status": "dropped"})
    assert response.status_code == 404
    assert Goal.objects.get(pk=goal.pk).is_active


def test_the_goal_pages_refuse_the_wrong_method_visitors_and_staff(world, patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    client = client_for(patient.user)
    assert client.put(GOALS).status_code == 405
    assert client.get(reverse("tracker:goal_close", args=[goal.pk])).status_code == 405
    assert client.delete(WEEK).status_code == 405
    for url in (GOALS, WEEK):
        assert client_for(None).get(url)["Location"].startswith(reverse("login"))
        assert client_for(world.physio_a).get(url).status_code == 403


# --- The weekly rating ------------------------------------------------------------------


def test_the_weekly_rating_comes_with_the_first_check_in_seven_days_after_the_last(patient, clock):
    first, second = choose(patient, ("De hond uitlaten", 7), ("Een kind optillen", 9))
    assert check_in(patient)["Location"] == HOME  # chosen today: not yet
    clock.shift(dt.timedelta(days=6))
    assert check_in(patient)["Location"] == HOME  # six days: not yet
    assert client_for(patient.user).get(WEEK)["Location"] == HOME
    clock.shift(dt.timedelta(days=1))
    client = client_for(patient.user)
    response = client.post(
        checkin_url(), {"pain": "4", "function": "yes", "work_status": "n_a", "version": ""}
    )
    assert response["Location"] == WEEK  # seven days: the extra screen
    page = client.get(WEEK).content.decode()
    assert "De hond uitlaten" in page and "Een kind optillen" in page
    assert "Opgeslagen voor vandaag" in page  # the check-in's own message comes along
    response = client.post(WEEK, {f"goal_{first.pk}": "4", f"goal_{second.pk}": "8"})
    assert response["Location"] == HOME
    assert [(r.week, r.score, r.rated_by) for r in first.ratings.order_by("week")] == [
        (0, 7, patient.user),
        (1, 4, patient.user),
    ]
    # Not asked twice in a week: the next days' check-ins go home.
    for _ in range(6):
        clock.shift(dt.timedelta(days=1))
        assert check_in(patient)["Location"] == HOME
    clock.shift(dt.timedelta(days=1))
    assert check_in(patient)["Location"] == WEEK


def test_the_weekly_rating_can_be_skipped_and_comes_back_a_week_later(patient, clock):
    (goal,) = choose(patient, ("Fietsen", 6))
    clock.shift(dt.timedelta(days=9))
    assert check_in(patient)["Location"] == WEEK
    response = client_for(patient.user).post(WEEK, {"skip": "1"})
    assert response["Location"] == HOME
    skipped = goal.ratings.get(week=1)
    assert skipped.score is None and skipped.rated_on == timezone.localdate()
    clock.shift(dt.timedelta(days=1))
    assert check_in(patient)["Location"] == HOME  # skipped: not asked again this week
    assert client_for(patient.user).get(WEEK)["Location"] == HOME
    clock.shift(dt.timedelta(days=6))
    assert check_in(patient)["Location"] == WEEK
    client = client_for(patient.user)
    client.post(WEEK, {f"goal_{goal.pk}": "3"})
    assert list(goal.ratings.values_list("week", "score")) == [(0, 6), (1, None), (2, 3)]
    # The skipped week breaks the chart's line; the change counts from the start.
    page = client.get(PROGRESS).content.decode()
    assert "overgeslagen" in page
    assert "3 punten minder moeite." in page


def test_the_weekly_screen_names_a_goal_left_unscored_and_keeps_the_others(patient, clock):
    first, second = choose(patient, ("Fietsen", 6), ("Tuinieren", 7))
    client = client_for(patient.user)
    clock.shift(dt.timedelta(days=7))
    response = client.post(WEEK, {f"goal_{first.pk}": "5"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#div_id_goal_{second.pk}"' in page
    assert f'id="id_goal_{first.pk}_5" value="5" checked' in page
    assert GoalRating.objects.count() == 2  # only the starts
    # A second tab that sends the same scores after the first did: stored once.
    data = {f"goal_{first.pk}": "5", f"goal_{second.pk}": "6"}
    assert client.post(WEEK, data)["Location"] == HOME
    assert client.post(WEEK, data)["Location"] == HOME
    assert GoalRating.objects.count() == 4


def test_a_closed_episode_has_no_weekly_rating(patient, clock):
    choose(patient, ("Fietsen", 6))
    clock.shift(dt.timedelta(days=8))
    episode = patient.episodes.get()
    assert goals.rating_due(episode=episode)
    lifecycle.episode_close(episode=episode, outcome="recovered")
    assert not goals.rating_due(episode=episode)


# --- The meaningful change --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "latest", "direction", "meaningful"),
    [
        (8, 6, psk.SAME, False),  # 2 points easier: a change, not yet a meaningful one
        (8, 5, psk.BETTER, True),  # 3 points: the PSFS minimal important change
        (8, 8, psk.SAME, False),
        (4, 6, psk.SAME, False),
        (4, 7, psk.WORSE, True),
        (10, 0, psk.BETTER, True),
    ],
)
def test_a_change_of_3_points_or_more_is_meaningful(start, latest, direction, meaningful):
    change = psk.change(start, latest)
    assert (change.direction, change.meaningful) == (direction, meaningful)


@pytest.mark.parametrize(("latest", "marked"), [(6, False), (5, True)])
def test_the_progress_page_marks_a_meaningful_change_at_3_points(patient, clock, latest, marked):
    (goal,) = choose(patient, ("Een uur zitten op mijn werk", 8))
    rate(goal, latest, day=timezone.localdate() + dt.timedelta(days=7))
    clock.shift(dt.timedelta(days=7))
    page = client_for(patient.user).get(PROGRESS).content.decode()
    points = 8 - latest
    assert f"Bij de start: 8 → nu: {latest}." in page
    assert f"{points} punten minder moeite." in page
    assert ("Duidelijk beter" in page) is marked
    assert "Duidelijk moeilijker" not in page


@pytest.mark.parametrize(("latest", "marked"), [(6, False), (7, True)])
def test_the_record_marks_a_meaningful_worsening_at_3_points(world, patient, clock, latest, marked):
    (goal,) = choose(patient, ("De nacht doorslapen", 4))
    rate(goal, latest, day=timezone.localdate() + dt.timedelta(days=7))
    clock.shift(dt.timedelta(days=7))
    page = client_for(world.physio_a).get(staff_goals_url(patient)).content.decode()
    record = (
        client_for(world.physio_a)
        .get(reverse("tracker:patient_detail", args=[world.clinic_a.slug, patient.pk]))
        .content.decode()
    )
    for html in (page, record):
        assert f"{latest - 4} punten meer moeite." in html
        assert ("Duidelijk moeilijker" in html) is marked


def test_the_progress_page_shows_each_goals_course_as_a_chart(patient, clock):
    first, second = choose(patient, ("Fietsen", 6), ("Tuinieren", 7))
    for week, (a, b) in enumerate(((5, 7), (3, 8)), start=1):
        day = timezone.localdate() + dt.timedelta(days=7 * week)
        rate(first, a, day=day)
        rate(second, b, day=day)
    clock.shift(dt.timedelta(days=14))
    page = client_for(patient.user).get(PROGRESS).content.decode()
    assert page.count('<svg class="goal-chart"') == 2
    assert 'aria-label="Moeite met Fietsen, per week (0 = geen probleem, 10 = onmogelijk)"' in page
    assert "<title>week 2: 3</title>" in page and "<title>week 2: 8</title>" in page
    assert "Bij de start: 6 → nu: 3." in page
    assert "1 punt meer moeite." in page


def test_the_progress_page_asks_for_goals_until_there_are_some(patient):
    client = client_for(patient.user)
    page = client.get(PROGRESS).content.decode()
    assert "Pijn is maar de helft van herstel." in page
    assert f'href="{GOALS}"' in page


# --- The physiotherapist ----------------------------------------------------------------


def test_a_physio_adds_scores_and_rewords_goals_with_the_patient_and_it_is_recorded(
    world, patient, clock
):
    url = staff_goals_url(patient)
    response = client_for(world.physio_a).post(url, {"activity_1": "Tuinieren", "score_1": "8"})
    assert response["Location"] == url
    goal = Goal.objects.get(episode__patient=patient)
    assert (goal.created_by, goal.ratings.get().rated_by) == (world.physio_a, world.physio_a)

    clock.shift(dt.timedelta(days=7))
    client = client_for(world.physio_a)  # a staff session lasts 12 hours at most
    rate_url = reverse("tracker:staff_goals_rate", args=[world.clinic_a.slug, patient.pk])
    assert client.post(rate_url, {f"goal_{goal.pk}": "5"})["Location"] == url
    # This week has its score now: a second one is refused, naming the goal.
    again = client.post(rate_url, {f"goal_{goal.pk}": "4"})
    assert again.status_code == 200
    assert "Dit doel heeft deze week al een score (5)." in again.content.decode()
    assert list(goal.ratings.values_list("score", "rated_by")) == [
        (8, world.physio_a.pk),
        (5, world.physio_a.pk),
    ]

    change_url = reverse(
        "tracker:staff_goal_change", args=[world.clinic_a.slug, patient.pk, goal.pk]
    )
    prefix = f"goal{goal.pk}"
    incomplete = client.post(change_url, {f"{prefix}-action": "reword"})
    assert "Beschrijf de activiteit." in incomplete.content.decode()
    client.post(
        change_url,
        {
            f"{prefix}-action": "reword",
            f"{prefix}-activity": "Een uur tuinieren",
            f"{prefix}-score": "5",
        },
    )
    new = Goal.objects.get(status=GoalStatus.ACTIVE)
    assert (new.activity, new.replaces, new.created_by) == (
        "Een uur tuinieren",
        goal,
        world.physio_a,
    )

    events = list(
        AccessLog.objects.filter(patient_ref=patient.pseudonym)
        .order_by("pk")
        .values_list("event", "action", "username")
    )
    assert ("goals.create", "C", "physio-a") in events
    assert ("goals.rate", "U", "physio-a") in events
    assert ("goals.reword", "U", "physio-a") in events
    page = client.get(url).content.decode()
    assert f"Gekozen door {world.physio_a.display_name()}" in page
    assert "Eerder omschreven als: Tuinieren." in page
    assert "Anders omschreven op" in page


def test_a_staff_read_of_the_goals_is_logged_and_a_patients_is_not(world, patient):
    choose(patient, ("Fietsen", 6))
    before = AccessLog.objects.count()
    client_for(patient.user).get(GOALS)
    client_for(patient.user).get(PROGRESS)
    assert AccessLog.objects.count() == before
    assert client_for(world.physio_a).get(staff_goals_url(patient)).status_code == 200
    record = AccessLog.objects.latest("pk")
    assert (record.event, record.action, record.patient_ref) == (
        "goals.view",
        "R",
        patient.pseudonym,
    )
    assert AccessLog.objects.count() == before + 1


def test_another_clinics_goals_are_a_404_that_leaves_no_record(world, patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    other = world.patient_other_clinic
    (other_goal,) = choose(other, ("Zwemmen", 5))
    before = AccessLog.objects.count()
    physio_b = client_for(world.physio_b)
    missing = physio_b.get(reverse("tracker:staff_goals", args=["clinic-b", 999_999]))
    for slug in ("clinic-a", "clinic-b"):
        page = physio_b.get(reverse("tracker:staff_goals", args=[slug, patient.pk]))
        assert page.status_code == 404
        assert page.content == missing.content
        for name, args in (
            ("tracker:staff_goals_rate", [slug, patient.pk]),
            ("tracker:staff_goal_change", [slug, patient.pk, goal.pk]),
        ):
            assert physio_b.post(reverse(name, args=args), {}).status_code == 404
    # Clinic A's physio: another patient's goal through their own patient's address.
    physio_a = client_for(world.physio_a)
    sneaky = reverse(
        "tracker:staff_goal_change", args=[world.clinic_a.slug, patient.pk, other_goal.pk]
    )
    assert physio_a.post(sneaky, {f"goal{other_goal.pk}-action": "dropped"}).status_code == 404
    assert AccessLog.objects.count() == before
    assert Goal.objects.filter(status=GoalStatus.ACTIVE).count() == 2


def test_the_staff_goal_pages_refuse_the_wrong_method_and_patients(world, patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    slug = world.clinic_a.slug
    rate_url = reverse("tracker:staff_goals_rate", args=[slug, patient.pk])
    change_url = reverse("tracker:staff_goal_change", args=[slug, patient.pk, goal.pk])
    physio = client_for(world.physio_a)
    assert physio.get(rate_url).status_code == 405
    assert physio.get(change_url).status_code == 405
    assert physio.put(staff_goals_url(patient)).status_code == 405
    assert client_for(patient.user).get(staff_goals_url(patient)).status_code == 403
    assert client_for(None).get(staff_goals_url(patient))["Location"].startswith(reverse("login"))


# --- Goals inform; they trigger nothing -------------------------------------------------


def test_goals_change_no_advice(patient, clock):
    episode = patient.episodes.get()
    for n in range(10):
        make_entry(episode, timezone.localdate() - dt.timedelta(days=n), pain=7, function="no")
    assessment.reassess(episodes=[episode])
    episode.refresh_from_db()
    before = (episode.level, episode.reasons, AssessmentRecord.objects.count())
    (goal,) = choose(patient, ("Fietsen", 2), today=timezone.localdate() - dt.timedelta(days=7))
    goals.goals_rate(episode=episode, scores={goal.pk: 10}, by=patient.user)  # much worse
    assessment.reassess(episodes=[episode])
    episode.refresh_from_db()
    assert (episode.level, episode.reasons, AssessmentRecord.objects.count()) == before


# --- The caseload, the outcomes, the summary and the exports ----------------------------


def test_the_caseload_counts_goals_better_same_and_worse(world, patient, clock):
    better, same, worse = choose(patient, ("Fietsen", 8), ("Tuinieren", 6), ("Wandelen", 3))
    choose(world.patient_b, ("Zwemmen", 5))  # not scored again yet
    day = timezone.localdate() + dt.timedelta(days=7)
    for goal, score in ((better, 5), (same, 4), (worse, 6)):
        rate(goal, score, day=day)
    clock.shift(dt.timedelta(days=7))
    client = client_for(world.physio_a)
    response = client.get(reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug]))
    rows = {row["patient"]: row["episode"] for row in response.context["rows"]}
    a, b = rows[patient], rows[world.patient_b]
    assert (a.goals_better, a.goals_same, a.goals_worse) == (1, 1, 1)
    assert (b.goals_better, b.goals_same, b.goals_worse, b.goals_count) == (0, 0, 0, 1)
    page = response.content.decode()
    assert ">1 / 1 / 1</span>" in page
    assert ">1 gekozen</span>" in page  # chosen, not scored again yet
    assert "(beter / gelijk / slechter)" in page
    export = client.get(reverse("tracker:caseload_csv", args=[world.clinic_a.slug]))
    table = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    cells = {row["patiënt"]: row["doelen: beter / gelijk / slechter"] for row in table}
    assert cells == {str(patient): "1 / 1 / 1", str(world.patient_b): "1 gekozen"}


def _caseload_with_goals(world, size: int) -> None:
    onset = timezone.localdate() - dt.timedelta(days=20)
    patients = [make_patient(world.clinic_a, onset=onset) for _ in range(size)]
    DailyEntry.objects.bulk_create(
        DailyEntry(
            episode=p.episodes.get(),
            day=timezone.localdate() - dt.timedelta(days=n),
            pain=5,
            function="yes",
        )
        for p in patients
        for n in range(10)
    )
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    for number, p in enumerate(patients):
        chosen = choose(p, ("Fietsen", 7), ("Tuinieren", 5), by=p.user, today=week_ago)
        for goal, score in zip(chosen, (3 + number % 5, 5 + number % 3), strict=True):
            rate(goal, score, day=timezone.localdate())
    call_command("reassess", stdout=io.StringIO())


@pytest.mark.parametrize("size", [5, 200])
def test_the_caseload_query_count_is_unchanged_with_goals(world, size, django_assert_num_queries):
    _caseload_with_goals(world, size)
    assert Goal.objects.count() == 2 * size
    client = client_for(world.physio_a)
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    client.get(url)  # the first look of the session records the visit ("new since")
    # As tests/test_dashboard.py pins it without goals: session, user, two-factor
    # device, role, clinic, count, page, counts per level, sparklines, access log,
    # clinic switch. The goals column is part of the page's own query.
    with django_assert_num_queries(11):
        response = client.get(url, {"level": engine.ON_TRACK})
    assert response.status_code == 200
    with django_assert_num_queries(11):
        response = client.get(url)
    shown = {row["episode"].pk: row["episode"].goals_count for row in response.context["rows"]}
    assert shown == {
        pk: Goal.objects.filter(episode=pk).count() for pk in shown
    }  # 2 for the patients made here, 0 for the personas
    assert sorted(set(shown.values())) == [0, 2]


def test_the_record_and_progress_pages_read_goals_in_a_fixed_number_of_queries(
    world, patient, clock, django_assert_num_queries
):
    record = reverse("tracker:patient_detail", args=[world.clinic_a.slug, patient.pk])
    staff, own = client_for(world.physio_a), client_for(patient.user)
    (goal,) = choose(patient, ("Fietsen", 6))
    own.get(PROGRESS)
    with django_assert_num_queries(15) as few_record:  # tests/test_dashboard.py's 14 + scores
        staff.get(record)
    with django_assert_num_queries(9) as few_progress:  # tests/test_progress.py's 8 + scores
        own.get(PROGRESS)
    five_weeks_ago = timezone.localdate() - dt.timedelta(weeks=5)
    for chosen in choose(patient, ("Tuinieren", 5), ("Wandelen", 4), today=five_weeks_ago):
        for week in range(1, 6):
            rate(chosen, 5 - week % 3, day=five_weeks_ago + dt.timedelta(weeks=week))
    assert GoalRating.objects.count() == 13
    with django_assert_num_queries(len(few_record.captured_queries)):
        page = staff.get(record).content.decode()
    with django_assert_num_queries(len(few_progress.captured_queries)):
        own.get(PROGRESS)
    assert page.count('<svg class="goal-chart"') == 3


def test_the_outcomes_count_episodes_with_a_meaningful_improvement_by_week_4_and_6(world, clock):
    today = timezone.localdate()
    clinic = make_clinic("uitkomsten")
    physio = make_physio(clinic)

    def episode_with(weeks_ago: int, scores: list[tuple[int, int]], chosen_week: int = 0):
        patient = make_patient(clinic, onset=today - dt.timedelta(weeks=weeks_ago))
        onset = patient.episodes.get().onset
        start_day = onset + dt.timedelta(weeks=chosen_week)
        (goal,) = choose(patient, ("Fietsen", 8), today=start_day)
        for week, score in scores:
            rate(goal, score, day=onset + dt.timedelta(weeks=week))

    episode_with(8, [(2, 7), (3, 5)])  # 3 points by week 3: improved by weeks 4 and 6
    episode_with(8, [(3, 6), (5, 5)])  # 2 points by week 4, 3 by week 5: only by week 6
    episode_with(8, [(3, 7), (5, 6)])  # never 3 points
    episode_with(8, [(6, 2)], chosen_week=5)  # chose a goal only in week 5: week 6 only
    episode_with(5, [(2, 4)])  # week 4 reached, week 6 not yet
    make_patient(clinic, onset=today - dt.timedelta(weeks=8))  # no goals: not counted
    response = client_for(physio).get(reverse("tracker:clinic_outcomes", args=[clinic.slug]))
    rows = {row.week: (row.eligible, row.improved) for row in response.context["goal_rows"]}
    assert rows == {4: (4, 2), 6: (4, 3)}
    page = response.content.decode()
    assert "Duidelijk vooruit in ten minste één doel" in page
    assert "2 (50%)" in page and "3 (75%)" in page


def test_the_summary_lists_the_goals_with_their_change(world, patient, clock):
    first, second = choose(patient, ("Fietsen", 8), ("Tuinieren", 6))
    rate(first, 4, day=timezone.localdate() + dt.timedelta(days=7))
    clock.shift(dt.timedelta(days=7))
    response = client_for(patient.user).get(reverse("tracker:summary_pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Doelen van de patiënt (0 = geen probleem, 10 = onmogelijk)" in text
    assert "Fietsen (bij de start 8, nu 4: 4 punten minder moeite, een duidelijk verschil)" in text
    assert "Tuinieren (bij de start 6, nog niet opnieuw gescoord)" in text


def test_both_downloads_hold_the_goals_and_their_history(world, patient, clock):
    (goal,) = choose(patient, ("Fietsen", 8))
    rate(goal, 5, day=timezone.localdate() + dt.timedelta(days=7))
    clock.shift(dt.timedelta(days=7))
    goals.goal_close(goal=goal, status=GoalStatus.ACHIEVED, by=patient.user)
    choose(world.patient_b, ("Niet van A", 5))
    client = client_for(patient.user)
    data = json.loads(client.get(reverse("tracker:export_json")).content)
    (exported,) = data["episodes"][0]["goals"]
    assert (exported["activity"], exported["status"]) == ("Fietsen", "achieved")
    assert [(r["week"], r["score"]) for r in exported["ratings"]] == [(0, 8), (1, 5)]
    body = client.get(reverse("tracker:export_csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    goal_rows = {row["Gegeven"]: row["Waarde"] for row in rows if row["Onderdeel"] == "Doel"}
    assert goal_rows["Activiteit"] == "Fietsen"
    assert goal_rows["Status"] == "gelukt"
    assert goal_rows["Score (week 0)"] == "8"
    assert goal_rows["Score (week 1)"] == "5"
    assert "Niet van A" not in body


def test_the_goals_read_in_english_for_a_patient_who_reads_english(patient, clock):
    (goal,) = choose(patient, ("Cycling", 8))
    rate(goal, 5, day=timezone.localdate() + dt.timedelta(days=7))
    clock.shift(dt.timedelta(days=7))
    client = client_for(patient.user)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(PROGRESS).content.decode()
    assert "Your goals" in page
    assert "3 points less effort." in page
    assert "Clearly better" in page


# --- Bad input --------------------------------------------------------------------------


SCORES = st.integers(min_value=0, max_value=10).map(str)
ACTIVITIES = st.one_of(st.sampled_from(["Fietsen", "De hond uitlaten"]), st.text(max_size=120))


class GoalFormsBadInputTests(TestCase):
    """Whatever arrives in the goal forms: the form with its errors or a redirect,
    never a 500, and nothing invalid stored."""

    @classmethod
    def setUpTestData(cls):
        clinic = make_clinic("clinic-a")
        cls.physio = make_physio(clinic, username="physio-a")
        cls.patient = make_patient(
            clinic,
            username="patient-a",
            physio=cls.physio,
            onset=timezone.localdate() - dt.timedelta(days=20),
        )
        cls.episode = cls.patient.episodes.get()

    def setUp(self):
        self.client = client_for(self.patient.user)

    def assert_nothing_invalid_stored(self) -> None:
        for goal in Goal.objects.all():
            assert goal.activity.strip() and len(goal.activity) <= psk.ACTIVITY_MAX_LENGTH
            assert "\x00" not in goal.activity
        assert Goal.objects.filter(status=GoalStatus.ACTIVE).count() <= psk.MAX_ACTIVE
        for rating in GoalRating.objects.all():
            assert rating.score is None or 0 <= rating.score <= 10

    @fuzz(50)
    @given(
        data=form_data(
            {
                "activity_1": ACTIVITIES,
                "score_1": SCORES,
                "activity_2": ACTIVITIES,
                "score_2": SCORES,
                "activity_3": ACTIVITIES,
                "score_3": SCORES,
                "next": st.sampled_from(["checkin", "", "https://evil.example/"]),
            }
        )
    )
    def test_choosing_goals_stores_named_activities_with_scores_or_shows_the_form(self, data):
        response = self.client.post(GOALS, data)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert response["Location"] in (reverse("tracker:checkin"), PROGRESS + "#goals")
            assert Goal.objects.exists()
            filled = [
                (activity, int(last(data[f"score_{n}"])))
                for n in (1, 2, 3)
                if (activity := " ".join((last(data.get(f"activity_{n}")) or "").split()))
            ]
            stored = [
                (goal.activity, goal.ratings.get().score) for goal in Goal.objects.order_by("place")
            ]
            assert stored == filled  # the filled rows in order, in the first free places
        else:
            assert b'id="form-errors"' in response.content or not data
            assert not Goal.objects.exists()
        self.assert_nothing_invalid_stored()

    @fuzz(40)
    @given(first=st.one_of(SCORES, JUNK, st.just(OMITTED)), skip=st.booleans())
    def test_the_weekly_scores_are_0_to_10_or_named(self, first, skip):
        with time_machine.travel(timezone.now() - dt.timedelta(days=8)):
            (goal,) = choose(self.patient, ("Fietsen", 6))
        data = {"skip": "1"} if skip else {}
        if first is not OMITTED:
            data[f"goal_{goal.pk}"] = first
        response = self.client.post(WEEK, data)
        rating = goal.ratings.filter(week=1).first()
        if skip:
            assert response["Location"] == HOME
            assert rating is not None and rating.score is None
        elif first is not OMITTED and first in [str(n) for n in range(11)]:
            assert response["Location"] == HOME
            assert rating.score == int(first)
        else:
            assert response.status_code == 200 or not data
            assert rating is None
        self.assert_nothing_invalid_stored()

    @fuzz(40)
    @given(
        data=form_data(
            {
                "action": st.sampled_from(["achieved", "dropped", "reword"]),
                "activity": ACTIVITIES,
                "score": SCORES,
            }
        )
    )
    def test_a_physio_closes_or_rewords_a_goal_only_with_a_complete_form(self, data):
        (goal,) = choose(self.patient, ("Fietsen", 6))
        url = reverse("tracker:staff_goal_change", args=["clinic-a", self.patient.pk, goal.pk])
        response = client_for(self.physio).post(
            url, {f"goal{goal.pk}-{name}": value for name, value in data.items()}
        )
        goal.refresh_from_db()
        action = last(data.get("action"))
        activity = " ".join((last(data.get("activity")) or "").split())
        score = last(data.get("score"))
        complete = action in ("achieved", "dropped") or (
            action == "reword" and activity and score in [str(n) for n in range(11)]
        )
        if response.status_code == 302:
            assert complete
            if action == "reword":
                assert goal.status == GoalStatus.REWORDED
                new = goal.replaced_by
                assert (new.activity, new.ratings.get().score) == (activity, int(score))
            else:
                assert goal.status == action
        else:
            assert response.status_code == 200
            assert b'id="form-errors"' in response.content
            assert goal.is_active and not goal.ratings.exclude(week=0).exists()
        self.assert_nothing_invalid_stored()


def test_a_goal_typed_while_another_tab_took_the_last_place_is_kept_with_a_message(patient):
    choose(patient, ("Fietsen", 6), ("Tuinieren", 7))
    client = client_for(patient.user)
    assert 'name="activity_1"' in client.get(GOALS).content.decode()  # one row free
    choose(patient, ("Wandelen", 5))  # meanwhile, in another tab
    response = client.post(
        GOALS,
        {"activity_1": "De hond uitlaten", "score_1": "8", "activity_2": "Zwemmen", "score_2": "4"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "U heeft al drie doelen. Sluit er eerst een af." in page
    assert 'value="De hond uitlaten"' in page and 'value="Zwemmen"' in page
    assert Goal.objects.filter(status=GoalStatus.ACTIVE).count() == 3


def test_rewording_a_goal_of_a_period_closed_meanwhile_says_why_on_the_page(world, patient):
    (goal,) = choose(patient, ("Fietsen", 6))
    lifecycle.episode_close(episode=patient.episodes.get(), outcome="recovered")
    client = client_for(world.physio_a)
    change_url = reverse(
        "tracker:staff_goal_change", args=[world.clinic_a.slug, patient.pk, goal.pk]
    )
    prefix = f"goal{goal.pk}"
    response = client.post(
        change_url,
        {
            f"{prefix}-action": "reword",
            f"{prefix}-activity": "Naar het werk fietsen",
            f"{prefix}-score": "5",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == staff_goals_url(patient)
    assert "Deze periode is afgesloten." in response.content.decode()
    assert not Goal.objects.filter(activity="Naar het werk fietsen").exists()
