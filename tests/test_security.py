"""Login, sessions, headers and settings fit for health data."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
LOGIN = reverse("login")


def log_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.1.2.3"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


# Passwords


def test_argon2id_hashes_new_passwords(settings):
    from config import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # undo the fast test hasher
    hashed = make_password("een-lang-wachtwoord")
    assert identify_hasher(hashed).algorithm == "argon2"
    assert "$argon2id$" in hashed


def test_passwords_need_12_characters_and_not_a_common_one(world):
    client = client_for(world.patient_a.user)
    url = reverse("password_change")
    for new in ("kort-1", "password1234"):
        response = client.post(
            url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 200
        # The rules' message is under the password being chosen.
        assert 'href="#div_id_new_password1"' in response.content.decode()
    world.patient_a.user.refresh_from_db()
    assert world.patient_a.user.check_password(PASSWORD)


# Login lockout


def test_five_failures_lock_the_username_and_address_for_30_minutes(world):
    client = Client()
    for _ in range(4):
        assert log_in(client, "patient-a", "wrong").status_code == 200
    assert log_in(client, "patient-a", "wrong").status_code == 429
    locked = log_in(client, "patient-a")  # even the right password
    assert locked.status_code == 429
    assert "30 minuten" in locked.content.decode()

    assert log_in(Client(), "patient-b").status_code == 302  # another username: fine
    assert log_in(Client(), "patient-a", ip="10.9.9.9").status_code == 302  # another address

    if settings.REDIS_URL:
        # Counted in Redis: the count expires by itself within 30 minutes.
        import redis

        store = redis.Redis.from_url(settings.REDIS_URL)
        ttls = [store.ttl(key) for key in store.keys("herstelpad:*")]
        assert ttls and all(0 < ttl <= 30 * 60 for ttl in ttls), ttls
    else:
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
            assert log_in(Client(), "patient-a").status_code == 302  # cooled off


@pytest.mark.skipif(
    bool(settings.REDIS_URL), reason="time travel cannot age Redis keys; the TTL is checked above"
)
def test_failures_more_than_30_minutes_apart_do_not_add_up(world):
    start = timezone.now()
    for minutes in (0, 31, 62, 93, 124):
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            log_in(Client(), "patient-a", "wrong")
    with time_machine.travel(start + dt.timedelta(minutes=125)):
        assert log_in(Client(), "patient-a").status_code == 302


def test_the_lockout_counts_the_address_the_proxy_saw(world, settings):
    settings.PROXY_COUNT = 1
    for n in range(5):
        # The client makes up the left part of X-Forwarded-For; the proxy appends the real one.
        Client().post(
            LOGIN,
            {"username": "patient-a", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    blocked = Client().post(
        LOGIN,
        {"username": "patient-a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert blocked.status_code == 429


# Two-factor for staff


def test_staff_must_confirm_a_code_before_any_page(world):
    client = Client()
    log_in(client, "physio-a")
    dashboard = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor"))


def test_a_first_time_physio_sets_up_the_app_with_a_qr_code(world):
    client = Client()
    log_in(client, "physio-a")
    page = client.get(reverse("two_factor")).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=world.physio_a)
    assert not device.confirmed
    response = client.post(reverse("two_factor"), {"token": "000000"})
    assert "Deze code klopt niet" in response.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):  # wrong codes slow down
        client.post(reverse("two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed
    dashboard = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    assert client.get(dashboard).status_code == 200


def test_patients_need_no_second_factor(world):
    client = Client()
    log_in(client, "patient-a")
    assert client.get(reverse("tracker:patient_home")).status_code == 200


def test_the_two_factor_page_does_not_redirect_to_another_site(world):
    device = TOTPDevice.objects.create(user=world.physio_a, name="phone", confirmed=True)
    client = Client()
    log_in(client, "physio-a")
    response = client.post(
        reverse("two_factor"),
        {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("tracker:home")


# Sessions


def test_a_staff_session_ends_after_30_minutes_idle(world):
    client = client_for(world.physio_a)
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=29)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=29 + 31)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_a_staff_session_ends_after_12_hours_in_total(world):
    client = client_for(world.physio_a)
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):  # busy all day, never idle
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            assert client.get(url).status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5)):
        assert client.get(url)["Location"].startswith(LOGIN)


def test_changing_the_password_ends_the_other_sessions(world):
    phone, laptop = Client(), Client()
    log_in(phone, "patient-a")
    log_in(laptop, "patient-a")
    new = "een-nieuw-lang-wachtwoord"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("tracker:patient_home")).status_code == 200
    assert phone.get(reverse("tracker:patient_home"))["Location"].startswith(LOGIN)


# Headers


def test_pages_with_patient_data_are_not_stored(world):
    response = client_for(world.patient_a.user).get(reverse("tracker:progress"))
    assert "no-store" in response["Cache-Control"]
    summary = client_for(world.patient_a.user).get(reverse("tracker:summary_pdf"))
    assert summary["Content-Type"] == "application/pdf"
    assert "no-store" in summary["Cache-Control"]


def test_every_page_sends_a_strict_content_security_policy(client, db):
    response = client.get(LOGIN)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


TEMPLATES = ROOT / "templates"


def test_no_template_has_inline_script_or_style_or_marks_text_safe():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "<script " not in text, path
        assert " style=" not in text and "<style" not in text, path
        assert "|safe" not in text and "{% autoescape off" not in text, path


def test_a_note_with_markup_is_shown_escaped(world):
    from tests.factories import make_entry

    episode = world.patient_a.episodes.get()
    make_entry(episode, timezone.localdate(), note="<script>alert(1)</script>")
    url = reverse("tracker:patient_detail", args=[world.clinic_a.slug, world.patient_a.pk])
    page = client_for(world.physio_a).get(url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qv9!zR2@mL5$wT8^pX1&cN4*bH6(jD3)fG0_sA9-eY2+uI7=oP5",
    "ALLOWED_HOSTS": "herstelpad.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://herstelpad.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "BEHIND_PROXY": "true",
}
# Set by the browser tests for Playwright, when they run in the same session; a
# deployment never has it.
NOT_IN_PRODUCTION = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def production_env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in PRODUCTION.keys() | NOT_IN_PRODUCTION}
    return keep | PRODUCTION


def test_check_deploy_is_clean_under_the_production_settings():
    env = production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readme_documents_the_production_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "BEHIND_PROXY"):
        assert name in readme
    assert "check --deploy" in readme


def test_the_session_cookies_are_secure_in_production():
    env = production_env()
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000", "True"]


@pytest.mark.parametrize("setting", ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME"])
def test_the_lockout_is_configured_as_documented(setting):
    assert {"AXES_FAILURE_LIMIT": 5, "AXES_COOLOFF_TIME": dt.timedelta(minutes=30)}[
        setting
    ] == getattr(settings, setting)


def test_staff_rights_given_during_a_session_bring_two_factor_at_once(world):
    from tests.factories import make_user
    from tracker.models import Membership

    newcomer = make_user("new-colleague")
    client = Client()
    log_in(client, "new-colleague")
    Membership.objects.create(user=newcomer, clinic=world.clinic_a)
    response = client.get(reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug]))
    assert response["Location"].startswith(reverse("two_factor"))
