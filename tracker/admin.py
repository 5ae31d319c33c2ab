from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from tracker import assessment, lifecycle
from tracker.audit import log_access
from tracker.forms import AdminLoginForm
from tracker.models import (
    AccessLog,
    Clinic,
    DailyEntry,
    Episode,
    Membership,
    Patient,
    RedFlagReport,
    User,
)


class AccessLoggedAdmin(admin.ModelAdmin):
    """Admin pages of patient data write the access log, like the staff pages."""

    log_object_type = ""

    def log_patient(self, obj):
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            log_access(
                request,
                event=f"admin.{self.log_object_type}.search"
                if changelist.query
                else f"admin.{self.log_object_type}.list",
                action=AccessLog.Action.READ,
                patients=[self.log_patient(obj) for obj in changelist.result_list],
                object_type=self.log_object_type,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and obj is not None:
            self._log(request, obj, "view", AccessLog.Action.READ)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AccessLog.Action.UPDATE if change else AccessLog.Action.CREATE
        self._log(request, obj, "change" if change else "create", action)

    def delete_model(self, request, obj):
        self._log(request, obj, "delete", AccessLog.Action.DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._log(request, obj, "delete", AccessLog.Action.DELETE)
        super().delete_queryset(request, queryset)

    def _log(self, request, obj, verb: str, action: str) -> None:
        log_access(
            request,
            event=f"admin.{self.log_object_type}.{verb}",
            action=action,
            patients=[self.log_patient(obj)],
            object_type=self.log_object_type,
            object_id=obj.pk,
        )


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """Django's read-only password summary, without the `disabled` attribute it
    puts on a <div> (not valid HTML there)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context


class UserChangeForm(auth_forms.UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            password.widget = PasswordSummaryWidget()


@admin.register(User)
class HerstelpadUserAdmin(UserAdmin):
    form = UserChangeForm
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    # Plain, labelled form fields: the two-pane group filter and the split
    # date/time inputs are not accessible.
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined", "digest_sent_at")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Meldingen per e-mail"), {"fields": ("digest", "digest_sent_at")}),
    )


def _staff_candidates(db_field, kwargs):
    """Memberships are for staff: offer the users who are not patients."""
    if db_field.name == "user":
        kwargs["queryset"] = User.objects.filter(patient__isnull=True).order_by("username")
    return kwargs


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ("created_at",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_staff_candidates(db_field, kwargs)
        )


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "phone", "gp_post_phone", "active")
    list_filter = ("active",)
    search_fields = ("name", "city", "slug")
    prepopulated_fields = {"slug": ("city",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "clinic", "created_at")
    list_filter = ("clinic",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "clinic__name")
    readonly_fields = ("created_at",)
    list_select_related = ("user", "clinic")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_staff_candidates(db_field, kwargs)
        )


@admin.register(Patient)
class PatientAdmin(AccessLoggedAdmin):
    log_object_type = "patient"

    def log_patient(self, obj):
        return obj

    def delete_model(self, request, obj):
        """Deleting a patient removes their account too, as the patient's own
        'delete my account' does: no login or name is left behind."""
        self._log(request, obj, "delete", AccessLog.Action.DELETE)
        lifecycle.patient_delete(patient=obj)

    def delete_queryset(self, request, queryset):
        for patient in queryset.select_related("user"):
            self.delete_model(request, patient)

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
    readonly_fields = ("notified_at", "acknowledged_at")


@admin.register(Episode)
class EpisodeAdmin(AccessLoggedAdmin):
    log_object_type = "episode"

    def log_patient(self, obj):
        return obj.patient

    list_display = ("patient", "patient_clinic", "onset", "opened_at", "closed_at", "outcome")
    # The stored assessment follows from the diary: shown, never typed.
    readonly_fields = (
        *assessment.SNAPSHOT_FIELDS,
        "alert_acknowledged_at",
        "alert_acknowledged_by",
        "data_changed_at",
    )
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # red-flag reports
        lifecycle.episode_corrected(episode=form.instance)


@admin.register(DailyEntry)
class DailyEntryAdmin(AccessLoggedAdmin):
    log_object_type = "entry"

    def log_patient(self, obj):
        return obj.episode.patient

    list_display = ("episode", "day", "pain", "function", "bed_rest")

    def save_model(self, request, obj, form, change):
        # Like every writer of the diary: lock the episode first (the admin's
        # request is one transaction), then count the version on from the stored
        # one, so a check-in form opened before this change asks before replacing it.
        assessment.lock(episode=obj.episode)
        if change:
            stored = DailyEntry.objects.filter(pk=obj.pk).values_list("version", flat=True)
            obj.version = max([obj.version, *stored]) + 1
        super().save_model(request, obj, form, change)
        lifecycle.episode_corrected(episode=obj.episode)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        lifecycle.episode_corrected(episode=obj.episode)

    def delete_queryset(self, request, queryset):
        episodes = {entry.episode for entry in queryset.select_related("episode")}
        super().delete_queryset(request, queryset)
        for episode in episodes:
            lifecycle.episode_corrected(episode=episode)

    list_filter = ("episode__patient__clinic",)
    search_fields = ("episode__patient__user__username", "episode__patient__user__last_name")
    raw_id_fields = ("episode",)
    list_select_related = ("episode__patient__user", "episode__patient__clinic")
    date_hierarchy = "day"


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log has no add, change or delete path."""

    list_display = (
        "at",
        "username",
        "role",
        "action",
        "event",
        "object_type",
        "object_id",
        "patient_ref",
        "source_ip",
    )
    list_filter = ("action", "role", "event")
    search_fields = ("username", "user_name")
    date_hierarchy = "at"
    actions = None

    def get_search_results(self, request, queryset, search_term):
        """Search by user (name or username) and by patient (name, username or email)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            patients = Patient.objects.filter(
                models.Q(user__username__icontains=term)
                | models.Q(user__first_name__icontains=term)
                | models.Q(user__last_name__icontains=term)
                | models.Q(user__email__icontains=term)
            ).values("pseudonym")
            results = results | queryset.filter(patient_ref__in=patients)
        return results, may_have_duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.login_form = AdminLoginForm


from tracker import goal_admin  # noqa: E402,F401  (the goals: tracker/goal_admin.py)
