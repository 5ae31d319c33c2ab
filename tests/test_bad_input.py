"""Bad input: whatever arrives in a form field, a query parameter or a URL, the
app answers with the form and its errors, a redirect, a 400 or a 404 (never a
500), and it stores nothing invalid.

Hypothesis sends arbitrary values (unicode, NUL bytes, very long strings,
numbers as text, odd dates, empty values, several values for one key) to every
form and query parameter. Each example runs in its own transaction
(``hypothesis.extra.django.TestCase``), so one example's writes never reach the
next; the personas are made once per class.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings as django_settings
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from advice import engine, words
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    make_admin,
    make_clinic,
    make_entry,
    make_patient,
    make_physio,
)
from tracker.models import (
    DailyEntry,
    Episode,
    Function,
    Language,
    Outcome,
    Patient,
    RedFlagReport,
    RiskFactor,
    RiskFactorAnswer,
    User,
    WorkStatus,
)

RED_FLAG_FIELDS = [f"red_flag_{code}" for code in words.RED_FLAG_QUESTIONS]
RISK_FIELDS = [f"risk_{code}" for code in RiskFactor.values]


def fuzz(max_examples: int):
    """Hypothesis settings for a test that makes requests: no deadline (the
    first request of a run is slow), a fixed number of examples."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Values: the odd things people (and robots) send.

ODD_VALUES = [
    "",
    " ",
    "\x00",
    "5\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic digits: int() reads them
    "0",
    "-1",
    "-0",
    "11",
    "1e3",
    "3.5",
    "30.0",
    "0x10",
    "NaN",
    "inf",
    "9" * 30,
    "9" * 5000,
    "None",
    "null",
    "true",
    "false",
    "on",
    "[]",
    "{}",
    "\u202eevil",
    "😀",
    "İ",
    "ß",
]

NUMBERS_AS_TEXT = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-20, max_value=1500).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True).map(str),
)

DATE_FORMATS = [
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y%m%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%G-W%V-%u",
]
PAST = dt.date(2025, 12, 31)  # before any day these tests run
ANY_DATE = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
ODD_DATES = st.one_of(
    st.builds(lambda day, fmt: day.strftime(fmt), ANY_DATE, st.sampled_from(DATE_FORMATS)),
    st.sampled_from(
        [
            "2026-02-30",
            "2026-13-01",
            "0000-00-00",
            "-2026-01-01",
            "+002026-01-01",
            "2026-1-1",
            "31-12-9999",
            "01-01-0001",
            "2026-11-21\x00",
            "２０２６-１１-２１",  # full-width digits
        ]
    ),
)

TEXT = st.text(max_size=40)  # any unicode, NUL and control characters included
LONG_TEXT = st.one_of(
    st.text(min_size=495, max_size=520),
    st.integers(min_value=501, max_value=20_000).map(lambda n: "x" * n),
)
JUNK = st.one_of(st.sampled_from(ODD_VALUES), TEXT, NUMBERS_AS_TEXT, ODD_DATES, LONG_TEXT)

OMITTED = object()


def last(value):
    """What the app reads for a key: the last of several values, None when absent."""
    if value is OMITTED or value is None:
        return None
    return value[-1] if isinstance(value, list) else value


@st.composite
def form_data(draw, fields: dict[str, st.SearchStrategy]) -> dict:
    """A submission: some fields valid, the others spoiled with junk, several
    values or left out; sometimes extra keys nobody asked for."""
    names = st.sampled_from(sorted(fields))
    spoiled = draw(st.one_of(st.sets(names, max_size=1), st.sets(names)))
    data = {}
    for name, valid in fields.items():
        if name in spoiled:
            value = draw(
                st.one_of(
                    JUNK,
                    st.lists(st.one_of(valid, JUNK), min_size=2, max_size=3),
                    st.just(OMITTED),
                )
            )
        else:
            value = draw(valid)
        if value is not OMITTED:
            data[name] = value
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=12), JUNK, max_size=2))
    return {**extra, **data}


def query_value(valid: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(valid, JUNK, st.lists(st.one_of(valid, JUNK), min_size=2, max_size=3))


def recent_day(max_days_back: int) -> st.SearchStrategy[dt.date]:
    """A day from today back to ``max_days_back`` days ago (today read when drawn)."""
    return st.integers(min_value=0, max_value=max_days_back).map(
        lambda n: timezone.localdate() - dt.timedelta(days=n)
    )


def as_date_text(days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[str]:
    """A day as the date field sends it (2026-11-21) or as a person types it (21-11-2026)."""
    return st.builds(
        lambda day, dutch: f"{day:%d-%m-}{day.year:04}" if dutch else day.isoformat(),
        days,
        st.booleans(),
    )


YES_NO = st.sampled_from(["yes", "no"])
# No lone surrogates: no browser can send one (they cannot be encoded as UTF-8).
NAME = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=1, max_size=150
).filter(str.strip)


def replace(value, mapping: dict):
    """Swap placeholders (drawn before the personas exist) for real values."""
    if isinstance(value, list):
        return [str(mapping.get(item, item)) for item in value]
    return str(mapping.get(value, value))


# Pages.


def shows_the_form_again(response, data) -> bool:
    """A 200 with the form and its error summary. An empty POST is read as no
    submission at all (``Form(request.POST or None)``): the form, without errors."""
    if response.status_code != 200:
        return False
    return b'id="form-errors"' in response.content or not data


def entry_rows() -> dict:
    return {
        (entry.episode_id, entry.day): (
            entry.pain,
            entry.function,
            entry.bed_rest,
            entry.active_minutes,
            entry.work_status,
            entry.painkillers,
            entry.note,
            entry.updated_at,
            entry.version,
        )
        for entry in DailyEntry.objects.all()
    }


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class BadInputTestCase(TestCase):
    """The personas of tests/conftest.py, plus a patient at each other step of
    the journey; each logged in once, their session reused by every example."""

    @classmethod
    def setUpTestData(cls):
        today = timezone.localdate()
        onset = today - dt.timedelta(days=10)
        cls.clinic_a = make_clinic("clinic-a", name="Praktijk A", phone="013-1111111")
        cls.clinic_b = make_clinic("clinic-b", name="Praktijk B", phone="013-2222222")
        cls.physio_a = make_physio(cls.clinic_a, username="physio-a")
        cls.physio_b = make_physio(cls.clinic_b, username="physio-b")
        cls.admin = make_admin()
        cls.patient_a = make_patient(
            cls.clinic_a, username="patient-a", physio=cls.physio_a, onset=onset
        )
        for days_back, pain in ((1, 6), (2, 7), (4, 7)):
            make_entry(cls.patient_a.episodes.get(), today - dt.timedelta(days=days_back), pain)
        # The risk-factor statements come back when the diary shows no improvement.
        cls.patient_due = make_patient(
            cls.clinic_a, username="patient-due", physio=cls.physio_a, onset=onset
        )
        Episode.objects.filter(patient=cls.patient_due).update(
            reasons=[engine.NOT_IMPROVING], assessed_on=today
        )
        cls.patient_new = make_patient(cls.clinic_a, username="patient-new", intake_done=False)
        Episode.objects.create(patient=cls.patient_new, onset=today)
        cls.patient_closed = make_patient(
            cls.clinic_a, username="patient-closed", onset=today - dt.timedelta(days=90)
        )
        Episode.objects.filter(patient=cls.patient_closed).update(
            closed_at=timezone.now(), outcome=Outcome.RECOVERED
        )
        cls.patient_c = make_patient(cls.clinic_b, username="patient-c", onset=onset)
        cls.sessions = {
            user.username: client_for(user).cookies[django_settings.SESSION_COOKIE_NAME].value
            for user in (
                cls.physio_a,
                cls.admin,
                cls.patient_a.user,
                cls.patient_due.user,
                cls.patient_new.user,
                cls.patient_closed.user,
            )
        }

    def client_of(self, username: str | None) -> Client:
        """A client with the persona's session (made once, in setUpTestData)."""
        client = Client()
        if username is not None:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions[username]
        return client

    def assert_nothing_invalid_stored(self) -> None:
        today = timezone.localdate()
        for entry in DailyEntry.objects.select_related("episode"):
            assert DailyEntry.PAIN_MIN <= entry.pain <= DailyEntry.PAIN_MAX, entry.pain
            assert entry.function in Function.values, entry.function
            assert entry.work_status in WorkStatus.values, entry.work_status
            assert entry.episode.onset <= entry.day <= today, (entry.episode.onset, entry.day)
            assert entry.active_minutes is None or 0 <= entry.active_minutes <= 1440
            assert len(entry.note) <= 500
            assert "\x00" not in entry.note
        assert not Episode.objects.filter(onset__gt=today).exists()
        assert not (
            Episode.objects.filter(closed_at__isnull=True)
            .values("patient")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .exists()
        )
        assert set(Patient.objects.values_list("language", flat=True)) <= set(Language.values)
        for user in User.objects.all():
            assert len(user.username) <= 150 and len(user.email) <= 254
            assert len(user.first_name) <= 150 and len(user.last_name) <= 150
            assert "\x00" not in user.username + user.email + user.first_name + user.last_name


class PatientFormsTests(BadInputTestCase):
    # The daily check-in.

    @fuzz(80)
    @given(
        data=form_data(
            {
                "pain": st.integers(min_value=0, max_value=10).map(str),
                "function": st.sampled_from(Function.values),
                "bed_rest": st.sampled_from(["on", "true", "false", ""]),
                "active_minutes": st.one_of(
                    st.just(""), st.integers(min_value=0, max_value=1440).map(str)
                ),
                "work_status": st.sampled_from(WorkStatus.values),
                "painkillers": st.sampled_from(["on", "1", "0"]),
                "note": st.one_of(st.text(max_size=60), st.just("<script>alert(1)</script>")),
                # The version of the day's entry the form was opened on ("" for none).
                "version": st.sampled_from(["", "1", "2"]),
            }
        ),
        day=st.one_of(recent_day(12).map(dt.date.isoformat), ODD_DATES),
        urlencoded=st.booleans(),
    )
    def test_a_check_in_is_refused_with_a_form_error_or_stored_as_posted(
        self, data, day, urlencoded
    ):
        before = entry_rows()
        url = f"{reverse('tracker:checkin')}{quote(day, safe='')}/"
        client = self.client_of("patient-a")
        if urlencoded:
            response = client.post(
                url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.post(url, data)
        after = entry_rows()
        event(f"status {response.status_code}")
        if response.status_code == 404:  # not a day: 2026-02-30, 21-11-2026, …
            assert after == before
        elif response.status_code == 302:
            assert response.url == reverse("tracker:patient_home")
            changed = {key: row for key, row in after.items() if before.get(key) != row}
            assert len(changed) == 1
            ((_episode, stored_day), row) = changed.popitem()
            assert stored_day.isoformat() == day  # the page's day, never another
            pain, function, _bed_rest, _minutes, work_status, _pills, note, _at, version = row
            assert pain == int(last(data["pain"]))
            assert function == last(data["function"])
            assert work_status == last(data["work_status"])
            assert note == (last(data.get("note")) or "").strip()
            # A stored entry is replaced only when the form was opened on its version;
            # a day without one is stored whatever junk came as its version.
            opened_on = before.get((_episode, stored_day), [None])[-1]
            if opened_on is not None:
                assert (last(data.get("version")) or "").strip() == str(opened_on)
            assert version == (opened_on or 0) + 1
        else:
            assert shows_the_form_again(response, data), response.status_code
            assert after == before
        self.assert_nothing_invalid_stored()

    @fuzz(30)
    @given(day=st.one_of(query_value(as_date_text(recent_day(12))), ODD_DATES))
    def test_the_check_in_page_reads_any_day_in_its_address(self, day):
        client = self.client_of("patient-a")
        old_link = client.get(
            reverse("tracker:checkin") + "?" + urlencode({"day": day}, doseq=True)
        )
        assert old_link.status_code == 302
        response = client.get(old_link.url, follow=True)
        assert response.status_code == 200
        # The day read (today when it cannot be read); the last 7 days can be
        # filled in (the onset lies 10 days back): the day's own form; any other
        # day: home, with a message saying why.
        today = timezone.localdate()
        try:
            asked = dt.date.fromisoformat(last(day)) if last(day) else today
        except ValueError:
            asked = today
        open_to_edit = today - dt.timedelta(days=6) <= asked <= today
        if open_to_edit:
            assert b'name="pain"' in response.content
        else:
            assert b'name="pain"' not in response.content
            assert b'role="status"' in response.content
        direct = client.get(f"{reverse('tracker:checkin')}{quote(last(day), safe='')}/")
        try:
            addressed = dt.date.fromisoformat(last(day))
        except ValueError:
            addressed = None
        if addressed is None or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", last(day)):
            assert direct.status_code == 404  # not a day
        else:
            ok = today - dt.timedelta(days=6) <= addressed <= today
            assert direct.status_code == (200 if ok else 302)

    # The red-flag checklist, the risk factors and the first visit.

    @fuzz(40)
    @given(data=form_data(dict.fromkeys(RED_FLAG_FIELDS, YES_NO)))
    def test_the_red_flag_checklist_stores_only_complete_yes_no_answers(self, data):
        response = self.client_of("patient-a").post(reverse("tracker:red_flags"), data)
        event(f"status {response.status_code}")
        answers = {name: last(data.get(name)) for name in RED_FLAG_FIELDS}
        reports = set(RedFlagReport.objects.values_list("code", flat=True))
        if all(answer in ("yes", "no") for answer in answers.values()):
            assert response.status_code == 302
            assert reports == {
                name.removeprefix("red_flag_")
                for name, answer in answers.items()
                if answer == "yes"
            }
        else:
            assert shows_the_form_again(response, data)
            assert not reports
        self.assert_nothing_invalid_stored()

    @fuzz(40)
    @given(data=form_data(dict.fromkeys(RISK_FIELDS, YES_NO)))
    def test_the_risk_factors_store_only_complete_yes_no_answers(self, data):
        response = self.client_of("patient-due").post(reverse("tracker:risk_factors"), data)
        answers = {name: last(data.get(name)) for name in RISK_FIELDS}
        stored = dict(RiskFactorAnswer.objects.values_list("code", "answer"))
        if all(answer in ("yes", "no") for answer in answers.values()):
            assert response.status_code == 302
            assert stored == {
                name.removeprefix("risk_"): answer == "yes" for name, answer in answers.items()
            }
        else:
            assert shows_the_form_again(response, data)
            assert not stored
        self.assert_nothing_invalid_stored()

    @fuzz(50)
    @given(
        data=form_data(
            {
                "onset": as_date_text(recent_day(5 * 365)),
                **dict.fromkeys(RED_FLAG_FIELDS + RISK_FIELDS, YES_NO),
            }
        )
    )
    def test_the_first_visit_keeps_the_onset_within_five_years(self, data):
        response = self.client_of("patient-new").post(reverse("tracker:intake"), data)
        event(f"status {response.status_code}")
        episode = self.patient_new.episodes.get()
        today = timezone.localdate()
        yes_no_complete = all(
            last(data.get(name)) in ("yes", "no") for name in RED_FLAG_FIELDS + RISK_FIELDS
        )
        if response.status_code == 302:
            assert yes_no_complete
            assert episode.intake_done_at is not None
            assert today - dt.timedelta(days=5 * 365) <= episode.onset <= today
            assert RiskFactorAnswer.objects.filter(episode=episode).count() == len(RISK_FIELDS)
        else:
            assert shows_the_form_again(response, data)
            assert episode.intake_done_at is None and episode.onset == today
            assert not RiskFactorAnswer.objects.exists()
            assert not RedFlagReport.objects.exists()
        self.assert_nothing_invalid_stored()

    # A new episode, settings, deleting the account, the access history.

    @fuzz(30)
    @given(
        data=form_data(
            {
                "onset": st.one_of(
                    as_date_text(recent_day(60)),
                    as_date_text(st.dates(min_value=dt.date(1, 1, 1), max_value=PAST)),
                )
            }
        )
    )
    def test_a_new_episode_starts_today_or_earlier_and_its_pages_open(self, data):
        client = self.client_of("patient-closed")
        response = client.post(reverse("tracker:episode_new"), data)
        event(f"status {response.status_code}")
        opened = Episode.objects.filter(patient=self.patient_closed, closed_at__isnull=True)
        if response.status_code == 302:
            episode = opened.get()
            assert episode.onset <= timezone.localdate()
            for name in ("tracker:patient_home", "tracker:intake", "tracker:progress"):
                assert client.get(reverse(name)).status_code in (200, 302)
        else:
            assert shows_the_form_again(response, data)
            assert not opened.exists()
        self.assert_nothing_invalid_stored()

    @fuzz(40)
    @given(
        data=form_data(
            {"language": st.sampled_from(Language.values), "reminders": st.sampled_from(["on", ""])}
        )
    )
    def test_settings_keep_a_known_language(self, data):
        response = self.client_of("patient-a").post(reverse("tracker:patient_settings"), data)
        event(f"status {response.status_code}")
        patient = Patient.objects.get(pk=self.patient_a.pk)
        if last(data.get("language")) in Language.values:
            assert response.status_code == 302
            assert patient.language == last(data["language"])
        else:
            assert shows_the_form_again(response, data)
            assert patient.language == Language.NL
        self.assert_nothing_invalid_stored()

    @fuzz(25)
    @given(data=form_data({"confirm": st.just("on"), "password": st.just(PASSWORD)}))
    def test_deleting_the_account_needs_the_tick_and_the_password(self, data):
        response = self.client_of("patient-a").post(reverse("tracker:account_delete"), data)
        exists = Patient.objects.filter(pk=self.patient_a.pk).exists()
        if response.status_code == 302:
            assert last(data["password"]) == PASSWORD
            assert not exists
        else:
            assert shows_the_form_again(response, data)
            assert exists
        self.assert_nothing_invalid_stored()

    @fuzz(30)
    @given(
        start=st.one_of(st.none(), query_value(ODD_DATES)),
        end=st.one_of(st.none(), query_value(ODD_DATES)),
    )
    def test_the_access_history_reads_any_period(self, start, end):
        query = {key: value for key, value in (("start", start), ("end", end)) if value is not None}
        url = reverse("tracker:access_history") + "?" + urlencode(query, doseq=True)
        response = self.client_of("patient-a").get(url)
        assert response.status_code == 200


class StaffFormsTests(BadInputTestCase):
    @fuzz(50)
    @given(
        data=form_data(
            {
                "first_name": st.one_of(NAME, st.just("<script>alert(1)</script>")),
                "last_name": NAME,
                "email": st.one_of(
                    st.emails(),
                    st.integers(min_value=130, max_value=330).map(
                        lambda n: "a" * n + "@example.com"
                    ),
                    st.just("İ" * 70 + "@example.com"),  # 152 characters once lower-cased
                ),
                # Mostly physio_a's clinic; clinic_b is not theirs (an invalid choice).
                "clinic": st.one_of(st.just("clinic_a"), st.just("clinic_a"), st.just("clinic_b")),
                "onset": st.one_of(
                    as_date_text(recent_day(60)),
                    as_date_text(st.dates(min_value=dt.date(1, 1, 1), max_value=PAST)),
                ),
                "year_of_birth": st.integers(min_value=1900, max_value=2026).map(str),
                "language": st.sampled_from(Language.values),
            }
        )
    )
    def test_an_invitation_creates_a_valid_patient_or_shows_the_form_again(self, data):
        # A clinic is named by its pk.
        if "clinic" in data:
            data["clinic"] = replace(
                data["clinic"], {"clinic_a": self.clinic_a.pk, "clinic_b": self.clinic_b.pk}
            )
        users = User.objects.count()
        response = self.client_of("physio-a").post(
            reverse("tracker:invite_patient", args=["clinic-a"]), data
        )
        event(f"status {response.status_code}")
        if response.status_code == 302:
            assert User.objects.count() == users + 1
            patient = Patient.objects.select_related("user").latest("created_at")
            assert patient.clinic == self.clinic_a
            assert 1900 <= patient.year_of_birth <= timezone.localdate().year
            staff = self.client_of("physio-a")
            for url in (
                response.url,
                reverse("tracker:patient_detail", args=["clinic-a", patient.pk]),
            ):
                page = staff.get(url)
                assert page.status_code == 200
                assert b"<script>alert(1)</script>" not in page.content
        else:
            assert shows_the_form_again(response, data)
            assert User.objects.count() == users
        self.assert_nothing_invalid_stored()

    @fuzz(30)
    @given(outcome=query_value(st.sampled_from(Outcome.values)))
    def test_staff_close_an_episode_only_with_a_known_outcome(self, outcome):
        url = reverse("tracker:staff_episode_close", args=["clinic-a", self.patient_a.pk])
        data = {"outcome": outcome, "confirm": "on"}
        response = self.client_of("physio-a").post(url, data)
        episode = Episode.objects.filter(patient=self.patient_a).latest("opened_at")
        if last(outcome) in Outcome.values:
            assert response.status_code == 302
            assert episode.outcome == last(outcome) and not episode.is_open
        else:
            assert shows_the_form_again(response, {"confirm": "on"})
            assert episode.is_open and episode.outcome == ""
        self.assert_nothing_invalid_stored()

    @fuzz(60)
    @given(
        params=st.fixed_dictionaries(
            {},
            optional={
                "scope": query_value(st.sampled_from(["mine", "all"])),
                "level": query_value(st.sampled_from(engine.LEVELS)),
                "stale": query_value(st.sampled_from(["1", "0"])),
                "q": query_value(st.sampled_from(["Iënt", "pat", "patient-a"])),
                "page": query_value(st.integers(min_value=-2, max_value=5).map(str)),
                "format": query_value(st.sampled_from(["excel", "csv"])),
            },
        ),
        staff=st.sampled_from(["physio-a", "admin"]),
    )
    def test_the_dashboard_and_its_export_read_any_filter(self, params, staff):
        query = "?" + urlencode(params, doseq=True)
        client = self.client_of(staff)
        for name in ("tracker:clinic_dashboard", "tracker:caseload_csv"):
            response = client.get(reverse(name, args=["clinic-a"]) + query)
            assert response.status_code == 200, name
        self.assert_nothing_invalid_stored()

    @fuzz(30)
    @given(episode=query_value(st.sampled_from(["open", "closed"])))
    def test_the_patient_record_reads_any_episode_parameter(self, episode):
        # Its own (closed) episode, or another patient's, which is not shown.
        episode = replace(
            episode,
            {
                "closed": self.patient_closed.episodes.get().pk,
                "open": self.patient_a.episodes.get().pk,
            },
        )
        url = reverse("tracker:patient_detail", args=["clinic-a", self.patient_closed.pk])
        response = self.client_of("physio-a").get(
            url + "?" + urlencode({"episode": episode}, doseq=True)
        )
        assert response.status_code == 200

    @fuzz(30)
    @given(slug=st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True))
    def test_an_unknown_clinic_in_the_address_is_a_404(self, slug):
        response = self.client_of("physio-a").get(reverse("tracker:clinic_dashboard", args=[slug]))
        assert response.status_code == (200 if slug == "clinic-a" else 404)

    @fuzz(30)
    @given(pk=st.one_of(st.integers(min_value=0, max_value=10**40), st.just(2**63)))
    def test_any_number_in_an_address_is_a_404_or_the_page(self, pk):
        staff, patient = self.client_of("physio-a"), self.client_of("patient-a")
        known = set(Patient.objects.values_list("pk", flat=True)) | set(
            Episode.objects.values_list("pk", flat=True)
        )
        for client, method, url in (
            (staff, "get", reverse("tracker:patient_detail", args=["clinic-a", pk])),
            (staff, "post", reverse("tracker:alert_acknowledge", args=["clinic-a", pk])),
            (staff, "post", reverse("tracker:staff_episode_close", args=["clinic-a", pk])),
            (staff, "get", reverse("tracker:staff_summary_pdf", args=["clinic-a", pk])),
            (patient, "post", reverse("tracker:red_flag_resolve", args=[pk])),
        ):
            response = getattr(client, method)(url)
            assert response.status_code < 500
            if pk not in known:
                assert response.status_code == 404, url


class PublicInputTests(BadInputTestCase):
    @fuzz(50)
    @given(
        data=form_data(
            {
                "language": st.sampled_from(Language.values),
                "next": st.sampled_from(
                    ["/", "/me/", "/advies/", "https://evil.example/", "//evil.example"]
                ),
            }
        ),
        method=st.sampled_from(["get", "post"]),
        who=st.sampled_from([None, "patient-a", "physio-a"]),
    )
    def test_the_language_switch_redirects_only_to_this_site(self, data, method, who):
        response = getattr(self.client_of(who), method)("/i18n/setlang/", data)
        assert response.status_code in (302, 204)
        if response.status_code == 302:
            # Relative, or this host: never another site (a backslash reads as a slash).
            target = urlsplit(response.url.replace("\\", "/"))
            assert target.scheme in ("", "http") and target.netloc in ("", "testserver")
        self.assert_nothing_invalid_stored()

    @fuzz(40)
    @given(
        data=form_data({"email": st.one_of(st.emails(), st.just("patient-a@example.org"))}),
        ip=st.sampled_from(["10.7.7.1", "10.7.7.2"]),
    )
    def test_the_forgotten_password_form_answers_any_input(self, data, ip):
        response = Client().post(reverse("password_reset"), data, REMOTE_ADDR=ip)
        assert response.status_code in (200, 302, 429)
        if response.status_code == 302:
            assert response.url == reverse("password_reset_done")
        else:
            assert b'name="email"' in response.content
        self.assert_nothing_invalid_stored()

    @fuzz(30)
    @given(
        data=form_data({"new_password1": st.just("een-lang-wachtwoord-9"), "new_password2": TEXT})
    )
    def test_the_new_password_form_answers_any_input(self, data):
        from tracker.passwords import reset_link

        client = Client()
        form = client.get(urlsplit(reset_link(self.patient_closed.user)).path)
        response = client.post(form.url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert shows_the_form_again(response, data) or b"Deze link werkt niet meer" in (
                response.content
            )
        self.assert_nothing_invalid_stored()

    @fuzz(30)
    @given(data=form_data({"username": st.just("patient-a"), "password": TEXT}))
    def test_the_login_form_answers_any_input(self, data):
        response = Client().post(reverse("login"), data, REMOTE_ADDR="10.9.8.7")
        assert response.status_code in (200, 302, 429)
        if response.status_code == 200:
            assert b'name="username"' in response.content


class OversizedInputTests(BadInputTestCase):
    """Django's DATA_UPLOAD_MAX_MEMORY_SIZE and DATA_UPLOAD_MAX_NUMBER_FIELDS:
    too much is a 400 Bad Request, not a 500."""

    def post_check_in(self, body, **extra):
        client = Client(raise_request_exception=False)
        client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions["patient-a"]
        return client.post(
            reverse("tracker:checkin_day", args=[timezone.localdate()]), body, **extra
        )

    def valid_check_in(self, **overrides) -> dict:
        data = {
            "day": timezone.localdate().isoformat(),
            "pain": "4",
            "function": "partly",
            "work_status": "working",
        }
        return {**data, **overrides}

    def test_a_10_mb_note_is_a_400(self):
        before = entry_rows()
        note = "x" * (10 * 1024 * 1024)
        multipart = self.post_check_in(self.valid_check_in(note=note))
        urlencoded = self.post_check_in(
            urlencode(self.valid_check_in(note=note)),
            content_type="application/x-www-form-urlencoded",
        )
        assert (multipart.status_code, urlencoded.status_code) == (400, 400)
        assert entry_rows() == before

    def test_thousands_of_parameters_are_a_400(self):
        before = entry_rows()
        data = self.valid_check_in(**{f"field{n}": "x" for n in range(5000)})
        multipart = self.post_check_in(data)
        urlencoded = self.post_check_in(
            urlencode(data), content_type="application/x-www-form-urlencoded"
        )
        assert (multipart.status_code, urlencoded.status_code) == (400, 400)
        assert entry_rows() == before

    def test_thousands_of_query_parameters_on_the_dashboard_are_a_400(self):
        client = Client(raise_request_exception=False)
        client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions["physio-a"]
        query = urlencode({f"q{n}": "x" for n in range(5000)})
        url = reverse("tracker:clinic_dashboard", args=["clinic-a"])
        assert client.get(f"{url}?{query}").status_code == 400

    def test_a_body_that_is_not_utf8_is_read_without_a_500(self):
        body = b"day=%FF%FE&pain=%C3&function=%80yes&work_status=n_a&note=%FF%00"
        response = self.post_check_in(body, content_type="application/x-www-form-urlencoded")
        assert shows_the_form_again(response, body)


class OddRequestsTests(BadInputTestCase):
    def test_a_nul_byte_in_a_note_or_a_name_is_a_form_error_naming_the_field(self):
        today = timezone.localdate().isoformat()
        checkin = {"day": today, "pain": "4", "function": "yes", "work_status": "n_a"}
        invitation = {
            "first_name": "An\x00na",
            "last_name": "de Vries",
            "email": "anna@example.com",
            "clinic": str(self.clinic_a.pk),
            "onset": today,
            "year_of_birth": "1980",
            "language": "nl",
        }
        note = self.client_of("patient-a").post(
            reverse("tracker:checkin_day", args=[timezone.localdate()]),
            {**checkin, "note": "pijn\x00"},
        )
        name = self.client_of("physio-a").post(
            reverse("tracker:invite_patient", args=["clinic-a"]), invitation
        )
        # The error summary links each message to its field, under the field's label.
        assert shows_the_form_again(note, checkin)
        assert b'href="#div_id_note" class="alert-link">Notitie' in note.content
        assert shows_the_form_again(name, invitation)
        assert b'href="#div_id_first_name" class="alert-link">Voornaam' in name.content
        assert not DailyEntry.objects.filter(day=timezone.localdate()).exists()
        assert not User.objects.filter(email="anna@example.com").exists()

    def test_a_body_in_another_format_is_no_submission(self):
        client, before = self.client_of("patient-a"), entry_rows()
        for content_type, body in (
            ("application/json", '{"pain": 4, "function": "yes"}'),
            ("text/plain", "pain=4&function=yes"),
            ("application/x-www-form-urlencoded", ""),
        ):
            response = client.post(
                reverse("tracker:checkin_day", args=[timezone.localdate()]),
                body,
                content_type=content_type,
            )
            assert response.status_code == 200, content_type
            assert b'name="pain"' in response.content
        assert entry_rows() == before

    def test_other_methods_on_a_form_are_a_405(self):
        client = self.client_of("patient-a")
        for name in (
            "tracker:checkin",
            "tracker:red_flags",
            "tracker:intake",
            "tracker:episode_new",
            "tracker:patient_settings",
            "tracker:account_delete",
        ):
            for method in ("put", "patch", "delete"):
                response = getattr(client, method)(reverse(name), "pain=4")
                assert response.status_code == 405, (name, method)


class EscapingTests(BadInputTestCase):
    @fuzz(15)
    @given(
        payload=st.sampled_from(
            [
                "<script>alert(1)</script>",
                '"><img src=x onerror=alert(1)>',
                "</textarea><script>alert(2)</script>",
                "<svg onload=alert(3)>",
            ]
        ),
        prefix=st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs", "Zs"]), max_size=5),
    )
    def test_a_note_with_markup_is_shown_escaped(self, payload, prefix):
        note = prefix + payload
        patient = self.client_of("patient-a")
        saved = patient.post(
            reverse("tracker:checkin_day", args=[timezone.localdate()]),
            {
                "day": timezone.localdate().isoformat(),
                "pain": "4",
                "function": "yes",
                "work_status": "n_a",
                "note": note,
            },
        )
        assert saved.status_code == 302
        escaped = html.escape(note).encode()
        pages = {
            "progress": patient.get(reverse("tracker:progress")),
            "check-in": patient.get(reverse("tracker:checkin_day", args=[timezone.localdate()])),
            "staff detail": self.client_of("physio-a").get(
                reverse("tracker:patient_detail", args=["clinic-a", self.patient_a.pk])
            ),
        }
        for name, page in pages.items():
            assert page.status_code == 200, name
            assert payload.encode() not in page.content, name
        # The progress page shows no notes; the check-in form and the record do.
        assert escaped in pages["check-in"].content
        assert escaped in pages["staff detail"].content
