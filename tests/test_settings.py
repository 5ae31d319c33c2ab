"""Settings come from the environment and refuse to start in production when unsafe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "herstelpad.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def start(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_start():
    result = start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = start({**PRODUCTION, "SECRET_KEY": None})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start({**PRODUCTION, "ALLOWED_HOSTS": None})
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("DEBUG", "perhaps"), ("EMAIL_PORT", "twenty-five"), ("SQLITE_BUSY_TIMEOUT", "0")],
)
def test_a_bad_value_is_refused_with_the_variable_named(name, value):
    result = start({name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be" in result.stderr


def test_development_needs_no_configuration():
    result = start(dict.fromkeys(PRODUCTION))
    assert result.returncode == 0, result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    db = tmp_path / "wal.sqlite3"
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0]);"
        "print(connection.transaction_mode)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{db}")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def test_with_redis_url_the_cache_and_login_lockout_are_shared_through_redis():
    """Several servers must share the chart cache and the lockout count."""
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.cache import cache;"
        "print(settings.CACHES['default']['BACKEND']); print(settings.AXES_HANDLER);"
        "cache.set('herstelpad-probe', 'shared', 10); print(cache.get('herstelpad-probe'))"
    )
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", REDIS_URL="redis://127.0.0.1:6379/14")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "axes.handlers.cache.AxesCacheHandler",
        "shared",
    ]


def test_without_redis_the_lockout_is_counted_in_the_database_not_in_memory():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.AXES_HANDLER)"
    )
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "axes.handlers.database.AxesDatabaseHandler"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://postgres@127.0.0.1:5432/test", "django.db.backends.postgresql"),
        ("sqlite:///db.sqlite3", "django.db.backends.sqlite3"),  # no new file per request
    ],
)
def test_database_connections_are_kept_and_checked_before_use(url, engine):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "d = s.DATABASES['default']; print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=url)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == [engine, "60", "True"]
