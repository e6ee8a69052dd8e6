"""The Django portal completes a whole journey through Django's test client, CSRF enforced."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from journeys import Browser, Response, complete_journey

pytest.importorskip("django")


def test_full_journey(tmp_path: Path) -> None:
    from django_setup import ensure_django

    ensure_django()
    from django.test import Client, override_settings
    from django.urls import clear_url_caches

    with override_settings(
        ROOT_URLCONF="examples.django_portal.urls", FAMILYHUBS_DATA_DIR=str(tmp_path)
    ):
        sys.modules.pop("examples.django_portal.urls", None)
        importlib.import_module("examples.django_portal.urls")
        clear_url_caches()
        client = Client(enforce_csrf_checks=True)

        def get(path: str) -> Response:
            r = client.get(path)
            return Response(r.status_code, r.get("Location"), r.content.decode())

        def post(path: str, form: object) -> Response:
            r = client.post(path, data=form)
            return Response(r.status_code, r.get("Location"), r.content.decode())

        reference = complete_journey(Browser(get, post, csrf_field="csrfmiddlewaretoken"))
        assert len(reference) == 8
        # Without the token, Django's own CSRF middleware refuses the POST.
        assert client.post("/request-support/consent", {"answer": "yes"}).status_code == 403
