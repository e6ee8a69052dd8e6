"""The adapters read no more of a request than the page takes: files only where the handler
expects them, each cut one byte past its limit, and anything bigger refused with 413 -- before
reading when ``Content-Length`` says so, as soon as the limit passes when it does not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from markupsafe import Markup, escape
from tests.helpers.raw_posts import PREFIX, Answer, asgi_post, multipart, wsgi_post

from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.web import CsrfRule, WebRequest, WebResponse
from familyhubs_sdk.web._http import BodyLimits, TakesUploads

GIB = 1024**3
LIMITS = BodyLimits(max_files=2, max_file_bytes=10_000, max_files_bytes=20_000, max_form_bytes=4096)
FRAMEWORKS = ["flask", "django", "fastapi"]
# Werkzeug leaves the temporary file of a part it was writing when the body ended or the limit
# struck to the garbage collector, which closes it with a ResourceWarning (the same happens under
# Flask's own MAX_CONTENT_LENGTH); the file holds at most the page's allowance. Starlette's
# multipart parser did the same before its own fix, so the lowest supported Starlette needs it too.
LEFT_TO_GC = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class UploadingHandler:
    """Takes files on ``evidence`` only; shows what it was given."""

    service_name = "Request support for a family"

    def __init__(self, csrf: CsrfRule | None = None) -> None:
        self.renderer = Renderer()
        self.csrf = csrf or CsrfRule()
        self.requests: list[WebRequest] = []

    def body_limits(self, path: str) -> BodyLimits:
        return LIMITS if path == "evidence" else BodyLimits()

    def handle(self, request: WebRequest) -> WebResponse:
        self.requests.append(request)
        sizes = {name: [len(f.data) for f in files] for name, files in request.files.items()}
        return WebResponse.page(Markup("<p>files={}</p>").format(escape(sizes)), "Evidence")


Post = Callable[[str, Iterator[bytes], int | None], Answer]


def _flask(handler: UploadingHandler) -> Post:
    flask = pytest.importorskip("flask")
    from familyhubs_sdk.integrations.flask import FamilyHubsSupport

    app = flask.Flask(__name__)
    app.secret_key = "test"
    FamilyHubsSupport(handler, app, url_prefix=PREFIX, csrf_token=lambda: "tok")
    return lambda path, chunks, length: wsgi_post(app, path, chunks, content_length=length)


def _django(handler: UploadingHandler) -> Post:
    pytest.importorskip("django")
    from tests.helpers.django_setup import ensure_django

    ensure_django()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings
    from django.urls import clear_url_caches, include, path

    from familyhubs_sdk.integrations.django import support_urls

    global urlpatterns
    urlpatterns = [path("request-support/", include(support_urls(handler)))]
    clear_url_caches()
    app = WSGIHandler()

    def post(where: str, chunks: Iterator[bytes], length: int | None) -> Answer:
        with override_settings(ROOT_URLCONF=__name__):
            return wsgi_post(app, where, chunks, content_length=length)

    return post


def _fastapi(handler: UploadingHandler) -> Post:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import support_router

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    app.include_router(support_router(handler, csrf_token=lambda request: "tok"), prefix=PREFIX)
    return lambda path, chunks, length: asgi_post(app, path, chunks, content_length=length)


urlpatterns: list[object] = []


def _handler(framework: str) -> UploadingHandler:
    if framework == "django":
        from familyhubs_sdk.integrations.django import DJANGO_CSRF_FIELD

        return UploadingHandler(CsrfRule(field=DJANGO_CSRF_FIELD))
    return UploadingHandler()


def _poster(framework: str, handler: UploadingHandler) -> Post:
    builders: dict[str, Callable[[UploadingHandler], Post]] = {
        "flask": _flask,
        "django": _django,
        "fastapi": _fastapi,
    }
    return builders[framework](handler)


def test_the_handler_protocol() -> None:
    assert isinstance(UploadingHandler(), TakesUploads)
    assert LIMITS.max_body_bytes == 24_096


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_declared_oversized_upload_is_refused_unread(framework: str) -> None:
    handler = _handler(framework)
    post = _poster(framework, handler)
    length, chunks = multipart({}, [("evidence", "a.pdf", GIB), ("evidence", "b.pdf", GIB)])

    answer = post(f"{PREFIX}/evidence", chunks, length)

    assert answer.status == 413
    assert "The selected files are too large" in answer.text
    assert answer.pulled == 0
    assert handler.requests == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_files_posted_to_a_question_page_are_refused(framework: str) -> None:
    handler = _handler(framework)
    post = _poster(framework, handler)
    length, chunks = multipart({}, [("evidence", "a.pdf", GIB), ("evidence", "b.pdf", GIB)])

    answer = post(f"{PREFIX}/consent", chunks, length)

    assert answer.status == 413
    assert "This page does not take files" in answer.text
    assert answer.pulled == 0


@pytest.mark.parametrize(
    "framework",
    [pytest.param("flask", marks=LEFT_TO_GC), pytest.param("fastapi", marks=LEFT_TO_GC)],
)
def test_an_undeclared_upload_stops_at_the_limit(framework: str) -> None:
    handler = _handler(framework)
    post = _poster(framework, handler)
    _length, chunks = multipart({}, [("evidence", "a.pdf", GIB)], chunk=64 * 1024)

    answer = post(f"{PREFIX}/evidence", chunks, None)  # chunked: no Content-Length

    assert answer.status == 413
    assert answer.pulled <= LIMITS.max_body_bytes + 2 * 64 * 1024
    assert handler.requests == []


def test_django_under_wsgi_reads_no_body_without_a_length() -> None:
    handler = _handler("django")
    _length, chunks = multipart({}, [("evidence", "a.pdf", GIB)])
    answer = _poster("django", handler)(f"{PREFIX}/evidence", chunks, None)
    assert answer.pulled == 0  # Django treats a body without Content-Length as empty


@pytest.mark.parametrize(
    "framework",
    [pytest.param("flask", marks=LEFT_TO_GC), "django", pytest.param("fastapi", marks=LEFT_TO_GC)],
)
def test_a_false_content_length_is_read_no_further_than_the_limit(framework: str) -> None:
    handler = _handler(framework)
    post = _poster(framework, handler)
    _length, chunks = multipart({}, [("evidence", "a.pdf", GIB)], chunk=64 * 1024)

    answer = post(f"{PREFIX}/evidence", chunks, 1000)  # says 1000 bytes, sends 1 GiB

    # Flask and Django read the 1000 bytes they were promised (a cut-short form, no file);
    # FastAPI counts what arrives and refuses it at the limit.
    assert answer.status in {200, 403, 413}
    assert answer.pulled <= LIMITS.max_body_bytes + 2 * 64 * 1024
    assert all(not r.files for r in handler.requests)


# -- within the limits: Flask and FastAPI raw, Django through its test client (CSRF) ----------


def _post_small(
    framework: str, path: str, files: list[tuple[str, str, int]]
) -> tuple[Answer, UploadingHandler]:
    handler = _handler(framework)
    if framework != "django":
        length, chunks = multipart({"upload": "1"}, files)
        return _poster(framework, handler)(f"{PREFIX}/{path}", chunks, length), handler
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings

    _poster("django", handler)  # mounts the handler
    data: dict[str, Any] = {"upload": "1"}
    for name, filename, size in files:
        data.setdefault(name, []).append(SimpleUploadedFile(filename, bytes(size)))
    with override_settings(ROOT_URLCONF=__name__):
        response = Client().post(f"{PREFIX}/{path}", data)
    return Answer(response.status_code, response.content.decode(), 0), handler


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_file_over_its_limit_arrives_one_byte_over(framework: str) -> None:
    answer, handler = _post_small(framework, "evidence", [("evidence", "big.pdf", 15_000)])
    assert answer.status == 200
    (request,) = handler.requests
    assert [len(f.data) for f in request.files["evidence"]] == [LIMITS.max_file_bytes + 1]
    assert request.form["upload"] == ["1"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_more_files_than_the_page_takes_are_refused(framework: str) -> None:
    files = [("evidence", f"{n}.pdf", 100) for n in range(3)]
    answer, handler = _post_small(framework, "evidence", files)
    assert answer.status == 413
    assert handler.requests == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_small_file_on_a_question_page_is_refused(framework: str) -> None:
    answer, handler = _post_small(framework, "consent", [("evidence", "a.pdf", 100)])
    assert answer.status == 413
    assert handler.requests == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_files_within_the_limits_arrive_whole(framework: str) -> None:
    files = [("evidence", "a.pdf", 9_000), ("evidence", "b.pdf", 10_000)]
    answer, handler = _post_small(framework, "evidence", files)
    assert answer.status == 200
    (request,) = handler.requests
    assert [len(f.data) for f in request.files["evidence"]] == [9_000, 10_000]


def test_a_handler_without_body_limits_takes_no_files() -> None:
    from familyhubs_sdk.integrations._body import body_limits

    class Plain:
        renderer = Renderer()
        csrf = CsrfRule()
        service_name = "x"

        def handle(self, request: WebRequest) -> WebResponse:
            raise AssertionError

    assert body_limits(Plain(), "POST", "evidence") == BodyLimits()
    assert body_limits(UploadingHandler(), "GET", "evidence") == BodyLimits()
    assert body_limits(UploadingHandler(), "POST", "evidence") == LIMITS


def test_fastapi_when_a_host_dependency_has_read_the_form_first() -> None:
    pytest.importorskip("fastapi")
    from fastapi import Depends, FastAPI, Request
    from fastapi.testclient import TestClient
    from starlette.middleware.sessions import SessionMiddleware

    from familyhubs_sdk.integrations.fastapi import support_router

    async def reads_the_form(request: Request) -> None:  # as a host's CSRF check does
        await request.form()

    reads_the_form.__annotations__["request"] = Request  # resolved here, not at module level

    handler = UploadingHandler()
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    app.include_router(
        support_router(handler), prefix=PREFIX, dependencies=[Depends(reads_the_form)]
    )
    with TestClient(app) as client:
        files = [("evidence", ("a.pdf", bytes(15_000))), ("evidence", ("b.pdf", bytes(10)))]
        answer = client.post(f"{PREFIX}/evidence", data={"upload": "1"}, files=files)
        assert answer.status_code == 200  # answered from Starlette's cache, never waiting
        sizes = [len(f.data) for f in handler.requests[-1].files["evidence"]]
        assert sizes == [LIMITS.max_file_bytes + 1, 10]
        too_many = [("evidence", (f"{n}.pdf", b"x")) for n in range(3)]
        assert client.post(f"{PREFIX}/evidence", files=too_many).status_code == 413
