"""The progress page: chart, words and a table; the chart only for those allowed."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import make_entry

URL = reverse("tracker:progress")


def test_the_progress_page_shows_the_chart_the_trend_and_the_entries(world):
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    for n in range(7):
        make_entry(episode, today - dt.timedelta(days=n), pain=5 - n % 3)
    response = client_for(world.patient_a.user).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("tracker:episode_chart", args=[episode.pk]) in page
    assert 'aria-describedby="trend"' in page
    assert page.count("<tr>") == 8  # header + 7 days


def test_the_patient_gets_their_chart_as_a_png(world):
    episode = world.patient_a.episodes.get()
    response = client_for(world.patient_a.user).get(
        reverse("tracker:episode_chart", args=[episode.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_another_patients_chart_is_a_404(world):
    other = world.patient_b.episodes.get()
    url = reverse("tracker:episode_chart", args=[other.pk])
    assert client_for(world.patient_a.user).get(url).status_code == 404
    missing = reverse("tracker:episode_chart", args=[999999])
    assert client_for(world.patient_a.user).get(missing).status_code == 404


def test_the_physio_of_the_clinic_sees_the_chart_and_another_clinic_gets_404(world):
    url = reverse("tracker:episode_chart", args=[world.patient_a.episodes.get().pk])
    assert client_for(world.physio_a).get(url).status_code == 200
    assert client_for(world.physio_b).get(url).status_code == 404


def test_the_progress_page_uses_a_fixed_number_of_queries(world, django_assert_num_queries):
    episode = world.patient_a.episodes.get()
    client = client_for(world.patient_a.user)
    today = timezone.localdate()
    make_entry(episode, today, pain=3)
    client.get(URL)
    # session, user, patient, episode (open), entries, red flags, menu flags
    with django_assert_num_queries(7) as few:
        client.get(URL)
    for n in range(1, 30):
        make_entry(episode, today - dt.timedelta(days=n), pain=4)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_the_progress_page_refuses_post(world):
    assert client_for(world.patient_a.user).post(URL).status_code == 405
