"""Save and come back later: a single-use link, shown once, that brings the draft back.

The link carries its token after "#" (``/rs/resume#fhr1_…``): browsers never send the fragment, so
in these tests, as on the wire, the server only ever sees ``/rs/resume`` and a POSTed form."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.helpers.journeys import DRAFT_KEY

from familyhubs_sdk import load_settings
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.rendering import static_path
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import (
    FormFlow,
    JourneyOptions,
    ResumeTokens,
    SlidingWindowRateLimit,
    SQLDraftStore,
    StoreRateLimit,
    WebRequest,
    WebResponse,
    build_flow,
    default_tree,
)
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import CsrfRule

BASE = "/rs"
EXEMPT = JourneyOptions(csrf=CsrfRule(exempt=True))


def _clock() -> datetime:
    return datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    return engine


def _flow(engine: sa.Engine, *, tries: int = 20, tree_version: str | None = None) -> FormFlow:
    tree = default_tree()
    if tree_version:
        tree = tree.model_copy(update={"version": tree_version})
    clock = _clock
    return FormFlow(
        tree, SQLDraftStore(engine, clock=clock), MemorySubmitter(), options=EXEMPT,
        clock=clock,
        resume=ResumeTokens(engine, clock=clock,
                            rate_limit=SlidingWindowRateLimit(tries, per=timedelta(minutes=15),
                                                              clock=clock)),
    )  # fmt: skip


def _req(method: str, path: str, draft_id: str | None, **form: str) -> WebRequest:
    """A request from a browser whose session holds ``draft_id`` (``None``: a new browser)."""
    return WebRequest(method, path, BASE, session={DRAFT_KEY: draft_id} if draft_id else {},
                      client="198.51.100.7", form={k: [v] for k, v in form.items()})  # fmt: skip


def _draft(response: WebResponse) -> str | None:
    """The draft the response tells the session to keep."""
    draft_id: str | None = response.session[DRAFT_KEY]
    return draft_id


def _start(flow: FormFlow) -> str:
    draft_id = _draft(flow.handle(_req("GET", "", None)))
    assert draft_id is not None
    for step in ("immediate_danger", "significant_harm"):
        assert flow.handle(_req("POST", step, draft_id, answer="no")).is_redirect
    return draft_id


def _save(flow: FormFlow, draft_id: str, **form: str) -> str:
    saved = flow.handle(_req("POST", "consent", draft_id, save="1", **form))
    assert not saved.is_redirect
    assert saved.title == "Your answers have been saved"
    assert _draft(saved) == draft_id  # carrying on in this browser still works
    assert "29 June 2026" in saved.html  # 28 days after 1 June
    match = re.search(rf'href="{BASE}/resume#(fhr1_[A-Za-z0-9_-]+)"', saved.html)
    assert match, saved.html
    return match.group(1)


def _use(flow: FormFlow, code: str, *, client: str = "198.51.100.7") -> WebResponse:
    """What a browser sends when the person continues: the token in the form, never the URL."""
    return flow.handle(
        WebRequest("POST", "resume", BASE, form={"resume_code": [code]}, client=client)
    )


def test_question_pages_offer_saving_only_when_the_flow_can() -> None:
    from familyhubs_sdk.support import InMemoryDraftStore

    plain = FormFlow(default_tree(), InMemoryDraftStore(), MemorySubmitter(), options=EXEMPT)
    draft_id = _draft(plain.handle(_req("GET", "", None)))
    assert 'name="save"' not in plain.handle(_req("GET", "immediate_danger", draft_id)).html
    # Without resume tokens there are no resume links either.
    assert plain.handle(_req("GET", "resume", None)).location == f"{BASE}/"  # not a page
    assert plain.handle(_req("GET", "resume/fhr1_anything", None)).status == 404


def test_save_then_resume_in_a_new_session_carries_on_where_it_stopped(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    page = flow.handle(_req("GET", "consent", draft_id))
    assert 'name="save" value="1"' in page.html
    token = _save(flow, draft_id, answer="yes")

    # A new browser, no session: GET only asks (a link scanner cannot use the link up)...
    for _ in range(2):
        ask = flow.handle(_req("GET", "resume", None))
        assert (ask.status, ask.title) == (200, "Continue your request")
    # ...POST uses it and brings the draft back, with the answer given on the saving page.
    used = _use(flow, token)
    assert used.is_redirect
    assert (used.location, _draft(used)) == (f"{BASE}/", draft_id)
    assert flow.handle(_req("GET", "", draft_id)).location == f"{BASE}/referrer_name"

    # The link works once.
    again = _use(flow, token)
    assert (again.status, again.title) == (400, "This link cannot be used")
    assert _draft(again) is None


def test_saving_with_an_invalid_answer_keeps_only_what_was_valid(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    token = _save(flow, draft_id, answer="not-an-option")
    assert _draft(_use(flow, token)) == draft_id
    assert flow.handle(_req("GET", "", draft_id)).location == f"{BASE}/consent"


def test_a_new_link_replaces_the_old_one_and_altered_links_fail_alike(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    first = _save(flow, draft_id)
    second = _save(flow, draft_id)
    refused = {
        name: _use(flow, token).html
        for name, token in [
            ("replaced", first),
            ("altered", second[:-2] + ("AA" if not second.endswith("AA") else "BA")),
            ("truncated", second[:-1]),
            ("other prefix", "fhr2_" + second[5:]),
        ]
    }
    assert len(set(refused.values())) == 1  # one message: nobody learns which check failed
    assert "This link cannot be used" in refused["replaced"]
    assert _draft(_use(flow, second)) == draft_id


# Finding: full resume tokens appeared in access logs (the token was in the URL path).


def test_resume_links_carry_the_token_in_the_fragment_never_the_path(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    saved = flow.handle(_req("POST", "consent", draft_id, save="1"))
    token = _save(flow, draft_id)  # the newest link; the first one is revoked

    assert f"{BASE}/resume/" not in saved.html
    # What the server sees of the link is the bare path: the page asks for the token in a form.
    ask = flow.handle(_req("GET", "resume", None))
    assert f'action="{BASE}/resume"' in ask.html
    assert 'name="resume_code"' in ask.html
    assert 'data-familyhubs-module="resume-code"' in ask.html  # the shipped script fills it
    assert "<script" not in ask.html  # no inline script: the page works under a strict CSP
    used = _use(flow, token)
    assert (used.location, _draft(used)) == (f"{BASE}/", draft_id)
    for response in (saved, ask, used):
        assert token not in (response.location or "")


def test_a_pasted_link_or_code_opens_the_draft_and_an_empty_form_says_what_to_enter(
    engine: sa.Engine,
) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    empty = _use(flow, "  ")
    assert (empty.status, empty.title) == (400, "Error: Continue your request")
    assert "Enter the link or code you saved" in empty.html
    assert 'href="#resume-code"' in empty.html  # the error summary links to the box

    pasted_link = _use(flow, f"https://portal.example.gov.uk{BASE}/resume#{_save(flow, draft_id)}")
    assert _draft(pasted_link) == draft_id
    pasted_code = _use(flow, f"  {_save(flow, draft_id)}\n")
    assert _draft(pasted_code) == draft_id


def test_path_style_links_from_earlier_releases_still_work_once(engine: sa.Engine) -> None:
    flow = _flow(engine)
    draft_id = _start(flow)
    token = _save(flow, draft_id)

    # The old link's page posts the token to the bare path, in a hidden field.
    ask = flow.handle(_req("GET", f"resume/{token}", None))
    assert (ask.status, ask.title) == (200, "Continue your request")
    assert f'action="{BASE}/resume"' in ask.html
    assert f'<input type="hidden" name="resume_code" value="{token}">' in ask.html
    assert _draft(_use(flow, token)) == draft_id
    assert _use(flow, token).status == 400  # once
    # A page opened before the upgrade posts to the old address: that works too, once.
    older = _save(flow, draft_id)
    assert _draft(flow.handle(_req("POST", f"resume/{older}", None))) == draft_id
    assert flow.handle(_req("POST", f"resume/{older}", None)).status == 400


def test_the_shipped_script_copies_the_fragment_into_the_form_and_out_of_the_address_bar() -> None:
    script = static_path() / "familyhubs-resume.js"
    assert script.is_file()
    node = shutil.which("node")
    if node is None:  # pragma: no cover - the project's machines have Node for the asset build
        pytest.skip("node is not installed")
    token = "fhr1_" + "A" * 42 + "E"
    harness = f"""
    const input = {{ value: "" }};
    const group = {{ classList: {{ added: [], add(c) {{ this.added.push(c); }} }},
                     querySelector: () => input }};
    const replaced = [];
    globalThis.document = {{ querySelector: (s) =>
        s === '[data-familyhubs-module="resume-code"]' ? group : null }};
    globalThis.window = {{
      location: {{ hash: "#{token}", pathname: "/rs/resume", search: "" }},
      history: {{ replaceState: (state, title, url) => replaced.push(url) }},
    }};
    await import({str(script.as_uri())!r});
    console.log(JSON.stringify([input.value, group.classList.added, replaced]));
    """
    ran = subprocess.run(
        [node, "--input-type=module", "-e", harness],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    assert ran.stdout.strip() == f'["{token}",["govuk-!-display-none"],["/rs/resume"]]'


# Finding: 20 junk tries from one address locked a family's valid link for 15 minutes.


def test_junk_tries_from_a_shared_address_never_lock_a_familys_link(engine: sa.Engine) -> None:
    flow = _flow(engine, tries=3)
    draft_id = _start(flow)
    token = _save(flow, draft_id)
    junk = [f"fhr1_{n:043d}"[:47] + "A" for n in range(10)]  # well formed, unknown
    for guess in [*junk, junk[0], junk[0], junk[0], "fhr1_guess", "nonsense"]:
        assert _use(flow, guess, client="203.0.113.1").status == 400  # the same NAT address
    used = _use(flow, token, client="203.0.113.1")
    assert (used.location, _draft(used)) == (f"{BASE}/", draft_id)


def test_one_link_tried_too_often_from_one_client_is_rate_limited(
    engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="familyhubs_sdk.support.journey._resume")
    flow = _flow(engine, tries=3)
    guess = "fhr1_" + "B" * 42 + "A"
    for _ in range(3):
        assert _use(flow, guess).status == 400
    assert "rate limited" not in caplog.text
    assert _use(flow, guess).status == 400
    assert caplog.text.count("resume token refused: rate limited") == 1


def test_resuming_on_a_newer_tree_keeps_the_answers_that_still_fit(engine: sa.Engine) -> None:
    draft_id = _start(_flow(engine))
    token = _save(_flow(engine), draft_id, answer="yes")
    newer = _flow(engine, tree_version="99.0.0")
    assert _draft(_use(newer, token)) == draft_id
    assert newer.handle(_req("GET", "", draft_id)).location == f"{BASE}/referrer_name"
    state = SQLDraftStore(engine, clock=_clock).load(draft_id)
    assert state is not None
    assert state.tree_version == "99.0.0"


def test_the_link_never_reaches_the_logs(
    engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    flow = _flow(engine)
    draft_id = _start(flow)
    token = _save(flow, draft_id)
    _use(flow, token)
    _use(flow, token)
    assert token not in caplog.text
    assert token[5:20] not in caplog.text


# -- a full link, and "Email me this link" -------------------------------------------------------


class _Outbox:
    """A ResumeLinkSender that keeps what it was asked to send (or refuses, when told to)."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.sent: list[dict[str, object]] = []
        self.refuse = refuse

    def send_resume_link(
        self, *, email: str, url: str, expires_at: datetime, reference: str | None = None
    ) -> None:
        if self.refuse:
            from familyhubs_sdk.errors import DeliveryError

            raise DeliveryError("the outbox is full")
        self.sent.append({"email": email, "url": url, "expires_at": expires_at, "ref": reference})


def _emailing_flow(engine: sa.Engine, sender: _Outbox) -> FormFlow:
    options = JourneyOptions(csrf=CsrfRule(exempt=True), public_base_url="https://help.example.org/",
                             resume_sender=sender)  # fmt: skip
    return FormFlow(default_tree(), SQLDraftStore(engine, clock=_clock), MemorySubmitter(),
                    options=options, clock=_clock,
                    resume=ResumeTokens(engine, clock=_clock))  # fmt: skip


def _saved_link(flow: FormFlow, draft_id: str) -> tuple[WebResponse, str]:
    saved = flow.handle(_req("POST", "consent", draft_id, save="1", answer="yes"))
    match = re.search(r'href="(https://help\.example\.org/rs/resume#(fhr1_[A-Za-z0-9_-]+))"',
                      saved.html)  # fmt: skip
    assert match, saved.html
    return saved, match.group(1)


def test_the_saved_page_shows_a_full_link_built_from_the_hosts_base_url(engine: sa.Engine) -> None:
    flow = _emailing_flow(engine, _Outbox())
    saved, link = _saved_link(flow, _start(flow))
    assert link.startswith("https://help.example.org/rs/resume#fhr1_")
    assert ">https://help.example.org/rs/resume#fhr1_" in saved.html  # shown, to copy
    # Without a base URL, the request's own origin only when the host says it may be trusted.
    trusting = FormFlow(default_tree(), SQLDraftStore(engine, clock=_clock), MemorySubmitter(),
                        options=JourneyOptions(csrf=CsrfRule(exempt=True),
                                               request_origin=lambda _r: "http://localhost:5000"),
                        clock=_clock, resume=ResumeTokens(engine, clock=_clock))  # fmt: skip
    page = trusting.handle(_req("POST", "consent", _start(trusting), save="1", answer="yes"))
    assert 'href="http://localhost:5000/rs/resume#fhr1_' in page.html
    assert "Email me this link" not in page.html  # no sender, no form
    with pytest.raises(ConfigurationError, match="public_base_url"):
        JourneyOptions(public_base_url="help.example.org")
    with pytest.raises(ConfigurationError, match="full address"):
        JourneyOptions(resume_sender=_Outbox())


def test_email_me_this_link_sends_the_link_shown_to_the_address_given(engine: sa.Engine) -> None:
    outbox = _Outbox()
    flow = _emailing_flow(engine, outbox)
    draft_id = _start(flow)
    saved, link = _saved_link(flow, draft_id)
    assert "Email me this link" in saved.html
    token = link.partition("#")[2]

    missing = flow.handle(_req("POST", "save/email", draft_id, resume_code=token, email=""))
    assert (missing.status, missing.title) == (400, "Error: Your answers have been saved")
    assert "Enter your email address" in missing.html
    assert link in missing.html  # the link stays on the page
    wrong = flow.handle(_req("POST", "save/email", draft_id, resume_code=token, email="sam@x"))
    assert "Enter an email address in the correct format" in wrong.html
    assert outbox.sent == []

    sent = flow.handle(
        _req("POST", "save/email", draft_id, resume_code=token, email=" sam@example.org ")
    )
    assert sent.status == 200
    assert "We have sent the link to sam@example.org" in sent.html
    assert outbox.sent == [{"email": "sam@example.org", "url": link,
                            "expires_at": _clock() + timedelta(days=28), "ref": None}]  # fmt: skip
    # The emailed link works, once.
    assert _use(flow, token).location == f"{BASE}/"


def test_the_email_form_sends_only_a_live_link_of_the_sessions_own_draft(
    engine: sa.Engine,
) -> None:
    outbox = _Outbox()
    flow = _emailing_flow(engine, outbox)
    mine, other = _start(flow), _start(flow)
    _, link = _saved_link(flow, other)
    token = link.partition("#")[2]
    for code in (token, "fhr1_" + "A" * 43, "https://evil.example/", ""):
        refused = flow.handle(_req("POST", "save/email", mine, resume_code=code, email="a@b.cd"))
        assert refused.is_redirect, code
    assert outbox.sent == []


def test_a_sender_that_cannot_queue_leaves_the_link_to_copy(engine: sa.Engine) -> None:
    flow = _emailing_flow(engine, _Outbox(refuse=True))
    draft_id = _start(flow)
    _, link = _saved_link(flow, draft_id)
    token = link.partition("#")[2]
    failed = flow.handle(_req("POST", "save/email", draft_id, resume_code=token, email="a@b.cd"))
    assert failed.status == 400
    assert "The email could not be sent. Copy the link instead" in failed.html
    assert link in failed.html


def test_the_emailed_link_never_reaches_the_logs(
    engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    flow = _emailing_flow(engine, _Outbox())
    draft_id = _start(flow)
    _, link = _saved_link(flow, draft_id)
    token = link.partition("#")[2]
    flow.handle(_req("POST", "save/email", draft_id, resume_code=token, email="a@b.cd"))
    assert token not in caplog.text


def test_email_me_this_link_sends_at_most_three_emails_per_draft_an_hour(
    engine: sa.Engine,
) -> None:
    outbox = _Outbox()
    flow = _emailing_flow(engine, outbox)
    draft_id = _start(flow)
    _, link = _saved_link(flow, draft_id)
    token = link.partition("#")[2]
    for n in range(3):
        sent = flow.handle(
            _req("POST", "save/email", draft_id, resume_code=token, email=f"p{n}@example.org")
        )
        assert sent.status == 200
    # Counted per draft, not per address or client: a fourth, to anyone, from anywhere, is refused.
    over = flow.handle(
        _req("POST", "save/email", draft_id, resume_code=token, email="victim@example.org")
    )
    assert (over.status, over.title) == (400, "Error: Your answers have been saved")
    assert "You have asked for this link too many times" in over.html
    assert link in over.html  # the link is still there to copy
    assert [m["email"] for m in outbox.sent] == [f"p{n}@example.org" for n in range(3)]
    # Another draft has its own allowance.
    other = _start(flow)
    _, other_link = _saved_link(flow, other)
    other_token = other_link.partition("#")[2]
    ok = flow.handle(_req("POST", "save/email", other, resume_code=other_token, email="a@b.cd"))
    assert ok.status == 200


def test_build_flow_counts_link_emails_in_the_store(engine: sa.Engine) -> None:
    flow = build_flow(load_settings(database_url="sqlite://"), engine=engine, options=EXEMPT,
                      analytics=None)  # fmt: skip
    limit = flow.options.resume_email_limit
    assert isinstance(limit, StoreRateLimit)
    assert (limit.max_attempts, limit.per) == (3, timedelta(hours=1))


def test_the_emailed_link_expires_when_the_link_does_not_a_lifetime_after_the_email(
    engine: sa.Engine,
) -> None:
    now = [_clock()]

    def clock() -> datetime:
        return now[0]

    outbox = _Outbox()
    options = JourneyOptions(csrf=CsrfRule(exempt=True), public_base_url="https://help.example.org/",
                             resume_sender=outbox)  # fmt: skip
    flow = FormFlow(default_tree(), SQLDraftStore(engine, clock=clock), MemorySubmitter(),
                    options=options, clock=clock,
                    resume=ResumeTokens(engine, clock=clock))  # fmt: skip
    draft_id = _start(flow)
    _, link = _saved_link(flow, draft_id)  # issued at 09:00 on 1 June
    now[0] += timedelta(days=3)
    token = link.partition("#")[2]
    sent = flow.handle(_req("POST", "save/email", draft_id, resume_code=token, email="a@b.cd"))
    assert sent.status == 200
    assert outbox.sent[0]["expires_at"] == _clock() + timedelta(days=28)
