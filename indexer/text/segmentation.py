"""pyvi's word segmentation of normalised text, as character spans (pyvi itself gives none)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .crf import pyvi_labeller
from .memo import LastCall

__all__ = [
    "Span",
    "Cut",
    "cut",
    "cut_all",
    "syllables",
    "units",
    "units_of",
    "segment",
    "segment_all",
    "batch",
    "tokenize",
    "tokenize_all",
    "has_word",
    "warm_up",
    "use_pyvi",
    "use_segmenter",
]

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Cut:
    """A text's pyvi words and its syllables (the units holding a letter or digit) as offset
    arrays; `*_plain` marks the spans that start and end with a letter or digit, which the
    analyzers take as they are (the others they trim of punctuation first)."""

    word_start: np.ndarray
    word_end: np.ndarray
    word_plain: np.ndarray
    syllable_start: np.ndarray
    syllable_end: np.ndarray
    syllable_plain: np.ndarray

    def words(self) -> list[Span]:
        """The word spans, as segment() gives them."""
        return list(zip(self.word_start.tolist(), self.word_end.tolist(), strict=True))


# The same units pyvi's own syllabiser cuts (abbreviations, URLs, e-mails, grouped digits, single
# punctuation, words), so that its CRF model sees the sequences it was trained on; _cut keeps the
# offsets that pyvi's findall throws away.
_SPECIALS = r"==>|->|\.\.\.|>>"
_TAIL = (
    r"|\w+://\S+"
    r"|[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+"
    r"|\d+(?:[.,_]\d+)+"
    r"|[^\w\s]"
    r"|\w+"
)
_ABBREVIATIONS = r"[A-ZĐ]+\.|Tp\.|Mr\.|Mrs\.|Ms\.|Dr\.|ThS\.|"
_UNITS = re.compile(_ABBREVIATIONS + _SPECIALS + _TAIL)
# pyvi's own syllabiser (ViTokenizer.sylabelize) also makes a line break a unit.
_PYVI_UNITS = re.compile(_ABBREVIATIONS + _SPECIALS + r"|\n" + _TAIL)
_HAS_WORD = re.compile(r"[^\W_]")
_NEWLINE = re.compile("\n")
_PUNCT = set(string.punctuation)
# A CRF sequence longer than this is cut: pyvi builds a dict of features per unit, so one huge
# paragraph would otherwise cost gigabytes.
_MAX_SEQ = 400


# Each unit with the whitespace before it: findall then gives every offset by adding lengths up.
_SPACED_UNITS = re.compile(r"\s*(?:" + _UNITS.pattern + ")")


def _cut(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """pyvi's syllable units of text: their strings, start and end offsets."""
    spaced = _SPACED_UNITS.findall(text)
    pieces = list(map(str.lstrip, spaced))
    ends = np.cumsum(np.fromiter(map(len, spaced), dtype=np.intp, count=len(spaced)))
    return pieces, ends - np.fromiter(map(len, pieces), dtype=np.intp, count=len(pieces)), ends


def units(text: str) -> list[Span]:
    """Spans of pyvi's syllable units in text (no unit holds whitespace, so none spans a line)."""
    _, starts, ends = _cut(text)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


# A text's words and then its syllables are cut from the same units.
units_of = LastCall(units)


def has_word(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when text[start:end] holds a letter or digit (not only punctuation)."""
    return _HAS_WORD.search(text, start, len(text) if end is None else end) is not None


# Whether pyvi itself labels the units (its own features and CRFsuite's tagger) instead of the
# project's labeller (indexer/text/crf.py: the same labels, faster). Off in the product; the
# benchmarks turn it on for the pyvi-only pass they compare against, once per process.
_pyvi = False


def use_pyvi(on: bool) -> None:
    """Label units with pyvi's own code (True) or with the project's labeller of its model."""
    global _pyvi
    _pyvi = on


# What segment() and batch() call for spans: segment_all, or a stand-in that must answer exactly
# as it would. The scale benchmark's corpora recombine real sentences, one per line, so its
# stand-in looks each line up in spans cached once per sentence (bench/scale_spans.py).
_segmenter: Callable[[Sequence[str]], list[list[Span]]] | None = None


def use_segmenter(segmenter: Callable[[Sequence[str]], list[list[Span]]] | None) -> None:
    """Have segment() and batch() take their spans from segmenter (None: segment_all)."""
    global _segmenter
    _segmenter = segmenter


def _spans(texts: Sequence[str]) -> list[list[Span]]:
    return (_segmenter or segment_all)(texts)


def warm_up() -> None:
    """Load pyvi's model now (before forking workers, so that they share it)."""
    segment("Khởi động")


def tokenize(text: str) -> str:
    """ViTokenizer.tokenize(text), exactly: a word's syllables joined by "_", tokens by spaces."""
    return tokenize_all([text])[0]


def tokenize_all(texts: Sequence[str]) -> list[str]:
    """tokenize() of several texts, labelled together."""
    cut = [_PYVI_UNITS.findall(unicodedata.normalize("NFC", text)) for text in texts]
    lengths = np.array([len(units) for units in cut], dtype=np.intp)
    inside = _inside([u for units in cut for u in units], lengths).tolist()
    ends = np.cumsum(lengths).tolist()
    # No units: pyvi answers with the text as given.
    return [
        _joined(units, inside[end - len(units) : end]) if units else text
        for text, units, end in zip(texts, cut, ends, strict=True)
    ]


def _joined(units: list[str], inside: Sequence[bool]) -> str:
    """pyvi's output of labelled units."""
    out = [units[0]]
    for i in range(1, len(units)):
        cur, prev = units[i], units[i - 1]
        # pyvi's guard, as it is written: `in string.punctuation` tests for a substring.
        glue = (
            inside[i]
            and cur not in string.punctuation
            and prev not in string.punctuation
            and not cur[0].isdigit()
            and not prev[0].isdigit()
            and not (cur[0].istitle() and not prev[0].istitle())
        )
        out.append("_" if glue else " ")
        out.append(cur)
    return "".join(out)


def segment(text: str) -> list[Span]:
    """Word spans of already-normalised text (a word may span several syllables), from pyvi."""
    found = _batch.get(text)
    return found.words() if found is not None else _spans([text])[0]


def cut(text: str) -> Cut:
    """Words and syllables of already-normalised text (from the current batch() when it holds it)."""
    found = _batch.get(text)
    return found if found is not None else _cuts([text])[0]


def syllables(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starts, ends and plainness of the units of text holding a letter or digit (no labelling
    needed: outside a batch() that holds the text, its units alone are cut)."""
    found = _batch.get(text)
    if found is not None:
        return found.syllable_start, found.syllable_end, found.syllable_plain
    return _syllables_of(text)


def _syllables_of(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """syllables() from the units alone."""
    pieces, begin, end = _cut(text)
    flags = _flags(pieces)
    syllable = (flags & _WORD) > 0
    return begin[syllable], end[syllable], _plain(flags[syllable])


# The cuts of the texts of the current batch() block, by text.
_batch: dict[str, Cut] = {}


@contextmanager
def batch(texts: Iterable[str]) -> Iterator[None]:
    """Segment these texts in one go (one CRF run for all), for the segment() calls in the block."""
    # The labeller's cost is per step of the longest sequence it is given, whatever their
    # number: a build hands it a batch of articles, not a paragraph at a time.
    global _batch
    unique = [t for t in dict.fromkeys(texts) if t]
    previous = _batch
    _batch = dict(zip(unique, _cuts(unique), strict=True))
    try:
        yield
    finally:
        _batch = previous


def segment_all(texts: Sequence[str]) -> list[list[Span]]:
    """segment() of several texts, their units labelled together."""
    return [c.words() for c in cut_all(texts)]


def _cuts(texts: Sequence[str]) -> list[Cut]:
    """cut_all(texts), or the cuts of the spans the stand-in segmenter gives."""
    if _segmenter is None:
        return cut_all(texts)
    out = []
    for text, words in zip(texts, _segmenter(texts), strict=True):
        bounds = np.array(words, dtype=np.intp).reshape(-1, 2)
        plain = np.array([text[s].isalnum() and text[e - 1].isalnum() for s, e in words], dtype=bool)
        out.append(Cut(bounds[:, 0], bounds[:, 1], plain, *_syllables_of(text)))
    return out


def _plain(first: np.ndarray, last: np.ndarray | None = None) -> np.ndarray:
    """Whether spans from units `first` to units `last` start and end with a letter or digit."""
    last = first if last is None else last
    return ((first & _PLAIN_START) > 0) & ((last & _PLAIN_END) > 0)


def cut_all(texts: Sequence[str]) -> list[Cut]:
    """The words and syllables of several texts, their units labelled together."""
    cuts = [_cut(text) for text in texts]
    counts = np.array([len(pieces) for pieces, _, _ in cuts], dtype=np.intp)
    total = int(counts.sum())
    if total == 0:
        none = np.zeros(0, dtype=np.intp)
        return [Cut(none, none, none.astype(bool), none, none, none.astype(bool)) for _ in texts]
    pieces = [p for cut in cuts for p in cut[0]]
    begin = np.concatenate([cut[1] for cut in cuts])
    end = np.concatenate([cut[2] for cut in cuts])
    text_of = np.repeat(np.arange(len(texts)), counts)
    index = np.arange(total)
    # A CRF sequence is a paragraph's units (a line break lies between it and the unit before),
    # cut every _MAX_SEQ units.
    starts = np.ones(total, dtype=bool)
    starts[1:] = (text_of[1:] != text_of[:-1]) | _breaks(texts, begin, counts)[1:]
    first = np.maximum.accumulate(np.where(starts, index, 0))
    starts |= (index - first) % _MAX_SEQ == 0
    cuts_at = np.flatnonzero(starts)
    lengths = np.diff(np.append(cuts_at, total))
    inside = _inside(pieces, lengths)
    flags = _flags(pieces)
    glue = np.zeros(total, dtype=bool)
    glue[1:] = inside[1:] & _joinable(flags[:-1], flags[1:])
    glue &= ~starts
    word_at = np.flatnonzero(~glue)
    last = np.append(word_at[1:], total) - 1
    # A word of punctuation only is no word.
    keep = np.logical_or.reduceat((flags & _WORD) > 0, word_at)
    word_at, last = word_at[keep], last[keep]
    word_plain = _plain(flags[word_at], flags[last])
    syllable = (flags & _WORD) > 0
    syllable_plain = _plain(flags)
    # Each text's words and syllables are consecutive: split the arrays at the texts' bounds.
    word_bounds = np.cumsum(np.bincount(text_of[word_at], minlength=len(texts)))[:-1]
    syllable_bounds = np.cumsum(np.bincount(text_of[syllable], minlength=len(texts)))[:-1]
    parts = zip(
        np.split(begin[word_at], word_bounds),
        np.split(end[last], word_bounds),
        np.split(word_plain, word_bounds),
        np.split(begin[syllable], syllable_bounds),
        np.split(end[syllable], syllable_bounds),
        np.split(syllable_plain[syllable], syllable_bounds),
        strict=True,
    )
    return [Cut(*part) for part in parts]


def _breaks(texts: Sequence[str], begin: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per unit, whether a line break lies between it and the unit before in its text."""
    out = np.zeros(len(begin), dtype=bool)
    at = 0
    for text, n in zip(texts, counts.tolist(), strict=True):
        if n > 1 and "\n" in text:
            lines = np.array([m.start() for m in _NEWLINE.finditer(text)], dtype=np.intp)
            line_of = np.searchsorted(lines, begin[at : at + n])
            out[at + 1 : at + n] = line_of[1:] != line_of[:-1]
        at += n
    return out


def _inside(pieces: list[str], lengths: np.ndarray) -> np.ndarray:
    """pyvi's CRF labels of sequences laid end to end: whether each unit continues the word before."""
    if not _pyvi:
        return pyvi_labeller().inside_flat(pieces, lengths)
    from pyvi.ViTokenizer import ViTokenizer  # loading the model takes a second: only on first use

    ends = np.cumsum(lengths).tolist()
    sequences = [pieces[e - n : e] for e, n in zip(ends, lengths.tolist(), strict=True) if n]
    tags = ViTokenizer.model.predict([ViTokenizer.sent2features(seq, False) for seq in sequences])
    return np.array([t == "I_W" for seq in tags for t in seq], dtype=bool)


# What pyvi's guard asks of a unit, as bits: punctuation, starts with a digit, starts with a
# capital, holds a letter or digit; and whether it starts, and ends, with a letter or digit (what
# the analyzers' trimming asks). A cache of a pure function of the unit.
_PUNCTUATION, _DIGIT, _TITLE, _WORD, _PLAIN_START, _PLAIN_END = 1, 2, 4, 8, 16, 32
_unit_flags: dict[str, int] = {}


def _flags(pieces: list[str]) -> np.ndarray:
    """The guard's bits of each unit."""
    if len(_unit_flags) > 2_000_000:
        _unit_flags.clear()
    get = _unit_flags.get
    out = [get(p, -1) for p in pieces]
    for n, bits in enumerate(out):
        if bits < 0:
            p = pieces[n]
            bits = _unit_flags[p] = (
                (_PUNCTUATION if p in _PUNCT else 0)
                | (_DIGIT if p[0].isdigit() else 0)
                | (_TITLE if p[0].istitle() else 0)
                | (_WORD if _HAS_WORD.search(p) else 0)
                | (_PLAIN_START if p[0].isalnum() else 0)
                | (_PLAIN_END if p[-1].isalnum() else 0)
            )
            out[n] = bits
    return np.array(out, dtype=np.intp)


def _joinable(prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """pyvi's own guard: never glue punctuation, digits, or a capital onto a lowercase word."""
    blocked = ((prev | cur) & (_PUNCTUATION | _DIGIT)) > 0
    blocked |= ((cur & _TITLE) > 0) & ((prev & _TITLE) == 0)
    blocked |= (prev & cur & _WORD) == 0
    return ~blocked
