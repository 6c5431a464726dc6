"""Whoosh analysis components for Vietnamese: pyvi words, syllables and folded syllables."""

from __future__ import annotations

import functools
import re
import string
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from .text import fold, normalize

__all__ = [
    "Span",
    "segment",
    "abbreviations",
    "Abbreviations",
    "WordTokenizer",
    "SyllableTokenizer",
    "FoldFilter",
    "PairFilter",
    "pair",
    "plain_terms",
    "word_analyzer",
    "syllable_analyzer",
    "syllable_pairs_analyzer",
    "folded_analyzer",
]

Span = tuple[int, int]

# The same units pyvi's own syllabiser cuts (abbreviations, URLs, e-mails, grouped digits, single
# punctuation, words), so that its CRF model sees the sequences it was trained on; finditer keeps
# the offsets that pyvi's findall throws away.
_UNITS = re.compile(
    r"[A-ZĐ]+\.|Tp\.|Mr\.|Mrs\.|Ms\.|Dr\.|ThS\."
    r"|==>|->|\.\.\.|>>"
    r"|\w+://\S+"
    r"|[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+"
    r"|\d+(?:[.,_]\d+)+"
    r"|[^\w\s]"
    r"|\w+"
)
_EDGE = re.compile(r"^[\W_]+")
_TAIL = re.compile(r"[\W_]+$")
_HAS_WORD = re.compile(r"[^\W_]")
_PUNCT = set(string.punctuation)
# A CRF sequence longer than this is cut: pyvi builds a dict of features per unit, so one huge
# paragraph would otherwise cost gigabytes.
_MAX_SEQ = 400


def _units(text: str) -> list[Span]:
    """Spans of pyvi's syllable units in text (no unit holds whitespace, so none spans a line)."""
    return [m.span() for m in _UNITS.finditer(text)]


_last_units: list[tuple[str, list[Span]]] = [("", [])]


def _units_of(text: str) -> list[Span]:
    """_units(text), remembering the last answer: a text's words and then its syllables use it."""
    if text is not _last_units[0][0]:
        _last_units[0] = (text, _units(text))
    return _last_units[0][1]


def _joinable(prev: str, cur: str) -> bool:
    """pyvi's own guard: never glue punctuation, digits, or a capital onto a lowercase word."""
    return not (
        cur in _PUNCT
        or prev in _PUNCT
        or cur[0].isdigit()
        or prev[0].isdigit()
        or (cur[0].istitle() and not prev[0].istitle())
        or not _HAS_WORD.search(cur)
        or not _HAS_WORD.search(prev)
    )


def _predict(sequences: list[list[str]]) -> list[list[str]]:
    """Run pyvi's CRF over several unit sequences at once."""
    from pyvi.ViTokenizer import ViTokenizer  # loading the model takes a second: only on first use

    feats = [ViTokenizer.sent2features(seq, False) for seq in sequences]
    return ViTokenizer.model.predict(feats)


def segment(text: str) -> list[Span]:
    """Word spans of already-normalised text (a word may span several syllables), from pyvi."""
    sequences: list[list[Span]] = []
    units = _units_of(text)
    starts = [s for s, _ in units]
    for para in re.finditer(r"[^\n]+", text):
        lo, hi = bisect_left(starts, para.start()), bisect_left(starts, para.end())
        for i in range(lo, hi, _MAX_SEQ):
            sequences.append(units[i : min(i + _MAX_SEQ, hi)])
    sequences = [seq for seq in sequences if seq]
    if not sequences:
        return []
    labels = _predict([[text[s:e] for s, e in seq] for seq in sequences])
    words: list[Span] = []
    for seq, tags in zip(sequences, labels, strict=True):
        start, end = seq[0]
        for (s, e), tag, (ps, pe) in zip(seq[1:], tags[1:], seq[:-1], strict=True):
            if tag == "I_W" and _joinable(text[ps:pe], text[s:e]):
                end = e
            else:
                words.append((start, end))
                start, end = s, e
        words.append((start, end))
    return [w for w in words if _HAS_WORD.search(text, w[0], w[1])]


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


# An abbreviation defined in parentheses after the words it stands for: "phòng, chống khủng bố
# (PCKB)", "Ủy ban nhân dân (UBND)". Vietnamese news define one once, then use it alone.
_DEFINITION = re.compile(r"\(([A-ZĐ]{2,8})\)")
# Abbreviation → (its pyvi words, its syllables), e.g. 'PCKB' → (phòng, chống, khủng_bố), (...).
Abbreviations = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def abbreviations(texts: Sequence[str]) -> Abbreviations:
    """Abbreviations defined anywhere in a document's (normalised) texts."""
    found: Abbreviations = {}
    for text in texts:
        units: list[Span] | None = None
        for m in _DEFINITION.finditer(text):
            abbr = m.group(1)
            if abbr in found:
                continue
            units = units if units is not None else _units(text)
            syllables: list[Span] = []
            # Walk back from "(" over the syllables, letting commas and hyphens through.
            for s, e in reversed([u for u in units if u[1] <= m.start()]):
                if _HAS_WORD.search(text, s, e):
                    syllables.append((s, e))
                    if len(syllables) == len(abbr):
                        break
                elif text[s:e] not in (",", "-"):
                    break
            initials = "".join(fold(text[s])[:1] for s, _ in syllables[::-1])
            if len(syllables) == len(abbr) and initials == fold(abbr):
                phrase = text[syllables[-1][0] : syllables[0][1]]
                words = tuple("_".join(phrase[a:b].split()) for a, b in segment(phrase))
                found[abbr] = (words, tuple(text[a:b] for a, b in syllables[::-1]))
    return found


_last: list[str] = ["", ""]


def _normalized(value: str) -> str:
    """normalize(value), remembering the last answer (each text goes to three fields in turn)."""
    if value is not _last[0]:
        _last[0], _last[1] = value, normalize(value)
    return _last[1]


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


class _Stateless:
    """Components without settings: any two of a class are equal (Whoosh compares analyzers)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class _TermTokenizer(_Stateless, Tokenizer):
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


class WordTokenizer(_TermTokenizer):
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


class SyllableTokenizer(_TermTokenizer):
    """Each pyvi syllable unit a token ('khủng bố' → 'khủng', 'bố')."""

    def terms(
        self, value: str, tokenize: bool = True, **kwargs: object
    ) -> Iterator[tuple[str, int, int, int]]:
        """(syllable, position, start, end) of each token, without Whoosh's Token objects."""
        text = _normalized(value)
        if tokenize:
            spans = [(s, e) for s, e in _units_of(text) if _HAS_WORD.search(text, s, e)]
        else:
            spans = [(0, len(text))]
        table = kwargs.get("abbreviations") or {}
        expand = {k: syllables for k, (_, syllables) in table.items()}  # type: ignore[union-attr]
        return _terms(text, spans, "", expand)


def plain_terms(analyzer: object, value: str, **kwargs: object) -> Iterator[tuple[str, int]] | None:
    """(term, position) of each token analyzer(value) would give, for this module's word and
    syllable analyzers (None for any other): indexing counts terms without Token objects."""
    items = getattr(analyzer, "items", ())
    ours = len(items) == 2 and isinstance(items[0], _TermTokenizer)
    if ours and type(items[1]) is LowercaseFilter:
        return ((term.lower(), pos) for term, pos, _, _ in items[0].terms(value, **kwargs))
    return None


# Tokens repeat heavily (a few tens of thousands of distinct syllables), so memoise the fold.
_fold_token = functools.lru_cache(maxsize=200_000)(fold)


class FoldFilter(_Stateless, Filter):
    """Strip diacritics (đ→d) and lowercase: 'Bắc' → 'bac'."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = _fold_token(t.text)
            yield t


def pair(first: str, second: str) -> str:
    """The term for two adjacent syllables ('khủng', 'bố' → 'khủng bố'); no syllable holds a space."""
    return f"{first} {second}"


class PairFilter(_Stateless, Filter):
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
