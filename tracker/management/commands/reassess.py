from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from advice import engine
from tracker import assessment
from tracker.models import Episode

BATCH = 500


class Command(BaseCommand):
    help = (
        "Reassess every open episode whose stored assessment was made before today or "
        "under another rules version. The date alone can change a level (days 14, 18, 42, "
        "84), so run this daily from cron, shortly after midnight, on one server. With "
        "--all, reassess every open episode (after the rules changed, for example); a "
        "history row records the new rules version for each."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="reassess every open episode, also those assessed today",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        episodes = Episode.objects.filter(closed_at__isnull=True)
        if not options["all"]:
            episodes = episodes.filter(
                ~Q(assessed_on=today) | ~Q(rules_version=engine.RULES_VERSION)
            )
        ids = list(episodes.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), BATCH):
            batch = list(
                Episode.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                    "patient__clinic"
                )
            )
            done += assessment.reassess(episodes=batch, today=today)
        self.stdout.write(
            f"{done} episode(s) reassessed for {today.isoformat()} "
            f"under rules version {engine.RULES_VERSION}."
        )
