from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from tracker.models import Clinic, DailyEntry, Episode, Membership, Patient, RedFlagReport, User


@admin.register(User)
class HerstelpadUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "phone", "active")
    list_filter = ("active",)
    search_fields = ("name", "city", "slug")
    prepopulated_fields = {"slug": ("city",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "clinic", "created_at")
    list_filter = ("clinic",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "clinic__name")
    autocomplete_fields = ("user", "clinic")
    list_select_related = ("user", "clinic")


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("__str__", "clinic", "physio", "open_episode_onset", "language")
    list_filter = ("clinic", "language")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user", "clinic", "physio")
    list_select_related = ("user", "clinic", "physio")

    def get_queryset(self, request):
        open_episodes = Episode.objects.filter(closed_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("episodes", open_episodes, to_attr="open_episodes"))
        )

    @admin.display(description=_("open episode sinds"))
    def open_episode_onset(self, patient: Patient):
        return patient.open_episodes[0].onset if patient.open_episodes else "—"


class RedFlagReportInline(admin.TabularInline):
    model = RedFlagReport
    extra = 0


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ("patient", "patient_clinic", "onset", "opened_at", "closed_at", "outcome")
    list_filter = ("patient__clinic", "outcome", ("closed_at", admin.EmptyFieldListFilter))
    search_fields = (
        "patient__user__username",
        "patient__user__first_name",
        "patient__user__last_name",
    )
    autocomplete_fields = ("patient",)
    list_select_related = ("patient__user", "patient__clinic")
    date_hierarchy = "onset"
    inlines = [RedFlagReportInline]

    @admin.display(description=_("praktijk"), ordering="patient__clinic__name")
    def patient_clinic(self, episode: Episode):
        return episode.patient.clinic


@admin.register(DailyEntry)
class DailyEntryAdmin(admin.ModelAdmin):
    list_display = ("episode", "day", "pain", "function", "bed_rest")
    list_filter = ("episode__patient__clinic",)
    search_fields = ("episode__patient__user__username", "episode__patient__user__last_name")
    raw_id_fields = ("episode",)
    list_select_related = ("episode__patient__user",)
    date_hierarchy = "day"
