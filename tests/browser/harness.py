"""The browser suite's harness: Chromium and npm packages, a page server, axe-core audits.

Chromium is Debian's ``chromium`` package, installed with apt-get when it is missing; axe-core
comes from npm into ``build/browser-node``. When they cannot be had the tests skip with the reason; under ``CI=true`` they fail instead, as the database tests do, because CI must
prove every fragment accessible. Pages are served over real HTTP from a thread, each with a strict
Content-Security-Policy, and styled and scripted by the GOV.UK Frontend the wheel ships
(``familyhubs_sdk.rendering.static_path()``), so the audits check what hosts serve.
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest
from tests.browser.fragment_pages import PAGES, full_page
from tests.helpers.databases import IN_CI

from familyhubs_sdk.rendering import static_path

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_PREFIX = ROOT / "build" / "browser-node"
#: npm packages and the versions the suite is checked against (one place to move them).
NPM_PACKAGES = {"axe-core": "4.14.1"}
REPORT = ROOT / "build" / "a11y-report.json"

#: The rule sets axe runs: WCAG 2.0, 2.1 and 2.2 at A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: Whether content sits in landmarks is the host layout's business, not a fragment's.
AXE_DISABLED_RULES = ["region"]

#: WCAG 2.2's reflow criterion (1.4.10): content fits 320 CSS px (1280 px zoomed to 400 %) with
#: no scrolling sideways. The height is a phone's, so the page scrolls down as it would there.
REFLOW_VIEWPORT = {"width": 320, "height": 640}

#: What every page is served with: no inline script, style or event handler can run.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'"

#: The wheel's static folder is served here; pages load GOV.UK Frontend and familyhubs.css from it.
STATIC_URL = "/assets/familyhubs/"
STYLESHEETS = [f"{STATIC_URL}govuk/govuk-frontend.min.css", f"{STATIC_URL}familyhubs.css"]
#: Turns on GOV.UK Frontend's JavaScript from a file (an inline script would break the CSP).
INIT_MODULE = f"{STATIC_URL}familyhubs-init.js"

#: A page that breaks both checks on purpose, so a suite that could see nothing would fail: an
#: unlabelled field (axe: ``label``), an inline style, an inline script and an inline handler.
CANARY = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Canary</title></head>
<body><main><h1>Canary</h1>
<input type="text" name="unlabelled">
<p style="color: red">Styled inline</p>
<img src="/favicon.ico" onerror="document.title = 'handler ran'">
<script>document.title = "inline script ran";</script>
</main></body></html>
"""

#: A page too wide for 320 px on purpose (a line that cannot wrap, in a box of fixed width), so
#: a reflow check that could see nothing would fail. Styled as the fragments are.
REFLOW_CANARY = f"""\
<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><meta charset="utf-8"><title>Reflow canary</title>
<link rel="stylesheet" href="{STYLESHEETS[0]}"><link rel="stylesheet" href="{STYLESHEETS[1]}">
</head>
<body class="govuk-template__body"><div class="govuk-width-container"><main id="main-content">
<h1 class="govuk-heading-l">Reflow canary</h1>
<pre id="too-wide">{"0123456789" * 8}</pre>
</main></div></body></html>
"""

#: Collects Content-Security-Policy violations; runs before the page's own scripts.
CSP_LISTENER = """\
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});
"""

_RUN_AXE = """\
async ([tags, disabled]) => {
  await new Promise((resolve) => setTimeout(resolve, 0));  // let queued CSP reports fire
  const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    rules,
    resultTypes: ["violations", "incomplete"],
  });
  const slim = (rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    helpUrl: rule.helpUrl,
    nodes: rule.nodes.map((node) => ({ target: node.target, summary: node.failureSummary })),
  });
  // GOV.UK Frontend's own script sets aria-expanded on radios that reveal content, on purpose
  // (alphagov/govuk-frontend#979): waived there only, and counted in the report.
  const waived = [];
  const violations = results.violations.map(slim).filter((rule) => {
    if (rule.id !== "aria-allowed-attr") return true;
    rule.nodes = rule.nodes.filter((node) => {
      const element = document.querySelector(node.target.join(" "));
      const upstream = element !== null
        && element.matches("input.govuk-radios__input[aria-controls][aria-expanded]")
        && /aria-expanded="(true|false)"$/.test((node.summary || "").trim());
      if (upstream) waived.push({ rule: rule.id, target: node.target });
      return !upstream;
    });
    return rule.nodes.length > 0;
  });
  return {
    violations,
    waived,
    incomplete: results.incomplete.map(slim),
    passes: results.passes.length,
    version: results.testEngine.version,
    csp: window.__cspViolations,
  };
}
"""


#: Whether the page scrolls sideways, and the innermost elements that stick out of the viewport
#: (left or right) or whose content does (a line that cannot wrap, a scrolling box), each as a
#: short selector with its span. Text clipped to nothing on purpose
#: (GOV.UK's visually hidden pattern, for screen readers) or not rendered is not counted; content
#: cut off by an ``overflow: hidden`` box is, since it is lost to the reader.
_CHECK_REFLOW = """\
() => {
  const limit = document.documentElement.clientWidth;
  const describe = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 4;
         node = node.parentElement) {
      if (node.id) { parts.unshift(`#${CSS.escape(node.id)}`); break; }
      const classes = [...node.classList].slice(0, 2).map((name) => `.${CSS.escape(name)}`);
      parts.unshift(node.localName + classes.join(""));
    }
    return parts.join(" > ");
  };
  // GOV.UK's visually hidden pattern (a 1 px box clipped to nothing) and everything inside it.
  const visuallyHidden = (element) => {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clipPath.startsWith("inset(50%") || style.clip === "rect(0px, 0px, 0px, 0px)") {
        return true;
      }
    }
    return false;
  };
  // An SVG scales as a whole: only its box counts (its parts measure in their own units).
  const reach = (element, box) => element instanceof HTMLElement
    ? Math.max(box.right, box.left + element.scrollWidth) : box.right;
  const sticking = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    // Its own box, or what overflows it (a line that cannot wrap), past either edge.
    if (reach(element, box) <= limit + 1 && box.left >= -1) continue;
    if (getComputedStyle(element).visibility === "hidden" || visuallyHidden(element)) continue;
    sticking.push(element);
  }
  const innermost = sticking.filter(
    (element) => !sticking.some((other) => other !== element && element.contains(other))
  );
  return {
    scroll_width: document.documentElement.scrollWidth,
    inner_width: window.innerWidth,
    client_width: limit,
    offenders: innermost.slice(0, 10).map((element) => {
      const box = element.getBoundingClientRect();
      const span = `${Math.round(box.left)}..${Math.round(reach(element, box))} px`;
      return `${describe(element)} (${span})`;
    }),
  };
}
"""


def unavailable(tool: str, why: str) -> None:
    """Skip (on a developer's machine) or fail (in CI) because a browser tool is missing."""
    message = f"{tool} is not available: {why}"
    if IN_CI:
        pytest.fail(f"CI=true requires the browser accessibility tests to run. {message}")
    pytest.skip(message)


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        return subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(command, 1, "", f"{type(exc).__name__}: {exc}")


def _tail(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stderr or result.stdout).strip().splitlines()
    return " | ".join(lines[-3:]) or f"exit status {result.returncode}"


def install_chromium() -> Path:
    """Debian's Chromium: ``/usr/bin/chromium``, installed with apt-get when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        unavailable("Chromium", f"{CHROMIUM} is missing and there is no apt-get to install it")
    assert apt_get is not None
    install = [apt_get, "install", "-y", "-q", "--no-install-recommends", "chromium"]
    result = _run(install, timeout=1500)
    if result.returncode != 0:  # the package lists may be empty or stale: refresh, then retry
        updated = _run([apt_get, "update", "-q"], timeout=600)
        result = _run(install, timeout=1500) if updated.returncode == 0 else updated
    if result.returncode != 0:
        unavailable("Chromium", f"apt-get install chromium failed: {_tail(result)}")
    if not CHROMIUM.exists():
        unavailable("Chromium", f"apt-get installed chromium, but there is no {CHROMIUM}")
    return CHROMIUM


def _installed_version(package: Path) -> str | None:
    try:
        return str(json.loads((package / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def install_node_packages() -> Path:
    """``node_modules`` with :data:`NPM_PACKAGES` at their pinned versions (npm install if not)."""
    modules = NODE_PREFIX / "node_modules"
    if all(_installed_version(modules / name) == v for name, v in NPM_PACKAGES.items()):
        return modules
    npm = shutil.which("npm")
    if npm is None:
        unavailable("axe-core", "npm is not installed")
    assert npm is not None
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    result = _run(
        [
            npm,
            "install",
            "--prefix",
            str(NODE_PREFIX),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            *specs,
        ],
        timeout=600,
    )
    if result.returncode != 0:
        unavailable("axe-core", f"npm install failed: {_tail(result)}")
    return modules


# -- the page server ---------------------------------------------------------------------------


class _FragmentHandler(BaseHTTPRequestHandler):
    """``/pages/<page id>`` (``?js=0`` without GOV.UK Frontend's script), ``/assets/...``."""

    assets: dict[str, Path]
    generated: dict[str, tuple[str, bytes]]

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        query = urlsplit(self.path).query
        if path.startswith("/pages/") and path.removeprefix("/pages/") in PAGES:
            scripts = [] if "js=0" in query.split("&") else [INIT_MODULE]
            html = full_page(
                PAGES[path.removeprefix("/pages/")], stylesheets=STYLESHEETS, scripts=scripts
            )
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", html.encode())
        elif path in self.generated:
            self._send(HTTPStatus.OK, *self.generated[path])
        elif (found := self._asset(path)) is not None:
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            self._send(HTTPStatus.OK, kind, found.read_bytes())
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found")

    def _asset(self, path: str) -> Path | None:
        for prefix, folder in self.assets.items():
            if path.startswith(prefix):
                candidate = (folder / path.removeprefix(prefix)).resolve()
                if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
                    return candidate
        return None

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows what failed."""


def serve(server: socketserver.TCPServer) -> Iterator[str]:
    """Run ``server`` (bound to a loopback port) in a thread; yields its base URL."""
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    worker.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        worker.join()
        server.server_close()


def fragment_handler() -> type[BaseHTTPRequestHandler]:
    """The request handler of the fragment server, serving the wheel's static folder."""
    return type(
        "FragmentHandler",
        (_FragmentHandler,),
        {
            "assets": {STATIC_URL: static_path()},
            "generated": {
                "/favicon.ico": ("image/x-icon", b""),
                "/canary": ("text/html; charset=utf-8", CANARY.encode()),
                "/reflow-canary": ("text/html; charset=utf-8", REFLOW_CANARY.encode()),
            },
        },
    )


# -- auditing ----------------------------------------------------------------------------------


@dataclass
class PageAudit:
    """What axe and the browser said about one page."""

    page: str
    violations: list[dict[str, Any]]
    incomplete: list[dict[str, Any]]
    passes: int
    waived: list[dict[str, Any]]
    csp_violations: list[dict[str, Any]]
    console_errors: list[str]
    page_errors: list[str]


@dataclass
class ReflowCheck:
    """How one page fits :data:`REFLOW_VIEWPORT`: its scrolling width and what sticks out."""

    page: str
    scroll_width: int
    viewport_width: int
    offenders: list[str]

    @property
    def overflows(self) -> bool:
        """Whether the page scrolls sideways or any element reaches outside the viewport."""
        return self.scroll_width > self.viewport_width or bool(self.offenders)


@dataclass
class A11yReport:
    """Every audit of the session, written to ``build/a11y-report.json`` at the end."""

    audits: dict[str, PageAudit] = field(default_factory=dict)
    reflow: dict[str, ReflowCheck] = field(default_factory=dict)
    axe_version: str = ""
    chromium_version: str = ""

    def write(self, path: Path) -> None:
        pages = [
            {
                "page": audit.page,
                "violations": sum(len(rule["nodes"]) for rule in audit.violations),
                "violated_rules": sorted(rule["id"] for rule in audit.violations),
                "passes": audit.passes,
                "incomplete": len(audit.incomplete),
                "waived": len(audit.waived),
                "csp_violations": len(audit.csp_violations),
            }
            for audit in sorted(self.audits.values(), key=lambda a: a.page)
        ]
        reflow = [
            {
                "page": check.page,
                "scroll_width": check.scroll_width,
                "viewport_width": check.viewport_width,
                "offenders": check.offenders,
            }
            for check in sorted(self.reflow.values(), key=lambda c: c.page)
        ]
        report = {
            "axe_core": self.axe_version,
            "chromium": self.chromium_version,
            "tags": AXE_TAGS,
            "disabled_rules": AXE_DISABLED_RULES,
            "reflow_viewport": REFLOW_VIEWPORT,
            "pages": pages,
            "reflow": reflow,
            "total": {
                "pages": len(pages),
                "violations": sum(page["violations"] for page in pages),
                "passes": sum(page["passes"] for page in pages),
                "incomplete": sum(page["incomplete"] for page in pages),
                "waived": sum(page["waived"] for page in pages),
                "csp_violations": sum(page["csp_violations"] for page in pages),
                "reflow_checked": len(reflow),
                "reflow_overflows": sum(check.overflows for check in self.reflow.values()),
            },
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")


def audit_page(page: Page, url: str, name: str) -> tuple[PageAudit, str]:
    """Load ``url`` and run axe on it, gathering CSP reports, console errors and page errors.

    Returns the audit and axe-core's version.
    """
    console: list[str] = []
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.append(message.text)

    def on_error(error: Exception) -> None:
        errors.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        response = page.goto(url, wait_until="load")
        assert response is not None, url
        assert response.ok, f"{url}: {response.status}"
        result = page.evaluate(_RUN_AXE, [AXE_TAGS, AXE_DISABLED_RULES])
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
    return PageAudit(
        page=name,
        violations=result["violations"],
        incomplete=result["incomplete"],
        passes=result["passes"],
        waived=result["waived"],
        csp_violations=result["csp"],
        console_errors=console,
        page_errors=errors,
    ), result["version"]


def check_reflow(page: Page, url: str, name: str) -> ReflowCheck:
    """Load ``url`` in ``page`` (a :data:`REFLOW_VIEWPORT` window) and measure how it fits."""
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.ok, f"{url}: {response.status}"
    return measure_reflow(page, name)


def measure_reflow(page: Page, name: str) -> ReflowCheck:
    """How the page ``page`` shows now (reached by a link or a form) fits its window."""
    result = page.evaluate(_CHECK_REFLOW)
    return ReflowCheck(
        page=name,
        scroll_width=int(result["scroll_width"]),
        viewport_width=int(result["client_width"]),
        offenders=list(result["offenders"]),
    )


def describe(audit: PageAudit) -> str:
    """Each violated rule: id, impact, help text and link, and every element at fault."""
    lines = [f"{len(audit.violations)} axe rule(s) violated on {audit.page}:"]
    for rule in audit.violations:
        lines.append(f"- {rule['id']} ({rule['impact']}): {rule['help']} <{rule['helpUrl']}>")
        for node in rule["nodes"]:
            target = " ".join(
                " > ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)
