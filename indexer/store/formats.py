"""Whoosh postings formats whose values this package's codec packs as arrays."""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.formats import Frequency, Positions, tokens
from whoosh.system import pack_uint

from ..analysis.analyzers import plain_terms

__all__ = ["VietFrequency", "PackedPositions"]


class VietFrequency(Frequency):
    """Whoosh's Frequency, counting the terms of this package's analyzers without Token objects."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        """(term, count, weight, encoded count) per distinct term of value."""
        fast = plain_terms(analyzer, value, **kwargs) if isinstance(value, str) else None
        if fast is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for text, n in Counter(term for term, _ in fast).items():
            yield text, n, n * boost, pack_uint(n)


def _le_bytes(values: array[int]) -> bytes:
    """uint32 values as little-endian bytes."""
    if sys.byteorder != "little":
        values = array("I", values)
        values.byteswap()
    return values.tobytes()


class PackedPositions(Positions):
    """Whoosh's Positions, each posting's value being its positions as little-endian uint32s.

    Unlike Whoosh's pickled deltas, such values join and split as arrays: the codec packs a
    block's positions with numpy and reads a whole list's positions back in one go.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        """(term, count, weight, positions) per distinct term of value, as Positions gives them."""
        fast = plain_terms(analyzer, value, **kwargs) if isinstance(value, str) else None
        if fast is not None:
            # This package's analyzers give every token a boost of 1.
            found = ((term, pos, 1.0) for term, pos in fast)
        else:
            kwargs["positions"] = True
            kwargs["boosts"] = True
            found = ((t.text, t.pos, t.boost) for t in tokens(value, analyzer, kwargs))
        places: dict[str, array[int]] = {}
        weights: dict[str, float] = {}
        for text, pos, boost in found:
            where = places.get(text)
            if where is None:
                places[text] = array("I", (pos,))
                weights[text] = boost
            else:
                where.append(pos)
                weights[text] += boost
        for text, where in places.items():
            yield text, len(where), weights[text] * self.field_boost, _le_bytes(where)

    def encode(self, poslist: list[int]) -> bytes:
        """Positions (ascending) as bytes."""
        return _le_bytes(array("I", poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """The positions of one posting."""
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        """How many times the term occurs."""
        return len(valuestring) // 4

    def combine(self, vs: list[bytes]) -> bytes:
        """The union of several postings' positions."""
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))
