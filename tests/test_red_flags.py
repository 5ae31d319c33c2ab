"""'Something changed?': red flags reported at any time stay on top until resolved."""

from django.urls import reverse

from advice import engine
from tests.conftest import client_for
from tracker.models import RedFlagReport

URL = reverse("tracker:red_flags")
BANNER = "Is dit voorbij?"  # the banner lists each red flag with this link


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
    client.post(reverse("tracker:red_flag_resolve", args=[report.pk]), {"resolution": "gone"})
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
        reverse("tracker:red_flag_resolve", args=[report.pk]), {"resolution": "gone"}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.resolved_at is None


def test_staff_and_visitors_cannot_resolve_a_patients_red_flag(world):
    client_for(world.patient_a.user).post(URL, checklist("accident"))
    report = RedFlagReport.objects.get()
    url = reverse("tracker:red_flag_resolve", args=[report.pk])
    for user, status in ((world.physio_a, 403), (world.physio_b, 403), (world.admin, 403)):
        assert client_for(user).post(url, {"resolution": "gone"}).status_code == status
    assert (
        client_for(None).post(url, {"resolution": "gone"})["Location"].startswith(reverse("login"))
    )
    report.refresh_from_db()
    assert report.resolved_at is None


def test_one_tap_does_not_clear_a_red_flag(world):
    # The banner's link opens a page that asks what happened; only a choice clears it.
    client = client_for(world.patient_a.user)
    client.post(URL, checklist("leg_weakness"))
    report = RedFlagReport.objects.get()
    url = reverse("tracker:red_flag_resolve", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Wat is er gebeurd?" in page
    for choice in ("Ik heb een arts gesproken", "per vergissing", "vanzelf weggegaan"):
        assert choice in page
    response = client.post(url, {"resolution": ""})
    assert response.status_code == 200
    assert "Kies wat er is gebeurd." in response.content.decode()
    report.refresh_from_db()
    assert report.resolved_at is None and report.resolution == ""


def test_resolving_records_what_happened(world):
    client = client_for(world.patient_a.user)
    client.post(URL, checklist("leg_weakness"))
    report = RedFlagReport.objects.get()
    url = reverse("tracker:red_flag_resolve", args=[report.pk])
    assert client.post(url, {"resolution": "seen_doctor"})["Location"] == reverse(
        "tracker:patient_home"
    )
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert report.resolution == "seen_doctor"
    # Already over: the page leads home instead of asking again.
    assert client.get(url)["Location"] == reverse("tracker:patient_home")


def test_the_urgent_text_appears_once_on_the_home_page(world):
    client = client_for(world.patient_a.user)
    client.post(URL, checklist("bladder_bowel"))
    page = client.get(reverse("tracker:patient_home")).content.decode()
    assert page.count("Bel nu uw huisarts of de huisartsenpost") == 1
    assert page.count("Bel nu uw huisarts.") == 1
    assert page.count('href="tel:112"') == 1


def test_a_visitor_is_sent_to_log_in(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
