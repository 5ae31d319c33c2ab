"""The patient's own data: download it, close and reopen an episode, delete it all."""

import codecs
import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import PASSWORD, make_entry
from tracker import goals
from tracker.models import DailyEntry, Episode, Patient, User


def test_the_json_download_holds_everything_about_the_patient_and_nobody_else(world):
    episode = world.patient_a.episodes.get()
    make_entry(episode, timezone.localdate(), pain=4, note="trap gelopen")
    make_entry(world.patient_b.episodes.get(), timezone.localdate(), pain=9, note="van B")
    response = client_for(world.patient_a.user).get(reverse("tracker:export_json"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "patient-a"
    assert data["patient"]["clinic"] == world.clinic_a.name
    entries = data["episodes"][0]["entries"]
    assert [(e["pain"], e["note"]) for e in entries] == [(4, "trap gelopen")]
    assert "van B" not in response.content.decode()


def read_csv(response, delimiter=";") -> list[dict]:
    return list(
        csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter)
    )


def test_the_csv_download_holds_the_same_records_with_readable_labels(world):
    make_entry(
        world.patient_a.episodes.get(),
        timezone.localdate(),
        pain=4,
        function="partly",
        note="trap gelopen",
        bed_rest=True,
    )
    response = client_for(world.patient_a.user).get(reverse("tracker:export_csv"))
    assert response.content.startswith(codecs.BOM_UTF8)  # Excel: UTF-8 with its mark
    rows = read_csv(response)
    entry = {row["Gegeven"]: row["Waarde"] for row in rows if row["Onderdeel"] == "Dagregistratie"}
    assert entry == {
        "Dag": timezone.localdate().strftime("%d-%m-%Y"),
        "Pijn": "4",
        "Dagelijkse activiteiten": "gedeeltelijk",
        "Bedrust": "ja",
        "Actieve minuten": "",
        "Werk": "niet van toepassing",
        "Pijnstillers": "nee",
        "Notitie": "trap gelopen",
    }
    assert {
        "Onderdeel": "Gegevens",
        "Periode": "",
        "Nr.": "",
        "Gegeven": "Praktijk",
        "Waarde": world.clinic_a.name,
    } in rows
    # No internal codes: the advice and the language are said in words.
    values = {row["Waarde"] for row in rows}
    assert "partly" not in values and "n_a" not in values and "nl" not in values
    assert "Nederlands" in values


def test_the_csv_download_follows_the_patients_language(world):
    make_entry(world.patient_a.episodes.get(), timezone.localdate(), pain=4, function="partly")
    client = client_for(world.patient_a.user)
    client.post(reverse("set_language"), {"language": "en"})
    rows = read_csv(client.get(reverse("tracker:export_csv"), {"format": "csv"}), delimiter=",")
    entry = {row["Item"]: row["Value"] for row in rows if row["Part"] == "Daily entry"}
    assert entry["Daily activities"] == "partly"
    assert entry["Painkillers"] == "no"
    assert entry["Day"] == timezone.localdate().isoformat()


def test_the_patient_closes_the_episode_and_starts_a_new_one(world):
    client = client_for(world.patient_a.user)
    client.post(reverse("tracker:episode_close"), {"outcome": "recovered"})
    episode = world.patient_a.episodes.get()
    assert (episode.is_open, episode.outcome) == (False, "recovered")
    assert "Nieuw dagboek starten" in client.get(reverse("tracker:patient_home")).content.decode()

    onset = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(reverse("tracker:episode_new"), {"onset": onset.isoformat()})
    assert response["Location"] == reverse("tracker:intake")
    assert world.patient_a.episodes.filter(closed_at__isnull=True).get().onset == onset


def test_a_new_episode_in_the_future_is_refused(world):
    client = client_for(world.patient_a.user)
    client.post(reverse("tracker:episode_close"), {"outcome": "recovered"})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(reverse("tracker:episode_new"), {"onset": tomorrow.isoformat()})
    assert "Deze datum ligt in de toekomst." in response.content.decode()
    assert world.patient_a.episodes.count() == 1


def test_deleting_the_account_needs_the_password_and_removes_everything(world):
    make_entry(world.patient_a.episodes.get(), timezone.localdate(), pain=4)
    client = client_for(world.patient_a.user)
    url = reverse("tracker:account_delete")
    response = client.post(url, {"confirm": "on", "password": "wrong"})
    assert "Dit wachtwoord klopt niet." in response.content.decode()
    assert User.objects.filter(username="patient-a").exists()

    response = client.post(url, {"confirm": "on", "password": PASSWORD})
    assert response["Location"] == reverse("login")
    assert not User.objects.filter(username="patient-a").exists()
    assert not Patient.objects.filter(pk=world.patient_a.pk).exists()
    assert not DailyEntry.objects.exists()
    assert Patient.objects.filter(pk=world.patient_b.pk).exists()


def test_reminders_and_language_are_the_patients_choice(world):
    client = client_for(world.patient_a.user)
    response = client.post(reverse("tracker:patient_settings"), {"language": "en"})
    assert response.cookies["django_language"].value == "en"
    world.patient_a.refresh_from_db()
    assert (world.patient_a.reminders, world.patient_a.language) == (False, "en")


def test_staff_cannot_download_a_patients_export_as_their_own(world):
    assert client_for(world.physio_a).get(reverse("tracker:export_json")).status_code == 403


def test_an_onset_years_ago_is_questioned(world):
    client = client_for(world.patient_a.user)
    client.post(reverse("tracker:episode_close"), {"outcome": "recovered"})
    response = client.post(reverse("tracker:episode_new"), {"onset": "2001-01-01"})
    assert "meer dan 5 jaar terug" in response.content.decode()
    assert world.patient_a.episodes.count() == 1


def test_the_diary_cannot_be_closed_while_a_red_flag_is_open(world):
    from tracker import checkins

    checkins.red_flags_report(episode=world.patient_a.episodes.get(), codes=["leg_weakness"])
    response = client_for(world.patient_a.user).post(
        reverse("tracker:episode_close"), {"outcome": "recovered"}, follow=True
    )
    assert "U heeft nog een alarmsignaal open" in response.content.decode()
    assert world.patient_a.episodes.get().is_open


@pytest.mark.parametrize("url_name", ["tracker:export_json", "tracker:export_csv"])
def test_the_downloads_read_the_goals_of_every_episode_at_once(
    world, url_name, django_assert_num_queries
):
    """The goals of all the patient's episodes are read together: a patient with
    three episodes, each with goals and scores, costs as many queries as one with
    one episode."""
    client = client_for(world.patient_a.user)

    def with_goals(episode):
        (goal,) = goals.goals_choose(
            episode=episode, goals=[("Fietsen", 6)], by=world.patient_a.user
        )
        assert goal.ratings.exists()
        return episode

    first = with_goals(world.patient_a.episodes.get())
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name)).status_code == 200
    today = timezone.localdate()
    for n in (1, 2):
        Episode.objects.filter(pk=first.pk).update(closed_at=timezone.now(), outcome="recovered")
        first = with_goals(
            Episode.objects.create(
                patient=world.patient_a,
                onset=today - dt.timedelta(days=n),
                intake_done_at=timezone.now(),
            )
        )
    with django_assert_num_queries(len(one)):
        response = client.get(reverse(url_name))
    assert response.content.decode("utf-8-sig").count("Fietsen") >= 3
