from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker.demo import COURSE_LABELS, seed_demo
from tracker.models import Clinic

SHOWN_PATIENTS = 5


class Command(BaseCommand):
    help = (
        "Create (or refresh) demo data: the admin demo-admin, a physiotherapist "
        "demo-physio-<clinic> per clinic and patients demo-patient-<n> whose diaries "
        "run up to today and show every course of the advice rules. Safe to re-run: "
        "the demo patients' diaries are regenerated, nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--patients", type=int, default=40, help="Number of demo patients (default 40)."
        )
        parser.add_argument(
            "--clinic", metavar="SLUG", help="Put every patient in this clinic (default: all)."
        )
        parser.add_argument(
            "--days", type=int, default=60, help="Days of diary history, at least 1 (default 60)."
        )
        parser.add_argument(
            "--password",
            default="herstelpad-demo",
            help="Password of every demo user, at least 12 characters (default herstelpad-demo).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )

    def handle(self, *args, patients, clinic, days, password, seed, **options):
        if not settings.DEMO_DATA:
            raise CommandError(
                "seed_demo makes accounts with a public password: it only runs in development "
                "(DEBUG on) or with DEMO_DATA=true."
            )
        if patients < 0:
            raise CommandError(f"--patients must be 0 or more, not {patients}.")
        if days < 1:
            raise CommandError(f"--days must be at least 1, not {days}.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(f"--password is refused: {' '.join(error.messages)}") from None
        clinics = list(Clinic.objects.filter(active=True))
        if clinic is not None:
            clinics = [c for c in clinics if c.slug == clinic]
            if not clinics:
                raise CommandError(f"No active clinic with slug {clinic!r}.")
        if not clinics:
            raise CommandError("There are no active clinics; run migrate first.")

        logins = seed_demo(
            clinics=clinics, patients=patients, days=days, password=password, seed=seed
        )

        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Demo data ready: {patients} patients in {len(clinics)} clinic(s), "
                f"up to {days} days of diary."
            )
        )
        write(f"Log in at {settings.SITE_URL}/ with password {password!r}:")
        write(f"  admin    {logins.admin}")
        for physio, physio_clinic in logins.physios:
            write(f"  physio   {physio.username}  ({physio.display_name()}, {physio_clinic.name})")
        for plan in logins.patients[:SHOWN_PATIENTS]:
            write(
                f"  patient  {plan.username}  ({plan.first_name} {plan.last_name}, "
                f"{COURSE_LABELS[plan.course]})"
            )
        more = len(logins.patients) - SHOWN_PATIENTS
        if more > 0:
            write(f"  … and {more} more patients, up to {logins.patients[-1].username}")
        write(
            "Staff (admin and physios) confirm a two-factor code after the password: "
            "`python manage.py demo_totp demo-physio-tilburg` prints the current one."
        )
