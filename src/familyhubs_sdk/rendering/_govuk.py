"""The GOV.UK Frontend release the component templates follow, named in one place.

Templates under ``familyhubs/components/`` take the same macro and parameter names and render the
same markup as this release's Nunjucks macros; its component fixtures are the tests' reference.
"""

from __future__ import annotations

__all__ = ["GOVUK_FRONTEND_VERSION"]

#: The govuk-frontend npm release whose markup and macro parameters the components match.
GOVUK_FRONTEND_VERSION = "6.6.0"
