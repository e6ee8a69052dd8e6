"""Characters the SDK refuses in text it stores or shows: one rule, used by the web layer (every
posted and query value), the question-tree engine (every answer) and the ``Viewer``.

* Nowhere: NUL and the other control characters (Unicode category ``Cc``: C0, DEL, C1) except
  tab, line feed and carriage return, and lone surrogates. PostgreSQL refuses NUL in text, and
  none of them belongs in anything a person typed.
* Not in one line of text (a name, an email address, a phone number): tab, line feed and
  carriage return either, nor the invisible characters that change how text *looks*: bidi
  controls (``jo@attacker.example<U+202E>ten.shn`` shows as ``…examplenhs.net``) and
  zero-width characters.

>>> unsafe_character("Sam\\x00")
'\\x00'
>>> unsafe_character("jo@attacker.example\\u202eten.shn", single_line=True)
'\\u202e'
>>> unsafe_character("two\\nlines") is None
True
"""

from __future__ import annotations

import re

__all__ = ["describe_character", "unsafe_character"]

# Cc except \t \n \r, and the surrogate block (only lone surrogates reach a str).
_ANYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
# Bidi embeddings, overrides, isolates and marks; zero-width space, joiners, word joiner,
# invisible operators, the byte order mark and the Mongolian vowel separator.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_MULTI_LINE = re.compile(f"[{_ANYWHERE}]")
_SINGLE_LINE = re.compile(f"[{_ANYWHERE}\t\n\r{_INVISIBLE}]")


def unsafe_character(text: str, *, single_line: bool = False) -> str | None:
    """The first character of ``text`` the SDK refuses, or ``None`` when there is none."""
    found = (_SINGLE_LINE if single_line else _MULTI_LINE).search(text)
    return found.group() if found else None


def describe_character(character: str) -> str:
    """``U+202E`` for a message that must not contain the character itself."""
    return f"U+{ord(character):04X}"
