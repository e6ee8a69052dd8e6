"""The web layer both solutions share: the router, the SDK's session values, the CSRF rule and
the response helpers."""

from __future__ import annotations

from typing import Any

import pytest

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.web import (
    CsrfRule,
    Router,
    WebRequest,
    WebResponse,
    apply_session,
    default_layout,
    message_page,
    read_session,
)

# -- Router ---------------------------------------------------------------------------------------


@pytest.fixture
def router() -> Router[str]:
    routes: Router[str] = Router()
    routes.add("", "search")
    routes.add("record/<subject_id>/reason", "reason")
    routes.add("record/<subject_id>", "record", methods=("get",))
    routes.add("files/<rest:path>", "files", methods=("GET",))
    return routes


def test_the_first_template_matching_the_whole_path_wins(router: Router[str]) -> None:
    found = router.match("record/abc-1_2/reason", "POST")
    assert found is not None
    assert (found.route.endpoint, found.params, found.method_allowed) == (
        "reason",
        {"subject_id": "abc-1_2"},
        True,
    )
    found = router.match("/record/abc/", "GET")  # slashes at either end are ignored
    assert found is not None
    assert (found.route.endpoint, found.params) == ("record", {"subject_id": "abc"})
    found = router.match("", "get")
    assert found is not None
    assert (found.route.endpoint, found.params) == ("search", {})


def test_a_path_parameter_takes_the_rest_of_the_path(router: Router[str]) -> None:
    found = router.match("files/a/b/c", "GET")
    assert found is not None
    assert found.params == {"rest": "a/b/c"}


def test_a_known_path_with_another_method_is_matched_but_not_allowed(router: Router[str]) -> None:
    found = router.match("record/abc", "POST")
    assert found is not None
    assert found.route.endpoint == "record"
    assert found.method_allowed is False
    assert found.route.methods == frozenset({"GET"})


@pytest.mark.parametrize(
    "path",
    ["elsewhere", "record", "record/a/b/c", "record/../etc", "record/a%20b", "record/" + "x" * 201],
)
def test_paths_matching_no_template_match_nothing(router: Router[str], path: str) -> None:
    assert router.match(path, "GET") is None


# -- the SDK's session values ---------------------------------------------------------------------


def test_read_session_takes_only_the_sdks_keys() -> None:
    host = {"familyhubs_draft_id": "d1", "user": "u-1", "csrf": "t", "familyhubs_x": [1]}
    assert read_session(host) == {"familyhubs_draft_id": "d1", "familyhubs_x": [1]}


def test_apply_session_sets_and_none_removes() -> None:
    session: dict[str, Any] = {"familyhubs_draft_id": "d1", "user": "u-1"}
    apply_session(session, {"familyhubs_draft_id": None, "familyhubs_journey_key": "j1"})
    assert session == {"user": "u-1", "familyhubs_journey_key": "j1"}
    apply_session(session, {"familyhubs_draft_id": None})  # removing what is not there is fine
    assert session == {"user": "u-1", "familyhubs_journey_key": "j1"}


def test_apply_session_refuses_a_key_that_is_not_the_sdks() -> None:
    session: dict[str, Any] = {"user": "u-1"}
    with pytest.raises(ValueError, match="'user'"):
        apply_session(session, {"user": None})
    assert session == {"user": "u-1"}


# -- CsrfRule -------------------------------------------------------------------------------------


def test_the_csrf_rule_writes_the_hosts_token_and_refuses_without_one() -> None:
    assert CsrfRule().token(WebRequest("GET", csrf_token="tok")) == "tok"
    assert CsrfRule(exempt=True).token(WebRequest("GET", csrf_token="tok")) == "tok"
    assert CsrfRule(exempt=True).token(WebRequest("GET")) == ""
    with pytest.raises(ConfigurationError, match="CSRF"):
        CsrfRule().token(WebRequest("GET"))
    assert CsrfRule().field == "csrf_token"
    assert CsrfRule(field="csrfmiddlewaretoken").field == "csrfmiddlewaretoken"


# -- WebRequest and WebResponse -------------------------------------------------------------------


def test_request_urls_and_first_values() -> None:
    request = WebRequest(
        "POST",
        "check",
        "/request-support/",
        form={"answer": ["  yes ", "no"], "empty": []},
        query={"change": ["1"]},
    )
    assert request.url() == "/request-support/"
    assert request.url("/record/a") == "/request-support/record/a"
    assert (request.form_value("answer"), request.form_value("empty")) == ("yes", "")
    assert (request.query_value("change"), request.query_value("missing")) == ("1", "")


def test_response_helpers() -> None:
    page = WebResponse.page(Renderer().render("familyhubs/message.html", title="T", text="x"), "T")
    assert (page.status, page.title, page.is_redirect, dict(page.session)) == (200, "T", False, {})
    moved = WebResponse.redirect("/next", session={"familyhubs_draft_id": "d1"})
    assert (moved.status, moved.location, moved.is_redirect) == (303, "/next", True)
    more = moved.with_session(familyhubs_journey_key="j1", familyhubs_draft_id=None)
    assert dict(more.session) == {"familyhubs_draft_id": None, "familyhubs_journey_key": "j1"}
    assert dict(moved.session) == {"familyhubs_draft_id": "d1"}  # responses are immutable


def test_message_pages_and_the_default_layout() -> None:
    renderer = Renderer()
    missing = message_page(renderer, "Page not found", "Check <the> address.", status=404)
    assert (missing.status, missing.title) == (404, "Page not found")
    assert "Check &lt;the&gt; address." in missing.html
    page = default_layout(renderer, service_name="Find a child")(missing)
    assert "<title>Page not found – Find a child</title>" in page
    council = default_layout(renderer, service_name="Find a child", title_suffix="Exampleshire")
    assert "<title>Page not found – Find a child – Exampleshire</title>" in council(missing)
    assert "Check &lt;the&gt; address." in page
