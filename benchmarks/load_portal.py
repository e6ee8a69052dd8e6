"""An example portal under a production server and many users at once, then a check of the store.

    python benchmarks/load_portal.py [--json] [--users 50] [--seconds 60] [--workers 2]
        [--threads 8] [--portal flask|django|fastapi] [--behind-proxy]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_load]

What it does, in order:

1. Deploys, as an LA would: a fresh PostgreSQL database for the SDK's store (``familyhubs db
   upgrade``) and one for the synthetic warehouse (``familyhubs views synthetic``), a secret in
   ``FAMILYHUBS_SECRET_KEY``. The portal itself never migrates or builds anything.
2. Starts the portal on loopback only: gunicorn (``gthread``, ``--workers`` x ``--threads``) for
   Flask and Django, uvicorn ``--workers`` for FastAPI; and one outbox worker process
   (``familyhubs outbox run --file-drop``). With ``--behind-proxy``, a tiny reverse proxy in this
   process stands in front and writes one client address (198.51.100.20: a council office behind
   one NAT) into ``X-Forwarded-For``; the portal trusts one proxy
   (``FAMILYHUBS_TRUSTED_PROXIES=1``).
3. Warms the portal, untimed: up to 8 users at once do each journey once, so every worker has
   compiled its templates and opened its pooled connections (a deployment's health checks do the
   same before a node takes traffic). Their requests are checked in the store like the rest.
4. Runs ``--users`` virtual users for ``--seconds``: each loops over journeys, alternating

   * a complete request for support: every page fetched then answered, one piece of evidence
     uploaded, "save and come back later" half-way, the link redeemed from a new browser (a new
     session), the rest answered there, check your answers, send, the confirmation; and
   * find a child: sign in, search by NHS number, give a reason, the timeline, who to contact.

   Journeys under way when the time is up finish (so nothing is cut half-way); none start after.
5. Stops the portal, lets the outbox worker deliver what is left, then checks the store:
   ``lost`` counts references a user was shown that are not stored exactly once or whose outbox
   jobs are not all delivered; ``audit_missing`` is timeline pages served minus ``timeline_view``
   audit rows (negative: duplicated rows).

Why our own journeys on aiohttp and not locust: exact control of each journey's steps (the resume
link from one session redeemed in another, the upload) with the same assertions on every page, and
the store checks in the same process that knows every reference it was shown. aiohttp rather than
httpx because the client shares the server's cores: it spends about a quarter of httpx's CPU per
request (0.4 ms against 1.7 ms here), CPU that would otherwise be taken from the portal being
measured.

Keys of ``--json``: ``users``, ``seconds`` (measured), ``journeys`` (completed, by kind),
``requests``, ``rps``, ``p50_ms``, ``p95_ms``, ``p99_ms`` (every request), ``p95_ms_by_type``,
``errors`` (unexpected statuses, pages or transport errors), ``error_samples``, ``lost``,
``audit_missing``, ``resumes`` (links redeemed / tried), ``server``, ``workers``, ``threads``,
``behind_proxy``, ``think_ms``, ``cpus``, ``cpu_ms_per_request`` (CPU time per request of the
measured run, after the warm-up: the portal's processes, the PostgreSQL backends the portal and
the outbox worker keep connected (read from /proc, so PostgreSQL must be on this machine) and this
client; unlike latencies, these hardly move when the machine is busy with other work). The load
generator shares the machine's cores with the server and PostgreSQL, so latencies include that
contention.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._db import ensure_database
from tests.helpers.journeys import LETTER_PDF

from familyhubs_sdk.store import create_engine
from familyhubs_sdk.store._schema import audit_events, outbox_jobs, support_requests

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_load"
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OFFICE_ADDRESS = "198.51.100.20"  # what the proxy says every user came from
THINK_S = 0.0  # --think-ms: pause before each request; 0 sends requests back to back


# The shipped tree's path with one child; the journey saves after BEFORE_SAVE and resumes.
BEFORE_SAVE: tuple[tuple[str, dict[str, Any]], ...] = (
    ("immediate_danger", {"answer": "no"}),
    ("significant_harm", {"answer": "no"}),
    ("consent", {"answer": "yes"}),
    ("referrer_name", {"answer": "Sam Patel"}),
    ("referrer_role", {"answer": "Health visitor"}),
    ("referrer_organisation", {"answer": "Exampleshire NHS"}),
    ("referrer_email", {"answer": "sam.patel@example.nhs.uk"}),
    ("referrer_phone", {"answer": "01632 960 001"}),
    ("referrer_contact_by", {"answer": "email"}),
    ("lead_name", {"answer": "Alex Example"}),
)
AFTER_RESUME: tuple[tuple[str, dict[str, Any]], ...] = (
    ("lead_relationship", {"answer": "parent"}),
    ("lead_phone", {"answer": ""}),
    ("lead_postcode", {"answer": "sw1a 1aa"}),
    ("lead_english", {"answer": "no"}),
    ("lead_language", {"answer": "Polish"}),
    ("interpreter", {"answer": "yes"}),
    ("children/1/child_name", {"answer": "Jo Example"}),
    ("children/1/child_born", {"answer": "yes"}),
    (
        "children/1/child_birth_date",
        {"answer-day": "4", "answer-month": "3", "answer-year": "2022"},
    ),
    ("children/1/child_setting", {"answer": "Little Acorns Nursery"}),
    ("children/1/child_send", {"answer": "no"}),
    ("children/1/child_nhs_number", {"answer": ""}),
    ("children/add", {"add": "no"}),
    ("other_adults", {"answer": "no"}),
    ("needs", {"answer": ["housing"]}),
    ("housing_detail", {"answer": ["homeless_risk"]}),
    ("others_affected", {"answer": ["parents"]}),
    ("working_well", {"answer": "Grandparents help with school runs."}),
    ("tried_already", {"answer": "Referred to the food bank in May."}),
    ("services_involved", {"answer": ["health_visitor"]}),
    ("support_asked", {"answer": "Housing advice and a family support worker."}),
    ("urgency", {"answer": "two_weeks"}),
    ("family_view", {"answer": "They want to stay in the area near the school."}),
)
RS = "/request-support"
FC = "/find-a-child"


class JourneyFailed(Exception):
    """A page that was not what a person should have seen."""


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    journeys: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    errors_by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    references: list[str] = field(default_factory=list)
    timeline_pages: int = 0
    resumes_tried: int = 0
    resumes_ok: int = 0

    def error(self, what: str) -> None:
        self.errors += 1
        self.errors_by_kind[" ".join(what.split(" ")[:2])] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(what[:300])


@dataclass
class Page:
    """What a browser got back: the status, the body and the headers."""

    status: int
    text: str
    headers: Mapping[str, str]


def _pairs(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Form fields as the browser sends them: a list value is one field per item."""
    return [
        (name, str(item))
        for name, value in form.items()
        for item in (value if isinstance(value, list) else [value])
    ]


class Browser:
    """One person's browser: its own cookies and connections, timing every request by type."""

    def __init__(self, base: str, results: Results) -> None:
        # Idle connections are dropped well before the server's keep-alive (gunicorn --keep-alive
        # 5) closes them, so a request never races the server closing its connection. Cookies for
        # an IP-address host need the "unsafe" jar.
        self.client = aiohttp.ClientSession(
            base_url=base,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(keepalive_timeout=2.0),
            timeout=aiohttp.ClientTimeout(total=60),
        )
        self.results = results

    async def close(self) -> None:
        await self.client.close()

    async def send(
        self,
        kind: str,
        method: str,
        path: str,
        expect: int,
        *,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Page:
        if THINK_S:  # a person reads the page before the next click
            await asyncio.sleep(THINK_S)
        body: Any = _pairs(data) if data is not None else None
        if files:
            form = aiohttp.FormData(body or [])
            for name, (filename, content, content_type) in files.items():
                form.add_field(name, content, filename=filename, content_type=content_type)
            body = form
        start = time.perf_counter()
        try:
            async with self.client.request(
                method, path, data=body, allow_redirects=False
            ) as response:
                page = Page(response.status, await response.text(), response.headers)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise JourneyFailed(f"{kind} {path}: {type(exc).__name__}") from None
        self.results.latencies[kind].append((time.perf_counter() - start) * 1000)
        if page.status != expect:
            raise JourneyFailed(f"{kind} {path}: {page.status} {page.text[:200]!r}")
        return page


def _field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    if not match:
        raise JourneyFailed(f"no {name} in the page")
    return match.group(1)


async def _answer(browser: Browser, csrf: str, step: str, form: dict[str, Any]) -> str:
    page = await browser.send("page", "GET", f"{RS}/{step}", 200)
    token = _field(page.text, csrf)
    sent = await browser.send("answer", "POST", f"{RS}/{step}", 303, data={**form, csrf: token})
    return sent.headers["location"]


async def request_journey(base: str, results: Results, csrf: str) -> None:
    """A whole request for support, saved half-way and finished from a new browser."""
    first = Browser(base, results)
    try:
        await first.send("page", "GET", f"{RS}/", 303)
        for step, form in BEFORE_SAVE:
            await _answer(first, csrf, step, form)
        page = await first.send("page", "GET", f"{RS}/lead_relationship", 200)
        saved = await first.send(
            "save", "POST", f"{RS}/lead_relationship", 200,
            data={"answer": "parent", "save": "1", csrf: _field(page.text, csrf)},
        )  # fmt: skip
        match = re.search(r"(fhr1_[A-Za-z0-9_-]{43})", saved.text)
        if not match:
            raise JourneyFailed("no resume link on the saved page")
        token = match.group(1)
    finally:
        await first.close()
    later = Browser(base, results)  # another day, another browser: only the link carries over
    try:
        ask = await later.send("page", "GET", f"{RS}/resume", 200)
        results.resumes_tried += 1
        await later.send(
            "resume", "POST", f"{RS}/resume", 303,
            data={"resume_code": token, csrf: _field(ask.text, csrf)},
        )  # fmt: skip
        results.resumes_ok += 1
        for step, form in AFTER_RESUME:
            location = await _answer(later, csrf, step, form)
        if location.endswith("/evidence"):
            page = await later.send("page", "GET", f"{RS}/evidence", 200)
            token_field = {csrf: _field(page.text, csrf)}
            await later.send(
                "upload", "POST", f"{RS}/evidence", 303,
                data={**token_field, "upload": "1"},
                files={"evidence": ("letter.pdf", LETTER_PDF, "application/pdf")},
            )  # fmt: skip
            await later.send(
                "answer", "POST", f"{RS}/evidence", 303, data={**token_field, "continue": "1"}
            )
        check = await later.send("page", "GET", f"{RS}/check", 200)
        await later.send(
            "submit", "POST", f"{RS}/check", 303, data={csrf: _field(check.text, csrf)}
        )
        done = await later.send("page", "GET", f"{RS}/confirmation", 200)
        found = re.search(r"<strong>([A-Z0-9]{8})</strong>", done.text)
        if not found:
            raise JourneyFailed("no reference on the confirmation page")
        results.references.append(found.group(1))
    finally:
        await later.close()


async def find_a_child_journey(
    base: str, results: Results, csrf: str, nhs_number: str, user: str
) -> None:
    """Sign in, find a child, give a reason, read the timeline and who to contact."""
    browser = Browser(base, results)
    try:
        page = await browser.send("page", "GET", "/sign-in", 200)
        await browser.send(
            "sign_in", "POST", "/sign-in", 303, data={"user": user, csrf: _field(page.text, csrf)}
        )
        search = await browser.send("page", "GET", f"{FC}/", 200)
        found = await browser.send(
            "search", "POST", f"{FC}/", 200,
            data={"by": "nhs_number", "nhs_number": nhs_number, csrf: _field(search.text, csrf)},
        )  # fmt: skip
        match = re.search(rf'href="({FC}/record/[A-Za-z0-9_-]+)/reason"', found.text)
        if not match:
            raise JourneyFailed("no record link in the search results")
        record = match.group(1)
        ask = await browser.send("page", "GET", f"{record}/reason", 200)
        await browser.send(
            "reason", "POST", f"{record}/reason", 303,
            data={"reason": "early_help", csrf: _field(ask.text, csrf)},
        )  # fmt: skip
        timeline = await browser.send("timeline", "GET", record, 200)
        if "moj-timeline__item" not in timeline.text:
            raise JourneyFailed("a timeline without events")
        results.timeline_pages += 1
        await browser.send("contacts", "GET", f"{record}/contacts", 200)
    finally:
        await browser.close()


async def virtual_user(
    number: int, base: str, results: Results, deadline: float, csrf: str, children: list[str]
) -> None:
    # The demo roles that may read any child's timeline (the health visitor needs a caseload).
    users = ("demo-fs", "demo-sw")
    for turn in itertools.count():
        if time.perf_counter() >= deadline:
            return
        kind = "request_for_support" if (number + turn) % 2 == 0 else "find_a_child"
        try:
            if kind == "request_for_support":
                await request_journey(base, results, csrf)
            else:
                child = children[(number * 7 + turn) % len(children)]
                await find_a_child_journey(base, results, csrf, child, users[number % 2])
            results.journeys[kind] += 1
        except JourneyFailed as exc:
            results.error(f"{kind}: {exc}")


async def warm_up(base: str, results: Results, csrf: str, children: list[str], users: int) -> None:
    """Each journey once from ``users`` users at a time, untimed: every worker compiles its
    templates and opens its pooled connections before the measured run, as after a deployment's
    health checks. Their requests are checked in the store like any others."""
    warm = Results()
    outcomes = await asyncio.gather(
        *(request_journey(base, warm, csrf) for _ in range(users)),
        *(
            find_a_child_journey(base, warm, csrf, children[n % len(children)], "demo-sw")
            for n in range(users)
        ),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            results.error(f"warm-up: {type(outcome).__name__}: {outcome}")
    results.references += warm.references
    results.timeline_pages += warm.timeline_pages
    results.resumes_tried += warm.resumes_tried
    results.resumes_ok += warm.resumes_ok


# -- the tiny reverse proxy ------------------------------------------------------------------


async def _proxy_one(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: tuple[str, int]
) -> None:
    """One request: add X-Forwarded-For, send it on with ``Connection: close``, relay the answer
    and close (no keep-alive through the proxy keeps it a page long)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        kept = [
            line
            for line in lines[1:]
            if line and not line.lower().startswith(("connection:", "x-forwarded-for:"))
        ]
        length = next(
            (
                int(line.split(":", 1)[1])
                for line in kept
                if line.lower().startswith("content-length:")
            ),
            0,
        )
        body = await reader.readexactly(length) if length else b""
        out = "\r\n".join(
            [lines[0], *kept, f"X-Forwarded-For: {OFFICE_ADDRESS}", "Connection: close", "", ""]
        ).encode("latin-1")
        up_reader, up_writer = await asyncio.open_connection(*upstream)
        up_writer.write(out + body)
        await up_writer.drain()
        answer = await up_reader.read()  # until the server closes
        up_writer.close()
        head_end = answer.find(b"\r\n\r\n")
        answer_head = [
            line
            for line in answer[:head_end].split(b"\r\n")
            if not line.lower().startswith(b"connection:")
        ]
        writer.write(b"\r\n".join([*answer_head, b"Connection: close"]) + answer[head_end:])
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


# -- deployment --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fresh_database(base_url: str, name: str) -> str:
    url = base_url.rsplit("/", 1)[0] + "/" + name
    admin = sa.create_engine(base_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return url


def _familyhubs(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [str(VENV_BIN / "familyhubs"), *args], check=True, env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _server_command(portal: str, port: int, workers: int, threads: int) -> tuple[str, list[str]]:
    bind = f"127.0.0.1:{port}"  # loopback only
    if portal == "fastapi":
        return "uvicorn", [
            str(VENV_BIN / "uvicorn"), "--factory", "examples.fastapi_portal.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    app = (
        "examples.flask_portal.app:create_app()"
        if portal == "flask"
        else "examples.django_portal.wsgi:application"
    )
    return "gunicorn", [
        str(VENV_BIN / "gunicorn"), "-w", str(workers), "--threads", str(threads),
        "-k", "gthread", "-b", bind, "--keep-alive", "5", "--preload", "--log-level", "warning",
        app,
    ]  # fmt: skip


def _wait_for(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused while it starts; URLError is an OSError
            pass
        time.sleep(0.2)
    raise SystemExit(f"the portal did not start on port {port}")


def _children(warehouse_url: str, count: int = 60) -> list[str]:
    """NHS numbers of children with a professional involved (so a contact card)."""
    from familyhubs_sdk.synthetic import connectors

    engine = create_engine(warehouse_url)
    try:
        lcs = connectors(engine)[0]
        people = [p for p in lcs.all_people() if p.nhs_number]
        keys = sorted(p.person_key for p in people)
        involved = {
            i.person_key
            for start in range(0, len(keys), 200)
            for i in lcs.read_involvements(keys[start : start + 200])
        }
    finally:
        engine.dispose()
    found = [
        p.nhs_number for p in sorted(people, key=lambda p: p.person_key) if p.person_key in involved
    ]
    return [n for n in found if n][:count]


def _drain(store_url: str, env: dict[str, str], drop: Path, timeout: float = 120) -> None:
    """Let the outbox worker finish: run it once more until nothing is pending."""
    engine = create_engine(store_url)
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            with engine.connect() as conn:
                waiting = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(outbox_jobs)
                    .where(outbox_jobs.c.status != "delivered")
                ).scalar_one()
            if waiting == 0:
                return
            _familyhubs("outbox", "run", "--once", "--file-drop", str(drop), env=env)
    finally:
        engine.dispose()


def check_store(store_url: str, results: Results) -> dict[str, int]:
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            stored = dict(
                conn.execute(
                    sa.select(support_requests.c.reference, sa.func.count()).group_by(
                        support_requests.c.reference
                    )
                ).all()
            )
            undelivered = set(
                conn.execute(
                    sa.select(support_requests.c.reference)
                    .join(outbox_jobs, outbox_jobs.c.request_id == support_requests.c.id)
                    .where(outbox_jobs.c.status != "delivered")
                ).scalars()
            )
            audited = conn.execute(
                sa.select(sa.func.count())
                .select_from(audit_events)
                .where(
                    audit_events.c.action == "timeline_view", audit_events.c.outcome == "allowed"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    lost = sum(1 for ref in results.references if stored.get(ref) != 1 or ref in undelivered)
    return {
        "lost": lost,
        "stored_requests": sum(stored.values()),
        "audit_missing": results.timeline_pages - int(audited),
    }


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds ``pid`` has used so far (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _group_pids(group: int) -> list[int]:
    """Every process in process group ``group`` (the portal's server and its workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == group:
                    pids.append(int(entry.name))
    return pids


def _database_pids(urls: list[str]) -> list[int]:
    """The PostgreSQL backends connected to ``urls``' databases: the portal's and the outbox
    worker's pooled connections, not this query's own. Their CPU is read from /proc, so it
    counts only when PostgreSQL runs on this machine, as the benchmark sets it up."""
    names = [u.rsplit("/", 1)[1] for u in urls]
    engine = create_engine(urls[0], pool_pre_ping=False)
    query = sa.text(
        "SELECT pid FROM pg_stat_activity WHERE datname IN :names AND pid <> pg_backend_pid()"
    ).bindparams(sa.bindparam("names", expanding=True))
    with engine.connect() as connection:
        found = [int(pid) for pid in connection.execute(query, {"names": names}).scalars()]
    engine.dispose()
    return found


def _cpu(pids: list[int]) -> dict[int, float]:
    return {pid: _cpu_s(pid) for pid in pids}


def _cpu_since(pids: list[int], before: dict[int, float]) -> float:
    """CPU seconds ``pids`` used since ``before`` was read (all of it for a newer process)."""
    return sum(_cpu_s(pid) - before.get(pid, 0.0) for pid in pids)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def run_load(
    port: int,
    users: int,
    seconds: float,
    csrf: str,
    children: list[str],
    behind_proxy: bool,
    warmed: Callable[[], None],
) -> tuple[Results, float]:
    results = Results()
    target = port
    server = None
    if behind_proxy:
        proxy_port = _free_port()
        server = await asyncio.start_server(
            lambda r, w: _proxy_one(r, w, ("127.0.0.1", port)), "127.0.0.1", proxy_port
        )
        target = proxy_port
    base = f"http://127.0.0.1:{target}"
    await warm_up(base, results, csrf, children, users=min(users, 8))
    warmed()  # CPU counters start here, after the warm-up
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(virtual_user(n, base, results, deadline, csrf, children) for n in range(users))
    )
    elapsed = time.perf_counter() - start
    if server is not None:
        server.close()
        await server.wait_closed()
    return results, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--portal", choices=("flask", "django", "fastapi"), default="flask")
    parser.add_argument("--behind-proxy", action="store_true")
    parser.add_argument(
        "--think-ms", type=float, default=0, help="pause before each request (default: none)"
    )
    parser.add_argument(
        "--url", default=DEFAULT_URL, help="PostgreSQL server (its database name is the prefix)"
    )
    args = parser.parse_args()
    global THINK_S
    THINK_S = args.think_ms / 1000

    name = args.url.rsplit("/", 1)[1]
    ensure_database(args.url.rsplit("/", 1)[0] + "/postgres")
    store_url = _fresh_database(args.url, f"{name}_store")
    warehouse_url = _fresh_database(args.url, f"{name}_warehouse")
    data_dir = Path(tempfile.mkdtemp(prefix="familyhubs-load-"))
    drop = data_dir / "delivered"
    drop.mkdir()
    env = {
        **os.environ,
        "FAMILYHUBS_SECRET_KEY": secrets.token_urlsafe(48),
        "FAMILYHUBS_DATABASE_URL": store_url,
        "FAMILYHUBS_DATA_DIR": str(data_dir),
        "PORTAL_WAREHOUSE_URL": warehouse_url,
        "FAMILYHUBS_TRUSTED_PROXIES": "1" if args.behind_proxy else "0",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "examples.django_portal.settings",
    }
    # The deployment steps, once, before any worker starts.
    _familyhubs("db", "upgrade", env=env)
    _familyhubs("views", "synthetic", "--url", warehouse_url, "--children", "500", env=env)
    children = _children(warehouse_url)

    port = _free_port()
    server_name, command = _server_command(args.portal, port, args.workers, args.threads)
    portal = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    worker = subprocess.Popen(
        [str(VENV_BIN / "familyhubs"), "outbox", "run", "--file-drop", str(drop)],
        env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(port)
        csrf = "csrfmiddlewaretoken" if args.portal == "django" else "csrf_token"
        databases = [store_url, warehouse_url]
        before: dict[str, Any] = {}

        def warmed() -> None:
            before["portal"] = _cpu(_group_pids(portal.pid))
            before["database"] = _cpu(_database_pids(databases))
            before["client"] = time.process_time()

        results, elapsed = asyncio.run(
            run_load(port, args.users, args.seconds, csrf, children, args.behind_proxy, warmed)
        )
        client_cpu = time.process_time() - before["client"]
        portal_cpu = _cpu_since(_group_pids(portal.pid), before["portal"])
        # Backends that served the run (pools keep them open; ones closed meanwhile are missed).
        database_cpu = _cpu_since(_database_pids(databases), before["database"])
    finally:
        for process in (portal, worker):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (portal, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    _drain(store_url, env, drop)
    checked = check_store(store_url, results)
    shutil.rmtree(data_dir, ignore_errors=True)

    every = [ms for values in results.latencies.values() for ms in values]
    report = {
        "users": args.users,
        "seconds": round(elapsed, 1),
        "journeys": dict(results.journeys),
        "requests": len(every),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every), 1) if every else 0.0,
        "p95_ms": _percentile(every, 0.95),
        "p99_ms": _percentile(every, 0.99),
        "p95_ms_by_type": {k: _percentile(v, 0.95) for k, v in sorted(results.latencies.items())},
        "errors": results.errors,
        "errors_by_kind": dict(results.errors_by_kind),
        "error_samples": results.error_samples,
        "lost": checked["lost"],
        "submitted": len(results.references),
        "stored_requests": checked["stored_requests"],
        "audit_missing": checked["audit_missing"],
        "timeline_reads": results.timeline_pages,
        "resumes": f"{results.resumes_ok}/{results.resumes_tried}",
        "server": server_name,
        "portal": args.portal,
        "workers": args.workers,
        "threads": args.threads if server_name == "gunicorn" else None,
        "behind_proxy": args.behind_proxy,
        "think_ms": args.think_ms,
        "cpus": os.cpu_count(),
        # CPU per request, so runs on a busy machine compare: the portal's processes, the
        # PostgreSQL backends still connected at the end, and this load generator.
        "cpu_ms_per_request": {
            "portal": round(portal_cpu * 1000 / max(len(every), 1), 2),
            "postgres": round(database_cpu * 1000 / max(len(every), 1), 2),
            "client": round(client_cpu * 1000 / max(len(every), 1), 2),
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:16} {value}")
    return 0 if not (results.errors or checked["lost"] or checked["audit_missing"]) else 1


if __name__ == "__main__":
    sys.exit(main())
