"""The three users in Chromium, in Dutch and in English: an invited patient's
first visit, a patient's red flag, a physiotherapist's triage, and an admin
adding a clinic and a physiotherapist.

`check_page(name)` runs axe-core on every page of the journeys (zero WCAG 2.1
A/AA violations) and keeps the HTML the server sent; the last test validates all
of it with the Nu HTML Checker in one run. The Dutch runs write the README's
screenshots into docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from playwright.sync_api import BrowserContext, Page, expect

from advice import engine
from tests.browser.checks import (
    HtmlDocuments,
    format_html_messages,
)
from tests.browser.conftest import (
    SCREENSHOTS,
    full_page_screenshot,
    log_in,
    make_totp_device,
    pass_two_factor,
    switch_language,
)
from tests.factories import PASSWORD, make_admin, make_clinic, make_entry, make_patient, make_physio
from tracker import assessment, goals, invitations
from tracker.access import role_of
from tracker.models import (
    Clinic,
    DailyEntry,
    Episode,
    GoalRating,
    Membership,
    Patient,
    RedFlagReport,
    User,
)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
on_a_phone = pytest.mark.parametrize("context_options", [PHONE], ids=["phone"])
NEW_PASSWORD = "mijn rug wordt weer sterk"
RED_FLAG = "accident"  # a see_gp red flag: "call your GP", not 112


@pytest.fixture(params=["nl", "en"])
def lang(request) -> str:
    """Every journey runs in Dutch and in English."""
    return request.param


def t(lang: str, text: str) -> str:
    """The text as the app shows it in this language (the compiled translations)."""
    with translation.override(lang):
        return translation.gettext(text)


def use_language_cookie(context: BrowserContext, live_server, lang: str) -> None:
    context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])


def screenshot(page: Page, lang: str, name: str, *, full_page: bool = False) -> None:
    """The README's screenshots are the Dutch ones."""
    if lang == "nl":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if full_page:
            full_page_screenshot(page, SCREENSHOTS / name)
        else:
            page.screenshot(path=SCREENSHOTS / name, animations="disabled")


def answer(page: Page, fieldset_prefix: str, choice: str) -> None:
    """Click the yes/no label of every question whose fieldset id starts with the prefix."""
    fieldsets = page.locator(f"fieldset[id^='div_id_{fieldset_prefix}']")
    assert fieldsets.count() > 0, fieldset_prefix
    for fieldset in fieldsets.all():
        fieldset.locator(".choice-buttons label").get_by_text(choice, exact=True).click()


def assert_chart_shown(page: Page, lang: str) -> None:
    """The inline chart is there, named, and drawn with at least one day."""
    chart = page.get_by_role("img", name=t(lang, "Grafiek van de pijn per dag"))
    expect(chart).to_be_visible()
    assert chart.locator("circle title").count() >= 1


def main_menu(page: Page, lang: str):
    return page.get_by_role("navigation", name=t(lang, "Hoofdmenu"))


def diary(episode: Episode, days: int, *, pain: int = 5) -> None:
    today = timezone.localdate()
    for days_ago in range(days, 0, -1):
        make_entry(episode, today - dt.timedelta(days=days_ago), pain=pain, active_minutes=30)
    assessment.reassess(episodes=[episode], today=today)


# --- a patient: the invitation, the first visit and the first check-in ------------


@on_a_phone
def test_an_invited_patient_chooses_a_password_answers_the_first_visit_and_checks_in(
    page: Page, check_page, lang, context, live_server, mailoutbox
):
    use_language_cookie(context, live_server, lang)
    clinic = make_clinic("de-rugzak", name="Praktijk De Rugzak", city="Tilburg")
    invited = invitations.patient_invite(
        clinic=clinic,
        first_name="Sanne",
        last_name="de Vries",
        email="sanne@example.org",
        onset=timezone.localdate() - dt.timedelta(days=3),
        year_of_birth=1984,
        language=lang,
        physio=make_physio(clinic, username="physio-rugzak"),
    )
    assert invitations.invitation_send(patient=invited)
    (invitation,) = mailoutbox
    link = re.search(r"https?://\S+/welkom/\S+", invitation.body).group()

    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Kies uw wachtwoord"))
    check_page("choose-password")
    save = page.get_by_role("button", name=t(lang, "Opslaan en verder"))
    # A typing error first: the error summary is announced (role=alert).
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD + "!")
    with page.expect_navigation():
        save.click()
    expect(page.get_by_role("alert")).to_contain_text(t(lang, "Er ging iets mis. Controleer:"))
    expect(page.locator("#id_new_password2")).to_have_attribute("aria-invalid", "true")
    check_page("choose-password-errors")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        save.click()
    expect(page).to_have_url("/me/start/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Welkom bij Herstelpad"))
    check_page("first-visit")

    # Sent without answers: the error summary is announced and names each question.
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Klaar")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(t(lang, "Er ging iets mis. Controleer:"))
    expect(summary.locator("li")).to_have_count(len(engine.RED_FLAGS) + len(engine.YELLOW_FLAGS))
    expect(page.locator("input[aria-invalid=true]")).to_have_count(24)  # 12 yes/no pairs
    check_page("first-visit-errors")

    page.goto("/me/start/")  # the form afresh, for the screenshot
    answer(page, "red_flag_", t(lang, "Nee"))
    answer(page, "risk_", t(lang, "Nee"))
    page.locator("#div_id_risk_heavy_work").get_by_text(t(lang, "Ja"), exact=True).click()
    expect(page.locator("input.btn-check:checked")).to_have_count(12)
    page.locator("form legend").first.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(page, lang, "invitation-first-visit.png")
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Klaar")).click()
    expect(page).to_have_url("/me/risk-factors/answers/")
    check_page("first-visit-answers")

    page.get_by_role("link", name=t(lang, "Vul vandaag in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Hoe gaat het vandaag?"))
    check_page("checkin")
    page.locator("label[for=id_pain_6]").tap()
    page.locator("label[for=id_function_1]").tap()
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Opslaan")).tap()
    expect(page).to_have_url("/me/")
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Opgeslagen voor %(day)s. Dank u wel!") % {"day": t(lang, "vandaag")}
    )
    expect(page.locator("main section.alert .alert-heading")).to_be_visible()
    check_page("home")

    main_menu(page, lang).get_by_role("link", name=t(lang, "Voortgang")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Uw voortgang"))
    assert_chart_shown(page, lang)
    expect(page.locator("main table tbody tr")).to_have_count(1)
    check_page("progress")

    patient = Patient.objects.get(user__email="sanne@example.org")
    episode = patient.episodes.get()
    assert episode.intake_done_at is not None
    assert patient.user.check_password(NEW_PASSWORD)
    assert DailyEntry.objects.get(episode=episode).pain == 6


# --- a patient: a red flag, the banner on every page, resolved --------------------


@on_a_phone
def test_a_patients_red_flag_shows_on_every_page_until_resolved(
    page: Page, check_page, lang, context, live_server
):
    use_language_cookie(context, live_server, lang)
    clinic = make_clinic("de-rugzak", name="Praktijk De Rugzak", city="Tilburg")
    onset = timezone.localdate() - dt.timedelta(days=8)
    patient = make_patient(
        clinic,
        username="patient-flag",
        onset=onset,
        language=lang,
        gp_name="Huisartsen De Linde",
        gp_phone="013-5551234",
    )
    diary(patient.episodes.get(), 7, pain=5)
    banner = page.get_by_role("alert").filter(has_text=t(lang, "Bel vandaag uw huisarts"))
    resolve = t(lang, "Is dit voorbij?")

    page.goto("/login/")
    check_page("login")
    log_in(page, patient.user)
    expect(page).to_have_url("/me/")
    expect(banner).to_have_count(0)
    check_page("home")

    menu = main_menu(page, lang)
    menu.get_by_role("link", name=t(lang, "Iets veranderd?")).tap()
    expect(page).to_have_url("/me/red-flags/")
    check_page("red-flags")
    answer(page, "red_flag_", t(lang, "Nee"))
    page.locator(f"#div_id_red_flag_{RED_FLAG}").get_by_text(t(lang, "Ja"), exact=True).tap()
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Opslaan")).tap()
    expect(page).to_have_url("/me/")
    expect(banner).to_be_visible()
    # One instruction, once, with the GP's number to tap; no 112 for "GP today".
    expect(page.get_by_text(t(lang, "Bel vandaag uw huisarts."), exact=True)).to_have_count(1)
    expect(banner.locator('a[href="tel:+31135551234"]')).to_be_visible()
    expect(page.locator('a[href="tel:112"]')).to_have_count(0)
    check_page("home-red-flag")
    screenshot(page, lang, "red-flag-banner.png")

    for name, path in [
        ("Invullen", f"/me/checkin/{timezone.localdate().isoformat()}/"),  # today's own page
        ("Voortgang", "/me/progress/"),
        ("Instellingen", "/me/settings/"),
    ]:
        menu.get_by_role("link", name=t(lang, name)).tap()
        expect(page).to_have_url(path)
        expect(banner).to_be_visible()
        check_page(f"{path.strip('/').replace('/', '-')}-red-flag")

    # Marking it over takes a page of its own that asks what happened.
    with page.expect_navigation():
        page.get_by_role("link", name=resolve).first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Is de klacht voorbij?"))
    check_page("red-flag-resolve")
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Ja, markeer als voorbij")).tap()
    expect(page.locator("#form-errors")).to_contain_text(t(lang, "Kies wat er is gebeurd."))
    check_page("red-flag-resolve-errors")
    page.get_by_text(t(lang, "De klacht is vanzelf weggegaan"), exact=True).tap()
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Ja, markeer als voorbij")).tap()
    expect(page).to_have_url("/me/")
    expect(page.get_by_role("status")).to_contain_text(
        t(
            lang,
            "Het alarmsignaal is gemarkeerd als voorbij. Uw fysiotherapeut ziet dit ook. "
            "Komt de klacht terug? Meld het dan opnieuw bij 'Iets veranderd?'.",
        )
    )
    expect(page.get_by_role("link", name=resolve)).to_have_count(0)
    check_page("home-resolved")
    menu.get_by_role("link", name=t(lang, "Voortgang")).tap()
    expect(page).to_have_url("/me/progress/")
    expect(page.get_by_role("link", name=resolve)).to_have_count(0)

    report = RedFlagReport.objects.get(episode__patient=patient)
    assert (report.code, report.resolution, report.resolved_at is not None) == (
        RED_FLAG,
        "gone",
        True,
    )


# --- the loop: a patient's red flag, the email, the call, the acknowledgement ------


LAPTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("context_options", [LAPTOP], ids=["laptop"])
def test_a_red_flag_reaches_the_physio_by_email_who_records_the_call(
    page: Page, check_page, lang, browser, live_server, mailoutbox
):
    clinic = make_clinic("de-rugzak", name="Praktijk De Rugzak", city="Tilburg")
    physio = make_physio(clinic, username="physio-rugzak")
    physio.email = "fysio@example.org"
    physio.save()
    device = make_totp_device(physio)
    onset = timezone.localdate() - dt.timedelta(days=10)
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    for number in range(1, 21):  # a caseload longer than a screen
        calm = make_patient(clinic, username=f"calm-{number}", physio=physio, onset=onset)
        # Names as a clinic has them, one of them long (it wraps, never widens the table).
        calm.user.first_name, calm.user.last_name = (
            ("Anne-Marie", "van der Heijden-Vermeulen")
            if number == 7
            else ("Sem", f"Bakker {number}")
        )
        calm.user.save()
        diary(calm.episodes.get(), 9, pain=2 + number % 5)
        if number % 4 == 0:  # a goal chosen a week ago and scored again today
            (goal,) = goals.goals_choose(
                episode=calm.episodes.get(), goals=[("Fietsen", 7)], by=calm.user, today=week_ago
            )
            GoalRating.objects.create(
                goal=goal, week=1, rated_on=timezone.localdate(), score=7 - number % 5
            )
    flagged = make_patient(
        clinic, username="flagged", physio=physio, onset=onset, phone="06-12345678", language=lang
    )
    diary(flagged.episodes.get(), 9, pain=4)

    # The patient reports the red flag on their phone.
    phone = browser.new_context(base_url=live_server.url, **PHONE, locale="nl-NL")
    patient_page = phone.new_page()
    log_in(patient_page, flagged.user)
    patient_page.goto("/me/red-flags/")
    answer(patient_page, "red_flag_", t(lang, "Nee"))
    patient_page.locator(f"#div_id_red_flag_{RED_FLAG}").get_by_text(
        t(lang, "Ja"), exact=True
    ).tap()
    with patient_page.expect_navigation():
        patient_page.get_by_role("button", name=t(lang, "Opslaan")).tap()
    phone.close()

    # The physiotherapist's email names no one and nothing: a link to the record.
    (email,) = mailoutbox
    assert email.to == ["fysio@example.org"]
    assert str(flagged) not in email.body and "ongeluk" not in email.body
    link = re.search(r"https?://\S+/clinic/\S+/patients/\d+/", email.body).group()

    page.goto(urlsplit(link).path)  # not signed in: the login page, then back here
    switch_language(page, lang)
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.fill("#id_username", physio.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    pass_two_factor(page, device)
    expect(page).to_have_url(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(str(flagged))
    expect(page.locator('a[href="tel:+31612345678"]')).to_be_visible()
    assert_chart_shown(page, lang)
    check_page("patient-detail")
    screenshot(page, lang, "patient-detail.png")

    # Recorded without saying what was done: the note typed is kept.
    page.fill("#id_note", t(lang, "Huisarts gebeld, ze gaat vandaag."))
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Vastleggen en afhandelen")).click()
    expect(page.locator("#form-errors")).to_contain_text(t(lang, "Kies wat u heeft gedaan."))
    expect(page.locator("#id_note")).to_have_value(t(lang, "Huisarts gebeld, ze gaat vandaag."))
    check_page("patient-detail-errors")
    page.get_by_label(t(lang, "gebeld"), exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Vastleggen en afhandelen")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Vastgelegd. De melding is afgehandeld.")
    )
    expect(page.locator(".contact-history")).to_contain_text(
        t(lang, "Huisarts gebeld, ze gaat vandaag.")
    )
    check_page("patient-detail-contact")

    page.get_by_role("link", name=clinic.name).click()
    expect(page).to_have_url(f"/clinic/{clinic.slug}/")
    first_row = page.locator("table.caseload tbody tr").first
    expect(first_row.get_by_role("link")).to_have_text(str(flagged))
    expect(first_row.locator("td.alert-status")).to_have_text(t(lang, "afgehandeld"))
    # The whole row fits the screen's width (nothing to scroll sideways) and one
    # line per patient: at least 15 rows fit on a 1280 × 800 screen.
    rows = page.locator("table.caseload tbody tr")
    bottoms = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().bottom)")
    assert sum(1 for bottom in bottoms if bottom <= 800) >= 15, bottoms[:20]
    # The goals column: 7 → 3 and 7 → 4 are clearly better, 7 → 5, 6 and 7 the same.
    goal_cells = page.locator("table.caseload td.goals-cell")
    expect(goal_cells.filter(has_text="1 / 0 / 0")).to_have_count(2)
    expect(goal_cells.filter(has_text="0 / 1 / 0")).to_have_count(3)
    table = page.locator("table.caseload")
    widths = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1], f"scrolls sideways: {widths}"
    check_page("dashboard")
    screenshot(page, lang, "dashboard.png")

    episode = flagged.episodes.get()
    assert episode.alert_acknowledged_by == physio
    assert episode.contacts.get().action == "called"


# --- an admin: a clinic and a physiotherapist in the Django admin ----------------


def test_an_admin_adds_a_clinic_and_a_physio(page: Page, check_page, lang):
    admin = make_admin()
    device = make_totp_device(admin)

    page.goto("/login/")
    switch_language(page, lang)
    log_in(page, admin)
    pass_two_factor(page, device)
    expect(page).to_have_url("/admin/")
    check_page("admin-index")

    page.goto("/admin/tracker/clinic/add/")
    check_page("admin-clinic-add")
    page.fill("#id_name", "Fysio Aan Zee")
    page.locator("#id_city").press_sequentially("Zandvoort")
    expect(page.locator("#id_slug")).to_have_value("zandvoort")  # filled in from the city
    page.fill("#id_phone", "023-5551234")
    screenshot(page, lang, "admin-clinic.png")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    expect(page).to_have_url("/admin/tracker/clinic/")
    check_page("admin-clinic-list")

    page.goto("/admin/tracker/user/add/")
    check_page("admin-user-add")
    page.fill("#id_username", "fysio-zandvoort")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/tracker/user/\d+/change/"))
    check_page("admin-user-change")

    page.goto("/admin/tracker/membership/add/")
    check_page("admin-membership-add")
    page.select_option("#id_user", label="fysio-zandvoort")
    page.select_option("#id_clinic", label="Fysio Aan Zee")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    expect(page).to_have_url("/admin/tracker/membership/")
    check_page("admin-membership-list")

    clinic = Clinic.objects.get(slug="zandvoort")
    physio = User.objects.get(username="fysio-zandvoort")
    assert (clinic.name, clinic.city) == ("Fysio Aan Zee", "Zandvoort")
    assert Membership.objects.filter(user=physio, clinic=clinic).exists()
    assert physio.check_password(PASSWORD)
    assert role_of(physio) == "physio"


# --- valid HTML: every page the journeys checked, in one run of the checker -------


def test_every_checked_page_is_valid_html(html_documents: HtmlDocuments):
    """Runs last (see conftest): the Nu HTML Checker on the server's HTML of each
    checked page. Errors fail; warnings are printed."""
    if not html_documents.files:
        pytest.skip("no journey ran in this session, so there is no page to check")
    errors, warnings = html_documents.validate()
    print(f"vnu checked {len(html_documents.files)} documents")
    if warnings:
        print(f"{len(warnings)} warning(s):\n{format_html_messages(warnings)}")
    assert not errors, (
        f"{len(errors)} HTML error(s) in {len(html_documents.files)} documents "
        f"(files in {html_documents.folder}):\n{format_html_messages(errors)}"
    )
