"""A small router: the paths below a mount point, matched to handler methods in order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Route", "RouteMatch", "Router"]

E = TypeVar("E")

# ``<name>`` matches one path segment of safe characters; ``<name:path>`` the rest of the path.
_PARAM = re.compile(r"<([a-z_][a-z0-9_]*)(?::(path))?>")
_SEGMENT = r"[A-Za-z0-9_\-]{1,200}"
_REST = r"[A-Za-z0-9_\-/]{1,500}"


def _compile(template: str) -> re.Pattern[str]:
    pattern, last = "", 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[last : match.start()])
        pattern += f"(?P<{match.group(1)}>{_REST if match.group(2) else _SEGMENT})"
        last = match.end()
    return re.compile(pattern + re.escape(template[last:]))


@dataclass(frozen=True, slots=True)
class Route(Generic[E]):
    """One path template (``"record/<subject_id>/reason"``) and what serves it."""

    template: str
    endpoint: E
    methods: frozenset[str]
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class RouteMatch(Generic[E]):
    """The route a path matched, its parameters, and whether the method is allowed."""

    route: Route[E]
    params: dict[str, str]
    method_allowed: bool


class Router(Generic[E]):
    """Routes in the order they were added; the first whose template matches the whole path wins.

    >>> router: Router[str] = Router()
    >>> router.add("", "start")
    >>> router.add("record/<subject_id>", "record", methods=("GET",))
    >>> found = router.match("record/abc", "POST")
    >>> found.route.endpoint, found.params, found.method_allowed
    ('record', {'subject_id': 'abc'}, False)
    """

    def __init__(self) -> None:
        self._routes: list[Route[E]] = []

    def add(self, template: str, endpoint: E, *, methods: Iterable[str] = ("GET", "POST")) -> None:
        """Serve ``template`` with ``endpoint`` for ``methods``."""
        self._routes.append(
            Route(template, endpoint, frozenset(m.upper() for m in methods), _compile(template))
        )

    def match(self, path: str, method: str) -> RouteMatch[E] | None:
        """The first route matching ``path`` (slashes at either end ignored), or ``None``."""
        path = path.strip("/")
        for route in self._routes:
            found = route.pattern.fullmatch(path)
            if found is not None:
                return RouteMatch(route, found.groupdict(), method.upper() in route.methods)
        return None
