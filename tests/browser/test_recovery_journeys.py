"""A patient on a phone, in Chromium, in Dutch and in English: recovers a
forgotten password and checks in; corrects yesterday without touching today
(and is asked before a change made in another tab is replaced); finds every
tab of the bottom menu on a 360 px screen. Every page is checked with axe-core
and kept for the Nu HTML Checker (see conftest.py). The Dutch run writes
docs/screenshots/phone-menu.png for the README."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_journeys import (
    PHONE,
    assert_chart_shown,
    diary,
    main_menu,
    screenshot,
    t,
    use_language_cookie,
)
from tests.factories import make_clinic, make_entry, make_patient
from tracker.formatting import format_day
from tracker.models import DailyEntry

NEW_PASSWORD = "mijn rug wordt weer sterk"
on_a_phone = pytest.mark.parametrize("context_options", [PHONE], ids=["phone"])
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}
# True when every word of the element's text is drawn on one line.
WORDS_ON_ONE_LINE = """el => {
  const text = el.firstChild;
  let start = 0;
  for (const word of text.data.split(' ')) {
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, start + word.length);
    const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    if (tops.size > 1) return false;
    start += word.length + 1;
  }
  return true;
}"""


@pytest.fixture(params=["nl", "en"])
def lang(request) -> str:
    return request.param


def day_text(lang: str, day: dt.date) -> str:
    with translation.override(lang):
        return format_day(day)


def a_patient(lang: str, *, email: str = "", days_in: int = 10):
    clinic = make_clinic("de-rugzak", name="Praktijk De Rugzak", city="Tilburg")
    patient = make_patient(
        clinic,
        username="sanne@example.org" if email else "patient-browser",
        onset=timezone.localdate() - dt.timedelta(days=days_in),
        language=lang,
    )
    if email:
        patient.user.email = email
        patient.user.save()
    return patient


@on_a_phone
def test_a_patient_resets_a_forgotten_password_and_checks_in(
    page: Page, check_page, lang, context, live_server, mailoutbox
):
    use_language_cookie(context, live_server, lang)
    patient = a_patient(lang, email="sanne@example.org")

    page.goto("/login/")
    page.get_by_role("link", name=t(lang, "Wachtwoord vergeten?")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Wachtwoord vergeten"))
    check_page("forgot")
    page.fill("#id_email", "Sanne@Example.org")
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Stuur mij een link")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Kijk in uw e-mail"))
    check_page("sent")

    (message,) = mailoutbox
    assert message.subject == t(lang, "Een nieuw wachtwoord voor Herstelpad")
    link = re.search(r"https?://\S+/password/new/\S+/", message.body).group()
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Kies een nieuw wachtwoord"))
    check_page("choose")
    save = page.get_by_role("button", name=t(lang, "Opslaan en inloggen"))
    # Too short first: the rule's message under the password, in the page's language.
    page.fill("#id_new_password1", "kort")
    page.fill("#id_new_password2", "kort")
    with page.expect_navigation():
        save.tap()
    expect(page.get_by_role("alert")).to_contain_text(t(lang, "Er ging iets mis. Controleer:"))
    expect(page.locator("#id_new_password1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_new_password1_error")).to_contain_text(
        "Dit wachtwoord is te kort" if lang == "nl" else "This password is too short"
    )
    check_page("choose-errors")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        save.tap()
    expect(page).to_have_url("/me/")
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Uw nieuwe wachtwoord is opgeslagen. Op andere apparaten bent u uitgelogd.")
    )
    check_page("home")

    page.get_by_role("link", name=t(lang, "Vul vandaag in")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Hoe gaat het vandaag?"))
    page.locator("label[for=id_pain_4]").tap()
    page.locator("label[for=id_function_0]").tap()
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Opslaan")).tap()
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Opgeslagen voor %(day)s. Dank u wel!") % {"day": t(lang, "vandaag")}
    )

    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)
    assert DailyEntry.objects.get(episode__patient=patient, day=timezone.localdate()).pain == 4


@on_a_phone
def test_a_patient_corrects_yesterday_without_touching_today(
    page: Page, check_page, lang, context, live_server
):
    use_language_cookie(context, live_server, lang)
    patient = a_patient(lang)
    episode = patient.episodes.get()
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    make_entry(episode, today, pain=3, note="vandaag")
    make_entry(episode, yesterday, pain=7, note="gisteren")

    log_in(page, patient.user)
    expect(page).to_have_url("/me/")
    when = day_text(lang, yesterday)
    page.get_by_role("link", name=f"{t(lang, 'Aanpassen')} {when}").tap()
    expect(page).to_have_url(f"/me/checkin/{yesterday.isoformat()}/")
    heading = t(lang, "Hoe ging het op %(day)s?") % {"day": when}
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(
        page.get_by_text(
            t(lang, "Kon u op %(day)s uw gewone dagelijkse activiteiten doen?") % {"day": when}
        )
    ).to_be_visible()
    expect(page.locator("#id_pain_7")).to_be_checked()
    check_page("yesterday")

    # The same day open in a second tab, saved there first.
    other = context.new_page()
    other.goto(f"/me/checkin/{yesterday.isoformat()}/")
    other.locator("label[for=id_pain_6]").tap()
    with other.expect_navigation():
        other.get_by_role("button", name=t(lang, "Opslaan")).tap()
    other.close()

    page.locator("label[for=id_pain_5]").tap()
    page.fill("#id_note", "toch beter")
    save = page.get_by_role("button", name=t(lang, "Opslaan"))
    with page.expect_navigation():
        save.tap()
    # Asked before replacing what the other tab saved; nothing typed is lost.
    expect(page.get_by_role("alert")).to_contain_text(t(lang, "Er ging iets mis. Controleer:"))
    expect(page.locator("#form-errors")).to_contain_text("pijn 6" if lang == "nl" else "pain 6")
    expect(page.locator("#id_pain_5")).to_be_checked()
    expect(page.locator("#id_note")).to_have_value("toch beter")
    check_page("yesterday-changed-elsewhere")
    assert DailyEntry.objects.get(episode=episode, day=yesterday).pain == 6
    with page.expect_navigation():
        save.tap()
    expect(page).to_have_url("/me/")
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Aangepast voor %(day)s.") % {"day": when}
    )
    check_page("home-after")

    entries = {e.day: (e.pain, e.note) for e in DailyEntry.objects.filter(episode=episode)}
    assert entries == {today: (3, "vandaag"), yesterday: (5, "toch beter")}


@pytest.mark.parametrize("context_options", [SMALL_PHONE], ids=["360px"])
def test_the_bottom_menu_shows_every_tab_at_360_px_with_the_current_one_marked(
    page: Page, check_page, lang, context, live_server
):
    use_language_cookie(context, live_server, lang)
    patient = a_patient(lang)
    diary(patient.episodes.get(), 9, pain=5)
    log_in(page, patient.user)
    main_menu(page, lang).get_by_role("link", name=t(lang, "Voortgang")).tap()
    expect(page).to_have_url("/me/progress/")
    assert_chart_shown(page, lang)
    tabs = page.locator(".patient-menu .nav-link")
    expect(tabs).to_have_count(4)
    width = page.viewport_size["width"]
    for index in range(4):
        tab = tabs.nth(index)
        expect(tab).to_be_in_viewport()
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["height"] >= 44, box  # a thumb's target
        # The whole label is shown: nothing cut off, no word broken over two lines.
        assert tab.evaluate("el => el.scrollWidth <= el.clientWidth"), tab.inner_text()
        assert tab.evaluate(WORDS_ON_ONE_LINE), tab.inner_text()
    expect(page.locator(".patient-menu [aria-current=page]")).to_have_text(t(lang, "Voortgang"))
    menu_box = page.locator(".patient-menu").bounding_box()
    assert menu_box["y"] + menu_box["height"] == pytest.approx(page.viewport_size["height"], abs=1)
    check_page("progress-360")
    screenshot(page, lang, "phone-menu.png")
