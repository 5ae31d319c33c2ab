"""What every benchmark starts with: Django set up on a fresh, migrated database."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> None:
    """A new SQLite file in a temporary directory (or DATABASE_URL when set),
    Django set up on it, migrated."""
    workdir = tempfile.mkdtemp(prefix="herstelpad-bench-")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
