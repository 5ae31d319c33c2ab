"""Accessibility and HTML checks for the browser tests.

- `assert_accessible(page)` runs axe-core (tests/browser/node_modules/axe-core)
  in the page for WCAG 2.1 A and AA and fails on any violation, after printing
  each one (rule, impact, elements, help).
- `HtmlDocuments` keeps the HTML the server sent for each checked page in a
  folder; `validate()` checks them all with the Nu HTML Checker
  (node_modules/vnu-jar) in one Java run, since the JVM starts slowly.

`make test-browser` installs node_modules with `npm ci --prefix tests/browser`.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page

NODE_MODULES = Path(__file__).resolve().parent / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MISSING = "run `make test-browser` (it installs tests/browser/node_modules with npm ci)"

# Runs in the page; returns the violations, each with the elements that fail.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


@functools.cache
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: {MISSING}", pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not block (an inline <script> tag it would),
    so the pages are tested with the policy they have in production.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def format_violations(violations: list[dict], url: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2.1 AA) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    target {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            for line in (node["summary"] or "").splitlines():
                lines.append(f"      {line}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A or AA violation that axe-core finds; each is printed before failing."""
    violations = axe_violations(page)
    if violations:
        report = format_violations(violations, page.url)
        print(report)
        pytest.fail(report, pytrace=False)


@dataclass
class HtmlDocuments:
    """The server's HTML of the pages the journeys check, one file per page."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    result: tuple[list[dict], list[dict]] | None = None  # (errors, warnings) once validated

    def add(self, name: str, html: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[-120:]
        path = self.folder / f"{len(self.files) + 1:03d}-{slug}.html"
        path.write_text(html, encoding="utf-8")
        self.files.append(path)
        return path

    def validate(self) -> tuple[list[dict], list[dict]]:
        """All the documents through the Nu HTML Checker in one run: (errors, warnings)."""
        java = shutil.which("java")
        if java is None:
            pytest.fail(
                "java is missing: the Nu HTML Checker needs Java 17 or newer", pytrace=False
            )
        if not VNU_JAR.exists():
            pytest.fail(f"{VNU_JAR} is missing: {MISSING}", pytrace=False)
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
            + [str(path) for path in self.files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if run.returncode != 0 or not run.stdout.strip():
            pytest.fail(f"vnu did not run (exit {run.returncode}):\n{run.stderr}", pytrace=False)
        messages = json.loads(run.stdout)["messages"]
        errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
        warnings = [m for m in messages if m not in errors]
        self.result = errors, warnings
        return self.result


def format_html_messages(messages: list[dict]) -> str:
    lines = []
    for message in messages:
        where = Path(message.get("url", "")).name
        line = message.get("lastLine", "?")
        kind = message.get("subType") or message["type"]
        lines.append(f"- {where}:{line} {kind}: {message['message']}")
        if message.get("extract"):
            lines.append(f"    {message['extract'].strip()[:200]}")
    return "\n".join(lines)
