"""A patient on a phone: log in, check in by tapping, see the advice and the chart.

The tests also write the README's screenshots, docs/screenshots/checkin.png and
docs/screenshots/progress.png, on every run. The diary is built relative to
today (the live server runs in another thread, so the date is not frozen).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, full_page_screenshot, log_in
from tests.factories import make_clinic, make_entry, make_patient, make_physio
from tracker import services
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
    services.episode_reassess(episode=episode, today=today)
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
    chart = page.locator("main figure img")
    page.wait_for_function("img => img.complete", arg=chart.element_handle())
    assert chart.evaluate("img => img.naturalWidth") > 0, "the chart did not load"
    expect(page.locator("main table tbody tr")).to_have_count(len(DIARY) + 1)
    full_page_screenshot(page, SCREENSHOTS / "progress.png")


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
