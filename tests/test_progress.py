"""The progress page: the trend in words, the chart as inline SVG, and the table."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import make_entry
from tracker import assessment

URL = reverse("tracker:progress")
DOT = re.compile(r"<circle [^>]*><title>")  # a day's dot, with its title


def test_the_progress_page_shows_the_trend_the_chart_and_the_entries(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    for n in range(7):
        make_entry(episode, today - dt.timedelta(days=n), pain=5 - n % 3)
    response = client_for(world.patient_a.user).get(URL)
    page = response.content.decode()

    assert response.status_code == 200
    assert '<p id="trend">' in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart"') == 1
    assert len(DOT.findall(page)) == 7  # a dot per day
    assert page.count("<tr>") == 8  # header + 7 days
    assert reverse("tracker:summary_pdf") in page
    assert "<img" not in page


def test_the_key_names_only_what_the_chart_draws(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    client = client_for(world.patient_a.user)
    make_entry(episode, today, pain=6)
    one_day = client.get(URL).content.decode()
    for n in range(1, 7):
        make_entry(episode, today - dt.timedelta(days=n), pain=6)
    assessment.reassess(episodes=[episode], today=today)  # as every check-in does
    week = client.get(URL).content.decode()

    assert "Pijn per dag" in one_day
    assert "Gemiddelde van de 7 dagen" not in one_day
    assert "Gebruikelijk verloop, vanaf de startwaarde" not in one_day
    assert "Gemiddelde van de 7 dagen" in week
    assert "Gebruikelijk verloop, vanaf de startwaarde" in week
    assert "6 weken: " in week
    assert "12 weken" not in week  # the patient is in week 2


def test_the_changes_of_advice_are_listed_under_the_chart(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    for n in range(10, 0, -1):
        make_entry(episode, today - dt.timedelta(days=n), pain=5)
        assessment.reassess(episodes=[episode], today=today - dt.timedelta(days=n))
    page = client_for(world.patient_a.user).get(URL).content.decode()

    changes = re.search(r'<ol class="chart-changes[^"]*">(.*?)</ol>', page, re.S).group(1)
    assert "U bent goed op weg" in changes
    assert 'class="change"' in page


def test_a_long_diary_scrolls_in_a_focusable_region(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    episode.onset = today - dt.timedelta(days=120)
    episode.save(update_fields=["onset"])
    for n in range(100):
        make_entry(episode, today - dt.timedelta(days=n), pain=3)
    page = client_for(world.patient_a.user).get(URL).content.decode()

    assert 'class="chart-scroll chart-scroll-end" tabindex="0" role="region"' in page


def test_another_patients_diary_never_appears(world):
    today = timezone.localdate()
    make_entry(world.patient_a.episodes.get(), today, pain=2)
    make_entry(world.patient_b.episodes.get(), today - dt.timedelta(days=1), pain=9)

    page = client_for(world.patient_a.user).get(URL).content.decode()

    assert ": pijn 2</title>" in page
    assert ": pijn 9</title>" not in page
    assert len(DOT.findall(page)) == 1


def test_the_progress_page_uses_a_fixed_number_of_queries(world, django_assert_num_queries):
    episode = world.patient_a.episodes.get()
    client = client_for(world.patient_a.user)
    today = timezone.localdate()
    make_entry(episode, today, pain=3)
    assessment.reassess(episodes=[episode], today=today)
    client.get(URL)
    # session, user, patient, episode (open), entries, advice history, red flags, menu
    # flags, goals (their scores are one more when there are goals: tests/test_goals.py)
    with django_assert_num_queries(8) as few:
        client.get(URL)
    for n in range(1, 30):
        make_entry(episode, today - dt.timedelta(days=n), pain=4)
    assessment.reassess(episodes=[episode], today=today)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_the_progress_page_refuses_post(world):
    assert client_for(world.patient_a.user).post(URL).status_code == 405


def test_the_progress_page_sends_a_visitor_to_log_in(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))
