"""Who may open what: every URL of the project, tried by six personas (ASVS 8.2.2).

The URL list comes from the resolver, so a new view cannot slip past: a
meta-test fails when a URL has no entry in MATRIX below, or when MATRIX names a
URL that no longer exists.

The rules, per persona:

- no relation to the object (another patient's object, another clinic) → 404,
  byte for byte the answer for an id or slug that does not exist;
- the right clinic but the wrong role (a patient on a staff page, staff on a
  patient's own page) → 403;
- anonymous → the login page with ?next=, except the PUBLIC pages;
- allowed → 200, or the page's normal redirect (stated per entry).

The Django admin's URLs are generated from the registered ModelAdmins and
grouped by rule: visitors and non-staff (patients, physiotherapists) are sent to
the admin's login, the admin gets the admin's own behaviour.

Views that only accept POST are tried with GET (405 for the users allowed in)
and their access is checked with POST.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import World, client_for, make_world
from tests.factories import make_entry, make_patient
from tracker import assessment, goals
from tracker.invitations import invitation_tokens
from tracker.models import (
    AccessLog,
    DailyEntry,
    Episode,
    Goal,
    Membership,
    RedFlag,
    RedFlagReport,
    User,
)
from tracker.passwords import reset_tokens

PERSONAS = ("anonymous", "patient_a", "patient_b", "physio_a", "physio_b", "admin")
MISSING_PK = 999_999
MISSING_SLUG = "no-such-clinic"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as conftest's


# --- The world the matrix is tried in --------------------------------------------


@dataclass
class Things:
    """The personas' world, plus one object of every kind a URL can name."""

    world: World
    episode_a: Episode
    episode_b: Episode
    red_flag_a: RedFlagReport
    entry_a: DailyEntry
    invited: User
    group: Group
    device: TOTPDevice
    attempt: AccessAttempt
    login_log: LoginLog
    failure: AccessFailureLog
    access_log: AccessLog
    membership: Membership
    goal_a: Goal
    # Each persona's session, logged in once per module (see `client`).
    cookies: dict[str, SimpleCookie] = field(default_factory=dict)

    def client(self, persona: str, *, enforce_csrf_checks: bool = False) -> Client:
        """A client for the persona, as conftest's client_for makes it (staff have
        passed two-factor), on a session opened once for the module."""
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        if persona != "anonymous":
            client.cookies = copy.deepcopy(self.cookies[persona])
        return client

    def user(self, persona: str) -> User | None:
        w = self.world
        return {
            "anonymous": None,
            "patient_a": w.patient_a.user,
            "patient_b": w.patient_b.user,
            "physio_a": w.physio_a,
            "physio_b": w.physio_b,
            "admin": w.admin,
        }[persona]


def make_things() -> Things:
    world = make_world()
    episode_a = world.patient_a.episodes.get()
    red_flag_a = RedFlagReport.objects.create(episode=episode_a, code=RedFlag.ACCIDENT)
    entry_a = make_entry(episode_a, timezone.localdate() - dt.timedelta(days=1), pain=6)
    invited = make_patient(world.clinic_a, username="invited", physio=world.physio_a).user
    invited.set_unusable_password()
    invited.save()
    # As the nightly job and every write leave them: assessed today.
    for episode in Episode.objects.filter(closed_at__isnull=True):
        assessment.reassess(episodes=[episode])
    attempt_fields = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x"}
    things = Things(
        world=world,
        episode_a=episode_a,
        episode_b=world.patient_b.episodes.get(),
        red_flag_a=red_flag_a,
        entry_a=entry_a,
        invited=invited,
        group=Group.objects.create(name="test group"),
        device=TOTPDevice.objects.create(user=world.physio_a, name="phone", confirmed=True),
        # bulk_create: no post_save signal, which django-axes' cache handler
        # (used with Redis) cannot take.
        attempt=AccessAttempt.objects.bulk_create(
            [AccessAttempt(**attempt_fields, get_data="", post_data="", failures_since_start=1)]
        )[0],
        login_log=LoginLog.objects.create(**attempt_fields),
        failure=AccessFailureLog.objects.create(**attempt_fields),
        access_log=AccessLog.objects.create(
            event="caseload.list", action="R", username="x", role="physio", grounds="test"
        ),
        membership=Membership.objects.get(user=world.physio_a),
        goal_a=goals.goals_choose(
            episode=episode_a, goals=[("De hond uitlaten", 6)], by=world.patient_a.user
        )[0],
    )
    for persona in PERSONAS[1:]:
        things.cookies[persona] = client_for(things.user(persona)).cookies
    return things


@pytest.fixture(scope="module")
def noon():
    """Today at noon, for the whole module: midnight cannot pass halfway through,
    so no stored assessment goes stale during the run."""
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, noon) -> Things:
    """The world, made once per module (about 800 tests use it). Each test runs in a
    savepoint inside this transaction (pytest-django's `db`) and is rolled back."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        try:
            yield make_things()
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def things(built, db) -> Things:
    """The module's world, as fresh Python objects for each test."""
    return copy.deepcopy(built)


# --- Outcomes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    # For a redirect: the URL name (or a function of Things) it goes to.
    to: str | Callable[[Things], str] | None = None
    # For a redirect to a login page: its URL name; ?next= is the page asked for.
    login: str | None = None
    # A redirect that turns the user away (the admin's logout for non-staff).
    refused: bool = False

    def location(self, things: Things) -> str | None:
        if self.to is None:
            return None
        return reverse(self.to) if isinstance(self.to, str) else self.to(things)

    @property
    def allowed(self) -> bool:
        return self.status < 400 and self.login is None and not self.refused


OK = Outcome(200)
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
LOGIN = Outcome(302, login="login")
ADMIN_LOGIN = Outcome(302, login="admin:login")


def redirect(to: str | Callable[[Things], str]) -> Outcome:
    return Outcome(302, to=to)


def login_url(login: str, full_path: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = full_path
    return f"{reverse(login)}?{query.urlencode(safe='/')}"


@dataclass(frozen=True)
class Entry:
    """How to reach one URL and what each persona gets."""

    get: dict[str, Outcome]
    kwargs: Callable[[Things], dict] = lambda things: {}
    # Arguments naming objects that do not exist, for the 404 comparison.
    missing: Callable[[Things], list[dict]] | None = None
    query: dict = field(default_factory=dict)
    # POST-only views: the access check runs with POST (GET is in `get`).
    post: dict[str, Outcome] | None = None
    data: Callable[[Things], dict] = lambda things: {}
    # Unnamed URL patterns (the admin's own): the path, built by hand.
    path: Callable[[Things], str] | None = None

    def url(self, key: str, things: Things, kwargs: dict | None = None) -> str:
        if self.path is not None:
            url = self.path(things)
        else:
            url = reverse(key, kwargs=self.kwargs(things) if kwargs is None else kwargs)
        return f"{url}?{urlencode(self.query)}" if self.query else url

    def access(self, persona: str) -> Outcome:
        """The outcome of the access check (POST for POST-only views)."""
        return (self.post or self.get)[persona]


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(PERSONAS, outcome)


def public(anonymous: Outcome, logged_in: Outcome) -> dict[str, Outcome]:
    return {**everyone(logged_in), "anonymous": anonymous}


def for_any_user(outcome: Outcome) -> dict[str, Outcome]:
    return public(LOGIN, outcome)


def patient_only(outcome: Outcome = OK) -> dict[str, Outcome]:
    """The patient's own pages: no id in the URL, each patient sees their own."""
    return {
        "anonymous": LOGIN,
        "patient_a": outcome,
        "patient_b": outcome,
        "physio_a": FORBIDDEN,
        "physio_b": FORBIDDEN,
        "admin": FORBIDDEN,
    }


def clinic_a_staff(outcome: Outcome = OK) -> dict[str, Outcome]:
    """Clinic A's staff pages: clinic B's physiotherapist learns nothing."""
    return {
        "anonymous": LOGIN,
        "patient_a": FORBIDDEN,
        "patient_b": FORBIDDEN,
        "physio_a": outcome,
        "physio_b": NOT_FOUND,
        "admin": outcome,
    }


def clinic_a(things: Things) -> dict:
    return {"slug": things.world.clinic_a.slug}


def clinic_missing(things: Things) -> list[dict]:
    return [{"slug": MISSING_SLUG}]


def patient_a_at_clinic_a(things: Things) -> dict:
    return {"slug": things.world.clinic_a.slug, "pk": things.world.patient_a.pk}


def patient_missing(things: Things) -> list[dict]:
    return [
        {"slug": MISSING_SLUG, "pk": things.world.patient_a.pk},
        {"slug": things.world.clinic_a.slug, "pk": MISSING_PK},
    ]


def patient_a_detail(things: Things) -> str:
    return reverse("tracker:patient_detail", kwargs=patient_a_at_clinic_a(things))


def invitation(things: Things) -> dict:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(things.invited.pk)),
        "token": invitation_tokens.make_token(things.invited),
    }


def invitation_form(things: Things) -> str:
    kwargs = invitation(things) | {"token": "set-password"}
    return reverse("tracker:invitation_accept", kwargs=kwargs)


def reset_link(things: Things) -> dict:
    """A one-time link to choose a new password, for patient A."""
    user = things.world.patient_a.user
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": reset_tokens.make_token(user),
    }


def reset_form(things: Things) -> str:
    kwargs = reset_link(things) | {"token": "set-password"}
    return reverse("password_reset_confirm", kwargs=kwargs)


def yesterday(things: Things) -> dict:
    """The day of patient A's entry (entry_a): yesterday."""
    return {"day": things.entry_a.day}


def todays_page(things: Things) -> str:
    return reverse("tracker:checkin_day", args=[timezone.localdate()])


def goal_a(things: Things) -> dict:
    return {"pk": things.goal_a.pk}


def goal_a_of_patient_a(things: Things) -> dict:
    return patient_a_at_clinic_a(things) | {"goal": things.goal_a.pk}


def goal_missing(things: Things) -> list[dict]:
    return [
        {"slug": MISSING_SLUG, "pk": things.world.patient_a.pk, "goal": things.goal_a.pk},
        {"slug": things.world.clinic_a.slug, "pk": MISSING_PK, "goal": things.goal_a.pk},
        {"slug": things.world.clinic_a.slug, "pk": things.world.patient_a.pk, "goal": MISSING_PK},
    ]


def patient_a_goals(things: Things) -> str:
    return reverse("tracker:staff_goals", kwargs=patient_a_at_clinic_a(things))


def home_of(persona: str) -> Outcome:
    return redirect(
        {
            "patient_a": "tracker:patient_home",
            "patient_b": "tracker:patient_home",
            "physio_a": lambda t: reverse("tracker:clinic_dashboard", args=[t.world.clinic_a.slug]),
            "physio_b": lambda t: reverse("tracker:clinic_dashboard", args=[t.world.clinic_b.slug]),
            "admin": "admin:index",
        }[persona]
    )


ADVICE_PAGES = {
    "education:index",
    "education:what_is",
    "education:course",
    "education:what_helps",
    "education:xray",
    "education:seek_help",
    "education:prevention",
    "education:clinics",
}

# Pages a visitor may open without logging in (the admin's login is the admin's own).
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "tracker:web_manifest",
    "healthz",
    "tracker:invitation_accept",
    *ADVICE_PAGES,
}

SITE = {
    # Logged-in users are sent on to their own landing page.
    "login": Entry(get=public(OK, redirect("tracker:home"))),
    # Django's LogoutView takes POST only; it ends any session and shows the login.
    "logout": Entry(get=everyone(NOT_ALLOWED), post=everyone(redirect("login"))),
    # Without ?next= and a referrer the language switch goes back to the start.
    "set_language": Entry(get=everyone(redirect("tracker:home"))),
    # Patients have no second factor: back home; staff have passed it already.
    "two_factor": Entry(get=for_any_user(redirect("tracker:home"))),
    "password_change": Entry(get=for_any_user(OK)),
    # "Forgot your password?" answers everyone alike (logged in or not).
    "password_reset": Entry(get=everyone(OK)),
    "password_reset_done": Entry(get=everyone(OK)),
    # The one-time link, like an invitation's: its token moves into the session.
    "password_reset_confirm": Entry(get=everyone(redirect(reset_form)), kwargs=reset_link),
    # For phones that add Herstelpad to their home screen.
    "tracker:web_manifest": Entry(get=everyone(OK)),
    # For the load balancer: "the database answers", nothing else.
    "healthz": Entry(get=everyone(OK)),
    **{name: Entry(get=everyone(OK)) for name in ADVICE_PAGES},
    # The landing page sends a visitor to the plain login page (next would be "/").
    "tracker:home": Entry(
        get={"anonymous": redirect("login")} | {p: home_of(p) for p in PERSONAS[1:]}
    ),
    # The one-time link is the credential: it moves its token into the session.
    "tracker:invitation_accept": Entry(get=everyone(redirect(invitation_form)), kwargs=invitation),
    "tracker:patient_home": Entry(get=patient_only()),
    # The first visit is done once per episode; afterwards it leads home.
    "tracker:intake": Entry(get=patient_only(redirect("tracker:patient_home"))),
    # The menu's link: on to today's own page.
    "tracker:checkin": Entry(get=patient_only(redirect(todays_page))),
    "tracker:checkin_day": Entry(get=patient_only(), kwargs=yesterday),
    "tracker:red_flags": Entry(get=patient_only()),
    # A page of its own that asks what happened before a red flag is marked over.
    "tracker:red_flag_resolve": Entry(
        get={
            "anonymous": LOGIN,
            "patient_a": OK,
            "patient_b": NOT_FOUND,
            "physio_a": FORBIDDEN,
            "physio_b": FORBIDDEN,
            "admin": FORBIDDEN,
        },
        kwargs=lambda t: {"pk": t.red_flag_a.pk},
        missing=lambda t: [{"pk": MISSING_PK}],
    ),
    # Only offered when the diary shows no improvement; else back home.
    "tracker:risk_factors": Entry(get=patient_only(redirect("tracker:patient_home"))),
    "tracker:risk_factor_answers": Entry(get=patient_only()),
    "tracker:progress": Entry(get=patient_only()),
    "tracker:access_history": Entry(get=patient_only()),
    "tracker:export_csv": Entry(get=patient_only()),
    "tracker:export_json": Entry(get=patient_only()),
    "tracker:episode_close": Entry(get=patient_only()),
    # The episode is still open: nothing new to start.
    "tracker:episode_new": Entry(get=patient_only(redirect("tracker:patient_home"))),
    "tracker:patient_settings": Entry(get=patient_only()),
    "tracker:account_delete": Entry(get=patient_only()),
    "tracker:summary_pdf": Entry(get=patient_only()),
    **{
        f"tracker:{name}": Entry(get=clinic_a_staff(), kwargs=clinic_a, missing=clinic_missing)
        for name in (
            "clinic_dashboard",
            "caseload_csv",
            "clinic_outcomes",
            "clinic_outcomes_chart",
            "invite_patient",
        )
    },
    "tracker:patient_detail": Entry(
        get=clinic_a_staff(), kwargs=patient_a_at_clinic_a, missing=patient_missing
    ),
    "tracker:staff_summary_pdf": Entry(
        get=clinic_a_staff(), kwargs=patient_a_at_clinic_a, missing=patient_missing
    ),
    "tracker:alert_acknowledge": Entry(
        get=everyone(NOT_ALLOWED),
        post=clinic_a_staff(redirect(patient_a_detail)),
        kwargs=patient_a_at_clinic_a,
        missing=patient_missing,
        data=lambda t: {"action": "called"},
    ),
    "tracker:invitation_resend": Entry(
        get=everyone(NOT_ALLOWED),
        post=clinic_a_staff(redirect(patient_a_detail)),
        kwargs=patient_a_at_clinic_a,
        missing=patient_missing,
    ),
    "tracker:sign_in_link": Entry(
        get=everyone(NOT_ALLOWED),
        post=clinic_a_staff(redirect(patient_a_detail)),
        kwargs=patient_a_at_clinic_a,
        missing=patient_missing,
    ),
    "tracker:staff_episode_close": Entry(
        get=everyone(NOT_ALLOWED),
        post=clinic_a_staff(redirect(patient_a_detail)),
        kwargs=patient_a_at_clinic_a,
        missing=patient_missing,
        data=lambda t: {"outcome": "recovered", "confirm": "on"},
    ),
    # The patient's own goals (Patiënt Specifieke Klachten).
    "tracker:goals": Entry(get=patient_only()),
    # The weekly rating, only when it is due (patient A's goal was chosen today).
    "tracker:goals_week": Entry(get=patient_only(redirect("tracker:patient_home"))),
    "tracker:goal_close": Entry(
        get=everyone(NOT_ALLOWED),
        post={
            "anonymous": LOGIN,
            "patient_a": redirect("tracker:goals"),
            "patient_b": NOT_FOUND,
            "physio_a": FORBIDDEN,
            "physio_b": FORBIDDEN,
            "admin": FORBIDDEN,
        },
        kwargs=goal_a,
        missing=lambda t: [{"pk": MISSING_PK}],
        data=lambda t: {"status": "achieved"},
    ),
    "tracker:staff_goals": Entry(
        get=clinic_a_staff(), kwargs=patient_a_at_clinic_a, missing=patient_missing
    ),
    # Nothing scored: the page again, with the form's error.
    "tracker:staff_goals_rate": Entry(
        get=everyone(NOT_ALLOWED),
        post=clinic_a_staff(OK),
        kwargs=patient_a_at_clinic_a,
        missing=patient_missing,
    ),
    "tracker:staff_goal_change": Entry(
        get=everyone(NOT_ALLOWED),
        post=clinic_a_staff(redirect(patient_a_goals)),
        kwargs=goal_a_of_patient_a,
        missing=goal_missing,
        data=lambda t: {f"goal{t.goal_a.pk}-action": "achieved"},
    ),
    # A physiotherapist's (or admin's) own settings; patients have their own page.
    "tracker:staff_settings": Entry(
        get={
            "anonymous": LOGIN,
            "patient_a": FORBIDDEN,
            "patient_b": FORBIDDEN,
            "physio_a": OK,
            "physio_b": OK,
            "admin": OK,
        },
    ),
}


# --- The Django admin, generated from the registered ModelAdmins -----------------


TURNED_AWAY_BY_ADMIN = Outcome(302, to="admin:index", refused=True)


def admin_only(outcome: Outcome) -> dict[str, Outcome]:
    """Visitors and non-staff are sent to the admin's login; the admin gets `outcome`."""
    return {**everyone(ADMIN_LOGIN), "admin": outcome}


# The object whose pages are tried, per registered model.
ADMIN_OBJECTS: dict[str, Callable[[Things], object]] = {
    "auth.group": lambda t: t.group,
    "otp_totp.totpdevice": lambda t: t.device,
    "axes.accessattempt": lambda t: t.attempt,
    "axes.accesslog": lambda t: t.login_log,
    "axes.accessfailurelog": lambda t: t.failure,
    "tracker.user": lambda t: t.world.patient_a.user,
    "tracker.clinic": lambda t: t.world.clinic_a,
    "tracker.membership": lambda t: t.membership,
    "tracker.patient": lambda t: t.world.patient_a,
    "tracker.episode": lambda t: t.episode_a,
    "tracker.dailyentry": lambda t: t.entry_a,
    "tracker.accesslog": lambda t: t.access_log,
    "tracker.goal": lambda t: t.goal_a,
}
# Admin pages the ModelAdmin refuses the admin (has_*_permission is False): 403.
ADMIN_REFUSED = {
    "tracker.accesslog": {"add", "delete"},  # the access log is append-only
    "tracker.goal": {"add"},  # goals are chosen in the app, by the patient or with them
    "axes.accessattempt": {"add"},
    "axes.accesslog": {"add"},
    "axes.accessfailurelog": {"add"},
}

if not settings.AXES_ENABLE_ADMIN:  # with Redis the login attempts are not in the database
    for label in ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"):
        del ADMIN_OBJECTS[label], ADMIN_REFUSED[label]


def _admin_object(label: str) -> Callable[[Things], dict]:
    return lambda t: {"object_id": str(ADMIN_OBJECTS[label](t).pk)}


def _admin_object_path(label: str) -> Callable[[Things], str]:
    def path(t: Things) -> str:
        obj = ADMIN_OBJECTS[label](t)
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])

    return path


def _admin_redirect_path(label: str) -> Callable[[Things], str]:
    """The unnamed admin/<app>/<model>/<id>/ pattern: the old change URL."""
    return lambda t: _admin_object_path(label)(t).removesuffix("change/")


def model_admin_entries() -> dict[str, Entry]:
    entries = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        refused = ADMIN_REFUSED.get(label, set())

        def outcome(view: str, refused=refused) -> dict[str, Outcome]:
            return admin_only(FORBIDDEN if view in refused else OK)

        entries[f"admin:{info}_changelist"] = Entry(get=outcome("changelist"))
        entries[f"admin:{info}_add"] = Entry(get=outcome("add"))
        for view in ("history", "delete", "change"):
            entries[f"admin:{info}_{view}"] = Entry(get=outcome(view), kwargs=_admin_object(label))
        route = f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        entries[route] = Entry(
            get=admin_only(redirect(_admin_object_path(label))), path=_admin_redirect_path(label)
        )
    return entries


ADMIN = {
    # The admin's login: a form for anyone who is not staff, the index for the admin.
    "admin:login": Entry(get=public(OK, OK) | {"admin": redirect("admin:index")}),
    # POST only for the admin; anyone else is turned away to the admin's index.
    "admin:logout": Entry(
        get={**everyone(TURNED_AWAY_BY_ADMIN), "admin": NOT_ALLOWED},
        post={**everyone(TURNED_AWAY_BY_ADMIN), "admin": redirect("login")},
    ),
    "admin:index": Entry(get=admin_only(OK)),
    "admin:password_change": Entry(get=admin_only(OK)),
    "admin:password_change_done": Entry(get=admin_only(OK)),
    "admin:jsi18n": Entry(get=admin_only(OK)),
    "admin:app_list": Entry(get=admin_only(OK), kwargs=lambda t: {"app_label": "tracker"}),
    "admin:autocomplete": Entry(
        get=admin_only(OK),
        query={"app_label": "tracker", "model_name": "patient", "field_name": "clinic"},
    ),
    # No model has a page outside the admin: 404 for the admin too.
    "admin:view_on_site": Entry(
        get=admin_only(NOT_FOUND),
        kwargs=lambda t: {
            "content_type_id": ContentType.objects.get_for_model(Episode).pk,
            "object_id": t.episode_a.pk,
        },
        missing=lambda t: [
            {"content_type_id": ContentType.objects.get_for_model(Episode).pk, "object_id": 0}
        ],
    ),
    # The admin's catch-all: the admin's own 404 behind its login.
    "admin/(?P<url>.*)$": Entry(
        get=admin_only(NOT_FOUND),
        path=lambda t: reverse("admin:index") + "no-such-page/",
        missing=lambda t: [{}],
    ),
    "admin:auth_user_password_change": Entry(
        get=admin_only(OK), kwargs=lambda t: {"id": str(t.world.patient_a.user.pk)}
    ),
    "admin:otp_totp_totpdevice_config": Entry(
        get=admin_only(OK), kwargs=lambda t: {"pk": t.device.pk}
    ),
    "admin:otp_totp_totpdevice_qrcode": Entry(
        get=admin_only(OK), kwargs=lambda t: {"pk": t.device.pk}
    ),
    **model_admin_entries(),
}

MATRIX: dict[str, Entry] = {**SITE, **ADMIN}


# --- The resolver ------------------------------------------------------------------


def resolver_keys(patterns=None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Every URL pattern of the project: its namespace:name (or, unnamed, its route),
    mapped to its route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    keys = {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            keys |= resolver_keys(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = route
            assert key not in keys, f"two URL patterns share the name {key}"
            keys[key] = route
    return keys


def url_of(key: str, things: Things, kwargs: dict | None = None) -> str:
    return MATRIX[key].url(key, things, kwargs)


def request(client: Client, method: str, key: str, things: Things, url: str):
    data = MATRIX[key].data(things) if method == "post" else None
    return getattr(client, method)(url, data)


def assert_outcome(response, outcome: Outcome, things: Things, url: str) -> None:
    where = response.get("Location", "")
    assert response.status_code == outcome.status, f"{url}: {response.status_code} {where}"
    if outcome.login is not None:
        assert where == login_url(outcome.login, url)
    elif outcome.to is not None:
        assert where == outcome.location(things)


CASES = [
    pytest.param(key, persona, method, id=f"{method.upper()} {key} as {persona}")
    for key, entry in MATRIX.items()
    for method in (("get", "post") if entry.post else ("get",))
    for persona in PERSONAS
]


# --- The meta-tests -----------------------------------------------------------------


def test_every_url_of_the_project_has_an_entry_in_the_matrix():
    assert set(resolver_keys()) - set(MATRIX) == set(), "add these URLs to MATRIX"


def test_the_matrix_names_no_url_that_no_longer_exists():
    assert set(MATRIX) - set(resolver_keys()) == set(), "remove these from MATRIX"


def test_the_admin_entries_are_exactly_the_admins_urls():
    admin_keys = {key for key, route in resolver_keys().items() if route.startswith("admin/")}
    assert set(ADMIN) == admin_keys
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(ADMIN_OBJECTS) == registered


def test_every_page_but_the_public_ones_sends_a_visitor_to_log_in():
    gated = {key for key, entry in SITE.items() if entry.access("anonymous").login == "login"}
    # The landing page sends a visitor to the plain login page: after it, "/" anyway.
    assert SITE["tracker:home"].get["anonymous"] == redirect("login")
    assert set(SITE) - gated == PUBLIC | {"tracker:home"}
    assert all(MATRIX[key].access("anonymous").login is None for key in PUBLIC)


def test_every_persona_has_an_outcome_and_every_404_a_missing_object_to_compare():
    for key, entry in MATRIX.items():
        for outcomes in filter(None, (entry.get, entry.post)):
            assert set(outcomes) == set(PERSONAS), key
            if NOT_FOUND in outcomes.values():
                assert entry.missing is not None, f"{key}: how does a missing object look?"
        if entry.post:
            allowed = [p for p in PERSONAS if entry.post[p].allowed]
            assert allowed and all(entry.get[p] == NOT_ALLOWED for p in allowed), key


# --- The matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(("key", "persona", "method"), CASES)
def test_access(key, persona, method, things):
    entry = MATRIX[key]
    outcome = (entry.post if method == "post" else entry.get)[persona]
    client = things.client(persona)
    url = url_of(key, things)
    logged = AccessLog.objects.count()
    response = request(client, method, key, things, url)
    assert_outcome(response, outcome, things, url)
    if outcome == NOT_FOUND:
        # Not related to the object, or no such object: the very same answer,
        # and no access-log record that would tell the two apart.
        assert AccessLog.objects.count() == logged
        for kwargs in entry.missing(things):
            missing = request(client, method, key, things, url_of(key, things, kwargs))
            assert missing.status_code == 404
            assert missing.content == response.content


# --- Another clinic's patient: a 404 that leaves no trace ---------------------------


def other_clinics_patient_urls(w: World) -> list[tuple[str, User, str]]:
    """(method, user, url) for another clinic's patient, through every door."""
    urls = []
    for user, own, other in (
        (w.physio_b, w.clinic_b, w.patient_a),
        (w.physio_a, w.clinic_a, w.patient_other_clinic),
    ):
        for clinic in (own, other.clinic):
            kwargs = {"slug": clinic.slug, "pk": other.pk}
            urls.append(("get", user, reverse("tracker:patient_detail", kwargs=kwargs)))
            urls.append(("post", user, reverse("tracker:alert_acknowledge", kwargs=kwargs)))
            urls.append(("post", user, reverse("tracker:staff_episode_close", kwargs=kwargs)))
            urls.append(("get", user, reverse("tracker:staff_summary_pdf", kwargs=kwargs)))
            urls.append(("post", user, reverse("tracker:sign_in_link", kwargs=kwargs)))
    return urls


def test_another_clinics_patient_is_a_404_like_a_missing_one_and_is_not_logged(things):
    w = things.world
    client = things.client("physio_b")
    missing = {
        "get": client.get(reverse("tracker:patient_detail", args=["clinic-b", MISSING_PK])),
        "post": client.post(reverse("tracker:alert_acknowledge", args=["clinic-b", MISSING_PK])),
    }
    before = AccessLog.objects.count()
    for method, user, url in other_clinics_patient_urls(w):
        response = getattr(client_for(user), method)(url, {"outcome": "recovered"})
        assert response.status_code == 404, url
        assert response.content == missing[method].content, url
    assert AccessLog.objects.count() == before
    assert Episode.objects.filter(closed_at__isnull=False).count() == 0


def test_the_own_patients_record_is_logged(things):
    """The other side of the test above: the same door does log an allowed view."""
    w = things.world
    before = AccessLog.objects.count()
    url = reverse("tracker:patient_detail", args=[w.clinic_a.slug, w.patient_a.pk])
    assert things.client("physio_a").get(url).status_code == 200
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.latest("pk").patient_ref == w.patient_a.pseudonym
