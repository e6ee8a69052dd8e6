"""The demo portal's WSGI application, driven in-process with every variable required: the
demo sign-in, find a child → reason → timeline → contacts, a request for support from the form to
the receiving team's inbox, the form analytics and the access audit."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import html5lib
import jinja2
import pytest
from tests.helpers.hostile import structure
from tests.helpers.journeys import (
    Browser,
    KnownChild,
    Response,
    complete_journey,
    find_a_child,
    known_child,
)

from familyhubs_sdk._config import Settings
from familyhubs_sdk.demo._app import SECURITY_HEADERS, DemoApp
from familyhubs_sdk.demo._services import FILE_DROP_FOLDER, WAREHOUSE_FILE
from familyhubs_sdk.demo._sessions import COOKIE, SessionStore
from familyhubs_sdk.demo._users import DEMO_USERS, INFORMATION_GOVERNANCE, RECEIVING_TEAM
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine, head_revision, upgrade
from familyhubs_sdk.timeline import AuditAction

Form = Mapping[str, str | Sequence[str]]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[DemoApp]:
    # No secret key configured, as on a fresh machine: the demo makes one for the run.
    settings = Settings(data_dir=tmp_path, la_name="Exampleshire <County> Council")
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    demo = DemoApp(settings, engine, Renderer(undefined=jinja2.StrictUndefined))
    yield demo
    demo.close()
    engine.dispose()


@dataclass
class Answer:
    status: str
    headers: list[tuple[str, str]]
    text: str

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)


class Client:
    """A browser for the WSGI app: keeps the session cookie, follows no redirects."""

    def __init__(self, app: DemoApp) -> None:
        self.app = app
        self.cookie = ""

    def call(self, method: str, path: str, form: Form | None = None) -> Answer:
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            seen["status"], seen["headers"] = status, headers

        path, _, query = path.partition("?")
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        environ = {
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": method,
            "HTTP_COOKIE": self.cookie,
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
        }
        out = b"".join(self.app(environ, start_response))
        answer = Answer(seen["status"], seen["headers"], out.decode())
        set_cookie = answer.header("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return answer

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def post(self, path: str, form: Form) -> Answer:
        return self.call("POST", path, form)

    def token(self, path: str = "/") -> str:
        return _token(self.get(path).text)

    def sign_in(self, user_id: str) -> None:
        token = self.token("/sign-in")
        answer = self.post("/sign-in", {"user": user_id, "next": "/", "csrf_token": token})
        assert (answer.code, answer.header("Location")) == (303, "/"), answer.text[:500]

    def browser(self) -> Browser:
        def response(answer: Answer) -> Response:
            return Response(answer.code, answer.header("Location"), answer.text)

        return Browser(
            get=lambda path: response(self.get(path)),
            post=lambda path, form: response(self.post(path, form)),
        )


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def _child(tmp_path: Path) -> KnownChild:
    return known_child(f"sqlite:///{tmp_path / WAREHOUSE_FILE}")


def _summary_rows(html: str) -> dict[str, str]:
    """Every GOV.UK summary list row on the page: key text to value text."""
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    rows = [row for row in tree.iter("div") if "govuk-summary-list__row" in row.get("class", "")]
    return {
        " ".join("".join(dt.itertext()).split()): " ".join("".join(dd.itertext()).split())
        for row in rows
        for dt, dd in [(row.find("dt"), row.find("dd"))]
    }


# -- the portal ---------------------------------------------------------------------------------


def test_home_page_shows_the_installation_users_and_children(app: DemoApp) -> None:
    client = Client(app)
    answer = client.get("/")
    assert answer.status == "200 OK"
    body = answer.text
    assert _summary_rows(body)["Schema revision"] == head_revision()
    assert "Exampleshire &lt;County&gt; Council" in body
    assert "<title>Home – Family Hubs SDK demo</title>" in body
    for name, value in SECURITY_HEADERS:
        assert answer.header(name) == value
    assert int(answer.header("Content-Length") or 0) == len(body.encode())
    for href in ("/find-a-child/", "/request-support/", "/inbox/", "/analytics/", "/audit/"):
        assert f'href="{href}"' in body, href
    for user in DEMO_USERS:
        assert user.viewer.name in body
    assert app.services.sample_children
    for child in app.services.sample_children:
        assert child.nhs_number in body
    assert "600 children" in body
    assert answer.header("Set-Cookie") is None  # nothing to remember yet
    cookie = client.get("/sign-in").header("Set-Cookie") or ""
    assert cookie.startswith(f"{COOKIE}=")
    assert cookie.endswith("; Path=/; HttpOnly; SameSite=Lax")


def test_pages_carry_no_inline_script_or_style(app: DemoApp) -> None:
    """The only script is GOV.UK Frontend's, loaded from a file the demo serves."""
    client = Client(app)
    paths = ["/", "/missing", "/sign-in", "/find-a-child/", "/request-support/immediate_danger"]
    client.get("/request-support/")
    pages = [client.get(path).text for path in paths]
    client.sign_in(RECEIVING_TEAM.id)
    pages += [client.get(path).text for path in ("/", "/inbox/", "/analytics/", "/audit/")]
    for body in pages:
        elements = structure(body)
        assert "style" not in {tag for tag, _ in elements}
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", body, flags=re.DOTALL)
        assert scripts == [(' type="module" src="/static/familyhubs/familyhubs-init.js"', "")]
        assert client.get("/static/familyhubs/familyhubs-init.js").code == 200
        for _tag, attributes in elements:
            assert "style" not in attributes
            assert not any(name.startswith("on") for name in attributes)


def test_not_found_and_method_not_allowed(app: DemoApp) -> None:
    client = Client(app)
    assert client.get("/missing").code == 404
    answer = client.call("DELETE", "/")
    assert answer.code == 405
    assert answer.header("Allow") == "GET, HEAD"
    assert "Method not allowed" in answer.text
    assert client.post("/", {}).code == 405
    answer = client.get("/sign-out")
    assert (answer.code, answer.header("Allow")) == (405, "POST")
    assert client.post("/analytics/", {}).code == 405


def test_head_answers_headers_only(app: DemoApp) -> None:
    client = Client(app)
    answer = client.call("HEAD", "/")
    assert (answer.code, answer.text) == (200, "")
    assert int(answer.header("Content-Length") or 0) > 1000


def test_every_post_needs_the_sessions_csrf_token(app: DemoApp) -> None:
    client = Client(app)
    client.get("/")
    for path in ("/sign-in", "/sign-out", "/find-a-child/", "/request-support/immediate_danger"):
        answer = client.post(path, {"user": "demo-sw", "csrf_token": "forged"})
        assert answer.code == 400, path
        assert "The form has expired" in answer.text
    too_big = client.post("/sign-in", {"user": "x" * 70_000})
    assert too_big.code == 413


# -- demo sign-in -------------------------------------------------------------------------------


def test_sign_in_remembers_the_viewer_and_sign_out_forgets_them(app: DemoApp) -> None:
    client = Client(app)
    refused = client.get("/find-a-child/")
    assert refused.code == 401
    assert "<title>Sign in to find a child" in refused.text
    assert 'href="/sign-in?next=%2Ffind-a-child%2F"' in refused.text

    page = client.get("/sign-in?next=%2Ffind-a-child%2F")
    assert "Demo sign-in — no password, synthetic data only" in page.text
    assert 'name="next" value="/find-a-child/"' in page.text
    for user in DEMO_USERS:
        assert f'value="{user.viewer.id}"' in page.text
    token = _token(page.text)
    nobody = client.post("/sign-in", {"user": "demo-nobody", "csrf_token": token})
    assert nobody.code == 400
    assert "<title>Error: Demo sign-in" in nobody.text
    assert 'href="#user"' in nobody.text

    before = client.cookie
    signed_in = client.post(
        "/sign-in", {"user": "demo-fs", "next": "/find-a-child/", "csrf_token": token}
    )
    assert (signed_in.code, signed_in.header("Location")) == (303, "/find-a-child/")
    assert client.cookie != before  # a new session id on sign-in
    assert client.cookie.startswith(f"{COOKIE}=")
    search = client.get("/find-a-child/")
    assert search.code == 200
    assert "Signed in as <strong>Flo Reyes</strong>" in search.text

    signed_out = client.post("/sign-out", {"csrf_token": _token(search.text)})
    assert (signed_out.code, signed_out.header("Location")) == (303, "/")
    assert client.get("/find-a-child/").code == 401


def test_sessions_are_created_only_when_needed(app: DemoApp) -> None:
    client = Client(app)
    for path in ("/", "/missing", "/find-a-child/", "/static/demo.css"):
        assert client.get(path).header("Set-Cookie") is None, path
    assert len(app.sessions) == 0
    assert client.get("/sign-in").header("Set-Cookie")  # its form carries the CSRF token
    assert len(app.sessions) == 1
    client.get("/sign-in")  # the same browser, the same session
    assert len(app.sessions) == 1


def test_cookieless_requests_cannot_sign_anyone_out(app: DemoApp) -> None:
    app.sessions = SessionStore(limit=5)
    people = [Client(app) for _ in range(3)]
    for person, user in zip(people, ("demo-sw", "demo-fs", "demo-hv"), strict=True):
        person.sign_in(user)
    for _ in range(200):  # no cookie: pages, and the sign-in page whose form needs a session
        Client(app).get("/")
        Client(app).get("/sign-in")
    assert len(app.sessions) == 5
    for person in people:
        assert "Signed in as" in person.get("/find-a-child/").text
    # At the limit the least recently used goes first, someone signed in only when it must.
    newcomers = [Client(app) for _ in range(3)]
    for newcomer in newcomers:
        newcomer.sign_in("demo-sw")
    assert person.get("/find-a-child/").code == 200  # used most recently of the first three
    assert people[0].get("/find-a-child/").code == 401


def test_sign_in_goes_nowhere_but_this_site(app: DemoApp) -> None:
    client = Client(app)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/../x"):
        token = client.token("/sign-in")
        answer = client.post("/sign-in", {"user": "demo-sw", "next": target, "csrf_token": token})
        assert answer.header("Location") == "/", target


def test_each_user_sees_only_their_part(app: DemoApp) -> None:
    client = Client(app)
    client.sign_in(RECEIVING_TEAM.id)
    refused = client.get("/find-a-child/")
    assert refused.code == 403
    assert "Sign in as a social worker, family support worker or health visitor" in refused.text
    assert client.get("/inbox/").code == 200
    client.sign_in("demo-sw")
    refused = client.get("/inbox/")
    assert refused.code == 403
    assert "the receiving team member" in refused.text


# -- connecting professionals -------------------------------------------------------------------


_RECORD_ID = re.compile(r'href="/find-a-child/record/([A-Za-z0-9_-]+)/contacts"')


def _record_id(timeline: str) -> str:
    match = _RECORD_ID.search(timeline)
    assert match, "no link to the record's contacts"
    return match.group(1)


def test_find_a_child_then_who_has_viewed_the_record_and_the_audit(
    app: DemoApp, tmp_path: Path
) -> None:
    client = Client(app)
    client.sign_in("demo-fs")
    child = _child(tmp_path)
    timeline = find_a_child(client.browser(), child)
    subject = _record_id(timeline)
    # A family support worker may open the record, but is not information governance and has
    # no relationship with the child: no who has viewed, no audit.
    assert "/audit/record/" not in timeline
    assert client.get(f"/audit/record/{subject}").code == 403
    assert client.get("/audit/").code == 403
    assert client.get("/audit/events.csv").code == 403

    client.sign_in(INFORMATION_GOVERNANCE.id)
    viewed = client.get(f"/audit/record/{subject}")
    assert viewed.code == 200
    assert "Who has viewed this record" in viewed.text
    assert "Flo Reyes<br>" in viewed.text
    assert "Family support, Northgate Family Hub" in viewed.text
    assert "Early help" in viewed.text  # the reason given

    audit = client.get("/audit/")
    assert audit.code == 200
    assert "Timeline view" in audit.text
    assert "Search" in audit.text
    assert "Flo Reyes" in audit.text
    csv = client.get("/audit/events.csv")
    assert csv.code == 200
    assert csv.header("Content-Type") == "text/csv; charset=utf-8"
    assert (csv.header("Content-Disposition") or "").startswith("attachment;")
    assert "timeline_view" in csv.text
    assert "contacts_view" in csv.text
    assert "viewed_by" in csv.text
    for shown in (audit.text, csv.text, viewed.text):
        assert child.nhs_number not in shown
        assert child.name not in shown
    assert "export" in client.get("/audit/events.csv").text  # the first download was recorded


def test_who_has_viewed_is_refused_to_a_professional_whose_reason_was_refused(
    app: DemoApp, tmp_path: Path
) -> None:
    # Finding: the demo showed who had viewed a child to a professional whose reason was refused.
    client = Client(app)
    client.sign_in("demo-hv")  # no caseload in the demo: a reason alone is refused
    child = _child(tmp_path)
    search = client.get("/find-a-child/")
    found = client.post(
        "/find-a-child/",
        {"by": "nhs_number", "nhs_number": child.nhs_number, "csrf_token": _token(search.text)},
    )
    match = re.search(r'href="/find-a-child/record/([A-Za-z0-9_-]+)/reason"', found.text)
    assert match, found.text[:800]
    subject = match.group(1)
    record = f"/find-a-child/record/{subject}"
    token = _token(client.get(f"{record}/reason").text)
    given = client.post(f"{record}/reason", {"reason": "health_care", "csrf_token": token})
    assert given.code == 303
    refused = client.get(record)
    assert refused.code == 403
    assert "/audit/record/" not in refused.text

    before = len(app.services.audit.query(subject_id=subject))
    viewed_by = client.get(f"/audit/record/{subject}")
    assert viewed_by.code == 403
    assert "demo-hv" not in viewed_by.text
    [denial] = app.services.audit.query(subject_id=subject, limit=1)
    assert len(app.services.audit.query(subject_id=subject)) == before + 1
    assert (denial.action.value, denial.outcome.value, denial.actor_id) == (
        "viewed_by",
        "denied",
        "demo-hv",
    )
    # Emergency access opens the record, but still not who has viewed it.
    token = _token(client.get(f"{record}/reason").text)
    client.post(
        f"{record}/reason",
        {"reason": "health_care", "justification": "Child in A&E now", "csrf_token": token},
    )
    assert client.get(record).code == 200
    assert client.get(f"/audit/record/{subject}").code == 403


def test_who_has_viewed_a_record_needs_a_reason_first(app: DemoApp) -> None:
    client = Client(app)
    client.sign_in("demo-sw")
    answer = client.get("/audit/record/abc123")
    assert (answer.code, answer.header("Location")) == (
        303,
        "/find-a-child/record/abc123/reason",
    )


def test_another_viewer_is_asked_for_their_own_reason(app: DemoApp, tmp_path: Path) -> None:
    client = Client(app)
    client.sign_in("demo-fs")
    subject = _record_id(find_a_child(client.browser(), _child(tmp_path)))
    client.sign_in("demo-sw")  # reasons belong to whoever gave them
    record = f"/find-a-child/record/{subject}"
    assert client.get(record).header("Location") == f"{record}/reason"


# -- connect a family to support ----------------------------------------------------------------


def test_a_request_is_delivered_and_accepted_from_the_inbox(app: DemoApp, tmp_path: Path) -> None:
    client = Client(app)
    reference = complete_journey(client.browser())

    # The outbox worker delivers it into the file drop folder.
    worker = app.services.outbox_worker()
    assert worker.run_once().delivered == 1
    assert [p.name.split("-")[0] for p in (tmp_path / FILE_DROP_FOLDER).glob("*.json")] == [
        reference
    ]

    client.sign_in(RECEIVING_TEAM.id)
    inbox = client.get("/inbox/")
    assert inbox.code == 200
    assert f'href="/inbox/{reference}"' in inbox.text
    assert reference in client.get("/inbox/?status=new").text
    assert reference not in client.get("/inbox/?status=accepted").text

    detail = client.get(f"/inbox/{reference}")
    assert detail.code == 200
    assert f"<title>Request {reference}" in detail.text
    assert "Opened" in detail.text  # opening a new request marks it opened
    assert "Sam Patel" in detail.text
    assert reference in client.get("/inbox/?status=opened").text

    form = client.get(f"/inbox/{reference}/status")
    assert form.code == 200
    token = _token(form.text)
    forged = client.post(f"/inbox/{reference}/status", {"status": "accepted"})
    assert forged.code == 400
    no_reason = client.post(
        f"/inbox/{reference}/status",
        {"status": "declined", "expected": "opened", "reason": "", "csrf_token": token},
    )
    assert no_reason.code == 400
    assert "<title>Error: What do you want to do with request" in no_reason.text
    assert "Enter why you are declining this request" in no_reason.text

    accepted = client.post(
        f"/inbox/{reference}/status",
        {"status": "accepted", "expected": "opened", "csrf_token": token},
    )
    assert (accepted.code, accepted.header("Location")) == (
        303,
        f"/inbox/{reference}?done=accepted",  # the detail page shows a success banner
    )
    detail = client.get(f"/inbox/{reference}")
    assert "Accepted" in detail.text
    assert "Rae Tan" in detail.text  # the history names who changed it
    assert reference in client.get("/inbox/?status=accepted").text

    stale = client.post(
        f"/inbox/{reference}/status",
        {"status": "withdrawn", "expected": "opened", "csrf_token": token},
    )
    assert stale.code == 400
    assert client.get("/inbox/NOSUCHREF").code == 404
    assert client.get("/inbox/bad..ref").code == 404


def test_save_and_come_back_later_in_another_browser(app: DemoApp) -> None:
    first = Client(app)
    first.get("/request-support/")
    token = first.token("/request-support/immediate_danger")
    first.post("/request-support/immediate_danger", {"answer": "no", "csrf_token": token})
    saved = first.post(
        "/request-support/significant_harm", {"answer": "no", "save": "1", "csrf_token": token}
    )
    assert saved.code == 200
    assert "Your answers have been saved" in saved.text
    # The token travels after "#", which browsers never send: it reaches no access log.
    match = re.search(r'href="/request-support/resume#(fhr1_[^"]+)"', saved.text)
    assert match

    second = Client(app)
    page = second.get("/request-support/resume")
    assert page.code == 200
    used = second.post(
        "/request-support/resume", {"resume_code": match.group(1), "csrf_token": _token(page.text)}
    )
    assert (used.code, used.header("Location")) == (303, "/request-support/")
    assert second.get("/request-support/").header("Location") == "/request-support/consent"


def test_analytics_show_the_journeys_started(app: DemoApp) -> None:
    client = Client(app)
    assert client.get("/analytics/").code == 401
    client.get("/request-support/")
    client.get("/request-support/immediate_danger")
    client.sign_in("demo-hv")
    page = client.get("/analytics/")
    assert page.code == 200
    assert "<title>Form analytics" in page.text
    assert "How the form is used" in page.text
    match = re.search(
        r"Journeys started\s*</(?:dt|th|td)>\s*<(?:dd|td)[^>]*>\s*([^<]+?)\s*<", page.text
    )
    assert match, page.text[:3000]
    # One journey is a small count: the page suppresses it like every other figure.
    assert match.group(1) == "fewer than 5"


# -- information governance: the audit, its CSV, the review queue --------------------------------


def _open_with_emergency_access(app: DemoApp, client: Client, tmp_path: Path) -> str:
    """As the health visitor (no caseload in the demo): find the known child by NHS number,
    be refused, follow "Use emergency access" and open the record. Returns the record's id."""
    client.sign_in("demo-hv")
    child = _child(tmp_path)
    search = client.get("/find-a-child/")
    # No "by" chosen: the NHS number typed says how to search.
    found = client.post(
        "/find-a-child/", {"nhs_number": child.nhs_number, "csrf_token": _token(search.text)}
    )
    assert found.code == 200, found.text[:800]
    match = re.search(r'href="/find-a-child/record/([A-Za-z0-9_-]+)/reason"', found.text)
    assert match, found.text[:800]
    record = f"/find-a-child/record/{match.group(1)}"
    token = _token(client.get(f"{record}/reason").text)
    client.post(f"{record}/reason", {"reason": "health_care", "csrf_token": token})
    refused = client.get(record)
    assert refused.code == 403
    emergency = f"{record}/reason?emergency=1#emergency-access"
    assert f'href="{emergency}"' in refused.text
    asked = client.get(emergency.split("#")[0])
    assert 'id="emergency-access" class="govuk-details" open' in asked.text
    client.post(
        f"{record}/reason",
        {"reason": "health_care", "justification": "Child in A&E now", "csrf_token": _token(asked.text)},
    )
    for screen in ("", "/contacts"):
        shown = client.get(f"{record}{screen}")
        assert shown.code == 200
        assert "You are using emergency access to this child’s record." in shown.text
    return match.group(1)


@pytest.mark.parametrize("user", [u.viewer.id for u in DEMO_USERS if u.viewer != INFORMATION_GOVERNANCE])
def test_the_audit_its_csv_and_the_review_queue_need_the_audit_permission(
    app: DemoApp, user: str
) -> None:
    client = Client(app)
    client.sign_in(user)
    for path in ("/audit/", "/audit/events.csv", "/audit/reviews", "/audit/reviews?status=pending",
                 "/audit/reviews/r1-" + "0" * 32):  # fmt: skip
        answer = client.get(path)
        assert answer.code == 403, (user, path)
        assert "information governance officer" in answer.text
    token = client.token("/")
    posted = client.post("/audit/reviews/r1-" + "0" * 32, {"outcome": "appropriate",
                                                          "csrf_token": token})  # fmt: skip
    assert posted.code == 403
    client.sign_in(INFORMATION_GOVERNANCE.id)
    for path in ("/audit/", "/audit/events.csv", "/audit/reviews"):
        assert client.get(path).code == 200, path


def test_emergency_access_lands_in_the_review_queue_and_its_review_is_audited(
    app: DemoApp, tmp_path: Path
) -> None:
    client = Client(app)
    subject = _open_with_emergency_access(app, client, tmp_path)
    client.sign_in(INFORMATION_GOVERNANCE.id)
    audit = client.get("/audit/")
    assert "Emergency access to review (1 pending)" in audit.text
    queue = client.get("/audit/reviews?status=pending")
    assert queue.code == 200
    assert "Hari Bell" in queue.text
    assert "Child in A&amp;E now" in queue.text
    key = re.search(r'href="/audit/reviews/(r1-[0-9a-f]{32})"', queue.text)
    assert key, queue.text[:800]
    page = client.get(f"/audit/reviews/{key.group(1)}")
    assert page.code == 200
    missing = client.post(f"/audit/reviews/{key.group(1)}", {"csrf_token": _token(page.text)})
    assert missing.code == 400
    assert '<a href="#outcome">Select whether the access was appropriate</a>' in missing.text
    done = client.post(
        f"/audit/reviews/{key.group(1)}",
        {"outcome": "appropriate", "note": "Confirmed with the ward", "csrf_token": _token(page.text)},
    )
    assert (done.code, done.header("Location")) == (303, "/audit/reviews?status=reviewed")
    reviewed = client.get("/audit/reviews?status=reviewed")
    assert "Confirmed with the ward" in reviewed.text
    assert "Ines Grant" in reviewed.text
    assert "Emergency access to review (0 pending)" in client.get("/audit/").text
    [review] = app.services.audit.query(action=AuditAction.ACCESS_REVIEW)
    assert review.actor_id == INFORMATION_GOVERNANCE.id
    assert review.subject_ref == app.services.audit.subject_ref(subject)


@pytest.mark.parametrize(("proxies", "client"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_demo_reads_the_client_address_as_trusted_proxies_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proxies: int, client: str
) -> None:
    settings = Settings(data_dir=tmp_path, trusted_proxies=proxies)
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    demo = DemoApp(settings, engine, Renderer())
    seen: list[str | None] = []
    answer = demo._answer

    def spy(request: Any, environ: dict[str, Any], method: str) -> Any:
        seen.append(request.client)
        return answer(request, environ, method)

    monkeypatch.setattr(demo, "_answer", spy)
    try:
        environ = {"PATH_INFO": "/", "REQUEST_METHOD": "GET", "REMOTE_ADDR": "127.0.0.1",
                   "HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.7",
                   "wsgi.input": io.BytesIO()}  # fmt: skip
        demo(environ, lambda status, headers: None)
    finally:
        demo.close()
        engine.dispose()
    assert seen == [client]
