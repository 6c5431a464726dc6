"""The analyzers the schema and the query parser compose from the tokenizers and filters."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import LowercaseFilter

from .filters import FoldFilter, PairFilter
from .tokenizers import SyllableTokenizer, TermTokenizer, WordTokenizer

__all__ = ["word_analyzer", "syllable_analyzer", "syllable_pairs_analyzer", "folded_analyzer", "plain_terms"]


def word_analyzer() -> object:
    """pyvi words, lowercased."""
    return WordTokenizer() | LowercaseFilter()


def syllable_analyzer() -> object:
    """Syllables, lowercased, diacritics kept."""
    return SyllableTokenizer() | LowercaseFilter()


def syllable_pairs_analyzer() -> object:
    """Syllables and adjacent pairs of syllables, lowercased, diacritics kept (the indexed form)."""
    return SyllableTokenizer() | LowercaseFilter() | PairFilter()


def folded_analyzer() -> object:
    """Syllables without diacritics."""
    return SyllableTokenizer() | FoldFilter()


def plain_terms(analyzer: object, value: str, **kwargs: object) -> Iterator[tuple[str, int]] | None:
    """(term, position) of each token analyzer(value) would give, for this package's word and
    syllable analyzers (None for any other): indexing counts terms without Token objects."""
    items = getattr(analyzer, "items", ())
    ours = len(items) == 2 and isinstance(items[0], TermTokenizer)
    if ours and type(items[1]) is LowercaseFilter:
        return ((term.lower(), pos) for term, pos, _, _ in items[0].terms(value, **kwargs))
    return None
