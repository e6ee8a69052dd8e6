"""CSV cells a spreadsheet will not run: the SDK's one rule for every CSV it writes.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be read as a
formula by Excel, LibreOffice or Google Sheets (CSV injection), so it gets a leading ``'``.

>>> formula_safe("=HYPERLINK(\\"http://evil\\")")
'\\'=HYPERLINK("http://evil")'
>>> formula_safe(None), formula_safe(12)
('', '12')
"""

from __future__ import annotations

__all__ = ["formula_safe"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> str:
    """``value`` as CSV cell text, with a leading ``'`` if a spreadsheet could run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
