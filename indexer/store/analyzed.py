"""A field value analysed in a worker process, carried to the writer as columns."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.formats import Existence, Frequency
from whoosh.system import emptybytes, pack_uint

from .formats import PackedPositions

__all__ = ["Analyzed", "kind_of"]


class Analyzed:
    """A field value already run through its field's analyzer (in a worker), held as columns.

    Columns pickle as a few byte strings where (bytes, freq, weight, value) rows pickled as
    hundreds of tuples, and the writer appends them to its arrays without a loop per row.
    Iterating gives the rows back, as Whoosh's own writers expect them.
    """

    __slots__ = ("texts", "freqs", "weights", "counts", "positions", "kind")

    def __init__(self, rows: Any, kind: str) -> None:
        rows = list(rows)
        self.kind = kind  # "positions", "frequency" or "existence": what the value bytes hold
        self.texts: list[bytes] = [r[0] for r in rows]
        self.freqs = array("I", [r[1] for r in rows])
        self.weights = array("f", [r[2] for r in rows])
        self.counts = array("I", [len(r[3]) >> 2 for r in rows] if kind == "positions" else [])
        self.positions = b"".join([r[3] for r in rows]) if kind == "positions" else b""

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            setattr(self, name, value)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def length(self) -> int:
        """Tokens in the field (the sum of the frequencies)."""
        return sum(self.freqs)

    def __iter__(self) -> Iterator[tuple[bytes, int, float, bytes]]:
        start = 0
        for i, text in enumerate(self.texts):
            freq = self.freqs[i]
            if self.kind == "positions":
                end = start + 4 * self.counts[i]
                value, start = self.positions[start:end], end
            else:
                value = pack_uint(freq) if self.kind == "frequency" else emptybytes
            yield text, freq, self.weights[i], value


def kind_of(fmt: Any) -> str:
    """What an Analyzed value of this postings format holds: positions, frequency or existence."""
    if isinstance(fmt, PackedPositions):
        return "positions"
    if isinstance(fmt, Frequency):
        return "frequency"
    if isinstance(fmt, Existence):
        return "existence"
    raise TypeError(f"postings format {type(fmt).__name__} cannot be carried as columns")
