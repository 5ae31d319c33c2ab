"""On a phone: the bottom menu marks the current page, and Herstelpad can be added
to the home screen (icons and a web app manifest) to open on the check-in."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.conftest import client_for


def menu(page: str) -> str:
    return re.search(r'<ul class="[^"]*patient-menu[^"]*">.*?</ul>', page, re.S).group(0)


@pytest.mark.parametrize(
    ("url", "current"),
    [
        (lambda: reverse("tracker:checkin_day", args=[timezone.localdate()]), "Invullen"),
        (lambda: reverse("tracker:progress"), "Voortgang"),
        (lambda: reverse("tracker:red_flags"), "Iets veranderd?"),
        (lambda: reverse("tracker:patient_settings"), "Instellingen"),
    ],
)
def test_the_menu_marks_the_current_page_and_only_that_one(world, url, current):
    page = client_for(world.patient_a.user).get(url()).content.decode()
    tabs = menu(page)
    assert tabs.count('aria-current="page"') == 1
    assert re.search(rf'aria-current="page">{re.escape(current)}</a>', tabs)
    assert all(label in tabs for label in ("Invullen", "Voortgang", "Iets veranderd?"))
    assert "Instellingen</a>" in tabs  # the whole word, not "Instelling"


def test_on_the_home_page_no_tab_is_current(world):
    page = client_for(world.patient_a.user).get(reverse("tracker:patient_home")).content.decode()
    assert 'aria-current="page"' not in menu(page)


def test_every_page_names_the_icons_and_the_manifest(client, db):
    page = client.get(reverse("login")).content.decode()
    for href in (
        "/static/icons/favicon.svg",
        "/static/icons/favicon-32.png",
        "/static/icons/apple-touch-icon.png",
        reverse("tracker:web_manifest"),
    ):
        assert f'href="{href}"' in page, href
    assert '<meta name="theme-color" content="#0a58ca">' in page


def test_the_manifest_opens_the_check_in_full_screen_with_its_icons(client, db):
    response = client.get(reverse("tracker:web_manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "Herstelpad"
    assert manifest["start_url"] == reverse("tracker:checkin")
    assert manifest["display"] == "standalone"  # no browser bars
    sizes = {}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes[icon["sizes"], icon.get("purpose", "any")] = icon["src"]
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(sizes)


def test_the_manifest_follows_the_language(client, db):
    client.cookies["django_language"] = "en"
    manifest = json.loads(client.get(reverse("tracker:web_manifest")).content)
    assert manifest["lang"] == "en"
    assert manifest["description"].startswith("Keep track of")
