from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Development only: print the current two-factor code of a demo staff account "
        "(demo-admin, demo-physio-<clinic>), so the demo can be tried without an "
        "authenticator app. Refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO_DATA:
            raise CommandError("demo_totp only runs in development (DEBUG on or DEMO_DATA=true).")
        if not username.startswith("demo-"):
            raise CommandError("demo_totp only gives codes for demo accounts.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no two-factor device; run seed_demo first.")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
