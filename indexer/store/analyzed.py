"""A field value analysed in a worker process, carried to the writer as columns."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
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

    @classmethod
    def of_terms(cls, terms: list[str], positions: Sequence[int] | None, kind: str, boost: float) -> Analyzed:
        """The value a field's format would make of these terms (in token order, with their
        positions; None: 0, 1, 2, ...), made from arrays: one row per distinct term, in order of
        first occurrence, its count, its weight (count × boost) and, kept as positions, its
        positions ascending as little-endian uint32s."""
        if kind not in ("positions", "frequency"):
            raise ValueError(f"terms cannot make a {kind!r} value (Whoosh's Existence keeps no counts)")
        out = cls.__new__(cls)
        out.kind = kind
        if kind != "positions":
            counted = Counter(terms)
            out.texts = _encoded(counted)
            out.freqs = array("I", counted.values())
            out.weights = array("f", [n * boost for n in counted.values()])
            out.counts, out.positions = array("I"), b""
            return out
        distinct = dict.fromkeys(terms)
        number = {t: i for i, t in enumerate(distinct)}
        ids = np.fromiter(map(number.__getitem__, terms), dtype=np.int64, count=len(terms))
        freqs = np.bincount(ids, minlength=len(number)).astype(np.uint32)
        # A stable sort by term keeps each term's positions in token order, which is ascending.
        order = np.argsort(ids, kind="stable")
        where = order if positions is None else np.asarray(positions, dtype=np.int64)[order]
        out.texts = _encoded(distinct)
        out.freqs = array("I", freqs.tobytes())
        out.weights = array("f", (freqs * boost).astype(np.float32).tobytes())  # as float(n) * boost, rounded
        out.counts = array("I", freqs.tobytes())
        out.positions = where.astype("<u4").tobytes()
        return out

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


def _encoded(terms: Any) -> list[bytes]:
    """Each term as UTF-8: one encoding of them all joined by NUL, split again. Normalisation
    removes control characters; if a term holds a NUL all the same, the pieces outnumber the
    terms and each is encoded on its own."""
    out = "\0".join(terms).encode("utf-8").split(b"\0")
    return out if len(out) == len(terms) else [t.encode("utf-8") for t in terms]


def kind_of(fmt: Any) -> str:
    """What an Analyzed value of this postings format holds: positions, frequency or existence."""
    if isinstance(fmt, PackedPositions):
        return "positions"
    if isinstance(fmt, Frequency):
        return "frequency"
    if isinstance(fmt, Existence):
        return "existence"
    raise TypeError(f"postings format {type(fmt).__name__} cannot be carried as columns")
