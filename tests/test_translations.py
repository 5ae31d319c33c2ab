"""The page's language, everywhere: a patient's choice is stored and followed by
pages, exports and emails; every message a patient or physiotherapist reads is
in that language, Django's own included; the English catalogue is complete
(`make check-messages` runs makemessages and checks the same in CI)."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import PASSWORD
from tracker.models import Patient

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(po: str) -> list[str]:
    return [block for block in po.split("\n\n") if "\nmsgid " in "\n" + block]


def test_every_string_in_the_english_catalogue_is_translated():
    po = CATALOGUE.read_text(encoding="utf-8")
    untranslated = [
        block
        for block in entries(po)[1:]  # the header's msgid is empty on purpose
        if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, re.M) or "fuzzy" in block
    ]
    assert untranslated == []


GETTEXT_CALLS = {"gettext", "_", "gettext_lazy", "gettext_noop", "ngettext", "pgettext_lazy"}


def _msgids(path: Path) -> list[tuple[str, int]]:
    """The literal first argument of every gettext-like call (for pgettext, the
    second), with its line; also those that makemessages cannot see, such as a
    call inside an f-string."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        index = 1 if name.startswith("pgettext") else 0
        if len(node.args) > index and isinstance(node.args[index], ast.Constant):
            found.append((node.args[index].value, node.lineno))
    return found


def test_every_string_the_code_translates_is_in_the_english_catalogue():
    """makemessages reads Python as text and misses a gettext call inside an
    f-string; a string it missed would stay Dutch on an English page."""
    po = CATALOGUE.read_text(encoding="utf-8")
    known = set()
    for block in entries(po):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:  # the quoted pieces, escapes as in Python
            known.add("".join(ast.literal_eval(p) for p in re.findall(r'".*"', match.group(1))))
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {msgid}"
        for package in ("advice", "tracker", "config")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for msgid, line in _msgids(path)
        if msgid not in known
    ]
    assert missing == []


def test_the_language_switch_is_stored_on_the_patients_profile(world):
    client = client_for(world.patient_a.user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/me/"})
    assert response["Location"] == "/me/"
    world.patient_a.refresh_from_db()
    assert world.patient_a.language == "en"
    page = client.get(reverse("tracker:patient_settings")).content.decode()
    assert '<html lang="en">' in page
    assert '<option value="en" selected>English</option>' in page  # settings say so too


def test_the_next_login_follows_the_stored_language_on_any_device(world):
    client_for(world.patient_a.user).post(reverse("set_language"), {"language": "en"})
    other_device = Client()  # no cookie, a Dutch browser
    other_device.post(
        reverse("login"),
        {"username": "patient-a", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    page = other_device.get(reverse("tracker:patient_home")).content.decode()
    assert '<html lang="en">' in page
    assert "Log today" in page


def test_reminder_emails_follow_the_stored_language(world):
    client_for(world.patient_a.user).post(reverse("set_language"), {"language": "en"})
    world.patient_b.user.email = "b@example.org"
    world.patient_b.user.save()
    world.patient_a.user.email = "a@example.org"
    world.patient_a.user.save()
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["a@example.org"].subject == "How is your back today?"
    assert by_address["b@example.org"].subject == "Hoe gaat het vandaag met uw rug?"


def test_a_visitors_choice_is_kept_in_the_session(db):
    client = Client()
    client.post(reverse("set_language"), {"language": "en"})
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # the session alone keeps it
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_an_unknown_language_is_not_stored(world):
    client_for(world.patient_a.user).post(reverse("set_language"), {"language": "de"})
    assert Patient.objects.get(pk=world.patient_a.pk).language == "nl"


@pytest.mark.parametrize(
    ("language", "short", "common", "mismatch"),
    [
        (
            "nl",
            "Dit wachtwoord is te kort. Kies minstens 12 tekens.",
            "Dit wachtwoord is te algemeen.",
            "De twee wachtwoordvelden komen niet overeen.",
        ),
        (
            "en",
            "This password is too short. Choose at least 12 characters.",
            "This password is too common.",
            "The two password fields didn’t match.",
        ),
    ],
)
def test_password_messages_are_in_the_pages_language_under_the_right_field(
    world, language, short, common, mismatch
):
    client = client_for(world.patient_a.user)
    client.post(reverse("set_language"), {"language": language})
    url = reverse("password_change")
    data = {"old_password": PASSWORD, "new_password1": "kort", "new_password2": "anders"}
    form = client.post(url, data).context["form"]
    assert form.errors["new_password1"] == [short]  # under the password being chosen
    assert form.errors["new_password2"] == [mismatch]  # under the confirmation
    data = {"old_password": PASSWORD, "new_password1": "password1234"} | {
        "new_password2": "password1234"
    }
    assert common in client.post(url, data).context["form"].errors["new_password1"]


def test_every_password_rule_speaks_dutch_on_a_dutch_page(world):
    """Django's own rules, with the one message its Dutch catalogue lacks replaced."""
    client = client_for(world.patient_a.user)
    page = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "123456", "new_password2": "123456"},
    ).content.decode()
    for english in ("This password", "too short", "entirely numeric", "too common"):
        assert english not in page
    assert "Dit wachtwoord bevat alleen cijfers." in page
    assert "Uw wachtwoord moet minstens 12 tekens lang zijn." in page  # the rules, above


def test_dates_on_a_page_follow_the_language(world):
    client = client_for(world.patient_a.user)
    day = timezone.localdate()
    dutch = client.get(reverse("tracker:patient_home")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("tracker:patient_home")).content.decode()
    assert day.strftime("%B") in english  # e.g. December
    assert day.strftime("%B") not in dutch
