"""The goals in the Django admin: shown, never typed. A goal's wording and scores
are kept as given (the patient and the physiotherapist change them in the app,
where a new wording is a new goal); an admin may delete a goal, and every page of
it writes the access log."""

from django.contrib import admin

from tracker.admin import AccessLoggedAdmin
from tracker.models import Goal, GoalRating


class GoalRatingInline(admin.TabularInline):
    model = GoalRating
    extra = 0
    can_delete = False
    fields = ("week", "rated_on", "score", "rated_by", "rated_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Goal)
class GoalAdmin(AccessLoggedAdmin):
    log_object_type = "goal"

    def log_patient(self, obj):
        return obj.episode.patient

    list_display = ("activity", "episode", "status", "started_on", "closed_at")
    list_filter = ("status", "episode__patient__clinic")
    search_fields = (
        "activity",
        "episode__patient__user__username",
        "episode__patient__user__last_name",
    )
    list_select_related = ("episode__patient__user", "episode__patient__clinic")
    fields = (
        "episode",
        "activity",
        "place",
        "status",
        "started_on",
        "created_at",
        "created_by",
        "closed_at",
        "closed_by",
        "replaces",
    )
    readonly_fields = fields
    inlines = [GoalRatingInline]

    def has_add_permission(self, request):
        return False
