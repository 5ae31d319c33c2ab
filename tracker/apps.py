from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no unaccent(): give each new connection the Python one, so the
    caseload's accent-insensitive search reads the same on SQLite and PostgreSQL."""
    if connection.vendor == "sqlite":
        from tracker.queries import unaccent

        connection.connection.create_function("UNACCENT", 1, unaccent, deterministic=True)


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Herstelpad")

    def ready(self) -> None:
        connection_created.connect(_sqlite_functions, dispatch_uid="tracker-sqlite-functions")
