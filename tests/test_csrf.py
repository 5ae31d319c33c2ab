"""Requests that change state (ASVS 8.4.1, 4.2.2): POST with a CSRF token only,
never a GET, and never someone else's data through an extra form field.

The URLs, their arguments and the personas come from the access matrix.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from advice import engine
from tests import test_access_matrix as matrix
from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.test_access_matrix import (
    ADMIN_REFUSED,
    MATRIX,
    NOT_ALLOWED,
    OK,
    PERSONAS,
    Things,
    invitation_form,
    url_of,
)
from tracker import checkins, lifecycle
from tracker.assessment import SNAPSHOT_FIELDS
from tracker.models import (
    AccessLog,
    CaseloadVisit,
    ContactRecord,
    DailyEntry,
    Episode,
    Goal,
    GoalRating,
    Patient,
    RedFlag,
    RedFlagReport,
)

# The matrix's fixtures: its world, made once for this module too.
noon, built, things = matrix.noon, matrix.built, matrix.things

CSRF_REFUSED = b"refused by CsrfViewMiddleware"
TOKEN = "k" * 32  # a CSRF secret: the cookie and the form field carry the same one
NEW_PASSWORD = "een-nieuw-lang-wachtwoord-7"


def csrf_refused(request, reason=""):
    """Stands in for CSRF_FAILURE_VIEW: a 403 that can only come from the middleware."""
    return HttpResponseForbidden(CSRF_REFUSED)


@pytest.fixture
def csrf_marked(settings):
    settings.CSRF_FAILURE_VIEW = "tests.test_csrf.csrf_refused"


# --- The database, before and after -------------------------------------------------

# A GET may refresh the episode's stored assessment (the date alone can change the
# advice), append to the access log and write session data. Nothing else.
ASSESSMENT_FIELDS = set(SNAPSHOT_FIELDS)


@functools.cache
def _selects(assessment: bool) -> dict[str, str]:
    """Per model (sessions aside): a SELECT of every column, in primary-key order."""
    quote = connection.ops.quote_name
    selects = {}
    for model in apps.get_models():
        if model is Session:
            continue
        columns = [
            quote(f.column)
            for f in model._meta.concrete_fields
            if assessment or not (model is Episode and f.name in ASSESSMENT_FIELDS)
        ]
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        selects[model._meta.label] = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {pk}"
    return selects


def database(*, assessment: bool = True) -> dict[str, list]:
    """Every row of every model (sessions aside), column by column. Plain SQL: it
    runs twice in each of about a thousand tests."""
    with connection.cursor() as cursor:
        rows = {}
        for label, select in _selects(assessment).items():
            cursor.execute(select)
            rows[label] = cursor.fetchall()
    return rows


def assert_unchanged_but_for_reads(before: dict, after: dict) -> None:
    """Equal, except that the access log may have grown (it is append-only) and a
    physiotherapist's caseload visit may be recorded ("new since you last looked"):
    both record that someone looked, and change nobody's data."""
    log = AccessLog._meta.label
    assert after[log][: len(before[log])] == before[log]
    reads = {log, CaseloadVisit._meta.label}
    assert {k: v for k, v in after.items() if k not in reads} == {
        k: v for k, v in before.items() if k not in reads
    }


# --- Every URL that changes state -----------------------------------------------------


@dataclass(frozen=True)
class Post:
    """Who posts to a state-changing URL, and a POST that would be accepted."""

    persona: str
    data: Callable[[Things], dict] = lambda t: {}
    # The database changes when the POST is accepted (else: session or cookie only).
    writes: bool = False
    # Where to post, when not at the matrix's URL: gets the strict client ready.
    prepare: Callable[[Client, Things], str] | None = None
    # With the token the view itself still says no (a view-only admin page): 403.
    refused: bool = False


def checklist(*present: str) -> dict:
    return {f"red_flag_{code}": "yes" if code in present else "no" for code in engine.RED_FLAGS}


def intake_answers(t: Things) -> dict:
    return (
        {"onset": t.episode_a.onset.isoformat()}
        | checklist()
        | {f"risk_{code}": "yes" for code in engine.YELLOW_FLAGS}
    )


def checkin_today(t: Things) -> dict:
    return {"pain": "3", "function": "yes", "work_status": "n_a", "version": ""}


def todays_check_in(client: Client, t: Things) -> str:
    return reverse("tracker:checkin_day", args=[timezone.localdate()])


def invitation_data(t: Things) -> dict:
    return {
        "first_name": "Anna",
        "last_name": "de Vries",
        "email": "anna@example.org",
        "clinic": str(t.world.clinic_a.pk),
        "onset": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "year_of_birth": "1979",
        "language": "nl",
    }


def open_the_invitation(client: Client, t: Things) -> str:
    response = client.get(url_of("tracker:invitation_accept", t))
    assert response["Location"] == invitation_form(t)
    return response["Location"]


def open_the_reset_link(client: Client, t: Things) -> str:
    response = client.get(url_of("password_reset_confirm", t))
    assert response["Location"] == matrix.reset_form(t)
    return response["Location"]


def no_open_episode(client: Client, t: Things) -> str:
    lifecycle.episode_close(episode=t.episode_a, outcome="recovered")
    return reverse("tracker:episode_new")


def intake_not_done(client: Client, t: Things) -> str:
    """The first visit is open once per episode: before it is done."""
    Episode.objects.filter(pk=t.episode_a.pk).update(intake_done_at=None)
    return reverse("tracker:intake")


def red_flags_resolved(client: Client, t: Things) -> str:
    """A patient closes the diary only once no red flag is open."""
    for report in t.episode_a.red_flags.filter(resolved_at__isnull=True):
        checkins.red_flag_resolve(report=report, resolution="gone")
    return reverse("tracker:episode_close")


def risk_factors_due(client: Client, t: Things) -> str:
    Episode.objects.filter(pk=t.episode_a.pk).update(reasons=[engine.NOT_IMPROVING])
    return reverse("tracker:risk_factors")


def goal_a_chosen_a_week_ago(t: Things) -> None:
    """Patient A's goal was chosen seven days ago: this week's score is due."""
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    Goal.objects.filter(pk=t.goal_a.pk).update(started_on=week_ago)
    GoalRating.objects.filter(goal=t.goal_a).update(rated_on=week_ago)


def weekly_goals_due(client: Client, t: Things) -> str:
    goal_a_chosen_a_week_ago(t)
    return reverse("tracker:goals_week")


def staff_scores_due(client: Client, t: Things) -> str:
    goal_a_chosen_a_week_ago(t)
    return url_of("tracker:staff_goals_rate", t)


def new_passwords(t: Things) -> dict:
    return {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def password_change(t: Things) -> dict:
    return {"old_password": PASSWORD} | new_passwords(t)


SITE_POSTS = {
    "login": Post("anonymous", lambda t: {"username": "patient-a", "password": PASSWORD}, True),
    "logout": Post("patient_a"),
    # A patient's choice is stored on their profile.
    "set_language": Post("patient_a", lambda t: {"language": "en"}, True),
    "password_reset": Post("anonymous", lambda t: {"email": "patient-a@example.org"}),
    "password_reset_confirm": Post("anonymous", new_passwords, True, open_the_reset_link),
    "two_factor": Post("physio_a", lambda t: {"token": "123456"}),
    "password_change": Post("patient_a", password_change, True),
    "tracker:invitation_accept": Post("anonymous", new_passwords, True, open_the_invitation),
    "tracker:intake": Post("patient_a", intake_answers, True, intake_not_done),
    "tracker:checkin_day": Post("patient_a", checkin_today, True, todays_check_in),
    "tracker:red_flags": Post("patient_a", lambda t: checklist("fever_unwell"), True),
    "tracker:red_flag_resolve": Post("patient_a", lambda t: {"resolution": "gone"}, True),
    "tracker:risk_factors": Post(
        "patient_a",
        lambda t: {f"risk_{code}": "no" for code in engine.YELLOW_FLAGS},
        True,
        risk_factors_due,
    ),
    "tracker:episode_close": Post(
        "patient_a", lambda t: {"outcome": "improved"}, True, red_flags_resolved
    ),
    "tracker:episode_new": Post(
        "patient_a", lambda t: {"onset": timezone.localdate().isoformat()}, True, no_open_episode
    ),
    "tracker:patient_settings": Post("patient_a", lambda t: {"language": "en"}, True),
    "tracker:account_delete": Post(
        "patient_a", lambda t: {"confirm": "on", "password": PASSWORD}, True
    ),
    "tracker:invite_patient": Post("physio_a", invitation_data, True),
    "tracker:alert_acknowledge": Post(
        "physio_a", lambda t: shown_alert(t.world.patient_a) | {"action": "called"}, True
    ),
    "tracker:staff_episode_close": Post(
        "physio_a", lambda t: {"outcome": "improved", "confirm": "on"}, True
    ),
    "tracker:staff_settings": Post("physio_a", lambda t: {}, True),
    "tracker:goals": Post("patient_a", lambda t: {"activity_1": "Fietsen", "score_1": "6"}, True),
    "tracker:goal_close": Post("patient_a", lambda t: {"status": "dropped"}, True),
    "tracker:goals_week": Post(
        "patient_a", lambda t: {f"goal_{t.goal_a.pk}": "4"}, True, weekly_goals_due
    ),
    "tracker:staff_goals": Post(
        "physio_a", lambda t: {"activity_1": "Tuinieren", "score_1": "7"}, True
    ),
    "tracker:staff_goals_rate": Post(
        "physio_a", lambda t: {f"goal_{t.goal_a.pk}": "5"}, True, staff_scores_due
    ),
    "tracker:staff_goal_change": Post(
        "physio_a", lambda t: {f"goal{t.goal_a.pk}-action": "achieved"}, True
    ),
    "tracker:invitation_resend": Post("physio_a"),
    "tracker:sign_in_link": Post("physio_a"),
}


def admin_posts() -> dict[str, Post]:
    """The admin's forms: login, logout, passwords, and per ModelAdmin its list
    (actions), add, change and delete pages, unless the ModelAdmin refuses them."""
    posts = {
        "admin:login": Post("anonymous", lambda t: {"username": "admin", "password": PASSWORD}),
        "admin:logout": Post("admin"),
        "admin:password_change": Post("admin", lambda t: {"old_password": PASSWORD}),
        "admin:auth_user_password_change": Post("admin"),
    }
    for model in admin.site._registry:
        label = model._meta.label_lower
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for view in ("changelist", "add", "change", "delete"):
            if view not in ADMIN_REFUSED.get(label, set()):
                # An empty form is accepted and answered with its errors; a delete
                # is confirmed with post=yes.
                data = (lambda t: {"post": "yes"}) if view == "delete" else (lambda t: {})
                # The access log's page is view-only: its form posts, and is refused.
                refused = view == "change" and label in ADMIN_VIEW_ONLY
                posts[f"admin:{info}_{view}"] = Post("admin", data, refused=refused)
    return posts


ADMIN_VIEW_ONLY = {"tracker.accesslog"}
STATE_CHANGING = {**SITE_POSTS, **admin_posts()}


def post_url(key: str, post: Post, client: Client, things: Things) -> str:
    return post.prepare(client, things) if post.prepare else url_of(key, things)


# --- The meta-tests -------------------------------------------------------------------


def test_every_listed_url_exists():
    assert set(STATE_CHANGING) <= set(MATRIX)


def test_every_post_only_url_is_listed():
    post_only = {k for k, e in MATRIX.items() if NOT_ALLOWED in e.get.values()}
    assert post_only - set(STATE_CHANGING) == set()


FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(method|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def post_form_targets(page: str, url: str) -> set[str]:
    """The URL keys every <form method="post"> on the page sends to."""
    targets = set()
    for tag in FORM.findall(page):
        attributes = {name.lower(): value for name, value in ATTRIBUTE.findall(tag)}
        if attributes.get("method", "get").lower() == "post":
            match = resolve(urlsplit(attributes.get("action") or url).path)
            targets.add(match.view_name if match.url_name else match.route)
    return targets


@pytest.mark.parametrize("key", [k for k, e in MATRIX.items() if OK in e.get.values()], ids=str)
def test_every_form_that_posts_goes_to_a_listed_url(key, things):
    """Pages are opened by every persona who may; each post form's target is listed."""
    for persona in PERSONAS:
        if MATRIX[key].get[persona] == OK:
            url = url_of(key, things)
            response = things.client(persona).get(url)
            if response.get("Content-Type", "").startswith("text/html"):
                targets = post_form_targets(response.content.decode(), url)
                assert targets - set(STATE_CHANGING) == set(), f"{url} as {persona}"


# --- No POST without a token ------------------------------------------------------------


def allowed_persona(key: str) -> str:
    """Who may use the URL (the access-checking method's outcome)."""
    entry = MATRIX[key]
    return next((p for p in reversed(PERSONAS) if entry.access(p).allowed), "anonymous")


@pytest.mark.usefixtures("csrf_marked")
@pytest.mark.parametrize("key", list(MATRIX), ids=str)
def test_every_url_refuses_a_post_without_a_csrf_token(key, things):
    persona = STATE_CHANGING[key].persona if key in STATE_CHANGING else allowed_persona(key)
    client = things.client(persona, enforce_csrf_checks=True)
    url = url_of(key, things)
    before = database()
    response = client.post(url, MATRIX[key].data(things))
    assert (response.status_code, response.content) == (403, CSRF_REFUSED)
    assert database() == before


@pytest.mark.usefixtures("csrf_marked")
@pytest.mark.parametrize("key", list(STATE_CHANGING), ids=str)
def test_a_state_changing_post_needs_the_token_and_is_accepted_with_it(key, things):
    post = STATE_CHANGING[key]
    client = things.client(post.persona, enforce_csrf_checks=True)
    url = post_url(key, post, client, things)
    data = post.data(things)
    before = database()

    response = client.post(url, data)
    assert (response.status_code, response.content) == (403, CSRF_REFUSED)
    assert database() == before

    # The very same POST with the token gets through: the refusal was the token's.
    client.cookies["csrftoken"] = TOKEN
    response = client.post(url, data | {"csrfmiddlewaretoken": TOKEN})
    assert response.content != CSRF_REFUSED
    assert (response.status_code == 403) == post.refused
    if post.writes:
        assert database() != before


def test_the_real_csrf_failure_page_is_a_403(things):
    client = things.client("patient_a", enforce_csrf_checks=True)
    response = client.post(todays_check_in(client, things), checkin_today(things))
    assert response.status_code == 403
    assert not DailyEntry.objects.filter(day=timezone.localdate()).exists()


# --- No GET changes state --------------------------------------------------------------

GET_CASES = [
    pytest.param(key, persona, id=f"GET {key} as {persona}")
    for key in MATRIX
    for persona in PERSONAS
]


@pytest.mark.parametrize(("key", "persona"), GET_CASES)
def test_a_get_changes_nothing(key, persona, things):
    """Every row of every model is the same afterwards, with four exceptions: the
    access log may have grown (existing records untouched), a caseload visit may be
    recorded, session data may have changed, and an episode's stored assessment may
    have been refreshed (level,
    reasons, baseline, mean_7d, rules_version, assessed_on, triage_rank,
    red_flag_at, first_improved_on, first_recovered_on, alert_raised_at)."""
    client = things.client(persona)
    url = url_of(key, things)
    before = database(assessment=False)
    client.get(url)
    assert_unchanged_but_for_reads(before, database(assessment=False))


# --- Extra fields name nobody else ------------------------------------------------------


def shown_alert(patient: Patient) -> dict:
    """What the patient page posts back when acknowledging: the alert it showed."""
    raised = (
        patient.episodes.filter(closed_at__isnull=True)
        .values_list("alert_raised_at", flat=True)
        .first()
    )
    return {"raised_at": raised.isoformat() if raised else ""}


def pointing_at(patient: Patient) -> dict:
    """Fields a forged form might add, all naming another patient, clinic, user."""
    episode = patient.episodes.order_by("-opened_at").first()
    return {
        "patient": patient.pk,
        "patient_id": patient.pk,
        "clinic": patient.clinic_id,
        "clinic_id": patient.clinic_id,
        "user": patient.user_id,
        "user_id": patient.user_id,
        "episode": episode.pk,
        "episode_id": episode.pk,
    }


@pytest.mark.parametrize("other", ["patient_b", "patient_other_clinic"])
def test_a_check_in_is_stored_in_the_patients_own_episode(things, other):
    w = things.world
    data = checkin_today(things) | pointing_at(getattr(w, other))
    client = client_for(w.patient_a.user)
    response = client.post(todays_check_in(client, things), data)
    assert response.status_code == 302
    entry = DailyEntry.objects.get(day=timezone.localdate())
    assert entry.episode == things.episode_a
    assert DailyEntry.objects.exclude(episode=things.episode_a).count() == 0


@pytest.mark.parametrize("other", ["patient_b", "patient_other_clinic"])
def test_red_flags_are_reported_in_the_patients_own_episode(things, other):
    w = things.world
    data = checklist("leg_weakness") | pointing_at(getattr(w, other))
    response = client_for(w.patient_a.user).post(reverse("tracker:red_flags"), data)
    assert response.status_code == 302
    report = RedFlagReport.objects.get(code=RedFlag.LEG_WEAKNESS)
    assert report.episode == things.episode_a
    assert not RedFlagReport.objects.exclude(episode=things.episode_a).exists()


def test_an_invitation_creates_the_patient_at_the_physios_own_clinic(things):
    w = things.world
    forged = pointing_at(w.patient_other_clinic)
    del forged["clinic"]  # a real field of the form: tried on its own below
    data = invitation_data(things) | forged | {"physio": w.physio_b.pk}
    response = client_for(w.physio_a).post(
        reverse("tracker:invite_patient", args=["clinic-a"]), data
    )
    assert response.status_code == 302
    patient = Patient.objects.get(user__email="anna@example.org")
    assert (patient.clinic, patient.physio) == (w.clinic_a, w.physio_a)
    assert patient.user.pk not in {w.patient_other_clinic.user_id, w.patient_b.user_id}
    assert w.patient_other_clinic.episodes.count() == 1


def test_an_invitation_to_another_clinic_is_refused(things):
    w = things.world
    client = client_for(w.physio_a)
    before = database()
    data = invitation_data(things) | {"clinic": str(w.clinic_b.pk)}
    response = client.post(reverse("tracker:invite_patient", args=["clinic-a"]), data)
    assert response.status_code == 200  # the form again, with its error
    assert not Patient.objects.filter(user__email="anna@example.org").exists()
    assert_unchanged_but_for_reads(before, database())


def alerted(patient: Patient) -> Episode:
    """The patient's open episode with an unacknowledged alert (a red flag)."""
    episode = patient.episodes.get(closed_at__isnull=True)
    checkins.red_flags_report(episode=episode, codes=[RedFlag.ACCIDENT])
    episode.refresh_from_db()
    assert episode.alert_unacknowledged
    return episode


@pytest.mark.parametrize("other", ["patient_b", "patient_other_clinic"])
def test_acknowledging_an_alert_touches_only_that_patient(things, other):
    w = things.world
    target, bystander = alerted(w.patient_a), alerted(getattr(w, other))
    url = reverse("tracker:alert_acknowledge", args=[w.clinic_a.slug, w.patient_a.pk])
    data = {**pointing_at(getattr(w, other)), **shown_alert(w.patient_a), "action": "called"}
    assert client_for(w.physio_a).post(url, data).status_code == 302
    assert list(ContactRecord.objects.values_list("episode", flat=True)) == [target.pk]
    target.refresh_from_db()
    bystander.refresh_from_db()
    assert not target.alert_unacknowledged
    assert bystander.alert_unacknowledged


@pytest.mark.parametrize("other", ["patient_b", "patient_other_clinic"])
def test_closing_an_episode_closes_only_that_patients(things, other):
    w = things.world
    url = reverse("tracker:staff_episode_close", args=[w.clinic_a.slug, w.patient_a.pk])
    data = {"outcome": "improved", "confirm": "on"} | pointing_at(getattr(w, other))
    assert client_for(w.physio_a).post(url, data).status_code == 302
    closed = Episode.objects.filter(closed_at__isnull=False)
    assert list(closed.values_list("pk", "outcome")) == [(things.episode_a.pk, "improved")]
