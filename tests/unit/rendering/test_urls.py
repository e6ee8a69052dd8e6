"""The URL allowlist, read the way a browser reads a scheme."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyhubs_sdk.errors import UnsafeURLError
from familyhubs_sdk.rendering import is_safe_url, safe_url, validate_url

SAFE = [
    "https://www.gov.uk/",
    "http://localhost:8000/x?y=1#z",
    "mailto:duty.team@example.gov.uk",
    "tel:+441234567890",
    "/timeline/abc?kind=health",
    "?page=2",
    "#main-content",
    "relative/path",
    "//cdn.example.org/x.css",
    "",
    "HTTPS://EXAMPLE.ORG",
]
UNSAFE = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "\x00javascript:alert(1)",
    "\x01\x02 javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "jav\u200bascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VbScRiPt:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/",
    "blob:https://example.org/uuid",
    "1javascript:alert(1)",
    "javascript\x00:alert(1)",
]


@pytest.mark.parametrize("url", SAFE)
def test_allowed(url: str) -> None:
    assert is_safe_url(url)
    assert validate_url(url) == url
    assert safe_url(url) == url


@pytest.mark.parametrize("url", UNSAFE)
def test_refused(url: str) -> None:
    assert not is_safe_url(url)
    assert safe_url(url) == "#"
    with pytest.raises(UnsafeURLError) as caught:
        validate_url(url)
    assert caught.value.code == "unsafe_url"


@pytest.mark.parametrize("url", ["\x00/start", "/start\x00", "\x08\x00\x08x", "/a\x00b"])
def test_a_nul_anywhere_is_refused(url: str) -> None:
    # The HTML parser turns NUL into U+FFFD: the page would hold a URL nobody checked.
    assert safe_url(url) == "#"


def test_non_strings_are_refused() -> None:
    assert safe_url(None) == "#"
    assert safe_url(42) == "#"
    assert not is_safe_url(b"https://x")  # type: ignore[arg-type]


_NOISE = st.text(alphabet="\t\n\r \x00\x01\x08\x0b\x0c\x1f", max_size=4)


@st.composite
def disguised_scheme(draw: st.DrawFn) -> str:
    """A dangerous scheme with random case, browser-ignored characters and leading junk."""
    scheme = draw(st.sampled_from(["javascript", "data", "vbscript"]))
    cased = "".join(char.upper() if draw(st.booleans()) else char.lower() for char in scheme)
    pieces = [
        draw(_NOISE.filter(lambda s: not s.strip(" \x00\x01\x08\x0b\x0c\x1f")))
        if draw(st.booleans())
        else ""
        for _ in cased
    ]
    body = "".join(char + piece for char, piece in zip(cased, pieces, strict=True))
    prefix = draw(_NOISE)
    return prefix + body + ":" + draw(st.text(max_size=20))


@given(disguised_scheme())
def test_disguised_dangerous_schemes_are_always_refused(url: str) -> None:
    assert safe_url(url) == "#"


@given(st.text())
def test_whatever_is_allowed_never_reads_as_a_dangerous_scheme(url: str) -> None:
    if is_safe_url(url):
        # What a browser does before reading the scheme: strip C0/space edges, drop tab/CR/LF.
        seen = (
            url.strip("".join(chr(c) for c in range(0x21)))
            .translate(str.maketrans("", "", "\t\n\r"))
            .lower()
        )
        assert not seen.startswith(("javascript:", "data:", "vbscript:"))
