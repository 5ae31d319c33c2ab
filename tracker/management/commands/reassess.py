from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker import services
from tracker.models import Episode

BATCH = 500


class Command(BaseCommand):
    help = (
        "Reassess every open episode whose stored assessment was made before today. "
        "The date alone can change a level (days 14, 21, 42, 84), so run this daily from "
        "cron, shortly after midnight, on one server."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        stale = Episode.objects.filter(closed_at__isnull=True).exclude(assessed_on=today)
        ids = list(stale.values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), BATCH):
            batch = list(
                Episode.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                    "patient__clinic"
                )
            )
            done += services.episodes_reassess(episodes=batch, today=today)
        self.stdout.write(f"{done} episode(s) reassessed for {today.isoformat()}.")
