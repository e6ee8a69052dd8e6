"""The client's address for rate limits: from X-Forwarded-For only when the host trusts proxies."""

from __future__ import annotations

import pytest

from familyhubs_sdk.web import client_address


def test_the_header_is_ignored_unless_proxies_are_trusted() -> None:
    assert client_address("10.0.0.5", ["203.0.113.7"]) == "10.0.0.5"
    assert client_address(None, ["203.0.113.7"], trusted_proxies=0) is None


@pytest.mark.parametrize(
    ("values", "hops", "expected"),
    [
        (["203.0.113.7"], 1, "203.0.113.7"),
        # The client wrote the first entry itself: only the one our proxy appended counts.
        (["198.51.100.66, 203.0.113.7"], 1, "203.0.113.7"),
        # Two proxies (a CDN, then the load balancer): the second entry from the right.
        (["198.51.100.66, 203.0.113.7, 10.1.1.1"], 2, "203.0.113.7"),
        # Several header lines are one list, in order.
        (["198.51.100.66", "203.0.113.7"], 1, "203.0.113.7"),
        (["2001:db8::1"], 1, "2001:db8::1"),
    ],
)
def test_the_address_the_outermost_trusted_proxy_saw(
    values: list[str], hops: int, expected: str
) -> None:
    assert client_address("10.0.0.5", values, trusted_proxies=hops) == expected


@pytest.mark.parametrize("values", [[], [""], ["unknown"], ["203.0.113.7"], [" , "]])
def test_a_header_that_did_not_pass_every_trusted_proxy_keeps_the_peer(values: list[str]) -> None:
    hops = 2 if values == ["203.0.113.7"] else 1
    assert client_address("10.0.0.5", values, trusted_proxies=hops) == "10.0.0.5"
