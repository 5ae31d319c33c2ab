"""A forgotten password: the patient (or a member of staff) gets a one-time link
by email and chooses a new one; the clinic can send the same link."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for
from tests.factories import PASSWORD
from tracker import passwords
from tracker.models import AccessLog, User

FORGOT = reverse("password_reset")
SENT = reverse("password_reset_done")
NEW_PASSWORD = "mijn rug wordt weer sterk"


@pytest.fixture
def patient(world):
    user = world.patient_a.user
    user.email = "anna@example.org"
    user.save()
    return world.patient_a


def ask(email: str, ip: str = "10.1.1.1", client: Client | None = None):
    return (client or Client()).post(FORGOT, {"email": email}, REMOTE_ADDR=ip)


def link_in(message) -> str:
    """The path of the one-time link in an email."""
    return urlsplit(re.search(r"https?://\S+/password/new/\S+/", message.body).group()).path


def choose(client: Client, link: str, password: str = NEW_PASSWORD):
    form = client.get(link)
    assert form.status_code == 302  # the token moves into the session, out of the address
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def test_the_login_and_lockout_pages_lead_to_the_reset(db):
    assert f'href="{FORGOT}"' in Client().get(reverse("login")).content.decode()
    for _ in range(5):
        locked = Client().post(reverse("login"), {"username": "x", "password": "y"})
    assert locked.status_code == 429
    assert f'href="{FORGOT}"' in locked.content.decode()


def test_a_patient_gets_a_link_that_works_once(patient):
    response = ask("Anna@Example.org")  # any case
    assert response["Location"] == SENT
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "Een nieuw wachtwoord voor Herstelpad"
    assert "24 uur" in message.body and "patient-a" in message.body
    link = link_in(message)
    assert link.startswith("/password/new/")

    client = Client()
    done = choose(client, link)
    assert done["Location"] == reverse("tracker:home")  # and logged in on this device
    assert client.get(reverse("tracker:patient_home")).status_code == 200
    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)

    again = Client().get(link, follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(patient):
    known, unknown = ask("anna@example.org"), ask("nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == SENT
    assert len(mail.outbox) == 1
    page = Client().get(SENT).content.decode()
    assert "Als er een account is met dit e-mailadres" in page


def test_the_link_uses_the_sites_address_not_the_requests_host(patient, settings):
    settings.SITE_URL = "https://herstelpad.example.org"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    Client().post(FORGOT, {"email": "anna@example.org"}, HTTP_HOST="evil.example")
    assert "https://herstelpad.example.org/password/new/" in mail.outbox[0].body
    assert "evil.example" not in mail.outbox[0].body


def test_the_new_password_ends_every_other_session(patient):
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        device.post(reverse("login"), {"username": "patient-a", "password": PASSWORD})
        assert device.get(reverse("tracker:patient_home")).status_code == 200
    ask("anna@example.org")
    choose(laptop, link_in(mail.outbox[0]))
    assert laptop.get(reverse("tracker:patient_home")).status_code == 200
    assert phone.get(reverse("tracker:patient_home"))["Location"].startswith(reverse("login"))


def test_the_link_expires_after_a_day(patient):
    ask("anna@example.org")
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=20)):
        assert Client().get(link)["Location"].endswith("/set-password/")  # still works
    with time_machine.travel(timezone.now() + dt.timedelta(hours=30)):
        response = Client().get(link, follow=True)
    assert "Deze link werkt niet meer" in response.content.decode()
    assert f'href="{FORGOT}"' in response.content.decode()


def test_an_invitation_link_is_no_reset_link_and_the_other_way_round(patient):
    from tracker.invitations import invitation_tokens

    user = patient.user
    assert not passwords.reset_tokens.check_token(user, invitation_tokens.make_token(user))
    assert not invitation_tokens.check_token(user, passwords.reset_tokens.make_token(user))


def test_requests_are_limited_per_address_and_per_client(patient):
    for _ in range(passwords.RESET_PER_ADDRESS):
        assert ask("anna@example.org", ip="10.0.0.1").status_code == 302
    limited = ask("anna@example.org", ip="10.0.0.2")  # another client, the same address
    assert limited.status_code == 429
    assert "Probeer het over een uur opnieuw" in limited.content.decode()
    assert len(mail.outbox) == passwords.RESET_PER_ADDRESS
    # An unknown address is counted just the same: the answer tells nothing.
    for _ in range(passwords.RESET_PER_ADDRESS):
        ask("nobody@example.org", ip="10.0.0.3")
    assert ask("nobody@example.org", ip="10.0.0.4").status_code == 429
    # One client asking for many addresses.
    codes = [ask(f"x{n}@example.org", ip="10.9.9.9").status_code for n in range(12)]
    assert codes == [302] * passwords.RESET_PER_CLIENT + [429] * 2


def test_a_reset_after_a_lockout_lets_the_patient_in_again(patient):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "patient-a", "password": "wrong"})
    assert (
        client.post(reverse("login"), {"username": "patient-a", "password": PASSWORD}).status_code
        == 429
    )
    ask("anna@example.org", ip="127.0.0.1", client=client)
    choose(client, link_in(mail.outbox[0]))
    fresh = Client()
    response = fresh.post(reverse("login"), {"username": "patient-a", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_email_is_in_the_patients_language(patient):
    patient.language = "en"
    patient.save()
    ask("anna@example.org")
    message = mail.outbox[0]
    assert message.subject == "A new password for Herstelpad"
    assert "Choose your new password here" in message.body


def test_an_invited_patient_without_a_password_can_use_it(patient):
    patient.user.set_unusable_password()
    patient.user.save()
    ask("anna@example.org")
    choose(Client(), link_in(mail.outbox[0]))
    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)


def test_staff_keep_their_two_factor_device_and_confirm_it_after_a_reset(world):
    physio = world.physio_a
    physio.email = "fysio@example.org"
    physio.save()
    device = TOTPDevice.objects.create(user=physio, name="phone", confirmed=True)
    ask("fysio@example.org")
    client = Client()
    choose(client, link_in(mail.outbox[0]))
    dashboard = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    assert client.get(dashboard)["Location"].startswith(reverse("two_factor"))
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_a_bad_address_is_named_in_the_form(db):
    response = Client().post(FORGOT, {"email": "geen adres"})
    assert response.status_code == 200
    assert "Vul een geldig e-mailadres in" in response.content.decode()
    assert 'href="#div_id_email"' in response.content.decode()


# The clinic sends the link.


def sign_in_link(world, patient):
    return reverse("tracker:sign_in_link", args=[world.clinic_a.slug, patient.pk])


def test_a_physio_sends_a_patient_a_new_sign_in_link_and_it_is_logged(world, patient):
    patient.language = "en"
    patient.save()
    detail = reverse("tracker:patient_detail", args=[world.clinic_a.slug, patient.pk])
    page = client_for(world.physio_a).get(detail).content.decode()
    assert f'action="{sign_in_link(world, patient)}"' in page
    response = client_for(world.physio_a).post(sign_in_link(world, patient), follow=True)
    assert "Er is een nieuwe inloglink gemaild naar anna@example.org." in response.content.decode()
    (message,) = mail.outbox
    assert message.subject == "A new password for Herstelpad"
    assert "Praktijk A sends you a link" in message.body
    record = AccessLog.objects.filter(event="patient.sign_in_link").get()
    assert (record.patient_ref, record.action, record.username) == (
        patient.pseudonym,
        AccessLog.Action.UPDATE,
        "physio-a",
    )
    choose(Client(), link_in(message))
    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)


def test_the_clinics_links_count_against_the_same_limit(world, patient):
    for _ in range(passwords.RESET_PER_ADDRESS):
        client_for(world.physio_a).post(sign_in_link(world, patient))
    response = client_for(world.physio_a).post(sign_in_link(world, patient), follow=True)
    assert "al een paar keer een link gestuurd" in response.content.decode()
    assert len(mail.outbox) == passwords.RESET_PER_ADDRESS


def test_another_clinics_physio_cannot_send_a_link(world, patient):
    assert client_for(world.physio_b).post(sign_in_link(world, patient)).status_code == 404
    assert client_for(patient.user).post(sign_in_link(world, patient)).status_code == 403
    assert Client().post(sign_in_link(world, patient)).status_code == 302  # to log in
    assert client_for(world.physio_a).get(sign_in_link(world, patient)).status_code == 405
    assert mail.outbox == []
    assert not User.objects.filter(pk=patient.user_id, password="").exists()
