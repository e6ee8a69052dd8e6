"""The CSRF rule both solutions share: CSRF belongs to the host, and forms refuse to render
without its token unless the host opts out explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.web._http import WebRequest

__all__ = ["CsrfRule"]


@dataclass(frozen=True, slots=True)
class CsrfRule:
    """Where the host's CSRF token goes in a form, and whether a form may go without one.

    :param field: the form field the host's CSRF protection reads (Django:
        ``csrfmiddlewaretoken``).
    :param exempt: render forms without a token. Only for hosts that protect POSTs another way.

    >>> CsrfRule(exempt=True).token(WebRequest("GET"))
    ''
    """

    field: str = "csrf_token"
    exempt: bool = False

    def token(self, request: WebRequest) -> str:
        """The token to write into a form: the host's, or ``""`` when exempt.

        :raises ConfigurationError: the host passed no token and has not opted out.
        """
        if request.csrf_token:
            return request.csrf_token
        if self.exempt:
            return ""
        raise ConfigurationError(
            "a form needs the host's CSRF token: pass WebRequest(csrf_token=...), or build the "
            "handler with CsrfRule(exempt=True) only if POSTs are protected another way"
        )
