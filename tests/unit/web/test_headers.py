"""`security_headers`: the one helper the demo and every example portal send with their pages."""

from __future__ import annotations

import pytest

from familyhubs_sdk.web import security_headers


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def test_pages_get_a_strict_policy_no_framing_no_referrer_and_no_store() -> None:
    headers = security_headers()
    policy = directives(headers["Content-Security-Policy"])
    # The SDK's own static script module and stylesheet; nothing inline, nothing elsewhere.
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_static_files_may_be_cached_and_https_adds_hsts() -> None:
    assert "Cache-Control" not in security_headers(page=False)
    assert security_headers(page=False)["X-Content-Type-Options"] == "nosniff"
    assert security_headers(https=True)["Strict-Transport-Security"] == "max-age=31536000"


def test_extra_sources_are_added_to_their_directive_only() -> None:
    headers = security_headers(extra_sources={"img-src": ["https://images.example.gov.uk"]})
    policy = directives(headers["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "https://images.example.gov.uk"]
    assert policy["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    "extra",
    [
        {"script-src": ["'self'; frame-ancestors *"]},
        {"img-src": ["a b"]},
        {"img-src": ["https://x\r\nSet-Cookie: a=b"]},
        {"img-src": ["a,b"]},
        {"report-to": ["x"]},
    ],
)
def test_extra_sources_cannot_inject_directives_or_headers(
    extra: dict[str, list[str]],
) -> None:
    with pytest.raises(ValueError, match=r"source expression|unknown"):
        security_headers(extra_sources=extra)
