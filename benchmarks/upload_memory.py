"""Peak memory of each framework adapter while a 1 GiB upload is posted to the journey.

    python benchmarks/upload_memory.py [--json]

Each case runs in a fresh process: it builds the journey (``FormFlow`` with evidence uploads
on their default rules: 10 MiB a file, 5 files, 25 MiB in all, so a POST to the evidence page
may carry 26 MiB), mounts it in Flask, Django (WSGI) or FastAPI (ASGI), warms it with one small
request, then posts a body generated chunk by chunk (never held by the client) and reports how
far the process's peak resident set size (``ru_maxrss``) rose above the warm peak. Cases:

* ``question``: two 1 GiB files to a question page, with ``Content-Length`` (the finding);
* ``evidence``: one 1 GiB file to the evidence page, with ``Content-Length``;
* ``chunked``: one 1 GiB file to the evidence page, with no ``Content-Length``;
* ``within``: files of 10, 10 and 5 MiB to the evidence page, all read (the most a POST may
  bring into memory; with no draft in the session the journey then sends it to the start).

``limit_mib`` is the evidence page's body limit; ``pulled_mib`` is how much of the body the
server read. The last line with --json is one JSON list of the cases.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.raw_posts import PREFIX, Answer, asgi_post, multipart, wsgi_post  # noqa: E402

from familyhubs_sdk.support import (  # noqa: E402
    EvidenceUploads,
    FormFlow,
    InMemoryDraftStore,
    InMemoryEvidenceIndex,
    InMemoryEvidenceStorage,
    JourneyOptions,
    NoScanner,
    default_tree,
)
from familyhubs_sdk.testing import MemorySubmitter  # noqa: E402
from familyhubs_sdk.web import CsrfRule  # noqa: E402

GIB = 1024**3
MIB = 1024 * 1024
FRAMEWORKS = ("flask", "django", "fastapi")
CASES = ("question", "evidence", "chunked", "within")
urlpatterns: list[Any] = []
CSRF_SECRET = "b" * 32
#: The form's fields: the upload button, and the token Django's CSRF check reads.
FIELDS = {"csrfmiddlewaretoken": CSRF_SECRET, "upload": "1"}


def _flow(csrf: CsrfRule) -> FormFlow:
    evidence = EvidenceUploads(
        InMemoryEvidenceStorage(), InMemoryEvidenceIndex(), scanner=NoScanner()
    )
    return FormFlow(
        default_tree(),
        InMemoryDraftStore(),
        MemorySubmitter(),
        options=JourneyOptions(csrf=csrf),
        evidence=evidence,
    )


def _poster(framework: str) -> tuple[FormFlow, Any]:
    """The flow and a function posting ``(path, chunks, content_length)`` through the adapter."""
    if framework == "flask":
        from flask import Flask

        from familyhubs_sdk.integrations.flask import FamilyHubsSupport

        flow = _flow(CsrfRule(exempt=True))
        app = Flask(__name__)
        app.secret_key = "benchmark"  # noqa: S105 - a throwaway key
        FamilyHubsSupport(flow, app, url_prefix=PREFIX)
        return flow, lambda path, chunks, length: wsgi_post(
            app, path, chunks, content_length=length
        )
    if framework == "django":
        from tests.helpers.django_setup import ensure_django

        ensure_django()
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.urls import include, path

        from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD, support_urls

        flow = _flow(CsrfRule(field=DJANGO_CSRF_FIELD))
        urlpatterns[:] = [path("request-support/", include(support_urls(flow)))]
        settings.ROOT_URLCONF = __name__
        sys.modules.setdefault(__name__, sys.modules["__main__"])
        wsgi = WSGIHandler()
        # Django's CSRF check passes with the secret in both the cookie and the form.
        return flow, lambda where, chunks, length: wsgi_post(
            wsgi, where, chunks, content_length=length, cookie=f"csrftoken={CSRF_SECRET}"
        )
    from fastapi import FastAPI
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import support_router

    flow = _flow(CsrfRule(exempt=True))
    asgi = FastAPI()
    asgi.add_middleware(SessionMiddleware, secret_key="benchmark")  # noqa: S106 - a throwaway key
    asgi.include_router(support_router(flow), prefix=PREFIX)
    return flow, lambda path, chunks, length: asgi_post(asgi, path, chunks, content_length=length)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(framework: str, case: str) -> dict[str, Any]:
    """Run one case in this process; the peak's rise and what the server read."""
    flow, post = _poster(framework)
    limit = flow.body_limits("evidence").max_body_bytes
    length, chunks = multipart(FIELDS, [("evidence", "warm.pdf", 64 * 1024)])
    post(f"{PREFIX}/evidence", chunks, length)  # warm: imports, templates, the parser
    before = _peak_mib()
    if case == "question":
        length, chunks = multipart(FIELDS, [("evidence", "a.pdf", GIB), ("evidence", "b.pdf", GIB)])
        answer: Answer = post(f"{PREFIX}/immediate_danger", chunks, length)
    elif case == "within":
        files = [("evidence", "a.pdf", 10 * MIB), ("evidence", "b.pdf", 10 * MIB)]
        length, chunks = multipart(FIELDS, [*files, ("evidence", "c.pdf", 5 * MIB)])
        answer = post(f"{PREFIX}/evidence", chunks, length)
    else:
        length, chunks = multipart(FIELDS, [("evidence", "big.pdf", GIB)])
        answer = post(f"{PREFIX}/evidence", chunks, None if case == "chunked" else length)
    return {
        "framework": framework,
        "case": case,
        "status": answer.status,
        "limit_mib": round(limit / MIB, 1),
        "pulled_mib": round(answer.pulled / MIB, 1),
        "peak_rise_mib": round(_peak_mib() - before, 1),
        "peak_mib": round(_peak_mib(), 1),
    }


def run_case(framework: str, case: str) -> dict[str, Any]:
    """:func:`measure` in a fresh process, so no other case's peak counts."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", framework, case],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{framework} {case} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", nargs=2, metavar=("FRAMEWORK", "CASE"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    results = [run_case(f, c) for f in FRAMEWORKS for c in CASES]
    for r in results:
        print(
            f"{r['framework']:8} {r['case']:9} status={r['status']} limit={r['limit_mib']}MiB "
            f"pulled={r['pulled_mib']}MiB peak_rise={r['peak_rise_mib']}MiB peak={r['peak_mib']}MiB"
        )
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
