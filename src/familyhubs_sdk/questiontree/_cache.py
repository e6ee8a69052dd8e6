"""What the engine works out from a tree and keeps with it: bounded, typed and safe between threads.

A tree is shared by every request of a web process, so whatever the engine remembers about it is
read and written from many threads at once. Each thing remembered has its own slot with a real
key, in the manner of Jinja's ``LRUCache``: a lock, a capacity, ``get`` and ``set``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from datetime import date

    from familyhubs_sdk.questiontree._engine import JourneyState, Walk
    from familyhubs_sdk.questiontree._progress import ProgressBounds

__all__ = ["WALK_CACHE_SIZE", "LRUCache", "Once", "TreeCache", "WalkKey"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

#: Walks kept per tree: enough for one per worker thread of a busy web process.
WALK_CACHE_SIZE = 64


class LRUCache(Generic[K, V]):
    """At most ``capacity`` entries; the one used least recently goes first. Thread-safe.

    >>> cache: LRUCache[str, int] = LRUCache(2)
    >>> cache.set("a", 1)
    >>> cache.set("b", 2)
    >>> cache.get("a")
    1
    >>> cache.set("c", 3)  # "b" is now the one used least recently
    >>> cache.get("b") is None, len(cache)
    (True, 2)

    A copied or unpickled cache starts empty: everything in it can be worked out again.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self._capacity = capacity
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self._capacity

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or ``None``."""
        with self._lock:
            try:
                value = self._entries[key]
            except KeyError:
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used entry when full."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def keys(self) -> list[K]:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __reduce__(self) -> tuple[type[LRUCache[K, V]], tuple[int]]:
        return type(self), (self._capacity,)


class Once(Generic[T]):
    """A value built on first use, exactly once even when several threads ask at the same time."""

    def __init__(self) -> None:
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self, build: Callable[[], T]) -> T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = build()
                value = self._value
        return value

    def clear(self) -> None:
        with self._lock:
            self._value = None

    def __reduce__(self) -> tuple[type[Once[T]], tuple[()]]:
        return type(self), ()


class WalkKey:
    """A walk's key: the state, by value, and the day.

    A state's answers are a dict, so the state cannot be a key by itself; equal states share a
    walk (a walk depends only on the tree, the answers and the day), and a key holds its state,
    so it can never be mistaken for a later one.
    """

    __slots__ = ("_hash", "state", "today")

    def __init__(self, state: JourneyState, today: date) -> None:
        self.state = state
        self.today = today
        # Cheap, and equal for equal states; keys that collide are told apart by __eq__.
        self._hash = hash((today, len(state.answers), len(state.repeats), state.closed))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, WalkKey)
            and self.today == other.today
            and (self.state is other.state or self.state == other.state)
        )


class TreeCache:
    """What the engine derives from one tree, kept with it and never part of its value.

    * ``following``: the question after each one, in the top-level list and in each group's list
      (``end`` after the last), worked out when the tree is built;
    * ``walks``: the walks of the states walked most recently, by state and day;
    * ``bounds``: the fewest and most questions left from each node, built on first use.

    Any two compare equal, so two trees with the same fields are equal whatever each has cached;
    a copy or an unpickled tree starts with empty caches.
    """

    def __init__(
        self,
        following_top: Mapping[str, str],
        following_groups: tuple[Mapping[str, str], ...],
        walk_capacity: int = WALK_CACHE_SIZE,
    ) -> None:
        self.following_top = following_top
        self.following_groups = following_groups
        self.walks: LRUCache[WalkKey, Walk] = LRUCache(walk_capacity)
        self.bounds: Once[ProgressBounds] = Once()

    def clear(self) -> None:
        """Forget the walks and bounds (``following`` is part of the tree's shape and stays)."""
        self.walks.clear()
        self.bounds.clear()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TreeCache)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(
        self,
    ) -> tuple[type[TreeCache], tuple[Mapping[str, str], tuple[Mapping[str, str], ...], int]]:
        return type(self), (self.following_top, self.following_groups, self.walks.capacity)
