from django.core.management.base import BaseCommand

from tracker import notifications


class Command(BaseCommand):
    help = (
        "Email a reminder to patients with an open episode who have not checked in today "
        "and have reminders on. Safe to run more than once a day: nobody gets two. "
        "Run daily from cron, e.g. at 19:00."
    )

    def handle(self, *args, **options):
        sent = notifications.reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
