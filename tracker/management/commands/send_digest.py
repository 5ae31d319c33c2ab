from django.core.management.base import BaseCommand

from tracker import notifications


class Command(BaseCommand):
    help = (
        "Email each physiotherapist who wants it (staff settings) how many of their "
        "patients got a new 'contact the physiotherapist' alert since the last digest. "
        "Run once a day from cron; a second run on the same day sends nothing."
    )

    def handle(self, *args, **options):
        sent = notifications.digests_send()
        self.stdout.write(f"{sent} digest(s) sent.")
