"""Whoosh tokenizers of Vietnamese text: pyvi words and syllables, with their offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
from whoosh.analysis import Token, Tokenizer

from ..text.memo import LastCall
from ..text.normalization import normalize
from ..text.segmentation import Span, cut, has_word, segment, syllables, units_of

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


def _odd_spacing(text: str) -> bool:
    """Whether normalised text holds whitespace other than single spaces and line breaks.

    After normalize() (clean() turns odd spaces into plain ones and drops control characters),
    these are the only other characters str.split() cuts at; substring tests are much faster
    than a regular expression over a whole body.
    """
    return "  " in text or "\t" in text or "\u2028" in text or "\u2029" in text


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


# A term list and each term's position (None: the positions are 0, 1, 2, ... in order).
Lowered = tuple[list[str], "list[int] | None"]


class TermTokenizer(Stateless, Tokenizer):
    """A Whoosh tokenizer over terms(): the Token objects are made only here."""

    # What joins the syllables of a multi-syllable term ('' when a term is one unit).
    joiner = ""

    def terms(self, value: str, tokenize: bool = True, **kwargs: object) -> Iterator[tuple[str, int, int, int]]:
        """(term, position, start, end) of each token."""
        raise NotImplementedError

    def spans(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Starts, ends and plainness (no punctuation at either end) of the tokens of normalised text."""
        raise NotImplementedError

    def lowered_terms(self, value: str, normalized: bool = False, **kwargs: object) -> Lowered:
        """terms() lowercased, with their positions: what indexing counts, made a list at a time.

        The same terms as `[t.lower() for t, ...]` over terms(): one lowercasing of the text and a
        slice per token, instead of a trimmed, joined and lowercased string per token. Texts where
        that would differ (lowercasing that changes lengths or depends on context, whitespace
        that str.split() cuts at other than single spaces, abbreviations the article defines) take
        terms() itself. normalized: value is normalised already (an Article's texts are).
        """
        text = value if normalized else _normalized(value)
        low = text.lower()
        table = kwargs.get("abbreviations") or {}
        whole = kwargs.get("tokenize") is False  # the text is one term: nothing to slice
        if whole or len(low) != len(text) or "Σ" in text or (self.joiner and _odd_spacing(text)):
            return self._general(value, **kwargs)
        starts, ends, plain = self.spans(text)
        source = low.replace(" ", self.joiner) if self.joiner else low
        first, last = starts.tolist(), ends.tolist()
        terms = [source[s:e] for s, e in zip(first, last, strict=True)]
        for i in np.flatnonzero(~plain).tolist():
            s, e = _trim(text, first[i], last[i])
            terms[i] = source[s:e]
        if table and not {k.lower() for k in table}.isdisjoint(terms):  # type: ignore[union-attr]
            return self._general(value, **kwargs)
        return terms, None

    def _general(self, value: str, **kwargs: object) -> Lowered:
        """lowered_terms() through terms(), a token at a time."""
        rows = list(self.terms(value, **kwargs))
        return [t.lower() for t, _, _, _ in rows], [p for _, p, _, _ in rows]

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

    joiner = "_"

    def spans(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Starts, ends and plainness of pyvi's words."""
        found = cut(text)
        return found.word_start, found.word_end, found.word_plain

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

    def spans(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Starts, ends and plainness of the units holding a letter or digit."""
        return syllables(text)

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
