from django.core.management.base import BaseCommand

from tracker import notifications


class Command(BaseCommand):
    help = (
        "Email the physiotherapists about red flags no email went out for yet (the "
        "check-in sends it at once; this retries one the mail server refused). Run every "
        "minute from cron."
    )

    def handle(self, *args, **options):
        sent = notifications.red_flags_notify_pending()
        self.stdout.write(f"{sent} red-flag email(s) sent.")
