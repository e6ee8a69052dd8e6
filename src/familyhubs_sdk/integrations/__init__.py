"""Thin adapters that mount both solutions in Flask, Django or FastAPI.

Each adapter only translates HTTP: it builds a :class:`~familyhubs_sdk.web.WebRequest`, calls a
handler (the request-for-support journey or the timeline screens) and turns the
:class:`~familyhubs_sdk.web.WebResponse` into the framework's own response. Import the one you
use (``familyhubs_sdk.integrations.flask`` and so on); each needs its extra
(``pip install "familyhubs-sdk[flask]"``). Nothing else in the SDK imports them.
"""

__all__: list[str] = []
