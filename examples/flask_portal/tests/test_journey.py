"""The Flask portal completes a whole request-for-support journey through Flask's test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeys import Browser, Response, complete_journey

flask = pytest.importorskip("flask")


def test_full_journey(tmp_path: Path) -> None:
    from examples.flask_portal.app import create_app

    app = create_app(tmp_path)
    client = app.test_client()

    def get(path: str) -> Response:
        r = client.get(path)
        return Response(r.status_code, r.headers.get("Location"), r.get_data(as_text=True))

    def post(path: str, form: object) -> Response:
        r = client.post(path, data=form)
        return Response(r.status_code, r.headers.get("Location"), r.get_data(as_text=True))

    reference = complete_journey(Browser(get, post))
    assert len(reference) == 8


def test_posts_without_the_portals_csrf_token_are_refused(tmp_path: Path) -> None:
    from examples.flask_portal.app import create_app

    client = create_app(tmp_path).test_client()
    client.get("/request-support/")
    assert (
        client.post("/request-support/immediate_danger", data={"answer": "no"}).status_code == 400
    )
