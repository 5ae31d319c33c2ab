"""The clinic caseload: triaged, filtered, paged, and only for the clinic's staff."""

import codecs
import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advice import engine
from tests.conftest import client_for
from tests.factories import make_entry, make_patient
from tracker import assessment, checkins
from tracker.models import ContactRecord, DailyEntry, Episode, User


def assessed(patient, level: str, reasons=(), *, red_flag_at=None) -> Episode:
    """Give the patient's open episode a stored assessment, as the engine would."""
    episode = patient.episodes.get(closed_at__isnull=True)
    result = engine.Assessment(
        level=level,
        reasons=tuple(reasons),
        baseline=6.0,
        mean_7d=4.5,
        days_since_onset=(timezone.localdate() - episode.onset).days,
        rules_version=engine.RULES_VERSION,
    )
    fields = assessment.fields_for(
        episode=episode, assessment=result, today=timezone.localdate(), red_flag_at=red_flag_at
    )
    Episode.objects.filter(pk=episode.pk).update(**fields)
    episode.refresh_from_db()
    return episode


def shown(patient) -> dict:
    """What the patient page posts back: the alert it showed."""
    episode = patient.episodes.get(closed_at__isnull=True)
    return {"raised_at": episode.alert_raised_at.isoformat()}


def dashboard(user, clinic, **params):
    return client_for(user).get(reverse("tracker:clinic_dashboard", args=[clinic.slug]), params)


def names(response) -> list[str]:
    return [str(row["patient"]) for row in response.context["rows"]]


@pytest.fixture
def triaged(world):
    """One patient per triage position at clinic A, created in shuffled order."""
    now = timezone.now()
    onset = timezone.localdate() - dt.timedelta(days=30)
    cases = [
        ("on_track", engine.ON_TRACK, (), None),
        ("chronic", engine.SEE_PHYSIO, (engine.CHRONIC_12W,), None),
        ("gp-old", engine.SEE_GP, ("red_flag:accident",), now - dt.timedelta(days=2)),
        ("recovered", engine.RECOVERED, (), None),
        ("worsening", engine.SEE_PHYSIO, (engine.WORSENING, engine.NOT_IMPROVING), None),
        ("few", engine.TOO_FEW_ENTRIES, (engine.FEW_ENTRIES,), None),
        ("emergency-new", engine.EMERGENCY, ("red_flag:leg_weakness",), now),
        ("activities", engine.SEE_PHYSIO, (engine.DAILY_ACTIVITIES,), None),
        ("moving", engine.KEEP_MOVING, (engine.BED_REST,), None),
        ("not-improving", engine.SEE_PHYSIO, (engine.NOT_IMPROVING,), None),
        ("six-weeks", engine.SEE_PHYSIO, (engine.NOT_RECOVERED_6W,), None),
        ("self-manage", engine.SELF_MANAGE, (), None),
    ]
    patients = {}
    for name, level, reasons, red_flag_at in cases:
        patient = make_patient(world.clinic_a, username=name, onset=onset, physio=world.physio_a)
        patient.user.last_name = name
        patient.user.save()
        assessed(patient, level, reasons, red_flag_at=red_flag_at)
        patients[name] = patient
    for patient in (world.patient_a, world.patient_b):
        patient.episodes.update(closed_at=now, outcome="recovered")
    return patients


def test_the_caseload_is_in_triage_order(world, triaged):
    response = dashboard(world.physio_a, world.clinic_a)
    assert response.status_code == 200
    assert names(response) == [
        "Pat emergency-new",  # red flags first, newest first
        "Pat gp-old",
        "Pat worsening",  # then see_physio by reason
        "Pat activities",
        "Pat not-improving",
        "Pat six-weeks",
        "Pat chronic",
        "Pat moving",
        "Pat few",
        "Pat on_track",
        "Pat self-manage",  # past twelve weeks, nothing to report
        "Pat recovered",
    ]


def test_a_row_held_at_see_physio_is_ranked_by_its_held_reason_and_says_so(world, triaged):
    held = make_patient(world.clinic_a, username="held", onset=timezone.localdate())
    held.user.last_name = "held"
    held.user.save()
    episode = held.episodes.get()
    result = engine.Assessment(
        level=engine.SEE_PHYSIO,
        reasons=(),
        baseline=5.0,
        mean_7d=3.0,
        days_since_onset=20,
        rules_version=engine.RULES_VERSION,
        held=(engine.DAILY_ACTIVITIES,),
    )
    fields = assessment.fields_for(
        episode=episode, assessment=result, today=timezone.localdate(), red_flag_at=None
    )
    Episode.objects.filter(pk=episode.pk).update(**fields)
    response = dashboard(world.physio_a, world.clinic_a)
    assert names(response).index("Pat held") == names(response).index("Pat activities") + 1
    assert "kan dagelijkse activiteiten niet doen (aangehouden)" in response.content.decode()


def test_each_row_says_the_level_and_reasons_in_words(world, triaged):
    page = dashboard(world.physio_a, world.clinic_a).content.decode()
    assert "level-emergency" in page
    assert "Spoed" in page  # the badge says it in words
    assert "pijn neemt toe" in page


def test_the_level_filter_keeps_only_that_level(world, triaged):
    response = dashboard(world.physio_a, world.clinic_a, level=engine.SEE_PHYSIO)
    assert names(response) == [
        "Pat worsening",
        "Pat activities",
        "Pat not-improving",
        "Pat six-weeks",
        "Pat chronic",
    ]


def test_an_unknown_level_filter_is_ignored(world, triaged):
    assert len(names(dashboard(world.physio_a, world.clinic_a, level="nonsense"))) == 12


def test_my_patients_shows_only_those_i_treat(world, triaged):
    other = make_patient(world.clinic_a, username="someone-else", onset=timezone.localdate())
    assessment.reassess(episodes=[other.episodes.get()])
    all_names = names(dashboard(world.physio_a, world.clinic_a))
    mine = names(dashboard(world.physio_a, world.clinic_a, scope="mine"))
    assert str(other) in all_names
    assert str(other) not in mine
    assert len(mine) == 12


def test_no_check_in_for_three_days_finds_the_quiet_patients(world, triaged):
    today = timezone.localdate()
    make_entry(triaged["moving"].episodes.get(), today - dt.timedelta(days=2), pain=3)
    make_entry(triaged["few"].episodes.get(), today - dt.timedelta(days=3), pain=3)
    for patient in triaged.values():
        if patient.user.username not in ("moving", "few"):
            make_entry(patient.episodes.get(), today, pain=3)
    quiet = names(dashboard(world.physio_a, world.clinic_a, stale="1"))
    assert quiet == ["Pat few"]


def test_search_by_name(world, triaged):
    assert names(dashboard(world.physio_a, world.clinic_a, q="CHRON")) == ["Pat chronic"]
    assert names(dashboard(world.physio_a, world.clinic_a, q="pat six")) == ["Pat six-weeks"]
    assert names(dashboard(world.physio_a, world.clinic_a, q="nobody")) == []


def test_pagination_keeps_the_triage_order_across_pages(world):
    onset = timezone.localdate() - dt.timedelta(days=30)
    for n in range(60):
        patient = make_patient(world.clinic_a, username=f"p{n:02}", onset=onset)
        patient.user.last_name = f"{n:02}"
        patient.user.save()
        level = engine.SEE_PHYSIO if n % 2 else engine.ON_TRACK
        assessed(patient, level, (engine.WORSENING,) if n % 2 else ())
    for patient in (world.patient_a, world.patient_b):
        assessed(patient, engine.RECOVERED)
    first = dashboard(world.physio_a, world.clinic_a)
    second = dashboard(world.physio_a, world.clinic_a, page=2)
    rows = first.context["rows"] + second.context["rows"]
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 12
    levels = [row["episode"].level for row in rows]
    assert levels == [engine.SEE_PHYSIO] * 30 + [engine.ON_TRACK] * 30 + [engine.RECOVERED] * 2
    assert len({row["patient"].pk for row in rows}) == 62
    assert "level=" not in first.content.decode().split("pagination")[-1]
    filtered = dashboard(world.physio_a, world.clinic_a, level=engine.ON_TRACK, page="999")
    assert filtered.context["page"].number == 1  # clamped to the last page


def test_a_physio_with_several_clinics_switches_between_them(world):
    from tracker.models import Membership

    Membership.objects.create(user=world.physio_a, clinic=world.clinic_b)
    page = dashboard(world.physio_a, world.clinic_a).content.decode()
    assert reverse("tracker:clinic_dashboard", args=[world.clinic_b.slug]) in page
    assert dashboard(world.physio_a, world.clinic_b).status_code == 200


def test_levels_made_before_today_are_refreshed_for_the_rows_shown(world):
    episode = world.patient_a.episodes.get()
    episode.onset = timezone.localdate() - dt.timedelta(days=41)
    episode.save()
    for n in range(7):
        make_entry(episode, timezone.localdate() - dt.timedelta(days=n), pain=6)
    assessment.reassess(episodes=[episode])
    episode.refresh_from_db()
    assert engine.NOT_RECOVERED_6W not in episode.reasons
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        response = dashboard(world.physio_a, world.clinic_a)
        episode.refresh_from_db()
        assert episode.assessed_on == timezone.localdate()
        assert engine.NOT_RECOVERED_6W in episode.reasons  # day 42 since onset
        row = next(r for r in response.context["rows"] if r["episode"].pk == episode.pk)
        assert row["episode"].level == engine.SEE_PHYSIO


def test_the_reassess_command_refreshes_every_stale_episode(world):
    episode = world.patient_a.episodes.get()
    assessment.reassess(episodes=[episode])
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        out = io.StringIO()
        call_command("reassess", stdout=out)
        assert "3 episode(s) reassessed" in out.getvalue()
        episode.refresh_from_db()
        assert episode.assessed_on == timezone.localdate()
        out = io.StringIO()
        call_command("reassess", stdout=out)
        assert "0 episode(s) reassessed" in out.getvalue()


def test_acknowledging_an_alert_records_who_and_when(world):
    checkins.red_flags_report(episode=world.patient_a.episodes.get(), codes=["accident"])
    row = lambda: next(  # noqa: E731
        r
        for r in dashboard(world.physio_a, world.clinic_a).context["rows"]
        if r["patient"].pk == world.patient_a.pk
    )
    assert row()["episode"].alert_unacknowledged
    url = reverse("tracker:alert_acknowledge", args=[world.clinic_a.slug, world.patient_a.pk])
    data = shown(world.patient_a) | {"action": "called", "note": "Afspraak morgen 9 uur."}
    response = client_for(world.physio_a).post(url, data)
    assert response.status_code == 302
    ack = ContactRecord.objects.get()
    assert (ack.user, ack.level, ack.action) == (world.physio_a, engine.SEE_GP, "called")
    assert ack.note == "Afspraak morgen 9 uur."
    assert not row()["episode"].alert_unacknowledged
    assert "afgehandeld" in dashboard(world.physio_a, world.clinic_a).content.decode()


def test_a_new_alert_after_acknowledging_is_new_again(world):
    episode = world.patient_a.episodes.get()
    checkins.red_flags_report(episode=episode, codes=["accident"])
    client_for(world.physio_a).post(
        reverse("tracker:alert_acknowledge", args=[world.clinic_a.slug, world.patient_a.pk]),
        shown(world.patient_a) | {"action": "no_answer"},
    )
    checkins.red_flags_report(episode=Episode.objects.get(pk=episode.pk), codes=["leg_weakness"])
    assert Episode.objects.get(pk=episode.pk).alert_unacknowledged


def test_an_alert_raised_after_the_page_was_shown_is_not_acknowledged_unseen(world):
    episode = world.patient_a.episodes.get()
    checkins.red_flags_report(episode=episode, codes=["accident"])
    seen = shown(world.patient_a)  # the physio opens the page: "see_gp"
    checkins.red_flags_report(episode=Episode.objects.get(pk=episode.pk), codes=["leg_weakness"])
    url = reverse("tracker:alert_acknowledge", args=[world.clinic_a.slug, world.patient_a.pk])
    response = client_for(world.physio_a).post(url, seen | {"action": "called"}, follow=True)
    assert "Er is intussen een nieuwe melding" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).alert_unacknowledged
    assert not ContactRecord.objects.exists()


def test_acknowledging_needs_a_post_and_the_right_clinic(world):
    url = reverse("tracker:alert_acknowledge", args=[world.clinic_a.slug, world.patient_a.pk])
    assert client_for(world.physio_a).get(url).status_code == 405
    assert client_for(world.physio_b).post(url).status_code == 404
    other = reverse("tracker:alert_acknowledge", args=[world.clinic_b.slug, world.patient_a.pk])
    assert client_for(world.physio_b).post(other).status_code == 404


def test_staff_close_an_episode_with_an_outcome(world):
    url = reverse("tracker:staff_episode_close", args=[world.clinic_a.slug, world.patient_a.pk])
    client_for(world.physio_a).post(url, {"outcome": "referred", "confirm": "on"})
    episode = world.patient_a.episodes.get()
    assert (episode.is_open, episode.outcome) == (False, "referred")


def test_staff_close_asks_for_confirmation_and_preselects_no_outcome(world):
    url = reverse("tracker:staff_episode_close", args=[world.clinic_a.slug, world.patient_a.pk])
    client = client_for(world.physio_a)
    detail = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    outcomes = re.compile(r'<input type="radio"[^>]*name="outcome"[^>]*>')
    page = client.get(detail).content.decode()
    assert len(outcomes.findall(page)) == 5
    assert not any("checked" in radio for radio in outcomes.findall(page))
    response = client.post(url, {"outcome": "referred"})  # not confirmed
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vink dit aan om te bevestigen dat u wilt afsluiten." in body
    (kept,) = [radio for radio in outcomes.findall(body) if "checked" in radio]
    assert 'value="referred"' in kept  # what was chosen is kept
    assert world.patient_a.episodes.get().is_open


def test_a_bad_outcome_closes_nothing(world):
    url = reverse("tracker:staff_episode_close", args=[world.clinic_a.slug, world.patient_a.pk])
    response = client_for(world.physio_a).post(url, {"outcome": "gone", "confirm": "on"})
    assert "Uitkomst" in response.content.decode()
    assert world.patient_a.episodes.get().is_open


def test_the_patient_detail_shows_the_record(world):
    episode = world.patient_a.episodes.get()
    make_entry(episode, timezone.localdate(), pain=7, note="zware dag")
    checkins.red_flags_report(episode=episode, codes=["fever_unwell"])
    checkins.risk_factors_save(episode=episode, answers={"low_mood": True}, occasion="intake")
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    page = client_for(world.physio_a).get(url).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart"' in page
    assert (
        reverse("tracker:staff_summary_pdf", args=[world.clinic_a.slug, world.patient_a.pk]) in page
    )
    assert "zware dag" in page
    assert "Ziek voelen door de rugpijn" in page
    assert "Ik voel me somber of neerslachtig." in page
    assert engine.RULES_VERSION in page


def test_the_csv_export_has_the_table_and_no_notes(world):
    make_entry(world.patient_a.episodes.get(), timezone.localdate(), pain=7, note="geheim")
    for patient in (world.patient_a, world.patient_b):
        assessment.reassess(episodes=[patient.episodes.get()])
    response = client_for(world.physio_a).get(
        reverse("tracker:caseload_csv", args=[world.clinic_a.slug])
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 3  # header + two patients of clinic A
    assert rows[0][-1] == "versie regels"
    assert {row[-1] for row in rows[1:]} == {engine.RULES_VERSION}
    assert "geheim" not in body
    assert str(world.patient_other_clinic) not in body


def stored_mean(patient, baseline: float, mean_7d: float) -> None:
    Episode.objects.filter(patient=patient).update(
        baseline=baseline, mean_7d=mean_7d, assessed_on=timezone.localdate()
    )


def test_the_excel_export_opens_in_dutch_excel(world):
    """UTF-8 with a byte order mark (Zoë stays Zoë), ; between cells, a decimal
    comma rounded to one digit, Dutch days; read back with Python's csv module."""
    User.objects.filter(pk=world.patient_a.user_id).update(first_name="Zoë", last_name="de Vries")
    stored_mean(world.patient_a, 6.333333, 4.06)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    make_entry(world.patient_a.episodes.get(), yesterday)
    url = reverse("tracker:caseload_csv", args=[world.clinic_a.slug])
    response = client_for(world.physio_a).get(url, {"format": "excel"})
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    zoe = next(row for row in rows if row["patiënt"] == "Zoë de Vries")
    assert zoe["startwaarde"] == "6,3"
    assert zoe["gemiddelde 7 dagen"] == "4,1"
    assert zoe["verandering %"] == "-36"
    assert zoe["laatste registratie"] == yesterday.strftime("%d-%m-%Y")
    assert zoe["melding nog niet gezien"] == "nee"  # no alert to acknowledge
    # The same with the default (no ?format=): Excel.
    assert client_for(world.physio_a).get(url).content == response.content


def test_a_name_that_looks_like_a_formula_stays_text(world):
    User.objects.filter(pk=world.patient_a.user_id).update(first_name="=HYPERLINK(1)")
    url = reverse("tracker:caseload_csv", args=[world.clinic_a.slug])
    for fmt in ("excel", "csv"):
        body = client_for(world.physio_a).get(url, {"format": fmt}).content.decode("utf-8-sig")
        assert "'=HYPERLINK(1)" in body
        assert "\n=HYPERLINK" not in body and ";=HYPERLINK" not in body


def test_the_plain_csv_export_is_plain(world):
    User.objects.filter(pk=world.patient_a.user_id).update(first_name="Zoë")
    stored_mean(world.patient_a, 6.333333, 4.06)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    make_entry(world.patient_a.episodes.get(), yesterday)
    url = reverse("tracker:caseload_csv", args=[world.clinic_a.slug])
    response = client_for(world.physio_a).get(url, {"format": "csv"})
    assert not response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    zoe = next(row for row in rows if row["patiënt"].startswith("Zoë"))
    assert (zoe["startwaarde"], zoe["gemiddelde 7 dagen"]) == ("6.3", "4.1")
    assert zoe["laatste registratie"] == yesterday.isoformat()


def test_the_dashboard_offers_excel_and_plain_csv(world):
    page = dashboard(world.physio_a, world.clinic_a).content.decode()
    url = reverse("tracker:caseload_csv", args=[world.clinic_a.slug])
    assert f'href="{url}">Excel' in page
    assert f'href="{url}?format=csv">CSV' in page


def test_the_clinic_outcomes_show_shares_by_week_and_the_leaflets_expectation(world):
    episode = world.patient_a.episodes.get()
    make_entry(episode, timezone.localdate() - dt.timedelta(weeks=7) + dt.timedelta(days=2))
    Episode.objects.filter(pk=episode.pk).update(
        onset=timezone.localdate() - dt.timedelta(weeks=7),
        first_improved_on=timezone.localdate() - dt.timedelta(weeks=4),  # week 3
        first_recovered_on=timezone.localdate() - dt.timedelta(weeks=2),  # week 5
    )
    response = client_for(world.physio_a).get(
        reverse("tracker:clinic_outcomes", args=[world.clinic_a.slug])
    )
    rows = {row.week: row for row in response.context["rows"]}
    assert (rows[2].eligible, rows[2].improved, rows[2].recovered) == (1, 0, 0)
    assert (rows[4].eligible, rows[4].improved, rows[4].recovered) == (1, 1, 0)
    assert (rows[6].eligible, rows[6].improved, rows[6].recovered) == (1, 1, 1)
    assert rows[12].eligible == 0
    assert rows[6].typical_percent == 56  # RULES.md: typical pain 0.44 of onset at week 6
    assert "80–90%" in response.content.decode()
    assert f"Volgens de adviesregels versie {engine.RULES_VERSION}." in response.content.decode()
    Episode.objects.filter(pk=episode.pk).update(rules_version="2026.1")
    older = client_for(world.physio_a).get(
        reverse("tracker:clinic_outcomes", args=[world.clinic_a.slug])
    )
    assert "1 episode is nog beoordeeld met versie 2026.1." in older.content.decode()
    chart = client_for(world.physio_a).get(
        reverse("tracker:clinic_outcomes_chart", args=[world.clinic_a.slug])
    )
    assert chart.content.startswith(b"\x89PNG")


STAFF_PAGES = [
    ("tracker:clinic_dashboard", False),
    ("tracker:caseload_csv", False),
    ("tracker:clinic_outcomes", False),
    ("tracker:clinic_outcomes_chart", False),
    ("tracker:invite_patient", False),
    ("tracker:patient_detail", True),
]


@pytest.mark.parametrize(("name", "with_patient"), STAFF_PAGES)
def test_another_clinics_physio_gets_404(world, name, with_patient):
    args = [world.clinic_a.slug] + ([world.patient_a.pk] if with_patient else [])
    assert client_for(world.physio_b).get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize(("name", "with_patient"), STAFF_PAGES)
def test_a_patient_gets_403_on_staff_pages(world, name, with_patient):
    args = [world.clinic_a.slug] + ([world.patient_a.pk] if with_patient else [])
    assert client_for(world.patient_a.user).get(reverse(name, args=args)).status_code == 403


def test_a_patient_of_another_clinic_is_404_even_through_my_own_clinic(world):
    url = reverse(
        "tracker:patient_detail", args=[world.clinic_a.slug, world.patient_other_clinic.pk]
    )
    assert client_for(world.physio_a).get(url).status_code == 404


def test_an_admin_sees_every_clinic(world):
    assert dashboard(world.admin, world.clinic_b).status_code == 200


def _caseload(world, size: int) -> None:
    onset = timezone.localdate() - dt.timedelta(days=20)
    patients = [make_patient(world.clinic_a, onset=onset) for _ in range(size)]
    entries = [
        DailyEntry(
            episode=p.episodes.get(),
            day=timezone.localdate() - dt.timedelta(days=n),
            pain=5,
            function="yes",
        )
        for p in patients
        for n in range(10)
    ]
    DailyEntry.objects.bulk_create(entries)
    call_command("reassess", stdout=io.StringIO())


@pytest.mark.parametrize("size", [5, 200])
def test_the_dashboard_uses_a_fixed_number_of_queries(world, size, django_assert_num_queries):
    _caseload(world, size)
    client = client_for(world.physio_a)
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    client.get(url)  # the first look of the session records the visit ("new since")
    # session, user, two-factor device, role, clinic, count, page, counts per
    # level, sparklines, access log, clinic switch
    with django_assert_num_queries(11):
        assert client.get(url, {"level": engine.ON_TRACK}).status_code == 200


@pytest.mark.parametrize("size", [5, 200])
def test_the_patient_detail_uses_a_fixed_number_of_queries(world, size, django_assert_num_queries):
    _caseload(world, size)
    client = client_for(world.physio_a)
    episode = world.patient_a.episodes.get()
    for n in range(size % 50):
        make_entry(episode, timezone.localdate() - dt.timedelta(days=n), pain=4)
    assessment.reassess(episodes=[episode])
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    # session, user, two-factor device, role, clinic, patient, access log,
    # episodes, entries, red flags, risk factors, assessments, contacts, goals
    # (their scores are one more when there are goals: tests/test_goals.py)
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200


def test_an_episode_whose_diary_started_late_does_not_count_for_the_early_weeks(world):
    episode = world.patient_a.episodes.get()
    Episode.objects.filter(pk=episode.pk).update(onset=timezone.localdate() - dt.timedelta(weeks=7))
    make_entry(episode, timezone.localdate() - dt.timedelta(weeks=2), pain=5)  # joined in week 6
    response = client_for(world.physio_a).get(
        reverse("tracker:clinic_outcomes", args=[world.clinic_a.slug])
    )
    eligible = {row.week: row.eligible for row in response.context["rows"]}
    assert eligible == {2: 0, 4: 0, 6: 1, 12: 0}


def test_a_lone_day_in_the_sparkline_is_drawn_where_it_belongs_on_a_dutch_page(world):
    """A day without neighbours is a dot; its coordinates are SVG numbers (52.9),
    never the Dutch 52,9 that a browser cannot place."""
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    make_entry(episode, today - dt.timedelta(days=10), pain=5)  # day 17 of 28, alone
    make_entry(episode, today - dt.timedelta(days=1), pain=3)
    make_entry(episode, today, pain=3)
    assessment.reassess(episodes=[episode])
    page = dashboard(world.physio_a, world.clinic_a).content.decode()
    assert '<html lang="nl"' in page
    dots = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)" r="1.8"/>', page)
    assert dots == [("52.9", "10.0")]
