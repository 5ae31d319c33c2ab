"""Staff invite a patient; the patient chooses a password through a one-time link."""

import datetime as dt
import re
import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tracker.models import Patient

NEW_PASSWORD = "rustig-wandelen-helpt"


def invitation(clinic, **overrides) -> dict:
    data = {
        "first_name": "Anna",
        "last_name": "de Vries",
        "email": "Anna.deVries@example.org",
        "clinic": str(clinic.pk),
        "onset": (timezone.localdate() - dt.timedelta(days=4)).isoformat(),
        "year_of_birth": "1979",
        "language": "nl",
    }
    return data | overrides


def invite_url(clinic) -> str:
    return reverse("tracker:invite_patient", args=[clinic.slug])


def test_a_physio_invites_a_patient_who_gets_a_one_time_link(world):
    response = client_for(world.physio_a).post(
        invite_url(world.clinic_a), invitation(world.clinic_a)
    )
    assert response.status_code == 302
    patient = Patient.objects.get(user__email="anna.devries@example.org")
    assert patient.clinic == world.clinic_a
    assert patient.physio == world.physio_a
    assert not patient.user.has_usable_password()
    assert patient.episodes.get().onset == timezone.localdate() - dt.timedelta(days=4)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna.devries@example.org"]
    assert world.clinic_a.phone in mail.outbox[0].body


def accept(client, link: str, password: str = NEW_PASSWORD):
    response = client.get(link)
    assert response.status_code == 302  # the token moves into the session
    return client.post(
        response["Location"], {"new_password1": password, "new_password2": password}, follow=True
    )


def test_the_link_lets_the_patient_choose_a_password_once_and_start(world, client):
    client_for(world.physio_a).post(invite_url(world.clinic_a), invitation(world.clinic_a))
    link = re.search(r"http://\S+/welkom/\S+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    response = accept(client, path)
    assert response.redirect_chain[-1][0] == reverse("tracker:intake")
    fresh = Client()
    login = fresh.post(
        reverse("login"), {"username": "anna.devries@example.org", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302

    again = client_for(None).get(path)
    assert "Deze link werkt niet meer" in again.content.decode()


def test_a_weak_password_is_refused_with_a_reason(world, client):
    client_for(world.physio_a).post(invite_url(world.clinic_a), invitation(world.clinic_a))
    link = re.search(r"/welkom/\S+/", mail.outbox[0].body).group(0)
    response = accept(client, link, password="kort")
    assert response.status_code == 200
    assert "12" in response.content.decode()
    assert not Patient.objects.get(user__last_name="de Vries").user.has_usable_password()


def test_bad_invitation_input_names_the_fields_and_keeps_the_rest(world):
    data = invitation(
        world.clinic_a,
        email="geen-adres",
        year_of_birth="negentien",
        onset=(timezone.localdate() + dt.timedelta(days=1)).isoformat(),
    )
    response = client_for(world.physio_a).post(invite_url(world.clinic_a), data)
    page = response.content.decode()
    assert response.status_code == 200
    for field in ("email", "year_of_birth", "onset"):
        assert f'href="#div_id_{field}"' in page
    assert 'value="de Vries"' in page
    assert 'value="negentien"' in page
    assert not Patient.objects.filter(user__last_name="de Vries").exists()
    assert not mail.outbox


def test_an_admin_is_told_that_an_email_is_already_in_use(world):
    world.patient_a.user.email = "anna.devries@example.org"
    world.patient_a.user.save()
    response = client_for(world.admin).post(invite_url(world.clinic_a), invitation(world.clinic_a))
    assert "Er is al een account met dit e-mailadres." in response.content.decode()
    assert not mail.outbox


def test_a_physio_learns_nothing_about_an_existing_account(world):
    """Another clinic's patient: the physio sees the usual answer, nothing is
    created, and the owner of the address is told by email."""
    world.patient_other_clinic.user.email = "anna.devries@example.org"
    world.patient_other_clinic.user.save()
    fresh = client_for(world.physio_a).post(
        invite_url(world.clinic_a), invitation(world.clinic_a, email="new@example.org"), follow=True
    )
    taken = client_for(world.physio_a).post(
        invite_url(world.clinic_a), invitation(world.clinic_a), follow=True
    )
    assert fresh.redirect_chain == taken.redirect_chain
    assert "is uitgenodigd" in taken.content.decode()
    assert Patient.objects.filter(user__last_name="de Vries").count() == 1  # only the fresh one
    assert [m.to for m in mail.outbox] == [["new@example.org"], ["anna.devries@example.org"]]
    assert "al een account" in mail.outbox[1].body
    assert "/welkom/" not in mail.outbox[1].body


def test_a_physio_cannot_invite_into_another_clinic(world):
    response = client_for(world.physio_a).post(
        invite_url(world.clinic_a), invitation(world.clinic_b)
    )
    assert response.status_code == 200  # the clinic field refuses the choice
    assert not Patient.objects.filter(user__last_name="de Vries").exists()
    assert client_for(world.physio_b).get(invite_url(world.clinic_a)).status_code == 404


def test_an_admin_invites_into_any_clinic(world):
    response = client_for(world.admin).post(invite_url(world.clinic_b), invitation(world.clinic_b))
    assert response.status_code == 302
    patient = Patient.objects.get(user__last_name="de Vries")
    assert (patient.clinic, patient.physio) == (world.clinic_b, None)


def test_patients_and_visitors_cannot_invite(world, client):
    assert client_for(world.patient_a.user).get(invite_url(world.clinic_a)).status_code == 403
    assert client.get(invite_url(world.clinic_a))["Location"].startswith(reverse("login"))


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({})


def test_a_refused_invitation_email_keeps_the_account_and_can_be_sent_again(world, settings):
    settings.EMAIL_BACKEND = "tests.test_invitation.RefusingBackend"
    response = client_for(world.physio_a).post(
        invite_url(world.clinic_a), invitation(world.clinic_a), follow=True
    )
    assert "de e-mail kon niet worden verstuurd" in response.content.decode()
    patient = Patient.objects.get(user__last_name="de Vries")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("tracker:invitation_resend", args=[world.clinic_a.slug, patient.pk])
    detail = client_for(world.physio_a).get(
        reverse("tracker:patient_detail", args=[world.clinic_a.slug, patient.pk])
    )
    assert url in detail.content.decode()
    response = client_for(world.physio_a).post(url, follow=True)
    assert "opnieuw gemaild" in response.content.decode()
    assert mail.outbox[-1].to == ["anna.devries@example.org"]
    assert "/welkom/" in mail.outbox[-1].body


def test_no_new_link_once_a_password_was_chosen(world):
    url = reverse("tracker:invitation_resend", args=[world.clinic_a.slug, world.patient_a.pk])
    response = client_for(world.physio_a).post(url, follow=True)
    assert "al een wachtwoord gekozen" in response.content.decode()
    assert not mail.outbox
    assert client_for(world.physio_b).post(url).status_code == 404


def test_a_refused_email_to_an_existing_account_still_gives_the_usual_answer(world, settings):
    """The usual answer exists so the clinic learns nothing: a mail server that
    refuses must not turn it into an error page for existing accounts only."""
    world.patient_other_clinic.user.email = "anna.devries@example.org"
    world.patient_other_clinic.user.save()
    settings.EMAIL_BACKEND = "tests.test_invitation.RefusingBackend"
    taken = client_for(world.physio_a).post(
        invite_url(world.clinic_a), invitation(world.clinic_a), follow=True
    )
    assert taken.status_code == 200
    assert "is uitgenodigd" in taken.content.decode()
