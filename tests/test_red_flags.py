"""'Something changed?': red flags reported at any time stay on top until resolved."""

from django.urls import reverse

from advice import engine
from tests.conftest import client_for
from tracker.models import RedFlagReport

URL = reverse("tracker:red_flags")
BANNER = "Let op: neem contact op met een arts"


def checklist(*present) -> dict:
    return {f"red_flag_{code}": "yes" if code in present else "no" for code in engine.RED_FLAGS}


def test_every_page_links_to_the_checklist(world):
    page = client_for(world.patient_a.user).get(reverse("tracker:progress")).content.decode()
    assert f'href="{URL}"' in page


def test_reporting_a_red_flag_shows_the_urgent_message_until_it_is_resolved(world):
    client = client_for(world.patient_a.user)
    client.post(URL, checklist("accident"))
    episode = world.patient_a.episodes.get()
    episode.refresh_from_db()
    assert episode.level == engine.SEE_GP
    assert episode.reasons[0] == "red_flag:accident"
    for url in (reverse("tracker:patient_home"), reverse("tracker:progress"), URL):
        assert BANNER in client.get(url).content.decode()

    report = RedFlagReport.objects.get()
    client.post(reverse("tracker:red_flag_resolve", args=[report.pk]))
    assert BANNER not in client.get(reverse("tracker:progress")).content.decode()
    episode.refresh_from_db()
    assert episode.level != engine.SEE_GP


def test_reporting_the_same_flag_twice_keeps_one_open_report(world):
    client = client_for(world.patient_a.user)
    client.post(URL, checklist("fever_unwell"))
    client.post(URL, checklist("fever_unwell"))
    assert RedFlagReport.objects.filter(resolved_at__isnull=True).count() == 1


def test_no_flags_reported_changes_nothing(world):
    client_for(world.patient_a.user).post(URL, checklist())
    assert not RedFlagReport.objects.exists()


def test_an_incomplete_checklist_names_the_question(world):
    data = checklist()
    del data["red_flag_bladder_bowel"]
    page = client_for(world.patient_a.user).post(URL, data).content.decode()
    assert 'href="#div_id_red_flag_bladder_bowel"' in page
    assert not RedFlagReport.objects.exists()


def test_another_patients_red_flag_cannot_be_resolved(world):
    client_for(world.patient_b.user).post(URL, checklist("accident"))
    report = RedFlagReport.objects.get()
    response = client_for(world.patient_a.user).post(
        reverse("tracker:red_flag_resolve", args=[report.pk])
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.resolved_at is None


def test_resolving_needs_a_post(world):
    client_for(world.patient_a.user).post(URL, checklist("accident"))
    report = RedFlagReport.objects.get()
    url = reverse("tracker:red_flag_resolve", args=[report.pk])
    assert client_for(world.patient_a.user).get(url).status_code == 405


def test_a_visitor_is_sent_to_log_in(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
