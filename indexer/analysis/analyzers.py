"""The analyzers the schema and the query parser compose from the tokenizers and filters."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import LowercaseFilter

from .filters import FoldFilter, PairFilter
from .tokenizers import Lowered, SyllableTokenizer, TermTokenizer, WordTokenizer

__all__ = [
    "word_analyzer",
    "syllable_analyzer",
    "syllable_pairs_analyzer",
    "folded_analyzer",
    "plain_terms",
    "lowered_terms",
]


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


def _ours(analyzer: object) -> TermTokenizer | None:
    """The tokenizer of this package's word or syllable analyzer (a TermTokenizer, lowercased)."""
    items = getattr(analyzer, "items", ())
    if len(items) == 2 and isinstance(items[0], TermTokenizer) and type(items[1]) is LowercaseFilter:
        return items[0]
    return None


def plain_terms(analyzer: object, value: str, **kwargs: object) -> Iterator[tuple[str, int]] | None:
    """(term, position) of each token analyzer(value) would give, for this package's word and
    syllable analyzers (None for any other): indexing counts terms without Token objects."""
    tokenizer = _ours(analyzer)
    if tokenizer is None:
        return None
    return ((term.lower(), pos) for term, pos, _, _ in tokenizer.terms(value, **kwargs))


def lowered_terms(analyzer: object, value: str, **kwargs: object) -> Lowered | None:
    """plain_terms() as a list of terms and one of positions (None: 0, 1, 2, ...), made a text
    at a time rather than a token at a time; None for analyzers other than this package's."""
    tokenizer = _ours(analyzer)
    return tokenizer.lowered_terms(value, **kwargs) if tokenizer is not None else None
