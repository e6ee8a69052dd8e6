"""The one rule at the web boundary: NUL and other control characters are answered with 400
before any handler logic, in the journey and the timeline screens alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup
from tests.unit.timeline.test_screens import HV, Portal

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support import FormFlow, InMemoryDraftStore, JourneyOptions, default_tree
from familyhubs_sdk.testing import MemorySubmitter
from familyhubs_sdk.web import (
    CsrfRule,
    UploadedFile,
    Viewer,
    WebRequest,
    WebResponse,
    refuse_control_characters,
    unsafe_field,
)


class Echo:
    """A handler that records whether it ran."""

    renderer = Renderer()

    def __init__(self) -> None:
        self.seen: list[WebRequest] = []

    @refuse_control_characters
    def handle(self, request: WebRequest) -> WebResponse:
        self.seen.append(request)
        return WebResponse.page(Markup("ok"), "OK")


@pytest.mark.parametrize(
    "request_",
    [
        WebRequest("POST", form={"answer": ["Sam\x00"]}),
        WebRequest("POST", form={"answer": ["ok", "\x00"]}),
        WebRequest("POST", form={"ans\x00wer": ["ok"]}),
        WebRequest("GET", query={"next": ["/x\x00"]}),
        WebRequest("POST", form={"answer": ["bell\x07"]}),
        WebRequest("POST", form={"answer": ["escape\x1b[31m"]}),
        WebRequest("POST", form={"answer": ["delete\x7f"]}),
        WebRequest("POST", form={"answer": ["c1\x85"]}),
        WebRequest("POST", form={"answer": ["lone \udc80 surrogate"]}),
        WebRequest("POST", files={"evidence": [UploadedFile("a\x00.pdf", b"%PDF")]}),
    ],
)
def test_nul_and_control_characters_get_a_400_before_the_handler(request_: WebRequest) -> None:
    handler = Echo()
    answer = handler.handle(request_)
    assert answer.status == 400
    assert "cannot be used" in answer.html
    assert answer.session == {}
    assert handler.seen == []
    assert unsafe_field(request_) is not None


def test_tabs_and_line_breaks_pass_the_boundary() -> None:
    handler = Echo()
    request = WebRequest("POST", form={"details": ["line one\r\nline two\tindented"]})
    assert unsafe_field(request) is None
    assert handler.handle(request).status == 200
    assert handler.seen == [request]


def test_the_journey_refuses_nul_before_storing_an_answer() -> None:
    drafts = InMemoryDraftStore()
    flow = FormFlow(
        default_tree(),
        drafts,
        MemorySubmitter(),
        options=JourneyOptions(csrf=CsrfRule(exempt=True)),
    )
    started = flow.handle(WebRequest("GET", "", "/rs"))
    session = started.session
    refused = flow.handle(
        WebRequest("POST", "immediate_danger", "/rs", session=session, form={"answer": ["no\x00"]})
    )
    assert refused.status == 400
    assert refused.session == {}  # the session keeps its draft
    page = flow.handle(WebRequest("GET", "immediate_danger", "/rs", session=session))
    assert page.status == 200
    assert "\x00" not in page.html


def test_a_break_glass_justification_with_nul_is_refused_before_any_audit_row(
    tmp_path: Path,
) -> None:
    portal = Portal(tmp_path)
    before = portal.audit_count()
    answer = portal.handle(
        "POST",
        f"record/{portal.subject}/reason",
        viewer=HV,
        form={"reason": ["health_care"], "justification": ["Child in A&E\x00; DROP"]},
    )
    assert answer.status == 400
    assert answer.session == {}
    assert portal.audit_count() == before


@pytest.mark.parametrize(
    "name",
    ["Sam\u202eten.shn", "Sam\u200bPatel", "Sam\x00", "Sam\nPatel", "\ufeffSam", "Sam\u2066"],
)
def test_a_viewer_name_with_bidi_zero_width_or_control_characters_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invisible character U\\+"):
        Viewer(id="u-1", name=name, role="social_worker", organisation="Council")
