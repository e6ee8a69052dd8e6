"""Who is asking: the client's address, from the socket or from trusted proxies' headers.

Behind a reverse proxy or load balancer every request arrives from the proxy's address, so a
limit keyed on it would count everyone together. Each proxy appends the address it saw to
``X-Forwarded-For``, so the real client is the entry ``trusted_proxies`` from the right — but a
client can send the header too, so it is read only when the host says how many proxies it runs
(``FAMILYHUBS_TRUSTED_PROXIES``), as Werkzeug's ``ProxyFix(x_for=1)`` does. Entries a client
could have written are never believed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

__all__ = ["client_address"]


def client_address(
    peer: str | None, forwarded_for: Iterable[str] = (), *, trusted_proxies: int = 0
) -> str | None:
    """The client's address for rate limits: ``peer`` (the socket's address) unless
    ``trusted_proxies`` proxies stand in front of the host, then the address the outermost of
    them saw, from ``X-Forwarded-For`` (every value of the header, in order).

    A header with fewer entries than proxies, or an entry that is not an IP address, means the
    request did not come through them all: ``peer`` is kept.

    >>> client_address("10.0.0.5", ["203.0.113.7"])  # no proxies trusted: the header is ignored
    '10.0.0.5'
    >>> client_address("10.0.0.5", ["198.51.100.9, 203.0.113.7"], trusted_proxies=1)
    '203.0.113.7'
    >>> client_address("10.0.0.5", ["not-an-address"], trusted_proxies=1)
    '10.0.0.5'
    """
    if trusted_proxies < 1:
        return peer
    hops = [entry.strip() for value in forwarded_for for entry in value.split(",")]
    hops = [entry for entry in hops if entry]
    if len(hops) < trusted_proxies:
        return peer
    candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
