"""The daily check-in: quick to fill, strict about days, forgiving on errors."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import client_for
from tracker.models import DailyEntry

TODAY = dt.date(2026, 11, 21)  # a Saturday
YESTERDAY = TODAY - dt.timedelta(days=1)
URL = reverse("tracker:checkin_day", args=[TODAY])


def day_url(day: dt.date) -> str:
    return reverse("tracker:checkin_day", args=[day])


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 21, 18, 0), tick=False):
        yield


def checkin(**overrides) -> dict:
    data = {
        "pain": "4",
        "function": "partly",
        "active_minutes": "30",
        "work_status": "working",
        "note": "Rustig gewandeld",
        "version": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def opened(client, day: dt.date = TODAY) -> dict:
    """What the day's form carries when it is opened: the stored answers and the
    version of the entry (a person opens the page before saving)."""
    form = client.get(day_url(day)).context["form"]
    return {
        name: form[name].value()
        for name in ("pain", "function", "active_minutes", "work_status", "note", "version")
        if form[name].value() is not None
    }


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


def test_the_menus_link_opens_todays_own_page(patient):
    client = client_for(patient.user)
    response = client.get(reverse("tracker:checkin"))
    assert response["Location"] == URL == "/me/checkin/2026-11-21/"
    older_link = client.get(reverse("tracker:checkin"), {"day": YESTERDAY.isoformat()})
    assert older_link["Location"] == day_url(YESTERDAY)


def test_a_patient_logs_today_and_sees_the_advice(patient):
    client = client_for(patient.user)
    response = client.post(URL, checkin(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tracker:patient_home")
    entry = DailyEntry.objects.get(episode__patient=patient)
    assert (entry.day, entry.pain, entry.function, entry.active_minutes) == (TODAY, 4, "partly", 30)
    assert entry.note == "Rustig gewandeld"
    assert entry.version == 1
    page = response.content.decode()
    assert "Opgeslagen voor vandaag" in page
    assert 'class="alert' in page  # the advice block


def test_saving_today_again_from_the_opened_form_replaces_the_entry(patient):
    client = client_for(patient.user)
    client.post(URL, checkin(pain="4"))
    response = client.post(URL, opened(client) | {"pain": "6", "note": ""}, follow=True)
    entry = DailyEntry.objects.get(episode__patient=patient)
    assert (entry.pain, entry.note, entry.version) == (6, "", 2)
    assert "Aangepast voor vandaag." in response.content.decode()


def test_a_past_days_page_asks_about_that_day_and_names_it(patient):
    page = client_for(patient.user).get(day_url(YESTERDAY)).content.decode()
    assert '<h1 class="h3">Hoe ging het op vrijdag 20 november?</h1>' in page
    assert "<title>Invullen voor vrijdag 20 november · Herstelpad</title>" in page
    assert "Kon u op vrijdag 20 november uw gewone dagelijkse activiteiten doen?" in page
    assert "Hoeveel pijn had u gemiddeld op vrijdag 20 november?" in page
    assert "vandaag" not in page.split("<main", 1)[1].split("</form>", 1)[0]
    today = client_for(patient.user).get(URL).content.decode()
    assert "Hoe gaat het vandaag?" in today
    assert "Kon u vandaag uw gewone dagelijkse activiteiten doen?" in today


def test_the_english_page_names_the_day_in_english(patient):
    patient.language = "en"
    patient.save()
    client = client_for(patient.user)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(day_url(YESTERDAY)).content.decode()
    assert "How did it go on Friday 20 November?" in page
    assert "On Friday 20 November, could you do your usual daily activities?" in page


def test_a_past_day_of_the_last_week_can_be_added_and_corrected(patient):
    client = client_for(patient.user)
    day = TODAY - dt.timedelta(days=7)
    response = client.post(day_url(day), checkin(pain="7"), follow=True)
    assert "Opgeslagen voor zaterdag 14 november. Dank u wel!" in response.content.decode()
    assert 'value="7" checked' in client.get(day_url(day)).content.decode()
    response = client.post(day_url(day), opened(client, day) | {"pain": "5"}, follow=True)
    assert "Aangepast voor zaterdag 14 november." in response.content.decode()
    assert DailyEntry.objects.get(day=day).pain == 5


def test_editing_yesterday_never_touches_today(patient):
    client = client_for(patient.user)
    client.post(URL, checkin(pain="3", note="vandaag"))
    client.post(day_url(YESTERDAY), checkin(pain="8", note="gisteren"))
    # The form of yesterday, opened and saved again: today stays as it was.
    client.post(day_url(YESTERDAY), opened(client, YESTERDAY) | {"pain": "9", "day": TODAY})
    entries = {e.day: (e.pain, e.note) for e in DailyEntry.objects.filter(day__gte=YESTERDAY)}
    assert entries == {TODAY: (3, "vandaag"), YESTERDAY: (9, "gisteren")}


def test_a_day_changed_in_another_tab_is_not_overwritten_without_asking(patient):
    phone, tablet = client_for(patient.user), client_for(patient.user)
    phone.post(URL, checkin(pain="4"))
    on_phone, on_tablet = opened(phone), opened(tablet)  # both open the saved day
    phone.post(URL, on_phone | {"pain": "6", "note": "middag"})

    asked = tablet.post(URL, on_tablet | {"pain": "2", "note": "avond"})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Deze dag is intussen ergens anders aangepast" in page
    assert "Nu staat er: pijn 6, dagelijkse activiteiten: gedeeltelijk." in page
    assert "avond</textarea>" in page and 'value="2" checked' in page  # nothing typed is lost
    entry = DailyEntry.objects.get(day=TODAY)
    assert (entry.pain, entry.note) == (6, "middag")
    # Saving again, with the form as it came back, replaces it: the patient chose to.
    again = dict(asked.context["form"].data.items())
    assert again["version"] == "2"
    assert tablet.post(URL, again).status_code == 302
    entry.refresh_from_db()
    assert (entry.pain, entry.note, entry.version) == (2, "avond", 3)


def test_a_new_day_saved_in_another_tab_meanwhile_is_not_overwritten(patient):
    first, second = client_for(patient.user), client_for(patient.user)
    blank = opened(second)
    assert blank["version"] == ""
    first.post(URL, checkin(pain="5"))
    response = second.post(URL, blank | {"pain": "1", "function": "yes"})
    assert response.status_code == 200
    assert "Nu staat er: pijn 5" in response.content.decode()
    assert DailyEntry.objects.get(day=TODAY).pain == 5


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + dt.timedelta(days=1), "Deze dag ligt in de toekomst"),
        (TODAY - dt.timedelta(days=11), "vóór het begin van uw rugpijn"),
        (TODAY - dt.timedelta(days=8), "alleen de afgelopen 7 dagen"),
    ],
)
def test_a_day_that_cannot_be_filled_in_sends_the_page_home_or_keeps_the_form(
    patient, day, message
):
    client = client_for(patient.user)
    response = client.get(day_url(day), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tracker:patient_home")
    assert message in response.content.decode()
    posted = client.post(day_url(day), checkin())
    assert posted.status_code == 200
    assert message in posted.content.decode()
    assert "Rustig gewandeld</textarea>" in posted.content.decode()
    assert not DailyEntry.objects.exists()


def test_a_day_that_does_not_exist_is_a_404(patient):
    client = client_for(patient.user)
    assert client.get("/me/checkin/2026-02-30/").status_code == 404
    assert client.get("/me/checkin/21-11-2026/").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pain": "11"}, "pain", "Kies een getal van 0 tot 10."),
        ({"pain": None}, "pain", "Kies een getal van 0 tot 10."),
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
    note = re.search(r'<textarea name="note"[^>]*>', page).group(0)
    assert "is-invalid" not in note and "aria-invalid" not in note


def test_a_closed_episode_sends_the_patient_home(patient):
    from tracker import lifecycle

    lifecycle.episode_close(episode=patient.episodes.get(), outcome="recovered")
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


def test_an_unreadable_day_in_an_old_link_falls_back_to_today(patient):
    response = client_for(patient.user).get(reverse("tracker:checkin"), {"day": "not-a-day"})
    assert response["Location"] == URL


def test_the_check_in_page_uses_a_fixed_number_of_queries(patient, django_assert_num_queries):
    client = client_for(patient.user)
    # session, user, patient, open episode, the day's entry, open red flags
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
