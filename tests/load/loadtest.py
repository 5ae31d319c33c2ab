"""Load test: gunicorn on 127.0.0.1 with a seeded database, the evening burst.

Run by `make loadtest` (four configurations), or by hand:

    .venv/bin/python tests/load/loadtest.py --database sqlite --rate 1
    .venv/bin/python tests/load/loadtest.py --database postgresql --rate 10

It creates a fresh database (a SQLite file in a temporary directory, or the
PostgreSQL database ``herstelpad_load``), migrates, seeds
``seed_demo --patients 200 --days 30`` (spread over the 8 clinics), collects the
static files into the temporary directory and starts gunicorn on a free port
of 127.0.0.1 with production settings (DEBUG off). Every user logs in before
the measured window (physiotherapists with their TOTP code too).

The evening burst (``--rate 1``): every patient checks in once within the
window, at a moment drawn uniformly from it (200 patients in 60 s = 3.3
check-in sessions a second), and every physiotherapist pages the caseload once
every 10 seconds. ``--rate R`` multiplies both: R check-in sessions per patient
in the window, a caseload round every 10/R seconds.

A check-in session is what a phone does: GET /me/checkin/, think, POST the
form (today; a quarter of the sessions also correct yesterday), follow the
redirect to /me/, think, GET /me/progress/ (the chart is inline SVG in the
page), and in 2 % of the sessions download the one-page summary PDF for the GP.
A caseload round: the dashboard's first page, the second page when there is
one, a level filter, and a patient's record (with the same inline chart).

The number of requests is bounded (the schedule is drawn in advance; its size
is the cap) and so is the time (no request starts after the window plus
``--grace`` seconds; each request times out after 30 s). Afterwards it prints
requests, req/s, p50/p95/p99 and errors per endpoint, then checks the database:
the last check-in of every (patient, day) that got a success answer is stored
with exactly its values (lost writes = 0) and no day is stored twice
(duplicates = 0). It exits 1 when a write is lost or duplicated; errors are
reported, not fatal.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "herstelpad-load-test-2026"
SEED = 1
PG_DATABASE = "herstelpad_load"

# The model of the burst (see the module docstring and docs/performance.md).
PHYSIO_ROUND_SECONDS = 10.0  # at --rate 1 a physio pages the caseload every 10 s
YESTERDAY_SHARE = 0.25  # sessions that also correct yesterday
SUMMARY_SHARE = 0.02  # sessions that end with the summary PDF (before a visit to the GP)
FORM_THINK = (1.0, 3.0)  # seconds filling in the check-in form
READ_THINK = (0.5, 1.5)  # seconds before the next page
REQUEST_TIMEOUT = 30.0
SESSION_REQUESTS = 4  # GET form, POST, GET /me/, GET progress
YESTERDAY_REQUESTS = 3  # GET form, POST, GET /me/
SUMMARY_REQUESTS = 1  # GET the summary PDF
ROUND_REQUESTS = 4  # page 1, page 2, level filter, patient record
LEVELS = (
    "emergency",
    "see_gp",
    "see_physio",
    "keep_moving",
    "too_few_entries",
    "on_track",
    "recovered",
)
FUNCTIONS = ("yes", "partly", "no")
WORK_STATUSES = ("working", "reduced", "off_sick", "n_a")

ENDPOINTS = (  # the order of the table
    "GET /me/checkin/",
    "POST /me/checkin/",
    "GET /me/ (after check-in)",
    "GET /me/checkin/ (yesterday)",
    "POST /me/checkin/ (yesterday)",
    "GET /me/progress/",
    "GET /me/summary.pdf",
    "GET /clinic/<slug>/?page=1",
    "GET /clinic/<slug>/?page=2",
    "GET /clinic/<slug>/?level=…",
    "GET /clinic/<slug>/patients/<id>/",
)

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version"(?: value="([^"]*)")?')
CHART_RE = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart"')
PATIENT_LINK_RE = re.compile(r'href="(/clinic/[^/"]+/patients/\d+/)"')
NEXT_PAGE_RE = re.compile(r'href="\?(?:[^"]*&amp;)?page=2"')


# --- Measuring -------------------------------------------------------------


@dataclass
class Sample:
    endpoint: str
    ms: float
    error: str  # "" when the answer was the expected one
    end: float  # time.monotonic() when the answer was read


class Recorder:
    """Every measured request, and the cap on how many may be sent."""

    def __init__(self, *, cap: int, hard_deadline: float):
        self.cap = cap
        self.hard_deadline = hard_deadline
        self.samples: list[Sample] = []
        self.sent = 0
        self.refused = 0  # requests not sent: the cap or the deadline was reached
        self.recording = False
        self._lock = threading.Lock()

    def may_send(self) -> bool:
        with self._lock:
            if not self.recording:
                return True
            if self.sent >= self.cap or time.monotonic() >= self.hard_deadline:
                self.refused += 1
                return False
            self.sent += 1
            return True

    def add(self, sample: Sample) -> None:
        if self.recording:
            with self._lock:
                self.samples.append(sample)


class Stop(Exception):
    """The cap or the deadline was reached: the virtual user stops."""


@dataclass
class Response:
    status: int
    location: str
    body: str


class Browser:
    """One person's browser: its own cookies, one request at a time."""

    def __init__(self, port: int, recorder: Recorder):
        self.port = port
        self.recorder = recorder
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        expect: Callable[[Response], bool],
        form: dict[str, str] | None = None,
    ) -> Response | None:
        """Send one request and time it; None on a connection error or timeout."""
        if not self.recorder.may_send():
            raise Stop
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "herstelpad-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        started = time.perf_counter()
        response, error = None, ""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            data = raw.read()
            response = Response(
                raw.status, raw.getheader("Location", ""), data.decode("utf-8", "replace")
            )
            for header in raw.headers.get_all("Set-Cookie") or []:
                self._store_cookie(header)
        except (OSError, http.client.HTTPException) as exc:
            error = f"connection: {type(exc).__name__}"
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        if response is not None and not expect(response):
            error = f"HTTP {response.status}"
        self.recorder.add(Sample(endpoint, ms, error, time.monotonic()))
        return response

    def _store_cookie(self, header: str) -> None:
        # The cookies are Secure (DEBUG off) but this test speaks plain http on
        # loopback, so they are kept by hand rather than with http.cookiejar.
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or morsel.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def is_ok(response: Response) -> bool:
    return response.status == 200


def has_chart(response: Response) -> bool:
    """The page, with its inline chart."""
    return response.status == 200 and CHART_RE.search(response.body) is not None


def is_pdf(response: Response) -> bool:
    return response.status == 200 and response.body.startswith("%PDF-")


def redirects_to(path: str) -> Callable[[Response], bool]:
    def check(response: Response) -> bool:
        return response.status == 302 and urlsplit(response.location).path == path

    return check


def csrf_token(response: Response | None) -> str:
    match = CSRF_RE.search(response.body) if response is not None else None
    return match.group(1) if match else ""


def form_version(response: Response | None) -> str:
    match = VERSION_RE.search(response.body) if response is not None else None
    return (match.group(1) or "") if match else ""


# --- The people ------------------------------------------------------------


@dataclass
class Post:
    """One check-in POST: what was sent and how it ended."""

    values: dict
    outcome: str  # "stored" (302 to /me/), "refused" (the form again), "unknown"


@dataclass
class PatientUser:
    username: str
    browser: Browser
    starts: list[float] = field(default_factory=list)  # seconds into the window
    yesterday: list[bool] = field(default_factory=list)
    summary: list[bool] = field(default_factory=list)
    posts: dict = field(default_factory=lambda: defaultdict(list))  # day -> [Post]
    late: float = 0.0  # the longest a session started after its planned moment
    done: int = 0  # sessions completed


@dataclass
class PhysioUser:
    username: str
    slug: str
    browser: Browser
    starts: list[float] = field(default_factory=list)
    late: float = 0.0
    done: int = 0  # rounds completed


class Plan:
    """Shared by the virtual users: the clock, the days and the random values."""

    def __init__(self, *, seed: int, today, window_start: float):
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.today = today
        self.yesterday = today.fromordinal(today.toordinal() - 1)
        self.window_start = window_start
        self.sequence = 0

    def uniform(self, low: float, high: float) -> float:
        with self.rng_lock:
            return self.rng.uniform(low, high)

    def checkin_values(self, day) -> dict:
        with self.rng_lock:
            self.sequence += 1
            rng = self.rng
            return {
                "day": day,
                "pain": rng.randint(0, 10),
                "function": rng.choice(FUNCTIONS),
                "bed_rest": rng.random() < 0.1,
                "active_minutes": None if rng.random() < 0.2 else rng.randint(0, 180),
                "work_status": rng.choice(WORK_STATUSES),
                "painkillers": rng.random() < 0.4,
                "note": f"load test #{self.sequence}",
            }

    def level(self) -> str:
        with self.rng_lock:
            return self.rng.choice(LEVELS)

    def choice(self, items: list[str]) -> str:
        with self.rng_lock:
            return self.rng.choice(items)


def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def checkin(patient: PatientUser, plan: Plan, day) -> None:
    """GET the form, think, POST it, follow the redirect to /me/."""
    browser = patient.browser
    path = f"/me/checkin/{day.isoformat()}/"  # each day has its own page
    label = "" if day == plan.today else " (yesterday)"
    page = browser.request("GET", path, endpoint=f"GET /me/checkin/{label}", expect=is_ok)
    time.sleep(plan.uniform(*FORM_THINK))
    values = plan.checkin_values(day)
    form = {
        "csrfmiddlewaretoken": csrf_token(page),
        "version": form_version(page),  # the entry's version as the form was opened
        "pain": str(values["pain"]),
        "function": values["function"],
        "work_status": values["work_status"],
        "active_minutes": "" if values["active_minutes"] is None else str(values["active_minutes"]),
        "note": values["note"],
    }
    if values["bed_rest"]:
        form["bed_rest"] = "on"
    if values["painkillers"]:
        form["painkillers"] = "on"
    response = browser.request(
        "POST", path, endpoint=f"POST /me/checkin/{label}", expect=redirects_to("/me/"), form=form
    )
    post = Post(values, "unknown")  # no answer, or a 5xx: it may have been stored
    if response is not None and redirects_to("/me/")(response):
        post.outcome = "stored"
    elif response is not None and response.status < 500:
        post.outcome = "refused"  # the form again, or a redirect elsewhere: nothing stored
    patient.posts[day].append(post)
    if post.outcome == "stored":
        browser.request("GET", "/me/", endpoint="GET /me/ (after check-in)", expect=is_ok)


def run_patient(patient: PatientUser, plan: Plan) -> None:
    """The patient's check-in sessions, each at its planned moment (or late)."""
    try:
        for start, also_yesterday, summary in zip(
            patient.starts, patient.yesterday, patient.summary, strict=True
        ):
            moment = plan.window_start + start
            sleep_until(moment)
            patient.late = max(patient.late, time.monotonic() - moment)
            checkin(patient, plan, plan.today)
            if also_yesterday:
                time.sleep(plan.uniform(*READ_THINK))
                checkin(patient, plan, plan.yesterday)
            time.sleep(plan.uniform(*READ_THINK))
            patient.browser.request(
                "GET", "/me/progress/", endpoint="GET /me/progress/", expect=has_chart
            )
            if summary:
                time.sleep(plan.uniform(*READ_THINK))
                patient.browser.request(
                    "GET", "/me/summary.pdf", endpoint="GET /me/summary.pdf", expect=is_pdf
                )
            patient.done += 1
    except Stop:
        return


def run_physio(physio: PhysioUser, plan: Plan) -> None:
    """The physiotherapist's caseload rounds."""
    browser, base = physio.browser, f"/clinic/{physio.slug}/"
    try:
        for start in physio.starts:
            moment = plan.window_start + start
            sleep_until(moment)
            physio.late = max(physio.late, time.monotonic() - moment)
            page = browser.request(
                "GET", f"{base}?page=1", endpoint="GET /clinic/<slug>/?page=1", expect=is_ok
            )
            if page is not None and NEXT_PAGE_RE.search(page.body):
                browser.request(
                    "GET", f"{base}?page=2", endpoint="GET /clinic/<slug>/?page=2", expect=is_ok
                )
            browser.request(
                "GET",
                f"{base}?level={plan.level()}",
                endpoint="GET /clinic/<slug>/?level=…",
                expect=is_ok,
            )
            links = sorted(set(PATIENT_LINK_RE.findall(page.body))) if page is not None else []
            if links:
                browser.request(
                    "GET",
                    plan.choice(links),
                    endpoint="GET /clinic/<slug>/patients/<id>/",
                    expect=has_chart,
                )
            physio.done += 1
    except Stop:
        return


# --- Logging in (before the window) ----------------------------------------


def log_in(browser: Browser, username: str, totp: Callable[[str], str] | None) -> None:
    """Password, then the TOTP code for staff. Never retried: failed logins lock."""
    page = browser.request("GET", "/login/", endpoint="login", expect=is_ok)
    answer = browser.request(
        "POST",
        "/login/",
        endpoint="login",
        expect=lambda r: r.status == 302,
        form={"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": PASSWORD},
    )
    if answer is None or answer.status != 302:
        raise SystemExit(f"Login of {username} failed ({answer and answer.status}); stopping.")
    if totp is not None:
        page = browser.request("GET", "/2fa/", endpoint="login", expect=is_ok)
        answer = browser.request(
            "POST",
            "/2fa/",
            endpoint="login",
            expect=lambda r: r.status == 302,
            form={"csrfmiddlewaretoken": csrf_token(page), "token": totp(username)},
        )
        if answer is None or answer.status != 302:
            raise SystemExit(f"Two-factor step of {username} failed; stopping.")


def warm_up(patient: PatientUser) -> None:
    """A progress page and a summary: the workers have imported matplotlib (the
    summary draws with it) before the window, as a server does after its first
    summary."""
    patient.browser.request("GET", "/me/progress/", endpoint="warm-up", expect=has_chart)
    patient.browser.request("GET", "/me/summary.pdf", endpoint="warm-up", expect=is_pdf)


# --- The server ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_for_server(
    port: int, server: subprocess.Popen, log_path: Path, seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", "/login/", headers={"Host": f"{HOST}:{port}"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.5)
    print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds:.0f} s.")


def stop_server(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def redis_clear(url: str) -> None:
    """Remove this app's keys (charts, lockout counts) from the test's Redis database."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter("herstelpad:*", count=1000):
            client.delete(key)
    finally:
        client.close()


# --- CPU accounting (Linux /proc): the machine may be shared ----------------


@dataclass(frozen=True)
class CpuSnapshot:
    machine: float  # busy seconds of every core together
    own: float  # this load generator
    server: float  # gunicorn: the master (with the workers it reaped) and its workers
    database: dict[int, float]  # PostgreSQL backends of the test database, and Redis

    @classmethod
    def take(cls, master: int) -> CpuSnapshot:
        tick = os.sysconf("SC_CLK_TCK")
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        machine = (sum(values[:8]) - values[3] - values[4]) / tick  # minus idle, iowait
        usage = resource.getrusage(resource.RUSAGE_SELF)
        server, database = 0.0, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue  # ended meanwhile
            fields = stat[stat.rindex(")") + 2 :].split()  # from the state field on
            own_time = (int(fields[11]) + int(fields[12])) / tick
            if pid == master:
                server += own_time + (int(fields[13]) + int(fields[14])) / tick
            elif int(fields[1]) == master:
                server += own_time
            elif PG_DATABASE.encode() in command or command.startswith(b"redis-server"):
                database[pid] = own_time
        return cls(machine, usage.ru_utime + usage.ru_stime, server, database)

    def since(
        self, before: CpuSnapshot, database_peaks: dict[int, float]
    ) -> tuple[float, float, float, float]:
        """(machine, load generator, gunicorn, database) seconds between two snapshots.
        PostgreSQL backends end and start during the window (CONN_MAX_AGE), so their
        times come from ``database_peaks``, sampled every half second."""
        database = sum(t - before.database.get(pid, 0.0) for pid, t in database_peaks.items())
        return (
            self.machine - before.machine,
            self.own - before.own,
            self.server - before.server,
            database,
        )


def watch_database(master: int, peaks: dict[int, float], stop: threading.Event) -> None:
    """Keep the last CPU time seen of every database process until ``stop`` is set."""
    while not stop.wait(0.5):
        peaks.update(CpuSnapshot.take(master).database)
    peaks.update(CpuSnapshot.take(master).database)


# --- Reporting -------------------------------------------------------------


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def report(samples: list[Sample], elapsed: float) -> tuple[int, int]:
    by_endpoint: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample.endpoint].append(sample)
    order = {name: i for i, name in enumerate(ENDPOINTS)}
    rows = sorted(by_endpoint.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    rows.append(("total", samples))
    print()
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, group in rows:
        if not group:
            continue
        ms = sorted(s.ms for s in group)
        errors = sum(1 for s in group if s.error)
        share = f" ({errors / len(group):.2%})" if errors else ""
        label = f"**{name}**" if name == "total" else f"`{name}`"
        print(
            f"| {label} | {len(group):,} | {len(group) / elapsed:.1f} | {percentile(ms, 50):.0f} "
            f"| {percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} | {errors}{share} |"
        )
    kinds = Counter((s.endpoint, s.error) for s in samples if s.error)
    for (endpoint, error), count in sorted(kinds.items()):
        print(f"  error: {endpoint}: {error} × {count}")
    return len(samples), sum(1 for s in samples if s.error)


def print_server_errors(log_path: Path) -> None:
    """The exceptions gunicorn logged (tracebacks, worker timeouts), counted."""
    text = log_path.read_text(errors="replace")
    lines = [
        line
        for line in text.splitlines()
        if "Error" in line or "CRITICAL" in line or "Exception" in line
    ]
    if lines:
        print("Server log:")
        for line, count in Counter(lines).most_common(10):
            print(f"  {count} × {line[:200]}")


def check_database(patients: list[PatientUser]) -> tuple[int, int, int]:
    """(checked, lost, duplicates): the last stored check-in of each day is in the
    database with exactly its values; no (episode, day) is stored twice."""
    from django.db.models import Count

    from tracker.models import DailyEntry

    fields = ("pain", "function", "bed_rest", "active_minutes", "work_status", "painkillers")
    stored = {
        (row["episode__patient__user__username"], row["day"]): row
        for row in DailyEntry.objects.filter(
            episode__patient__user__username__in=[p.username for p in patients]
        ).values("episode__patient__user__username", "day", "note", *fields)
    }
    checked = lost = 0
    for patient in patients:
        for day, posts in patient.posts.items():
            last = max((i for i, p in enumerate(posts) if p.outcome == "stored"), default=None)
            if last is None:
                continue
            checked += 1
            # A later POST whose answer never came (timeout, 5xx) may still have
            # been committed: its values are as good as the last stored one.
            allowed = [posts[last].values] + [
                p.values for p in posts[last + 1 :] if p.outcome == "unknown"
            ]
            row = stored.get((patient.username, day))
            if row is None or not any(
                all(row[f] == v[f] for f in (*fields, "note")) for v in allowed
            ):
                lost += 1
                print(f"  lost: {patient.username} {day}: stored {row}, expected {allowed[0]}")
    duplicates = (
        DailyEntry.objects.values("episode", "day").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    return checked, lost, duplicates


# --- Main ------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rate", type=float, default=1.0, help="burst multiplier (1 = expected)")
    parser.add_argument("--duration", type=float, default=60.0, help="measured window, seconds")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--physios", type=int, default=8, help="one per clinic, at most 8")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="gunicorn sync workers (default: one per core, docs/deploy.md)",
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds after the window")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--postgres-url",
        default=f"postgresql://postgres@{HOST}:5432/postgres",
        help=f"a maintenance database of the server where {PG_DATABASE} is created",
    )
    parser.add_argument("--redis-url", default=f"redis://{HOST}:6379/13")
    args = parser.parse_args()
    if not (0 < args.rate <= 50 and 0 < args.duration <= 600 and 0 < args.patients <= 5000):
        parser.error("--rate must be in (0, 50], --duration in (0, 600], --patients in (0, 5000]")
    if not 0 < args.physios <= 8:
        parser.error("--physios must be 1 to 8 (one per clinic)")
    if not (0 < args.workers <= 32 and 0 < args.threads <= 64 and 0 <= args.grace <= 120):
        parser.error("--workers 1–32, --threads 1–64, --grace 0–120")
    for option in ("postgres_url", "redis_url"):
        if urlsplit(getattr(args, option)).hostname not in (HOST, "localhost"):
            parser.error(f"--{option.replace('_', '-')} must point at the loopback address")
    return args


def production_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off) for a fresh database, STATIC_ROOT in workdir."""
    (workdir / "loadtest_settings.py").write_text(
        f"from config.settings import *  # noqa: F403\nSTATIC_ROOT = {str(workdir / 'static')!r}\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loadtest_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if args.database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'load.sqlite3'}"
    else:
        url = urlsplit(args.postgres_url)
        env["DATABASE_URL"] = url._replace(path=f"/{PG_DATABASE}").geturl()
        env["REDIS_URL"] = args.redis_url
    return env


def schedule(
    args: argparse.Namespace, patients: list[PatientUser], physios: list[PhysioUser]
) -> tuple[int, int, int, int]:
    """Draw every session and round in advance; returns (sessions, edits, rounds,
    summaries)."""
    rng = random.Random(args.seed)
    sessions = round(len(patients) * args.rate)
    for k in range(sessions):
        patients[k % len(patients)].starts.append(rng.uniform(0, args.duration))
    for patient in patients:
        patient.starts.sort()
        patient.yesterday = [rng.random() < YESTERDAY_SHARE for _ in patient.starts]
    interval = PHYSIO_ROUND_SECONDS / args.rate
    for physio in physios:
        offset = rng.uniform(0, interval)
        count = math.ceil((args.duration - offset) / interval)
        physio.starts = [offset + i * interval for i in range(count)]
    edits = sum(sum(p.yesterday) for p in patients)
    # Drawn from a stream of their own, so the rest of the schedule stays as it was.
    summaries = random.Random(f"{args.seed}-summary")
    for patient in patients:
        patient.summary = [summaries.random() < SUMMARY_SHARE for _ in patient.starts]
    downloads = sum(sum(p.summary) for p in patients)
    return sessions, edits, sum(len(p.starts) for p in physios), downloads


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="herstelpad-load-"))
    server = None
    postgres = args.database == "postgresql"
    try:
        env = production_env(args, workdir)
        if postgres:
            pg_admin(args.postgres_url, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            pg_admin(args.postgres_url, f"CREATE DATABASE {PG_DATABASE}")
            redis_clear(args.redis_url)
        print(f"Preparing: {args.database}, {args.patients} patients, 30 days …", flush=True)
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--no-input", "-v0"], env)
        run(
            [*manage, "seed_demo", f"--patients={args.patients}", "--days=30"]
            + [f"--password={PASSWORD}", f"--seed={args.seed}"],
            {**env, "DEMO_DATA": "true"},  # demo accounts on purpose; the server runs without
        )
        run([*manage, "collectstatic", "--no-input", "-v0"], env)

        # This process uses the same settings: TOTP codes, and the check afterwards.
        os.environ.pop("REDIS_URL", None)
        os.environ.update(env)
        sys.path[:0] = [str(workdir), str(ROOT)]
        import django

        django.setup()
        from django.utils import timezone
        from django_otp.oath import totp as oath_totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tracker.models import Clinic

        def totp(username: str) -> str:
            device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            code = oath_totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            return f"{code:0{device.digits}d}"

        port = free_port()
        log_path = workdir / "gunicorn.log"
        command = [
            str(BIN / "gunicorn"),
            "config.wsgi",
            f"--bind={HOST}:{port}",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            "--timeout=30",
            "--graceful-timeout=10",
        ]
        print(f"Starting: gunicorn {' '.join(command[1:])}", flush=True)
        with open(log_path, "wb") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        wait_for_server(port, server, log_path)

        recorder = Recorder(cap=0, hard_deadline=math.inf)
        patients = [
            PatientUser(f"demo-patient-{n}", Browser(port, recorder))
            for n in range(1, args.patients + 1)
        ]
        slugs = Clinic.objects.filter(active=True).order_by("slug").values_list("slug", flat=True)
        physios = [
            PhysioUser(f"demo-physio-{slug}", slug, Browser(port, recorder))
            for slug in list(slugs)[: args.physios]
        ]
        sessions, edits, rounds, downloads = schedule(args, patients, physios)
        # The cap: every planned request, and not one more.
        recorder.cap = (
            sessions * SESSION_REQUESTS
            + edits * YESTERDAY_REQUESTS
            + downloads * SUMMARY_REQUESTS
            + rounds * ROUND_REQUESTS
        )

        print(f"Logging in {len(patients)} patients and {len(physios)} physios …", flush=True)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda p: log_in(p.browser, p.username, None), patients))
            list(pool.map(lambda p: log_in(p.browser, p.username, totp), physios))
            # Outside the window: every worker draws a progress page and a summary.
            list(pool.map(warm_up, patients[: 4 * args.workers]))

        print(
            f"Measuring {args.duration:.0f} s at ×{args.rate:g}: {sessions:,} check-in sessions "
            f"({sessions / args.duration:.1f}/s; {edits:,} also correct yesterday, "
            f"{downloads} also download the summary), "
            f"{rounds} caseload rounds; at most {recorder.cap:,} requests.",
            flush=True,
        )
        today = timezone.localdate()
        window_start = time.monotonic() + 0.5
        plan = Plan(seed=args.seed, today=today, window_start=window_start)
        threads = [
            threading.Thread(target=run_patient, args=(p, plan), daemon=True) for p in patients
        ] + [threading.Thread(target=run_physio, args=(p, plan), daemon=True) for p in physios]
        recorder.hard_deadline = window_start + args.duration + args.grace
        cpu_before = CpuSnapshot.take(server.pid)
        database_peaks, watching = dict(cpu_before.database), threading.Event()
        watcher = threading.Thread(
            target=watch_database, args=(server.pid, database_peaks, watching), daemon=True
        )
        watcher.start()
        recorder.recording = True
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, recorder.hard_deadline + REQUEST_TIMEOUT + 5 - time.monotonic()))
        recorder.recording = False
        cpu_after = CpuSnapshot.take(server.pid)
        watching.set()
        watcher.join()
        cpu_wall = time.monotonic() - window_start + 0.5
        if not recorder.samples:
            raise SystemExit("No request was measured.")
        elapsed = max(s.end for s in recorder.samples) - window_start
        if timezone.localdate() != today:
            print("Warning: the day changed during the window; 'today' was the day before.")

        done = sum(p.done for p in patients)
        rounds_done = sum(p.done for p in physios)
        print(
            f"\n{args.database}{' + Redis' if postgres else ''}, ×{args.rate:g}"
            f"; gunicorn {args.workers} "
            f"workers × {args.threads} threads; {elapsed:.1f} s from the start to the last "
            f"answer.\nCompleted {done:,} of {sessions:,} check-in sessions "
            f"({done / sessions:.1%}) and {rounds_done} of "
            f"{rounds} caseload rounds; sessions started up to "
            f"{max(p.late for p in [*patients, *physios]):.1f} s behind plan; "
            f"{recorder.refused} virtual users stopped by the cap or the deadline."
        )
        total, _errors = report(recorder.samples, elapsed)
        busy, driving, served, database = cpu_after.since(cpu_before, database_peaks)
        cores = os.cpu_count() or 1
        print(
            f"CPU in the window ({cores} cores × {cpu_wall:.0f} s = {cores * cpu_wall:.0f} "
            f"core-seconds): gunicorn {served:.0f} ({served / total * 1000:.0f} ms a request)"
            + (f", PostgreSQL and Redis {database:.0f}" if postgres else "")
            + f", this load generator {driving:.0f}, other processes "
            f"{max(0.0, busy - served - driving - database):.0f}, idle "
            f"{max(0.0, cores * cpu_wall - busy):.0f}."
        )
        print_server_errors(log_path)

        checked, lost, duplicates = check_database(patients)
        print(
            f"Database check: {checked:,} (patient, day) pairs with a stored check-in; "
            f"lost writes = {lost}, duplicates = {duplicates}."
        )
        return 1 if lost or duplicates else 0
    finally:
        stop_server(server)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if postgres:
            pg_admin(args.postgres_url, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            redis_clear(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
