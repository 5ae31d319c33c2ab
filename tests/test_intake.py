"""The first visit: onset, red-flag checklist, risk factors, what the app does."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from advice import content, engine, words
from tests.conftest import client_for
from tests.factories import make_entry, make_patient
from tracker.models import RiskFactorAnswer

URL = reverse("tracker:intake")


def answers(red=(), risk=(), onset=None) -> dict:
    data = {"onset": (onset or timezone.localdate() - dt.timedelta(days=5)).isoformat()}
    for code in engine.RED_FLAGS:
        data[f"red_flag_{code}"] = "yes" if code in red else "no"
    for code in engine.YELLOW_FLAGS:
        data[f"risk_{code}"] = "yes" if code in risk else "no"
    return data


@pytest.fixture
def newcomer(world):
    return make_patient(
        world.clinic_a, onset=timezone.localdate() - dt.timedelta(days=3), intake_done=False
    )


def test_a_new_patient_is_sent_to_the_first_visit(newcomer):
    response = client_for(newcomer.user).get(reverse("tracker:patient_home"))
    assert response["Location"] == URL


def test_the_first_visit_asks_every_red_flag_and_risk_factor_and_explains_the_app(newcomer):
    page = client_for(newcomer.user).get(URL).content.decode()
    for code in engine.RED_FLAGS:
        assert f'name="red_flag_{code}"' in page
    for code in engine.YELLOW_FLAGS:
        assert f'name="risk_{code}"' in page
    assert str(content.ABOUT_THE_APP[0])[:30] in page


def test_completing_the_first_visit_stores_onset_and_answers(newcomer):
    onset = timezone.localdate() - dt.timedelta(days=9)
    client = client_for(newcomer.user)
    response = client.post(URL, answers(risk={"fear_avoidance"}, onset=onset), follow=True)
    episode = newcomer.episodes.get()
    assert episode.onset == onset
    assert episode.intake_done_at is not None
    stored = dict(episode.risk_factors.values_list("code", "answer"))
    assert stored == {code: code == "fear_avoidance" for code in engine.YELLOW_FLAGS}
    page = response.content.decode()
    assert str(words.RISK_FACTOR_EDUCATION["fear_avoidance"])[:40] in page
    assert str(words.RISK_FACTOR_EDUCATION["low_mood"])[:40] not in page


def test_a_red_flag_at_the_first_visit_gives_urgent_advice_on_every_page(newcomer):
    client = client_for(newcomer.user)
    client.post(URL, answers(red={"leg_weakness"}))
    episode = newcomer.episodes.get()
    assert episode.level == engine.EMERGENCY
    for url in (
        reverse("tracker:patient_home"),
        reverse("tracker:progress"),
        reverse("tracker:checkin_day", args=[timezone.localdate()]),
    ):
        page = client.get(url).content.decode()
        assert "Bel nu uw huisarts of de huisartsenpost" in page, url
        assert "Is dit voorbij?" in page, url


def test_unanswered_questions_are_named_and_the_onset_is_kept(newcomer):
    data = answers(onset=dt.date(2026, 10, 1))
    del data["red_flag_accident"]
    response = client_for(newcomer.user).post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kies ja of nee." in page
    assert 'href="#div_id_red_flag_accident"' in page
    assert 'value="2026-10-01"' in page
    assert newcomer.episodes.get().intake_done_at is None


def test_an_onset_in_the_future_is_refused(newcomer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(newcomer.user).post(URL, answers(onset=tomorrow))
    assert "Deze datum ligt in de toekomst." in response.content.decode()
    assert newcomer.episodes.get().intake_done_at is None


def test_an_onset_after_the_first_logged_day_is_refused(newcomer):
    episode = newcomer.episodes.get()
    make_entry(episode, timezone.localdate() - dt.timedelta(days=2))
    response = client_for(newcomer.user).post(URL, answers(onset=timezone.localdate()))
    assert "begon dus eerder" in response.content.decode()
    assert not RiskFactorAnswer.objects.exists()


def test_a_new_patient_is_not_told_off_for_few_entries_in_the_first_week(newcomer):
    """Day 1 of the diary: no "fewer than 4 of the last 7 days", but how many days
    are still needed; the history keeps what the patient read."""
    client = client_for(newcomer.user)
    client.post(URL, answers(onset=timezone.localdate() - dt.timedelta(days=3)))
    today = timezone.localdate()
    client.post(
        reverse("tracker:checkin_day", args=[today]),
        {"pain": "6", "function": "partly", "work_status": "n_a", "version": ""},
    )
    page = client.get(reverse("tracker:patient_home")).content.decode()
    assert "minder dan 4 dagen ingevuld" not in page
    assert "Na 4 ingevulde dagen kan Herstelpad laten zien hoe uw herstel gaat." in page
    assert "Nog 3 dagen te gaan." in page
    episode = newcomer.episodes.get()
    assert episode.reasons == [engine.FEW_ENTRIES]
    assert "Nog 4 dagen te gaan." in episode.assessments.earliest("assessed_at").message


def test_after_the_first_week_few_entries_is_said_as_it_is(newcomer):
    client = client_for(newcomer.user)
    client.post(URL, answers(onset=timezone.localdate() - dt.timedelta(days=20)))
    episode = newcomer.episodes.get()
    make_entry(episode, timezone.localdate() - dt.timedelta(days=12), pain=5)
    client.post(
        reverse("tracker:checkin_day", args=[timezone.localdate()]),
        {"pain": "6", "function": "partly", "work_status": "n_a", "version": ""},
    )
    page = client.get(reverse("tracker:patient_home")).content.decode()
    assert "U heeft de afgelopen 7 dagen minder dan 4 dagen ingevuld." in page
