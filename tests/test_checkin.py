"""The daily check-in: quick to fill, strict about days, forgiving on errors."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import client_for
from tracker.models import DailyEntry

TODAY = dt.date(2026, 11, 21)
URL = reverse("tracker:checkin")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 21, 18, 0), tick=False):
        yield


def checkin(**overrides) -> dict:
    data = {
        "day": TODAY.isoformat(),
        "pain": "4",
        "function": "partly",
        "active_minutes": "30",
        "work_status": "working",
        "note": "Rustig gewandeld",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def patient(world):
    episode = world.patient_a.episodes.get()
    episode.onset = TODAY - dt.timedelta(days=10)
    episode.save()
    return world.patient_a


def test_the_check_in_page_shows_the_pain_scale_with_its_anchors(patient):
    response = client_for(patient.user).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for n in range(11):
        assert f'name="pain" id="id_pain_{n}" value="{n}"' in page
    assert "0 = geen pijn" in page
    assert "10 = ergste pijn denkbaar" in page


def test_a_patient_logs_today_and_sees_the_advice(patient):
    client = client_for(patient.user)
    response = client.post(URL, checkin(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tracker:patient_home")
    entry = DailyEntry.objects.get(episode__patient=patient)
    assert (entry.day, entry.pain, entry.function, entry.active_minutes) == (TODAY, 4, "partly", 30)
    assert entry.note == "Rustig gewandeld"
    page = response.content.decode()
    assert "Opgeslagen voor vandaag" in page
    assert 'class="alert' in page  # the advice block


def test_saving_today_again_replaces_the_entry(patient):
    client = client_for(patient.user)
    client.post(URL, checkin(pain="4"))
    client.post(URL, checkin(pain="6", note=""))
    entry = DailyEntry.objects.get(episode__patient=patient)
    assert (entry.pain, entry.note) == (6, "")


def test_a_past_day_of_the_last_week_can_be_added_and_corrected(patient):
    client = client_for(patient.user)
    day = (TODAY - dt.timedelta(days=7)).isoformat()
    client.post(URL, checkin(day=day, pain="7"))
    response = client.get(URL, {"day": day})
    assert 'value="7" checked' in response.content.decode()
    client.post(URL, checkin(day=day, pain="5"))
    assert DailyEntry.objects.get(day=day).pain == 5


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pain": "11"}, "pain", "Kies een getal van 0 tot 10."),
        ({"pain": None}, "pain", "Kies een getal van 0 tot 10."),
        ({"day": "2026-11-22"}, "day", "Deze dag ligt in de toekomst"),
        ({"day": "2026-11-10"}, "day", "vóór het begin van uw rugpijn"),
        ({"day": "2026-11-13"}, "day", "alleen de afgelopen 7 dagen"),
        ({"day": "gisteren"}, "day", "Vul een geldige datum in"),
        ({"active_minutes": "veel"}, "active_minutes", "Vul een heel getal in"),
        ({"active_minutes": "2000"}, "active_minutes", "Een dag heeft 1440 minuten"),
        ({"function": "misschien"}, "function", "Kies ja, gedeeltelijk of nee."),
        ({"note": "x" * 501}, "note", "korter dan 500 tekens"),
    ],
)
def test_bad_input_shows_the_form_again_naming_the_field_and_keeping_what_was_typed(
    patient, overrides, field, message
):
    data = checkin(**overrides)
    response = client_for(patient.user).post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'href="#div_id_{field}"' in page  # the summary names and links the field
    assert 'value="Rustig gewandeld"' not in page  # textarea: typed text is its content
    if field != "note":
        assert "Rustig gewandeld</textarea>" in page
    if "active_minutes" in overrides:
        assert f'value="{overrides["active_minutes"]}"' in page
    assert not DailyEntry.objects.exists()


def test_the_wrong_field_is_marked_and_explained_beside_it_and_the_others_kept(patient):
    data = checkin(active_minutes="veel", work_status="reduced", bed_rest="on")

    page = client_for(patient.user).post(URL, data).content.decode()

    minutes = re.search(r'<input type="number" name="active_minutes"[^>]*>', page).group(0)
    assert 'class="numberinput form-control is-invalid"' in minutes
    assert 'aria-invalid="true"' in minutes
    assert 'aria-describedby="id_active_minutes_error"' in minutes
    assert re.search(
        r'<div id="id_active_minutes_error" class="invalid-feedback">.*'
        r"Vul een heel getal in, bijvoorbeeld 30\.",
        page,
    )
    assert '<option value="reduced" selected>' in page
    assert re.search(r'<input type="checkbox" name="bed_rest"[^>]*checked', page)
    assert '<label for="id_work_status" class="form-label requiredField">' in page
    day = re.search(r'<input type="date" name="day"[^>]*>', page).group(0)
    assert "is-invalid" not in day and "aria-invalid" not in day


def test_a_closed_episode_sends_the_patient_home(patient):
    from tracker import services

    services.episode_close(episode=patient.episodes.get(), outcome="recovered")
    response = client_for(patient.user).post(URL, checkin())
    assert response["Location"] == reverse("tracker:patient_home")
    assert not DailyEntry.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_cannot_use_the_check_in(world):
    assert client_for(world.physio_a).get(URL).status_code == 403


def test_the_check_in_refuses_other_methods(patient):
    assert client_for(patient.user).put(URL).status_code == 405


def test_an_unreadable_day_in_the_address_falls_back_to_today(patient):
    response = client_for(patient.user).get(URL, {"day": "not-a-day"})
    assert response.status_code == 200
    assert f'value="{TODAY.isoformat()}"' in response.content.decode()


def test_the_check_in_page_uses_a_fixed_number_of_queries(patient, django_assert_num_queries):
    client = client_for(patient.user)
    # session, user, patient, open episode, the day's entry, open red flags
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
