"""After login every role lands on its own page."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for
from tests.factories import PASSWORD, make_user


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_the_login_page_shows_a_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_a_patient_lands_on_their_own_page(client, world):
    response = client.post(
        reverse("login"), {"username": "patient-a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("tracker:patient_home")
    assert world.clinic_a.phone in response.content.decode()


def current_code(user) -> str:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return f"{totp(device.bin_key):06d}"


def test_a_physio_confirms_a_code_and_lands_on_their_clinic_page(client, world):
    code = current_code(world.physio_a)
    response = client.post(
        reverse("login"), {"username": "physio-a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor"))
    response = client.post(reverse("two_factor"), {"token": code, "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "tracker:clinic_dashboard", args=[world.clinic_a.slug]
    )
    assert world.clinic_a.name in response.content.decode()


def test_an_admin_confirms_a_code_and_lands_on_the_admin(client, world):
    code = current_code(world.admin)
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    client.post(reverse("two_factor"), {"token": code})
    assert client.get(reverse("tracker:home"))["Location"] == reverse("admin:index")


def test_a_wrong_password_shows_the_form_again_with_the_username_kept(client, world):
    response = client.post(reverse("login"), {"username": "patient-a", "password": "nope"})
    assert response.status_code == 200
    assert b'value="patient-a"' in response.content
    assert b"alert" in response.content


@pytest.mark.django_db
def test_a_user_without_a_role_gets_403():
    assert client_for(make_user("nobody")).get("/").status_code == 403


def test_a_physio_of_another_clinic_gets_404_for_a_clinic_page(world):
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    assert client_for(world.physio_b).get(url).status_code == 404
    missing = reverse("tracker:clinic_dashboard", args=["no-such-clinic"])
    assert client_for(world.physio_b).get(missing).status_code == 404


def test_a_patient_gets_403_for_a_clinic_page(world):
    url = reverse("tracker:clinic_dashboard", args=[world.clinic_a.slug])
    assert client_for(world.patient_a.user).get(url).status_code == 403


def test_staff_get_403_for_the_patient_page(world):
    assert client_for(world.physio_a).get(reverse("tracker:patient_home")).status_code == 403


def test_the_logout_ends_the_session(world):
    client = client_for(world.patient_a.user)
    client.post(reverse("logout"))
    assert client.get(reverse("tracker:patient_home")).status_code == 302
