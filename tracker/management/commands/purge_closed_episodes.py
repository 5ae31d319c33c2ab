import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.models import Episode


class Command(BaseCommand):
    help = (
        "Remove episodes (with their entries, red flags, answers and assessments) that were "
        "closed longer ago than the retention period (RETENTION_DAYS, default 730 days). "
        "The access log is kept. Run daily from cron on one server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Retention in days (default: RETENTION_DAYS)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, remove nothing.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        cutoff = timezone.now() - dt.timedelta(days=days)
        expired = Episode.objects.filter(closed_at__lt=cutoff)
        count = expired.count()
        if not dry_run:
            expired.delete()
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{count} episode(s) closed before {cutoff:%Y-%m-%d} {verb}.")
