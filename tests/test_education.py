"""The education pages under /advies/: open without login, in Dutch and English,
built on the FysioMaatwerk leaflets."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from advice import content, words
from tracker.models import Clinic

pytestmark = pytest.mark.django_db

# url name, path, Dutch heading, English heading
PAGES = [
    ("education:index", "/advies/", "Uitleg over lage rugpijn", "About low back pain"),
    (
        "education:what_is",
        "/advies/wat-is-lage-rugpijn/",
        "Wat is lage rugpijn?",
        "What is low back pain?",
    ),
    (
        "education:course",
        "/advies/beloop/",
        "Hoe verloopt lage rugpijn?",
        "How does low back pain usually go?",
    ),
    (
        "education:what_helps",
        "/advies/wat-helpt/",
        "Wat helpt bij lage rugpijn?",
        "What helps with low back pain?",
    ),
    (
        "education:xray",
        "/advies/rontgenfoto/",
        "Is een röntgenfoto nodig?",
        "Do you need an X-ray?",
    ),
    (
        "education:seek_help",
        "/advies/hulp-zoeken/",
        "Wanneer zoekt u hulp?",
        "When should you get help?",
    ),
    (
        "education:prevention",
        "/advies/voorkomen/",
        "Hoe voorkomt u nieuwe rugpijn?",
        "How can you prevent new back pain?",
    ),
    (
        "education:clinics",
        "/advies/praktijken/",
        "Praktijken van FysioMaatwerk",
        "FysioMaatwerk clinics",
    ),
]
URL_NAMES = [page[0] for page in PAGES]

# The 8 clinics printed in the FysioMaatwerk leaflet, with their tel: links.
LEAFLET_CLINICS = {
    "FysioMaatwerk \u2019s-Hertogenbosch": "tel:+31736429572",
    "FysioMaatwerk Gilze": "tel:+31161453590",
    "FysioMaatwerk Heeswijk Dinther": "tel:+31413291431",
    "FysioMaatwerk Schijndel": "tel:+31735475454",
    "FysioMaatwerk Tilburg": "tel:+31134683910",
    "FysioMaatwerk Uden": "tel:+31413263002",
    "FysioMaatwerk Veghel": "tel:+31413365767",
    "FysioMaatwerk Zeeland": "tel:+31486452684",
}

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID_ELEMENTS |= {"source", "track", "wbr"}


def get_page(url_name: str, lang: str | None = None):
    client = Client()
    if lang is not None:
        client.cookies["django_language"] = lang
    return client.get(reverse(url_name))


def h1_text(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1>"
    return match.group(1).strip()


def main_part(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


class _Structure(HTMLParser):
    """Collects unclosed or mismatched tags, heading levels, ids and inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.headings: list[int] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if "style" in names or any(name.startswith("on") for name in names):
            self.problems.append(f"inline style or handler on <{tag}>")
        if tag in ("script", "style"):
            self.problems.append(f"<{tag}> element")
        if "id" in names:
            self.ids.append(names["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close <{self.stack[-1:]}>")
            return
        self.stack.pop()


def structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser


@pytest.mark.parametrize(("url_name", "path", "dutch", "english"), PAGES)
def test_each_education_page_opens_without_login_in_dutch(url_name, path, dutch, english):
    assert reverse(url_name) == path
    response = get_page(url_name)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert h1_text(html) == escape(dutch)


@pytest.mark.parametrize(("url_name", "path", "dutch", "english"), PAGES)
def test_each_education_page_opens_in_english_with_the_language_cookie(
    url_name, path, dutch, english
):
    response = get_page(url_name, "en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert h1_text(html) == escape(english)


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_each_education_page_refuses_post_with_405(url_name):
    assert Client().post(reverse(url_name)).status_code == 405


@pytest.mark.parametrize("url_name", URL_NAMES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_education_page_is_well_formed_with_headings_in_order_and_no_inline_code(
    url_name, lang
):
    html = get_page(url_name, lang).content.decode()
    page = structure(html)
    assert page.problems == []
    assert page.stack == []
    assert page.headings[0] == 1
    assert page.headings.count(1) == 1
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        assert current <= previous + 1, page.headings
    assert len(page.ids) == len(set(page.ids))


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_each_education_page_names_its_source_leaflet(url_name):
    html = main_part(get_page(url_name).content.decode())
    assert "Bron: folder" in html
    assert "Lage rugpijn" in html


@pytest.mark.parametrize("url_name", URL_NAMES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_education_page_promises_that_80_to_90_percent_recover(url_name, lang):
    html = main_part(get_page(url_name, lang).content.decode())
    assert not re.search(r"80\s*(%|procent|percent)?\s*(-|–|tot|to)\s*90", html, re.I)


@pytest.mark.parametrize("url_name", [name for name in URL_NAMES if name != "education:clinics"])
def test_the_pages_without_clinics_do_not_query_the_database(url_name, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert get_page(url_name).status_code == 200


def test_the_index_links_every_topic_and_says_what_the_app_does_not_do():
    html = get_page("education:index").content.decode()
    for url_name in URL_NAMES[1:]:
        assert f'href="{reverse(url_name)}"' in html
    with translation.override("nl"):
        for paragraph in content.ABOUT_THE_APP:
            assert escape(str(paragraph)) in html


def test_the_clinics_page_lists_all_eight_fysiomaatwerk_clinics_with_tel_links(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        response = get_page("education:clinics")
    html = response.content.decode()
    for name, tel in LEAFLET_CLINICS.items():
        assert escape(name) in html
        assert f'href="{tel}"' in html
    assert html.count('href="tel:') == 8
    for clinic in Clinic.objects.filter(active=True):
        assert clinic.phone in html


def test_the_clinics_page_leaves_out_an_inactive_clinic():
    Clinic.objects.filter(slug="gilze").update(active=False)
    html = get_page("education:clinics").content.decode()
    assert "FysioMaatwerk Gilze" not in html
    assert html.count('href="tel:') == 7


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_help_page_names_every_red_flag(lang):
    html = get_page("education:seek_help", lang).content.decode()
    with translation.override(lang):
        questions = [str(question) for question in words.RED_FLAG_QUESTIONS.values()]
    assert len(questions) == 7
    for question in questions:
        assert escape(question) in html


def test_the_help_page_says_when_to_call_and_names_the_gp_post_and_112():
    html = get_page("education:seek_help").content.decode()
    for phrase in ("niet minder wordt", "erger wordt", "dagelijkse activiteiten"):
        assert phrase in html
    assert "huisartsenpost" in html
    assert "112" in html
    assert f'href="{reverse("education:clinics")}"' in html


def test_the_course_page_explains_the_five_reasons_pain_can_last():
    html = get_page("education:course").content.decode()
    assert "De meeste mensen gaan in de eerste weken flink vooruit." in html
    assert "1 op de 10" in html
    assert html.count("<dt>") == 5
    with translation.override("nl"):
        for text in words.RISK_FACTOR_EDUCATION.values():
            assert escape(str(text)) in html


def test_the_what_is_page_gives_the_leaflet_facts():
    html = get_page("education:what_is").content.decode()
    for fact in ("9 van de 10", "6 tot 9 van de 10", "tussen 20 en 55"):
        assert fact in html


def test_the_what_helps_page_gives_the_leaflet_advice():
    html = get_page("education:what_helps").content.decode()
    for advice in ("niet schadelijk", "2 dagen", "Pijnstillers", "Wandelen", "houding"):
        assert advice in html
    assert "fysiotherapie" in html.lower()


def test_the_xray_page_says_an_xray_is_usually_not_useful():
    html = get_page("education:xray").content.decode()
    assert "meestal niet zinvol" in html
    assert "hernia" in html


def test_the_prevention_page_names_the_three_ways_to_lower_the_chance():
    html = get_page("education:prevention").content.decode()
    for phrase in ("fit blijft", "buikspieren en rugspieren", "bukken en draaien"):
        assert phrase in html
