"""The journey's URLs below its mount point, and the engine's step addresses they stand for.

A question's id (``consent``) is its own path; inside a repeating group, ``children[0].child_name``
is ``children/1/child_name`` (repetitions count from 1 in URLs, as people do) and the group's "add
another?" step ``children[+]`` is ``children/add``.
"""

from __future__ import annotations

import re

__all__ = ["CHANGE_QUERY", "address_to_path", "path_to_address", "step_href"]

#: Appended to a step's URL when it is changed from check your answers, to go back there.
CHANGE_QUERY = "?change=1"

_QUESTION_PATH = re.compile(r"[a-z][a-z0-9_]*")
_GROUP_PATH = re.compile(r"([a-z][a-z0-9_]*)/(?:(\d{1,3})/([a-z][a-z0-9_]*)|add)")
_ADDRESS = re.compile(r"([a-z][a-z0-9_]*)\[(\d+|\+)\](?:\.([a-z][a-z0-9_]*))?")


def address_to_path(address: str) -> str:
    """``children[0].child_name`` → ``children/1/child_name``; ``children[+]`` → ``children/add``.

    >>> address_to_path("children[0].child_name"), address_to_path("consent")
    ('children/1/child_name', 'consent')
    """
    match = _ADDRESS.fullmatch(address)
    if match is None:
        return address
    group, index, question = match.groups()
    return f"{group}/add" if index == "+" else f"{group}/{int(index) + 1}/{question}"


def path_to_address(path: str) -> str | None:
    """The inverse of :func:`address_to_path`; ``None`` for a path that is not a step.

    >>> path_to_address("children/1/child_name"), path_to_address("children/0/child_name")
    ('children[0].child_name', None)
    """
    if _QUESTION_PATH.fullmatch(path):
        return path
    match = _GROUP_PATH.fullmatch(path)
    if match is None:
        return None
    group, number, question = match.groups()
    if number is None:
        return f"{group}[+]"
    if int(number) < 1:
        return None
    return f"{group}[{int(number) - 1}].{question}"


def step_href(base: str, address: str, *, change: bool = False) -> str:
    """The URL of the step at ``address`` below ``base`` (no trailing slash).

    >>> step_href("/rs", "children[+]", change=True)
    '/rs/children/add?change=1'
    """
    return f"{base}/{address_to_path(address)}" + (CHANGE_QUERY if change else "")
