"""Names and identifiers as people type and read them: accent- and case-tolerant matching, masking.

>>> normalise_name("  Zoë  O'Brien-Smith ")
'zoe obrien smith'
>>> normalise_name("ZOE OBRIEN SMITH") == normalise_name("Zoë O’Brien Smith")
True
>>> mask_identifier("943 476 5919")
'*** *** 5919'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["mask_identifier", "normalise_name"]

# Apostrophes and dashes as typed by people and word processors, written as escapes so that each
# look-alike is visible in review.
_APOSTROPHES = re.compile("['`\u2018\u2019\u00b4]")
_SEPARATORS = re.compile("[\\s\\-.,\u2010\u2011\u2012\u2013\u2014]+")


def normalise_name(name: str) -> str:
    """A name reduced for matching: no accents, case folded, no apostrophes, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = _APOSTROPHES.sub("", bare.casefold())
    return _SEPARATORS.sub(" ", bare).strip()


def mask_identifier(value: str, *, visible: int = 4) -> str:
    """Hide all but the last ``visible`` characters, keeping NHS-number style groups of 3-3-4.

    Enough for a professional to confirm the right child, too little to copy the identifier.
    """
    compact = re.sub(r"\s+", "", value)
    if len(compact) <= visible:
        return "*" * len(compact)
    hidden = "*" * (len(compact) - visible) + compact[-visible:]
    if len(compact) == 10:
        return f"{hidden[:3]} {hidden[3:6]} {hidden[6:]}"
    return hidden
