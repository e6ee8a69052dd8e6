"""The FastAPI portal completes a whole journey through Starlette's test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeys import Browser, Response, complete_journey

pytest.importorskip("fastapi")


def test_full_journey(tmp_path: Path) -> None:
    from examples.fastapi_portal.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(tmp_path)) as client:

        def get(path: str) -> Response:
            r = client.get(path, follow_redirects=False)
            return Response(r.status_code, r.headers.get("location"), r.text)

        def post(path: str, form: object) -> Response:
            r = client.post(path, data=form, follow_redirects=False)  # type: ignore[arg-type]
            return Response(r.status_code, r.headers.get("location"), r.text)

        reference = complete_journey(Browser(get, post))
        assert len(reference) == 8
        assert client.post("/request-support/consent", data={"answer": "yes"}).status_code == 400
