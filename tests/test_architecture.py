"""The house rules of the code, checked: what ``advice/`` may import, the one writer
of the stored assessment, the size of a module, and that every import the code
makes is a dependency in pyproject.toml (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from django.conf import settings

from tracker.assessment import SNAPSHOT_FIELDS

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"advice", "config", "tracker", "tests"}
# The pure heart of advice/: the rules and everything they stand on, and the
# simulation that judges them. They import no Django at all.
PURE = ("band", "codes", "cohorts", "engine", "entries", "rules", "simulate")
MAX_LINES = 400


def runtime_files() -> list[Path]:
    """The Python the running app is made of (generated migrations aside)."""
    files = [ROOT / "manage.py"]
    for package in ("advice", "config", "tracker"):
        files += (ROOT / package).rglob("*.py")
    return sorted(f for f in files if "migrations" not in f.parts)


def imported_modules(source: str) -> list[tuple[str, int]]:
    """(module, line) of every absolute import in the source, also those inside
    functions and ``if TYPE_CHECKING:`` blocks."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


# --- advice/ is the ground floor ----------------------------------------------------


def test_advice_imports_nothing_of_tracker_and_of_django_only_its_translation_functions():
    wrong = []
    for path in sorted((ROOT / "advice").glob("*.py")):
        for module, line in imported_modules(path.read_text()):
            top = module.split(".")[0]
            if top == "tracker" or (
                top == "django" and not module.startswith("django.utils.translation.")
            ):
                wrong.append(f"advice/{path.name}:{line} imports {module}")
    assert wrong == []


@pytest.mark.parametrize("name", PURE)
def test_the_rules_and_the_simulation_import_no_django_directly(name):
    source = (ROOT / "advice" / f"{name}.py").read_text()
    assert [m for m, _line in imported_modules(source) if m.split(".")[0] == "django"] == []


def test_the_rules_and_the_simulation_load_no_django_and_no_tracker_at_all():
    """Walked by Python itself: importing them, in a fresh interpreter, loads no
    module of Django or tracker, however indirectly."""
    code = (
        "import sys\n"
        + "".join(f"import advice.{name}\n" for name in PURE)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'tracker')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_advice_holds_no_views_and_is_no_django_app():
    assert "advice" not in settings.INSTALLED_APPS
    assert not any((ROOT / "advice").glob("*views*.py"))
    assert not (ROOT / "advice" / "urls.py").exists()


# --- One writer of the stored assessment ---------------------------------------------


def snapshot_writes(source: str) -> list[str]:
    """Where the source writes a field of the stored assessment: an attribute of
    an episode assigned, a field passed to ``Episode(...)``, ``create``,
    ``update`` or ``update_or_create`` of episodes, or named in ``bulk_update`` or
    ``save(update_fields=...)``."""
    fields = set(SNAPSHOT_FIELDS)
    writes = []

    def text(node: ast.AST) -> str:
        return ast.unparse(node)

    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for item in ast.walk(target):
                if (
                    isinstance(item, ast.Attribute)
                    and item.attr in fields
                    and "episode" in text(item.value).lower()
                ):
                    writes.append(f"{node.lineno}: {text(item)} =")
        if not isinstance(node, ast.Call):
            continue
        call = text(node.func)
        keywords = {k.arg for k in node.keywords if k.arg}
        if isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, text(node.func.value)
        else:
            method, receiver = call, ""
        on_episodes = "episode" in receiver.lower() or method == "Episode"
        if on_episodes and method in ("Episode", "create", "update", "update_or_create"):
            if keywords & fields:
                writes.append(f"{node.lineno}: {call}({', '.join(sorted(keywords & fields))})")
            for k in node.keywords:
                if k.arg == "defaults" and isinstance(k.value, ast.Dict):
                    named = {c.value for c in k.value.keys if isinstance(c, ast.Constant)}
                    if named & fields:
                        writes.append(f"{node.lineno}: {call}(defaults={sorted(named & fields)})")
        if method in ("bulk_update", "save"):
            listed = [*node.args[1:2], *(k.value for k in node.keywords if k.arg)]
            for value in listed:
                named = {c.value for c in ast.walk(value) if isinstance(c, ast.Constant)}
                starred = "SNAPSHOT_FIELDS" in text(value)
                if named & fields or starred:
                    writes.append(f"{node.lineno}: {call}({text(value)})")
    return writes


@pytest.mark.parametrize(
    "code",
    [
        "episode.level = 'see_physio'",
        "self.episode.triage_rank += 1",
        "Episode.objects.filter(pk=1).update(level='recovered')",
        "patient.episodes.update(assessed_on=None)",
        "Episode.objects.create(patient=p, onset=d, level='on_track')",
        "Episode(patient=p, onset=d, reasons=[])",
        "Episode.objects.bulk_update(rows, ['level', 'reasons'])",
        "Episode.objects.bulk_update(rows, list(SNAPSHOT_FIELDS))",
        "episode.save(update_fields=['mean_7d'])",
        "Episode.objects.update_or_create(pk=1, defaults={'baseline': 5})",
    ],
)
def test_the_one_writer_check_sees_each_way_of_writing_the_snapshot(code):
    assert snapshot_writes(code) != []


@pytest.mark.parametrize(
    "code",
    [
        "ContactRecord.objects.create(episode=episode, level=episode.level)",
        "Episode.objects.filter(pk=1).update(closed_at=now)",
        "episode.save(update_fields=['data_changed_at'])",
        "level = episode.level",
    ],
)
def test_the_one_writer_check_leaves_other_writes_alone(code):
    assert snapshot_writes(code) == []


def test_only_tracker_assessment_reassess_writes_the_stored_assessment():
    writers = {}
    for path in runtime_files():
        writes = snapshot_writes(path.read_text())
        if writes:
            writers[str(path.relative_to(ROOT))] = writes
    assessment = writers.pop("tracker/assessment.py", [])
    assert writers == {}
    # In tracker/assessment.py itself: the one bulk_update, inside reassess.
    tree = ast.parse((ROOT / "tracker" / "assessment.py").read_text())
    holders = [
        function.name
        for function in tree.body
        if isinstance(function, ast.FunctionDef) and snapshot_writes(ast.unparse(function))
    ]
    assert holders == ["reassess"], assessment


# --- Small modules -------------------------------------------------------------------


def test_no_runtime_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in runtime_files()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


# --- Dependencies --------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    return {_canonical(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}


def _distributions(files: list[Path], extra_modules: set[str] = frozenset()) -> dict[str, str]:
    """The distribution of every third-party module the files import (and of
    ``extra_modules``), with one place that imports it."""
    owners = packages_distributions()
    found = {}
    for path in files:
        for module, line in imported_modules(path.read_text()):
            top = module.split(".")[0]
            local = (path.parent / f"{top}.py").exists() or (path.parent / top).is_dir()
            if top in sys.stdlib_module_names or top in FIRST_PARTY or top == "__future__":
                continue
            if local:
                continue
            for dist in owners.get(top, [f"(no distribution for {top})"]):
                found.setdefault(_canonical(dist), f"{path.relative_to(ROOT)}:{line}")
    for module in extra_modules:
        top = module.split(".")[0]
        for dist in owners.get(top, [f"(no distribution for {top})"]):
            found.setdefault(_canonical(dist), f"settings: {module}")
    return found


def test_every_module_the_app_imports_is_a_dependency_in_pyproject():
    named_in_settings = {
        *settings.INSTALLED_APPS,
        *settings.MIDDLEWARE,
        *settings.PASSWORD_HASHERS,
        *(cache["BACKEND"] for cache in settings.CACHES.values()),
    }
    used = _distributions(
        runtime_files(),
        {m for m in named_in_settings if m.split(".")[0] not in FIRST_PARTY | {"django"}},
    )
    missing = {dist: where for dist, where in used.items() if dist not in _declared()}
    assert missing == {}


def test_every_module_the_tests_import_is_a_dependency_in_pyproject():
    files = [path for path in (ROOT / "tests").rglob("*.py") if "node_modules" not in path.parts]
    used = _distributions(files)
    missing = {dist: where for dist, where in used.items() if dist not in _declared("test")}
    assert missing == {}
