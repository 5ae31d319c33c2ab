"""The one-page summary for the GP or physiotherapist: a real matplotlib PDF, read
back with pypdf."""

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from advice import engine
from tests.conftest import client_for
from tests.factories import make_entry
from tracker import assessment, checkins, goals, summary
from tracker.models import AccessLog

PATIENT_URL = reverse("tracker:summary_pdf")
A4_POINTS = (595, 842)


def staff_url(world, patient=None) -> str:
    patient = patient or world.patient_a
    return reverse("tracker:staff_summary_pdf", args=[patient.clinic.slug, patient.pk])


def read(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return " ".join(reader.pages[0].extract_text().split())


@pytest.fixture
def diary(world):
    """Patient A: a baseline week at 7, the last 6 days at 3,5 on average, a red
    flag reported, two risk factors answered yes and one no."""
    episode = world.patient_a.episodes.get()
    today = timezone.localdate()
    episode.onset = today - dt.timedelta(days=38)
    episode.save(update_fields=["onset"])
    first = today - dt.timedelta(days=36)
    for n, pain in enumerate((7, 7, 8, 7, 6, 7, 7)):
        make_entry(episode, first + dt.timedelta(days=n), pain=pain, function="partly")
    for n, pain in enumerate((4, 3, 4, 3, 3, 4)):
        make_entry(episode, today - dt.timedelta(days=5 - n), pain=pain)
    checkins.risk_factors_save(
        episode=episode,
        answers={"low_mood": True, "heavy_work": True, "fear_avoidance": False},
        occasion="intake",
    )
    checkins.red_flags_report(episode=episode, codes=["fever_unwell"])
    assessment.reassess(episodes=[episode], today=today)
    return episode


def test_the_patient_downloads_a_one_page_a4_summary_with_their_figures(world, diary):
    response = client_for(world.patient_a.user).get(PATIENT_URL)
    reader = read(response)
    text = text_of(reader)

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    assert "Samenvatting voor uw huisarts / fysiotherapeut" in text
    assert str(world.patient_a) in text
    assert "Startwaarde 7,0 (gemiddelde pijn van de eerste week)" in text
    assert "Gemiddelde 7 dagen 3,5" in text
    assert "Verandering −3,5 punten (−50%)" in text  # the percent as everywhere else
    assert "Dagen ingevuld 13 van 37 dagen" in text
    assert "Ziek voelen door de rugpijn, bijvoorbeeld koorts (gemeld " in text
    assert "nog aanwezig" in text
    assert "Ik voel me somber of neerslachtig." in text
    assert "In mijn werk moet ik veel tillen" in text
    assert "bang ben voor de pijn" not in text  # answered no
    assert "Bel vandaag uw huisarts" in text  # the current advice: a red flag
    assert f"versie {engine.RULES_VERSION}" in text
    assert "Praktijk A" in text and "013-1111111" in text


def test_the_file_name_holds_no_name_and_no_health_data(world, diary):
    response = client_for(world.patient_a.user).get(PATIENT_URL)

    disposition = response["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="herstelpad-samenvatting-\d{4}-\d{2}-\d{2}\.pdf"', disposition
    )
    assert "no-store" in response["Cache-Control"]


def test_the_fonts_are_embedded(world, diary):
    reader = read(client_for(world.patient_a.user).get(PATIENT_URL))

    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        (descendant,) = font["/DescendantFonts"]
        descendant = descendant.get_object()
        assert font["/BaseFont"].endswith("DejaVuSans") or "DejaVuSans-" in font["/BaseFont"]
        assert descendant["/Subtype"] == "/CIDFontType2"  # TrueType
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # its program is in


def test_the_physio_downloads_it_from_the_record_and_the_access_log_says_so(world, diary):
    before = AccessLog.objects.count()
    reader = read(client_for(world.physio_a).get(staff_url(world)))

    assert "Gemiddelde 7 dagen 3,5" in text_of(reader)
    assert AccessLog.objects.count() == before + 1
    record = AccessLog.objects.latest("pk")
    assert (record.event, record.action, record.patient_ref) == (
        "patient.summary",
        AccessLog.Action.EXPORT,
        world.patient_a.pseudonym,
    )


def test_another_clinic_gets_404_and_nothing_is_logged(world, diary):
    before = AccessLog.objects.count()
    client = client_for(world.physio_b)

    assert client.get(staff_url(world)).status_code == 404
    other_clinic = reverse("tracker:staff_summary_pdf", args=["clinic-b", world.patient_a.pk])
    assert client.get(other_clinic).status_code == 404
    assert AccessLog.objects.count() == before


def test_a_patient_gets_only_their_own_summary(world, diary):
    reader = read(client_for(world.patient_b.user).get(PATIENT_URL))

    text = text_of(reader)
    assert str(world.patient_b) in text
    assert str(world.patient_a) not in text
    assert "Dagen ingevuld nog geen" in text
    assert client_for(world.patient_b.user).get(staff_url(world)).status_code == 403


def test_a_visitor_is_sent_to_log_in_and_post_is_refused(client, world):
    assert client.get(PATIENT_URL)["Location"].startswith(reverse("login"))
    assert client_for(world.patient_a.user).post(PATIENT_URL).status_code == 405
    assert client_for(world.physio_a).post(staff_url(world)).status_code == 405


def test_an_empty_diary_gives_a_summary_too(world):
    reader = read(client_for(world.patient_a.user).get(PATIENT_URL))

    assert "Nog geen registraties" in text_of(reader)


def test_it_is_drawn_once_per_data_version(world, diary):
    client = client_for(world.patient_a.user)
    with mock.patch.object(summary, "draw", wraps=summary.draw) as draw:
        first = client.get(PATIENT_URL).content
        again = client.get(PATIENT_URL).content
        checkins.entry_save(
            episode=diary,
            today=timezone.localdate(),
            day=timezone.localdate(),
            answers={"pain": 1, "function": "yes"},
        )
        changed = client.get(PATIENT_URL).content

    assert draw.call_count == 2
    assert again == first
    assert changed != first
    assert "Gemiddelde 7 dagen 3" in text_of(PdfReader(io.BytesIO(changed)))


def test_in_english_for_a_patient_who_reads_english(world, diary):
    with translation.override("en"):
        pdf = summary.summary_pdf(episode=diary, today=timezone.localdate())

    text = text_of(PdfReader(io.BytesIO(pdf)))
    assert "Summary for your GP / physiotherapist" in text
    assert "7-day average 3.5" in text


def test_everything_fits_on_one_page_with_every_list_full(world, diary):
    codes = ["bladder_bowel", "sexual_function", "saddle_numbness", "leg_weakness", "accident"]
    checkins.red_flags_report(episode=diary, codes=codes)
    checkins.risk_factors_save(
        episode=diary, answers=dict.fromkeys(engine.YELLOW_FLAGS, True), occasion="not_improving"
    )
    assessment.reassess(episodes=[diary], today=timezone.localdate())
    reader = PdfReader(io.BytesIO(summary.summary_pdf(episode=diary, today=timezone.localdate())))
    lowest: list[tuple[float, str]] = []

    def visit(text, matrix, text_matrix, font, size):
        if text.strip():
            lowest.append((text_matrix[5] * matrix[3] + matrix[5], text.strip()))

    text = text_of(reader)
    reader.pages[0].extract_text(visitor_text=visit)

    assert len(reader.pages) == 1
    assert text.count("• ") == 6 + 5  # every red flag and every risk factor
    assert "Herstelpad stelt geen diagnose." in text
    above_footer = [y for y, line in lowest if "Praktijk A" in line]
    footer = [y for y, line in lowest if line.startswith("Herstelpad stelt geen diagnose")]
    assert above_footer and footer and min(above_footer) > max(footer)
    assert min(y for y, _ in lowest) > 20  # nothing falls off the page


def test_text_as_typed_is_printed_as_typed_even_with_dollar_signs(world, diary):
    """A goal or a name with $ signs is words, not a formula: the PDF is made
    (matplotlib would otherwise read "$^$" as mathtext and fail)."""
    goals.goals_choose(episode=diary, goals=[("Lopen $^$ zonder pijn", 6)], by=world.patient_a.user)
    response = client_for(world.patient_a.user).get(PATIENT_URL)
    assert response.status_code == 200
    assert "Lopen $^$ zonder pijn" in text_of(read(response))
