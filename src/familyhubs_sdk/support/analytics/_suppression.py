"""One rule for publishing small numbers, applied to every figure the analytics pages show.

UK public bodies hide counts from 1 to 4 (statistical disclosure control) so that no family can
be picked out. Hiding one cell is not enough where the reader also sees what the cells add up
to: ``total - the other cells`` gives it back. So in such a table :meth:`Suppression.table`
also withholds the smallest other count (secondary suppression), and goes on until no concealed
count can be worked out — two hidden counts of "fewer than 5" that add up to 2 can only be 1
and 1. A withheld count says nothing of its size, not even whether it is 0. A figure worked out
from a hidden count (a rate, a median, a share) is hidden with it.

>>> rule = Suppression()
>>> rule.count(3), rule.count(0), rule.count(12)
('fewer than 5', '0', '12')
>>> rule.table([3, 7, 20], total=30)
['fewer than 5', 'withheld', '20']
>>> Suppression(below=1).table([3, 7], total=10)
['3', '7']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_SUPPRESSION",
    "DEFAULT_SUPPRESS_BELOW",
    "NOT_SHOWN",
    "NO_SUPPRESSION",
    "WITHHELD",
    "Suppression",
]

#: Counts below this are shown as "fewer than 5".
DEFAULT_SUPPRESS_BELOW = 5
#: Shown for a count hidden so that a smaller hidden count cannot be worked out.
WITHHELD = "withheld"
#: Shown for a rate, median or share worked out from a hidden count.
NOT_SHOWN = "not shown (too few)"


@dataclass(frozen=True, slots=True)
class Suppression:
    """Counts from 1 to ``below - 1`` are published as "fewer than ``below``".

    ``Suppression(below=1)`` hides nothing: for a service team's own working figures, never for
    a page others see.
    """

    below: int = DEFAULT_SUPPRESS_BELOW

    def __post_init__(self) -> None:
        if self.below < 1:
            raise ValueError("suppress below must be 1 or more")

    @property
    def small(self) -> str:
        """What a hidden count reads as: "fewer than 5"."""
        return f"fewer than {self.below}"

    def hides(self, count: int) -> bool:
        """Whether ``count`` on its own is too small to publish."""
        return 0 < count < self.below

    def count(self, count: int) -> str:
        """One count as published."""
        return self.small if self.hides(count) else str(count)

    def table(self, counts: Sequence[int], *, total: int | None = None) -> list[str]:
        """A table's counts as published.

        :param total: what the counts add up to, when the reader can see or work it out (a
            published total, or a row or column of the same page); ``None`` when the cells do
            not add up to anything shown (a request counted under several areas of need). A
            total that is itself hidden gives nothing away, so no cell is withheld for it.
        """
        hidden = [self.hides(count) for count in counts]
        withheld = [False] * len(counts)
        if total is not None and not self.hides(total):
            while self._recoverable(counts, total, hidden, withheld):
                # Withhold the smallest count still shown; once none is left, a hidden count,
                # then a zero: "withheld" says nothing of a count's size, not even that it is 0.
                open_ = [i for i in range(len(counts)) if not withheld[i]]
                candidates = (
                    [i for i in open_ if counts[i] > 0 and not hidden[i]]
                    or [i for i in open_ if hidden[i]]
                    or open_
                )
                if not candidates:  # pragma: no cover - all withheld: nothing can be pinned
                    break
                withheld[min(candidates, key=lambda i: (counts[i], i))] = True
        return [
            WITHHELD if withheld[i] else self.small if hidden[i] else str(count)
            for i, count in enumerate(counts)
        ]

    def _recoverable(
        self,
        counts: Sequence[int],
        total: int,
        hidden: Sequence[bool],
        withheld: Sequence[bool],
    ) -> bool:
        """Whether a reader who knows the total can pin any concealed count to one value.

        The reader knows a "fewer than N" count is from 1 to N-1, a withheld one is from 0 to
        the total, and the concealed counts add up to the total less the counts shown. Sums of
        whole-number ranges are ranges, so a count is pinned exactly when its own range, cut to
        what the others' ranges leave, is a single number.
        """
        concealed = [i for i in range(len(counts)) if hidden[i] or withheld[i]]
        if not concealed:
            return False
        remainder = total - sum(n for i, n in enumerate(counts) if i not in concealed)
        ranges = [(0, remainder) if withheld[i] else (1, self.below - 1) for i in concealed]
        low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
        for own_low, own_high in ranges:
            lowest = max(own_low, remainder - (high - own_high))
            highest = min(own_high, remainder - (low - own_low))
            if lowest >= highest:
                return True
        return False

    def derived(self, value: str, *counts: int) -> str:
        """A figure worked out from ``counts`` (a rate, a median), or :data:`NOT_SHOWN` when
        any of them is hidden."""
        return NOT_SHOWN if any(self.hides(count) for count in counts) else value


#: The rule every analytics page uses unless the host passes another.
DEFAULT_SUPPRESSION = Suppression()
#: Hides nothing: for a service team's own working figures only.
NO_SUPPRESSION = Suppression(below=1)
