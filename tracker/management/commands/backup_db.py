import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database to PATH while the app keeps running: "
        "SQLite with its online backup API, PostgreSQL with pg_dump (custom format, for "
        "pg_restore). See docs/deploy.md for restoring."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write.")

    def handle(self, *args, path, **options):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            source = sqlite3.connect(settings["NAME"])
            destination = sqlite3.connect(target)
            try:
                with destination:
                    source.backup(destination)  # a consistent copy, writers keep going
            finally:
                destination.close()
                source.close()
        elif connection.vendor == "postgresql":
            if shutil.which("pg_dump") is None:
                raise CommandError("pg_dump is not installed (Debian: postgresql-client).")
            command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
            for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
                if settings.get(key):
                    command.append(f"{flag}={settings[key]}")
            command.append(settings["NAME"])
            env = {"PGPASSWORD": settings.get("PASSWORD") or ""}
            result = subprocess.run(command, env=env | _path_env(), capture_output=True, text=True)
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No backup for the {connection.vendor} database.")
        self.stdout.write(f"Backup written to {target} ({target.stat().st_size} bytes).")


def _path_env() -> dict:
    import os

    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
