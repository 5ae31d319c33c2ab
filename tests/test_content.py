"""The words of the advice (advice/content.py): every level and reason has a patient
text, a staff label and an explanation, in Dutch and in real English."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from advice import content, words
from advice.engine import (
    DAILY_ACTIVITIES,
    EMERGENCY,
    FEW_ENTRIES,
    KEEP_MOVING,
    LEVELS,
    NOT_IMPROVING,
    ON_TRACK,
    REASONS,
    RECOVERED,
    RED_FLAG_PREFIX,
    RED_FLAGS,
    SEE_GP,
    SEE_PHYSIO,
    SELF_MANAGE,
    TOO_FEW_ENTRIES,
    WORSENING,
    YELLOW_FLAGS,
    reason_level,
)
from tracker.models import Clinic, Patient, RedFlag

ALL_REASONS = (*REASONS, *(RED_FLAG_PREFIX + code for code in RED_FLAGS))
LANGUAGES = ("nl", "en")
# The leaflet's old "80-90 % recover within 4-6 weeks", in any spelling.
RECOVERY_PROMISE = re.compile(r"80\s*(%|procent|percent)?\s*(-|–|tot|to)\s*90", re.IGNORECASE)


def tilburg() -> Clinic:
    return Clinic(name="FysioMaatwerk Tilburg", city="Tilburg", phone="013-4683910")


def in_language(lang: str, func, *args):
    with translation.override(lang):
        return func(*args)


def patient_with_gp(gp_name="Huisartsenpraktijk De Linde", gp_phone="013-5551234") -> Patient:
    return Patient(gp_name=gp_name, gp_phone=gp_phone)


def advice_in(lang: str, level: str, reasons=(), clinic=None, held=(), gp=None) -> content.Advice:
    return in_language(lang, content.patient_advice, level, tuple(reasons), clinic, tuple(held), gp)


def body(advice: content.Advice) -> list[str]:
    """What the patient reads below the title, in order."""
    return [*advice.paragraphs, *(call.line for call in advice.calls), *advice.after]


def every_patient_text(lang: str) -> list[str]:
    """Every text a patient can read from advice.content, in one language."""
    with translation.override(lang):
        texts = [str(text) for text in content.LEVEL_TITLES.values()]
        for level in LEVELS:
            advice = content.patient_advice(level, ALL_REASONS, tilburg())
            texts += [advice.title, *body(advice), *advice.reason_lines]
            texts.append(content.patient_message(level, ALL_REASONS, tilburg()))
        texts += [str(text) for text in words.RED_FLAG_QUESTIONS.values()]
        texts += [str(text) for text in words.RISK_FACTOR_EDUCATION.values()]
        texts += [str(text) for text in content.ABOUT_THE_APP]
    return texts


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_has_a_patient_title_in_dutch_and_in_english(level):
    dutch = in_language("nl", str, content.LEVEL_TITLES[level])
    english = in_language("en", str, content.LEVEL_TITLES[level])
    assert dutch and english
    assert english != dutch


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_has_patient_advice_with_a_body_in_dutch_and_in_english(level):
    dutch = advice_in("nl", level, clinic=tilburg())
    english = advice_in("en", level, clinic=tilburg())
    assert dutch.level == english.level == level
    assert dutch.title == in_language("nl", str, content.LEVEL_TITLES[level])
    assert len(body(dutch)) >= 2
    assert len(body(english)) == len(body(dutch))
    for nl_text, en_text in zip(body(dutch), body(english), strict=True):
        assert nl_text.strip() and en_text.strip()
        assert en_text != nl_text


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_every_reason_has_a_patient_line_in_dutch_and_in_english(reason):
    dutch = advice_in("nl", reason_level(reason), [reason], tilburg()).reason_lines
    english = advice_in("en", reason_level(reason), [reason], tilburg()).reason_lines
    assert len(dutch) == len(english) == 1
    assert dutch[0].endswith(".") and english[0].endswith(".")
    assert english != dutch


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_every_reason_has_a_staff_label_and_an_explanation_in_dutch_and_in_english(reason):
    for func in (words.staff_reason_label, words.staff_reason_explanation):
        dutch = in_language("nl", func, reason)
        english = in_language("en", func, reason)
        assert dutch.strip() and english.strip()
        assert english != dutch


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_has_a_staff_label_in_dutch_and_in_english(level):
    dutch = in_language("nl", str, words.STAFF_LEVEL_LABELS[level])
    english = in_language("en", str, words.STAFF_LEVEL_LABELS[level])
    assert dutch and english and english != dutch


def test_the_staff_labels_read_as_agreed():
    with translation.override("nl"):
        # Short sentences about the patient, not codes.
        assert [str(words.STAFF_LEVEL_LABELS[level]) for level in LEVELS] == [
            "Spoed: nu naar de huisarts",
            "Vandaag naar de huisarts",
            "Contact met fysiotherapeut nodig",
            "Blijf bewegen",
            "Te weinig gegevens",
            "Op koers",
            "Gaat zelf verder met het plan",
            "Hersteld",
        ]
        # Rules version 2: the slow-recovery labels name the rule as it now reads.
        assert [words.staff_reason_label(reason) for reason in REASONS] == [
            "pijn neemt toe",
            "kan dagelijkse activiteiten niet doen",
            "herstelt trager dan het trage verloop",
            "heeft na 6 weken nog pijn 5 of meer",
            "heeft 12 weken pijn: bespreek het plan",
            "kan in de eerste week dagelijkse activiteiten niet doen",
            "gaat na 2 weken niet vooruit",
            "lag 3 dagen op rij in bed",
            "te weinig gegevens",
        ]


def test_in_the_first_week_of_a_diary_few_entries_says_how_many_days_are_needed():
    for logged, left in ((0, "4 dagen"), (1, "3 dagen"), (3, "1 dag")):
        advice = advice_in_first_week("nl", logged)
        (line,) = advice.reason_lines
        assert "minder dan 4" not in line
        assert line == (
            "Na 4 ingevulde dagen kan Herstelpad laten zien hoe uw herstel gaat. "
            f"Nog {left} te gaan."
        )
    english = advice_in_first_week("en", 1).reason_lines[0]
    assert (
        english
        == "After 4 days filled in, Herstelpad can show how you are recovering. 3 days to go."
    )
    # Later in the diary the reason is said as it is.
    later = advice_in("nl", TOO_FEW_ENTRIES, [FEW_ENTRIES]).reason_lines
    assert later == ("U heeft de afgelopen 7 dagen minder dan 4 dagen ingevuld.",)


def advice_in_first_week(lang: str, logged: int) -> content.Advice:
    with translation.override(lang):
        return content.patient_advice(TOO_FEW_ENTRIES, [FEW_ENTRIES], None, logged_days=logged)


@pytest.mark.parametrize("code", RED_FLAGS)
def test_a_red_flag_staff_label_names_the_complaint(code):
    with translation.override("nl"):
        label = words.staff_reason_label(RED_FLAG_PREFIX + code)
        complaint = str(RedFlag(code).label)
    assert label.startswith("alarmsignaal: ")
    assert label.removeprefix("alarmsignaal: ").lower() == complaint.lower()
    with translation.override("en"):
        assert words.staff_reason_label(RED_FLAG_PREFIX + code).startswith("red flag: ")


def test_the_worsening_explanation_gives_the_thresholds():
    with translation.override("nl"):
        explanation = words.staff_reason_explanation(WORSENING)
    assert "startwaarde + 2" in explanation
    assert "3 dagen op rij" in explanation


def test_an_emergency_red_flag_explanation_says_gp_now_and_a_see_gp_one_says_today():
    with translation.override("nl"):
        assert "nu" in words.staff_reason_explanation("red_flag:bladder_bowel")
        assert "vandaag" in words.staff_reason_explanation("red_flag:accident")


def test_the_red_flag_questions_follow_the_engine_order_and_are_real_questions():
    assert list(words.RED_FLAG_QUESTIONS) == list(RED_FLAGS)
    for lang in LANGUAGES:
        with translation.override(lang):
            questions = [str(question) for question in words.RED_FLAG_QUESTIONS.values()]
        assert all(question.endswith("?") for question in questions)
    with translation.override("nl"):
        dutch = [str(question) for question in words.RED_FLAG_QUESTIONS.values()]
    with translation.override("en"):
        english = [str(question) for question in words.RED_FLAG_QUESTIONS.values()]
    assert all(nl != en for nl, en in zip(dutch, english, strict=True))
    assert "moeite met plassen" in dutch[0]


def test_every_risk_factor_has_an_education_text_in_dutch_and_in_english():
    assert list(words.RISK_FACTOR_EDUCATION) == list(YELLOW_FLAGS)
    for code in YELLOW_FLAGS:
        dutch = in_language("nl", str, words.RISK_FACTOR_EDUCATION[code])
        english = in_language("en", str, words.RISK_FACTOR_EDUCATION[code])
        assert 2 <= dutch.count(".") <= 3, code
        assert english != dutch


def test_the_fear_avoidance_education_allows_at_most_two_days_of_bed_rest():
    with translation.override("nl"):
        assert "2 dagen" in str(words.RISK_FACTOR_EDUCATION["fear_avoidance"])


def test_about_the_app_says_it_is_no_diagnosis_and_names_the_gp_and_112():
    for lang, phrases in (
        ("nl", ("geen diagnose", "huisarts", "112")),
        ("en", ("diagnosis", "GP")),
    ):
        with translation.override(lang):
            about = " ".join(str(text) for text in content.ABOUT_THE_APP)
        for word in phrases:
            assert word in about, (lang, word)


def test_see_physio_advice_carries_the_clinic_name_phone_and_tel_link():
    clinic = tilburg()
    for lang in LANGUAGES:
        advice = advice_in(lang, SEE_PHYSIO, [WORSENING], clinic)
        (call,) = advice.calls
        assert clinic.name in call.line
        assert (call.who, call.phone, call.tel) == (
            clinic.name,
            "013-4683910",
            "tel:+31134683910",
        )
        assert advice.tone == "warning"
        assert not advice.urgent


def test_see_physio_advice_without_a_clinic_still_asks_to_call_the_physiotherapist():
    advice = advice_in("nl", SEE_PHYSIO, [NOT_IMPROVING])
    (call,) = advice.calls
    assert call.tel is None
    assert "fysiotherapeut" in call.line


def test_emergency_advice_names_the_gp_the_gp_post_and_112_in_that_order():
    advice = advice_in("nl", EMERGENCY, ["red_flag:leg_weakness"], tilburg())
    gp, post, emergency = advice.calls
    assert gp.line == "Bel nu uw huisarts."
    assert "huisartsenpost" in post.line
    assert (emergency.phone, emergency.tel) == ("112", "tel:112")
    assert "nu" in advice.title
    assert advice.urgent
    assert advice.tone == "danger"
    english = advice_in("en", EMERGENCY, ["red_flag:leg_weakness"], tilburg())
    assert "GP" in english.title and "now" in english.title


def test_no_number_is_invented_for_a_gp_or_gp_post_nobody_gave():
    advice = advice_in("nl", EMERGENCY, ["red_flag:bladder_bowel"], tilburg())
    gp, post, _112 = advice.calls
    assert (gp.phone, gp.tel, post.phone, post.tel) == (None, None, None, None)
    assert post.who == "de huisartsenpost"
    assert advice.gp_number_missing


def test_the_patients_gp_and_the_clinics_gp_post_are_offered_to_tap():
    clinic = tilburg()
    clinic.gp_post_phone = "0900-1234567"
    advice = advice_in("nl", SEE_GP, ["red_flag:accident"], clinic, gp=patient_with_gp())
    gp, post = advice.calls  # no 112 for "see your GP today"
    assert (gp.who, gp.phone, gp.tel) == (
        "Huisartsenpraktijk De Linde",
        "013-5551234",
        "tel:+31135551234",
    )
    assert gp.line == "Bel vandaag uw huisarts."
    assert (post.phone, post.tel) == ("0900-1234567", "tel:+319001234567")
    assert not advice.gp_number_missing


def test_see_gp_advice_says_today_and_is_urgent():
    advice = advice_in("nl", SEE_GP, ["red_flag:accident"], tilburg())
    assert "huisarts" in advice.title and "vandaag" in advice.title
    assert advice.urgent
    assert advice.tone == "warning"


def test_every_level_has_the_agreed_tone_and_only_the_doctor_levels_are_urgent():
    tones = {level: advice_in("nl", level).tone for level in LEVELS}
    assert tones == {
        EMERGENCY: "danger",
        SEE_GP: "warning",
        SEE_PHYSIO: "warning",
        KEEP_MOVING: "info",
        TOO_FEW_ENTRIES: "info",
        ON_TRACK: "success",
        SELF_MANAGE: "info",
        RECOVERED: "success",
    }
    assert {level for level in LEVELS if advice_in("nl", level).urgent} == {EMERGENCY, SEE_GP}


def test_the_reason_lines_follow_the_order_given():
    reasons = ["red_flag:accident", WORSENING, FEW_ENTRIES]
    advice = advice_in("nl", SEE_GP, reasons, tilburg())
    assert advice.reason_lines == tuple(content.reason_line(reason) for reason in reasons)
    assert advice.reason_lines[0] == "Uw pijn begon na een ongeluk of een val."
    assert advice.reason_lines[1] == (
        "Uw pijn is de afgelopen dagen duidelijk hoger dan aan het begin, of duidelijk "
        "hoger dan toen het beter ging."
    )


def test_held_advice_names_the_held_reason_and_says_it_stays_a_few_days():
    advice = advice_in("nl", SEE_PHYSIO, [], tilburg(), held=[DAILY_ACTIVITIES])
    assert advice.reason_lines == (content.reason_line(DAILY_ACTIVITIES),)
    assert any("blijft een paar dagen staan" in paragraph for paragraph in body(advice))
    assert not any(
        "blijft een paar dagen staan" in paragraph
        for paragraph in body(advice_in("nl", SEE_PHYSIO, [DAILY_ACTIVITIES], tilburg()))
    )


def test_self_manage_advice_says_keep_going_and_when_to_get_in_touch():
    body = " ".join(advice_in("nl", SELF_MANAGE).paragraphs)
    assert "12 weken" in body
    assert "Blijf in beweging" in body
    assert "Neem contact op met uw fysiotherapeut als de pijn erger wordt" in body


def test_a_red_flag_reason_line_names_the_complaint():
    advice = advice_in("nl", EMERGENCY, ["red_flag:bladder_bowel"])
    assert "plassen" in advice.reason_lines[0]


def test_keep_moving_advice_gives_the_leaflet_advice():
    body = " ".join(advice_in("nl", KEEP_MOVING).paragraphs)
    for phrase in ("niet schadelijk", "2 dagen", "Wandel", "houding", "Pijnstillers"):
        assert phrase in body


def test_on_track_advice_says_most_people_improve_a_lot_in_the_first_weeks():
    assert "De meeste mensen gaan in de eerste weken flink vooruit." in " ".join(
        advice_in("nl", ON_TRACK).paragraphs
    )
    assert "Most people improve a lot in the first weeks." in " ".join(
        advice_in("en", ON_TRACK).paragraphs
    )


def test_recovered_advice_says_how_to_lower_the_chance_of_a_next_episode():
    advice = advice_in("nl", RECOVERED)
    body = " ".join(advice.paragraphs)
    assert "Goed gedaan" in advice.title
    for phrase in ("fit", "buikspieren en rugspieren", "bukken en draaien", "trillingen"):
        assert phrase in body


def test_too_few_entries_advice_asks_to_log_more_days():
    assert "elke dag" in " ".join(advice_in("nl", TOO_FEW_ENTRIES).paragraphs)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_patient_text_promises_that_80_to_90_percent_recover(lang):
    for text in every_patient_text(lang):
        assert "80" not in text, text
        assert not RECOVERY_PROMISE.search(text), text


def test_patient_message_contains_the_title_the_reasons_and_the_phone_number():
    message = content.patient_message(SEE_PHYSIO, [WORSENING], tilburg())
    advice = content.patient_advice(SEE_PHYSIO, [WORSENING], tilburg())
    assert message.startswith(advice.title)
    assert "013-4683910" in message
    assert "FysioMaatwerk Tilburg" in message
    assert advice.reason_lines[0] in message
    assert message.count("013-4683910") == 1


def test_patient_message_follows_the_active_language():
    dutch = in_language("nl", content.patient_message, ON_TRACK, (), tilburg())
    english = in_language("en", content.patient_message, ON_TRACK, (), tilburg())
    assert dutch.startswith("U bent goed op weg")
    assert english.startswith("You are on the right track")


def test_an_unknown_level_or_reason_is_refused():
    with pytest.raises(ValueError, match="level"):
        content.patient_advice("panic", (), None)
    with pytest.raises(ValueError, match="reason"):
        content.patient_advice(ON_TRACK, ("sore",), None)
    with pytest.raises(ValueError, match="reason"):
        words.staff_reason_label("red_flag:headache")
    with pytest.raises(ValueError, match="reason"):
        words.staff_reason_explanation("sore")


def test_advice_is_a_frozen_value():
    advice = content.patient_advice(ON_TRACK, (), None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        advice.level = EMERGENCY  # type: ignore[misc]


def test_building_advice_never_touches_the_database():
    # No django_db mark: pytest-django makes any query here raise an error.
    for level in LEVELS:
        content.patient_message(level, ALL_REASONS, tilburg())
    for reason in ALL_REASONS:
        words.staff_reason_label(reason)
        words.staff_reason_explanation(reason)


def test_the_advice_partial_makes_urgent_advice_an_alert():
    advice = content.patient_advice(EMERGENCY, ["red_flag:leg_weakness"], tilburg())
    html = render_to_string("includes/_advice.html", {"advice": advice})
    assert 'role="alert"' in html
    assert "alert-danger" in html
    assert advice.title in html
    assert "<li>" in html


def test_the_advice_partial_gives_a_large_call_button_for_the_clinic():
    advice = content.patient_advice(SEE_PHYSIO, [WORSENING], tilburg())
    html = render_to_string("includes/_advice.html", {"advice": advice})
    assert 'role="alert"' not in html
    assert 'href="tel:+31134683910"' in html
    assert "btn-lg" in html
    assert html.count("013-4683910") == 1
    assert "<script" not in html and "style=" not in html


def test_the_advice_partial_gives_a_button_for_each_number_it_knows():
    clinic = tilburg()
    clinic.gp_post_phone = "0900-1234567"
    advice = content.patient_advice(
        EMERGENCY, ["red_flag:leg_weakness"], clinic, gp=patient_with_gp()
    )
    html = render_to_string("includes/_advice.html", {"advice": advice})
    assert html.count('class="btn btn-lg btn-danger w-100"') == 3
    for tel in ("tel:+31135551234", "tel:+319001234567", "tel:112"):
        assert f'href="{tel}"' in html
    assert html.count("Bel nu uw huisarts.") == 1


def test_the_advice_partial_has_no_call_button_without_a_number():
    advice = content.patient_advice(ON_TRACK, (), tilburg())
    html = render_to_string("includes/_advice.html", {"advice": advice, "heading_level": 3})
    assert "tel:" not in html
    assert "<h3" in html
    assert "alert-success" in html
