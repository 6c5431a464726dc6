"""Whoosh filters: folding diacritics away, and pairs of adjacent syllables."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from whoosh.analysis import Filter, Token

from ..text.normalization import fold
from .tokenizers import Stateless

__all__ = ["FoldFilter", "PairFilter", "pair"]

# Tokens repeat heavily (a few tens of thousands of distinct syllables): a pure memo of fold.
_fold_token = functools.lru_cache(maxsize=200_000)(fold)


class FoldFilter(Stateless, Filter):
    """Strip diacritics (đ→d) and lowercase: 'Bắc' → 'bac'."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = _fold_token(t.text)
            yield t


def pair(first: str, second: str) -> str:
    """The term for two adjacent syllables ('khủng', 'bố' → 'khủng bố'); no syllable holds a space."""
    return f"{first} {second}"


class PairFilter(Stateless, Filter):
    """Each token preceded by the pair it forms with the one before: phrases match without positions."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        prev: str | None = None
        for t in tokens:
            text = t.text
            if prev is not None:
                # Whoosh reuses one Token object: yield the pair, then restore the syllable.
                t.text = pair(prev, text)
                yield t
                t.text = text
            yield t
            prev = text
