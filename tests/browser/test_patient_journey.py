"""A patient on a phone: log in, check in by tapping, see the advice and the chart,
download the summary for the GP.

The tests also write the README's screenshots on every run:
docs/screenshots/checkin.png, progress.png, progress-half-year.png and
summary.png (the summary PDF's page, rendered with PDFium). The diary is built
relative to today (the live server runs in another thread, so the date is not
frozen).
"""

from __future__ import annotations

import datetime as dt
import io
import math

import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import SCREENSHOTS, full_page_screenshot, log_in
from tests.factories import make_clinic, make_entry, make_patient, make_physio
from tracker import assessment
from tracker.models import DailyEntry, Patient

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Two weeks of a back that is slowly getting better, oldest day first; the
# patient fills in today during the test.
DIARY = [
    (8, "no"),
    (8, "partly"),
    (7, "partly"),
    (7, "partly"),
    (7, "partly"),
    (6, "partly"),
    (6, "partly"),
    (6, "yes"),
    (5, "partly"),
    (5, "yes"),
    (5, "yes"),
    (4, "yes"),
    (4, "yes"),
    (4, "yes"),
]


@pytest.fixture
def context_options() -> dict:
    return PHONE


@pytest.fixture
def patient(transactional_db) -> Patient:
    today = timezone.localdate()
    clinic = make_clinic("browser-clinic", name="Praktijk De Rugzak", city="Tilburg")
    physio = make_physio(clinic, username="physio-browser")
    patient = make_patient(
        clinic, username="patient-journey", physio=physio, onset=today - dt.timedelta(days=15)
    )
    episode = patient.episodes.get()
    for days_ago, (pain, function) in zip(range(len(DIARY), 0, -1), DIARY, strict=True):
        make_entry(
            episode,
            today - dt.timedelta(days=days_ago),
            pain=pain,
            function=function,
            active_minutes=20 + 5 * (len(DIARY) - days_ago),
            work_status="reduced",
        )
        # As the nightly job does: the advice history holds the day the advice changed.
        assessment.reassess(episodes=[episode], today=today - dt.timedelta(days=days_ago))
    assessment.reassess(episodes=[episode], today=today)
    return patient


def half_year_patient(clinic) -> Patient:
    """Half a year of diary: a slow recovery with a bad spell in week 9 and the
    advice history the nightly job leaves."""
    today = timezone.localdate()
    patient = make_patient(
        clinic, username="patient-half-year", onset=today - dt.timedelta(days=182)
    )
    episode = patient.episodes.get()
    for n in range(180):
        day = today - dt.timedelta(days=179 - n)
        weeks = (n + 2) / 7
        pain = 7 * (0.3 + 0.7 * math.exp(-0.18 * weeks)) + (2.5 if 60 <= n < 68 else 0)
        pain = round(pain + (1 if n % 5 == 0 else -1 if n % 7 == 0 else 0))
        if n % 13 != 12:  # a forgotten day now and then
            make_entry(episode, day, pain=pain, function="yes" if pain < 5 else "partly")
        assessment.reassess(episodes=[episode], today=day)
    return patient


def assert_styled(page: Page) -> None:
    """Bootstrap and app.css both reached the browser."""
    display = page.locator(".pain-scale").evaluate("el => getComputedStyle(el).display")
    assert display == "grid", "app.css did not load"
    position = page.locator("input.btn-check").first.evaluate("el => getComputedStyle(el).position")
    assert position == "absolute", "bootstrap.min.css did not load"


def test_a_patient_checks_in_on_a_phone_and_sees_the_advice_and_chart(page: Page, patient):
    log_in(page, patient.user)
    expect(page).to_have_url("/me/")

    page.goto("/me/checkin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoe gaat het vandaag?")
    assert_styled(page)
    # The radios are visually hidden (Bootstrap's btn-check): tap their labels.
    page.locator("label[for=id_pain_3]").tap()
    page.locator(".choice-buttons label", has_text="gedeeltelijk").tap()
    expect(page.locator("#id_pain_3")).to_be_checked()
    expect(page.locator("input[name=function][value=partly]")).to_be_checked()
    # Each of the eleven pain targets is big enough for a thumb (44 px).
    for label in page.locator(".pain-scale label").all():
        box = label.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(page, SCREENSHOTS / "checkin.png")

    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").tap()
    expect(page).to_have_url("/me/")
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen voor vandaag. Dank u wel!")
    expect(page.locator("main section.alert .alert-heading")).to_be_visible()
    entry = DailyEntry.objects.get(episode__patient=patient, day=timezone.localdate())
    assert (entry.pain, entry.function) == (3, "partly")

    page.goto("/me/progress/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw voortgang")
    chart = page.get_by_role("img", name="Grafiek van de pijn per dag")
    expect(chart).to_be_visible()
    points = chart.locator("circle title")
    expect(points).to_have_count(len(DIARY) + 1)
    expect(points.last).to_have_text(f"{today_label()}: pijn 3")
    expect(page.locator("main table tbody tr")).to_have_count(len(DIARY) + 1)
    full_page_screenshot(page, SCREENSHOTS / "progress.png")

    # The summary for the GP: a download, one page, with the patient's figures.
    with page.expect_download() as download:
        page.get_by_role("link", name="Samenvatting voor uw huisarts of fysiotherapeut").tap()
    pdf = download.value.path().read_bytes()
    assert download.value.suggested_filename.startswith("herstelpad-samenvatting-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Samenvatting voor uw huisarts / fysiotherapeut" in text
    assert "Praktijk De Rugzak" in text
    assert "Dagen ingevuld 15 van 15 dagen" in text
    document = pypdfium2.PdfDocument(pdf)
    document[0].render(scale=110 / 72).to_pil().save(SCREENSHOTS / "summary.png")


def today_label() -> str:
    today = timezone.localdate()
    weekdays = ["ma", "di", "wo", "do", "vr", "za", "zo"]
    months = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    return f"{weekdays[today.weekday()]} {today.day} {months[today.month - 1]}"


@pytest.mark.parametrize("width", [360, 390])
def test_the_chart_text_is_at_least_12_px_on_a_phone(page: Page, patient, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, patient.user)
    page.goto("/me/progress/")

    sizes = page.locator("svg.progress-chart text").evaluate_all(
        """texts => texts.map(
            text => parseFloat(getComputedStyle(text).fontSize)
                * Math.hypot(text.getScreenCTM().a, text.getScreenCTM().b)
        )"""
    )
    assert sizes and min(sizes) >= 12, sizes
    # The chart fits the screen: no sideways scrolling for two weeks of diary.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_half_a_year_scrolls_sideways_and_opens_at_the_latest_weeks(
    page: Page, check_page, patient
):
    long = half_year_patient(patient.clinic)
    log_in(page, long.user)
    page.goto("/me/progress/")
    check_page("progress-half-year")  # the scrolling box can be reached with the keyboard

    box = page.get_by_role("region", name="Grafiek: schuif opzij voor de eerdere weken")
    expect(box).to_be_visible()
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    # The page itself does not scroll sideways; the chart box does.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    frame = box.bounding_box()
    last = page.locator("svg.progress-chart circle").last.bounding_box()
    first = page.locator("svg.progress-chart circle").first.bounding_box()
    assert frame["x"] <= last["x"] and last["x"] + last["width"] <= frame["x"] + frame["width"]
    assert first["x"] + first["width"] < frame["x"]  # the first weeks are off to the left
    box.evaluate("el => { el.scrollLeft = -el.scrollWidth; }")  # back to the first weeks
    first = page.locator("svg.progress-chart circle").first.bounding_box()
    assert first["x"] >= frame["x"]
    box.evaluate("el => { el.scrollLeft = 0; }")
    page.locator("svg.progress-chart").scroll_into_view_if_needed()
    page.locator("main figure").screenshot(
        path=SCREENSHOTS / "progress-half-year.png", animations="disabled"
    )


def test_a_patient_checks_in_with_the_keyboard_only(page: Page, patient):
    log_in(page, patient.user)
    page.goto("/me/checkin/")

    focus_name = "() => document.activeElement && document.activeElement.name"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate(focus_name) == "pain":
            break
    else:
        pytest.fail("Tab never reached the pain scale")
    # With nothing chosen yet, Tab lands on 0; the arrow keys move the choice.
    expect(page.locator("#id_pain_0")).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#id_pain_4")).to_be_checked()

    page.keyboard.press("Tab")  # on to the daily-activities question
    assert page.evaluate(focus_name) == "function"
    page.keyboard.press("ArrowRight")  # ja → gedeeltelijk
    expect(page.locator("input[name=function][value=partly]")).to_be_checked()

    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    else:
        pytest.fail("Tab never reached the save button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url("/me/")
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen voor vandaag")
    entry = DailyEntry.objects.get(episode__patient=patient, day=timezone.localdate())
    assert (entry.pain, entry.function) == (4, "partly")
