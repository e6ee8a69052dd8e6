"""Hostile strings and an HTML structure check shared by the rendering safety tests.

``structure(html)`` parses like a browser (html5lib) and returns every element with its attribute
names, so a test can compare the page built from a hostile value with the page built from a
harmless one: any new element, attribute or event handler is an injection.
"""

from __future__ import annotations

from typing import Any

import html5lib
from hypothesis import strategies as st

#: Classic payloads for every context: text, quoted attribute, URL, template syntax.
XSS_CORPUS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</a><svg onload=alert(1)>",
    "</h2></div><iframe src=javascript:alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "&#106;avascript:alert(1)",
    "&lt;script&gt;",
    "{{ 7*7 }}{% raw %}",
    "<!--",
    "]]><![CDATA[",
    "<style>*{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "\u2028\u2029",
    "\x00\x01\x7f",
    "<a href=//evil.example>x</a>",
    "`${alert(1)}`",
    "<base href=//evil.example/>",
    "<form action=//evil.example><button>x</button></form>",
)

hostile_text = st.one_of(
    st.sampled_from(XSS_CORPUS),
    st.text(max_size=60),
    st.text(alphabet="<>\"'&=/ :;`{}%!-\\\x00\t\n", max_size=40),
    st.lists(st.sampled_from(XSS_CORPUS), min_size=1, max_size=3).map("".join),
    st.tuples(st.text(max_size=10), st.sampled_from(XSS_CORPUS)).map("".join),
)


def structure(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every element in document order as (tag, sorted attribute names)."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    found: list[tuple[str, tuple[str, ...]]] = []
    for element in fragment.iter():
        if isinstance(element.tag, str) and element.tag != "DOCUMENT_FRAGMENT":
            found.append((element.tag, tuple(sorted(element.attrib))))
    return found


def attribute_values(html: str, name: str) -> list[Any]:
    """Every value of attribute ``name`` in ``html``, as the browser would read it."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return [el.attrib[name] for el in fragment.iter() if name in getattr(el, "attrib", {})]
