"""Whoosh tokenizers of Vietnamese text: pyvi words and syllables, with their offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from whoosh.analysis import Token, Tokenizer

from ..text.memo import LastCall
from ..text.normalization import normalize
from ..text.segmentation import Span, has_word, segment, units_of

__all__ = ["WordTokenizer", "SyllableTokenizer", "TermTokenizer", "Stateless"]

_EDGE = re.compile(r"^[\W_]+")
_TAIL = re.compile(r"[\W_]+$")
# Each text goes to three fields in turn.
_normalized = LastCall(normalize)


def _trim(text: str, start: int, end: int) -> Span:
    """Shrink a span so it neither starts nor ends with punctuation ('TP.' → 'TP')."""
    if text[start].isalnum() and text[end - 1].isalnum():
        return start, end  # the common case, without a regex
    piece = text[start:end]
    lead = _EDGE.match(piece)
    if lead and lead.end() < len(piece):
        start += lead.end()
        piece = piece[lead.end() :]
    tail = _TAIL.search(piece)
    if tail and tail.start() > 0:
        end -= len(piece) - tail.start()
    return start, end



def _terms(
    text: str, spans: Sequence[Span], joiner: str, expand: Mapping[str, tuple[str, ...]] | None
) -> Iterator[tuple[str, int, int, int]]:
    """(term, position, start, end) per span, trimmed; a defined abbreviation also gives its words.

    The words take consecutive positions from the abbreviation's own, so phrases over them match,
    and carry the abbreviation's offsets, so a highlight lands on it.
    """
    pos = 0
    for s, e in spans:
        s, e = _trim(text, s, e)
        surface = text[s:e]
        term = joiner.join(surface.split()) if joiner else surface
        yield term, pos, s, e
        extra = expand.get(surface) if expand else None
        if extra is None:
            pos += 1
            continue
        for n, word in enumerate(extra):
            yield word, pos + n, s, e
        pos += max(1, len(extra))


def _emit(
    terms: Iterator[tuple[str, int, int, int]],
    positions: bool,
    chars: bool,
    keeporiginal: bool,
    removestops: bool,
    start_pos: int,
    start_char: int,
    mode: str,
) -> Iterator[Token]:
    """Yield one reused Token per term, Whoosh style."""
    t = Token(positions, chars, removestops=removestops, mode=mode)
    for text, pos, s, e in terms:
        t.text = text
        t.boost = 1.0
        t.stopped = False
        if keeporiginal:
            t.original = t.text
        if positions:
            t.pos = start_pos + pos
        if chars:
            t.startchar = start_char + s
            t.endchar = start_char + e
        yield t


class Stateless:
    """Components without settings: any two of a class are equal (Whoosh compares analyzers)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class TermTokenizer(Stateless, Tokenizer):
    """A Whoosh tokenizer over terms(): the Token objects are made only here."""

    def terms(self, value: str, tokenize: bool = True, **kwargs: object) -> Iterator[tuple[str, int, int, int]]:
        """(term, position, start, end) of each token."""
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        terms = self.terms(value, tokenize, **kwargs)
        return _emit(terms, positions, chars, keeporiginal, removestops, start_pos, start_char, mode)


class WordTokenizer(TermTokenizer):
    """pyvi words ('khủng bố' → 'khủng_bố'), with offsets into the normalised text."""

    def terms(
        self, value: str, tokenize: bool = True, **kwargs: object
    ) -> Iterator[tuple[str, int, int, int]]:
        """(word, position, start, end) of each token, without Whoosh's Token objects."""
        text = _normalized(value)
        spans = segment(text) if tokenize else [(0, len(text))]
        table = kwargs.get("abbreviations") or {}
        expand = {k: words for k, (words, _) in table.items()}  # type: ignore[union-attr]
        return _terms(text, spans, "_", expand)


class SyllableTokenizer(TermTokenizer):
    """Each pyvi syllable unit a token ('khủng bố' → 'khủng', 'bố')."""

    def terms(
        self, value: str, tokenize: bool = True, **kwargs: object
    ) -> Iterator[tuple[str, int, int, int]]:
        """(syllable, position, start, end) of each token, without Whoosh's Token objects."""
        text = _normalized(value)
        if tokenize:
            spans = [(s, e) for s, e in units_of(text) if has_word(text, s, e)]
        else:
            spans = [(0, len(text))]
        table = kwargs.get("abbreviations") or {}
        expand = {k: syllables for k, (_, syllables) in table.items()}  # type: ignore[union-attr]
        return _terms(text, spans, "", expand)
