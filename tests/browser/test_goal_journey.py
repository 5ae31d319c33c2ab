"""A patient's own goals on a 390 px phone, in Chromium, in Dutch and in English:
two activities chosen at the first visit, scored again a week later (the test's
clock moved on a week; the live server runs in this process, so it moves too), and
their course on the progress page. Every page is checked with axe-core and kept
for the Nu HTML Checker (see conftest.py). The Dutch run writes
docs/screenshots/goals-week.png and goals-progress.png for the README."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    SCREENSHOTS,
    log_in,
    make_totp_device,
    pass_two_factor,
    switch_language,
)
from tests.browser.test_journeys import PHONE, answer, main_menu, screenshot, t, use_language_cookie
from tests.factories import make_clinic, make_patient, make_physio
from tracker import goals
from tracker.models import Goal, GoalRating

on_a_phone = pytest.mark.parametrize("context_options", [PHONE], ids=["phone"])
WIDTH = PHONE["viewport"]["width"]
THREE_POINTS_EASIER = {"nl": "3 punten minder moeite.", "en": "3 points less effort."}


@pytest.fixture(params=["nl", "en"])
def lang(request) -> str:
    return request.param


def tap_score(page: Page, field: str, score: int) -> None:
    """The radios are visually hidden (Bootstrap's btn-check): tap the label."""
    page.locator(f"label[for=id_{field}_{score}]").tap()
    expect(page.locator(f"#id_{field}_{score}")).to_be_checked()


def check_in(page: Page, lang: str, pain: int) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Hoe gaat het vandaag?"))
    page.locator(f"label[for=id_pain_{pain}]").tap()
    page.locator("label[for=id_function_1]").tap()  # gedeeltelijk
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Opslaan")).tap()


def assert_fits_the_phone(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH


@on_a_phone
def test_a_patient_chooses_two_goals_scores_them_a_week_later_and_sees_their_course(
    page: Page, check_page, lang, context, live_server
):
    use_language_cookie(context, live_server, lang)
    clinic = make_clinic("de-rugzak", name="Praktijk De Rugzak", city="Tilburg")
    patient = make_patient(
        clinic,
        username="patient-goals",
        onset=timezone.localdate() - dt.timedelta(days=3),
        intake_done=False,
        language=lang,
    )
    dog, child = t(lang, "De hond uitlaten"), t(lang, "Een kind optillen")

    # The first visit, then the offer to choose goals at its end.
    log_in(page, patient.user)
    expect(page).to_have_url("/me/start/")
    answer(page, "red_flag_", t(lang, "Nee"))
    answer(page, "risk_", t(lang, "Nee"))
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Klaar")).click()
    expect(page).to_have_url("/me/risk-factors/answers/")
    offer = page.get_by_role("region", name=t(lang, "Wat wilt u weer kunnen?"))
    expect(offer).to_be_visible()
    check_page("first-visit-goals-offer")
    offer.get_by_role("link", name=t(lang, "Kies uw activiteiten")).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Uw doelen"))
    check_page("goals-choose")
    assert_fits_the_phone(page)
    # The activity typed, its score forgotten: the error names the question and
    # keeps what was typed.
    page.fill("#id_activity_1", dog)
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Opslaan")).tap()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        t(lang, "Hoe moeilijk is activiteit %(number)s nu?") % {"number": 1}
    )
    expect(page.locator("#id_activity_1")).to_have_value(dog)
    check_page("goals-choose-errors")
    tap_score(page, "score_1", 7)
    page.fill("#id_activity_2", child)
    tap_score(page, "score_2", 9)
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Opslaan")).tap()

    # On to the first check-in.
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Uw doelen zijn opgeslagen. Over een week vraagt Herstelpad hoe het gaat.")
    )
    check_in(page, lang, pain=6)
    expect(page).to_have_url("/me/")
    chosen = Goal.objects.filter(episode__patient=patient).order_by("place")
    assert [(g.activity, g.ratings.get().score) for g in chosen] == [(dog, 7), (child, 9)]

    # A week later the check-in adds one screen: the same activities, scored again.
    with time_machine.travel(timezone.now() + dt.timedelta(days=7), tick=True):
        main_menu(page, lang).get_by_role("link", name=t(lang, "Invullen")).tap()
        check_in(page, lang, pain=4)
        expect(page).to_have_url("/me/goals/week/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t(lang, "Hoe gaan uw activiteiten?")
        )
        expect(page.get_by_role("group", name=dog)).to_be_visible()
        expect(page.get_by_role("group", name=child)).to_be_visible()
        check_page("goals-week")
        assert_fits_the_phone(page)
        dog_goal, child_goal = chosen
        tap_score(page, f"goal_{dog_goal.pk}", 4)
        tap_score(page, f"goal_{child_goal.pk}", 8)
        page.locator("main h1").scroll_into_view_if_needed()
        screenshot(page, lang, "goals-week.png")
        with page.expect_navigation():
            page.get_by_role("button", name=t(lang, "Opslaan"), exact=True).tap()
        expect(page).to_have_url("/me/")
        expect(page.get_by_role("status")).to_contain_text(
            t(lang, "Dank u wel. Bij Voortgang ziet u hoe uw activiteiten gaan.")
        )
        check_page("home-after-goals")

        # Their course on the progress page: 7 → 4 is a meaningful change, 9 → 8 not.
        main_menu(page, lang).get_by_role("link", name=t(lang, "Voortgang")).tap()
        section = page.get_by_role("region", name=t(lang, "Uw doelen"))
        expect(section).to_be_visible()
        charts = section.get_by_role("img")
        expect(charts).to_have_count(2)
        expect(charts.first.locator("circle title")).to_have_text(
            [
                t(lang, "week %(week)s: %(score)s") % {"week": w, "score": s}
                for w, s in ((0, 7), (1, 4))
            ]
        )
        lines = section.locator(".goal-line")
        expect(lines.nth(0)).to_contain_text(t(lang, "Duidelijk beter"))
        expect(lines.nth(0)).to_contain_text(THREE_POINTS_EASIER[lang])
        expect(lines.nth(1)).not_to_contain_text(t(lang, "Duidelijk beter"))
        check_page("progress-goals")
        assert_fits_the_phone(page)
        if lang == "nl":
            # The phone's bottom menu, fixed to the screen, would cover the section's
            # last lines in the picture: put back in the header for it.
            page.evaluate(
                "() => { document.querySelector('.patient-menu').style.position = 'static'; }"
            )
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            section.screenshot(path=SCREENSHOTS / "goals-progress.png", animations="disabled")

    ratings = GoalRating.objects.filter(goal__episode__patient=patient, week=1)
    assert sorted(ratings.values_list("goal__activity", "score")) == sorted([(dog, 4), (child, 8)])

    # The dog is walked again: marked achieved, which frees a second place.
    section.get_by_role("link", name=t(lang, "Doelen kiezen of afsluiten")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Uw doelen"))
    with page.expect_navigation():
        # The button's name holds the goal it closes (visually hidden).
        page.get_by_role("button", name=re.compile(f"^{t(lang, 'Gelukt')}\\W+{dog}$")).tap()
    expect(page.get_by_role("status")).to_contain_text(dog)
    expect(page.get_by_role("heading", name=t(lang, "Afgesloten doelen"))).to_be_visible()
    expect(page.locator("#id_activity_2")).to_be_visible()
    expect(page.locator("#id_activity_3")).to_have_count(0)
    check_page("goals-manage")
    assert Goal.objects.get(activity=dog).status == "achieved"


LAPTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("context_options", [LAPTOP], ids=["laptop"])
def test_a_physio_scores_and_rewords_goals_with_the_patient(page: Page, check_page, lang):
    clinic = make_clinic("de-rugzak", name="Praktijk De Rugzak", city="Tilburg")
    physio = make_physio(clinic, username="physio-rugzak")
    device = make_totp_device(physio)
    patient = make_patient(
        clinic,
        username="patient-goals",
        physio=physio,
        onset=timezone.localdate() - dt.timedelta(days=20),
    )
    week_ago = timezone.localdate() - dt.timedelta(days=8)
    sitting, garden = goals.goals_choose(
        episode=patient.episodes.get(),
        goals=[("Een uur zitten op mijn werk", 8), ("Tuinieren", 6)],
        by=patient.user,
        today=week_ago,
    )

    page.goto("/login/")
    switch_language(page, lang)
    log_in(page, physio)
    pass_two_factor(page, device)
    page.goto(f"/clinic/{clinic.slug}/patients/{patient.pk}/")
    record = page.get_by_role("region", name=t(lang, "Doelen van de patiënt"))
    expect(record.get_by_role("img")).to_have_count(2)
    check_page("record-goals")
    record.get_by_role(
        "link", name=t(lang, "Doelen samen met de patiënt kiezen, scoren of wijzigen")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(patient))
    check_page("staff-goals")

    # This week's scores, given at the visit: one goal clearly better.
    page.locator(f"label[for=id_goal_{sitting.pk}_4]").click()
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Scores vastleggen")).click()
    expect(page.get_by_role("status")).to_contain_text(t(lang, "De scores zijn vastgelegd."))
    expect(page.get_by_text(t(lang, "Duidelijk beter"))).to_be_visible()

    # Gardening worded anew: forgotten score first, then complete.
    garden_section = page.get_by_role("region", name="Tuinieren")
    garden_section.get_by_text(t(lang, "Afsluiten of anders omschrijven")).click()
    # The radios are visually hidden (Bootstrap's btn-check): click the label.
    garden_section.get_by_text(t(lang, "Anders omschrijven"), exact=True).click()
    expect(garden_section.get_by_label(t(lang, "Anders omschrijven"), exact=True)).to_be_checked()
    garden_section.get_by_label(t(lang, "Nieuwe omschrijving")).fill("Een uur tuinieren")
    with page.expect_navigation():
        garden_section.get_by_role("button", name=t(lang, "Vastleggen")).click()
    garden_section = page.get_by_role("region", name="Tuinieren")
    expect(garden_section.get_by_role("alert")).to_contain_text(
        t(lang, "Kies een getal van 0 tot 10.")
    )
    expect(garden_section.get_by_label(t(lang, "Nieuwe omschrijving"))).to_have_value(
        "Een uur tuinieren"
    )
    check_page("staff-goals-errors")
    garden_section.locator(f"label[for=id_goal{garden.pk}-score_5]").click()
    with page.expect_navigation():
        garden_section.get_by_role("button", name=t(lang, "Vastleggen")).click()
    expect(page.get_by_role("region", name="Een uur tuinieren")).to_contain_text(
        t(lang, "Eerder omschreven als: %(old)s.") % {"old": "Tuinieren"}
    )
    check_page("staff-goals-reworded")

    page.goto(f"/clinic/{clinic.slug}/outcomes/")
    expect(page.locator("table.goal-outcomes")).to_be_visible()
    check_page("outcomes-goals")
    assert Goal.objects.get(activity="Tuinieren").status == "reworded"
    assert Goal.objects.get(activity="Een uur tuinieren").created_by == physio
