"""pyvi's word segmentation of normalised text, as character spans (pyvi itself gives none)."""

from __future__ import annotations

import re
import string
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from .crf import pyvi_labeller
from .memo import LastCall

__all__ = [
    "Span",
    "units",
    "units_of",
    "segment",
    "segment_all",
    "batch",
    "tokenize",
    "tokenize_all",
    "has_word",
    "warm_up",
    "use_cache",
    "use_pyvi",
    "line_labels",
]

Span = tuple[int, int]

# The same units pyvi's own syllabiser cuts (abbreviations, URLs, e-mails, grouped digits, single
# punctuation, words), so that its CRF model sees the sequences it was trained on; finditer keeps
# the offsets that pyvi's findall throws away.
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
_PUNCT = set(string.punctuation)
# A CRF sequence longer than this is cut: pyvi builds a dict of features per unit, so one huge
# paragraph would otherwise cost gigabytes.
_MAX_SEQ = 400


def units(text: str) -> list[Span]:
    """Spans of pyvi's syllable units in text (no unit holds whitespace, so none spans a line)."""
    return [m.span() for m in _UNITS.finditer(text)]


# A text's words and then its syllables are cut from the same units.
units_of = LastCall(units)


def has_word(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when text[start:end] holds a letter or digit (not only punctuation)."""
    return _HAS_WORD.search(text, start, len(text) if end is None else end) is not None


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


# Whether pyvi itself labels the units (its own features and CRFsuite's tagger) instead of the
# project's labeller (indexer/text/crf.py: the same labels, faster). Off in the product; the
# benchmarks turn it on for the pyvi-only pass they compare against, once per process.
_pyvi = False


def use_pyvi(on: bool) -> None:
    """Label units with pyvi's own code (True) or with the project's labeller of its model."""
    global _pyvi
    _pyvi = on


def _predict(sequences: list[list[str]]) -> list[list[bool]]:
    """pyvi's CRF labels of several unit sequences: whether each unit continues the word before."""
    if not _pyvi:
        return pyvi_labeller().inside(sequences)
    from pyvi.ViTokenizer import ViTokenizer  # loading the model takes a second: only on first use

    feats = [ViTokenizer.sent2features(seq, False) for seq in sequences]
    return [[t == "I_W" for t in tags] for tags in ViTokenizer.model.predict(feats)]


def warm_up() -> None:
    """Load pyvi's model now (before forking workers, so that they share it)."""
    segment("Khởi động")


def tokenize(text: str) -> str:
    """ViTokenizer.tokenize(text), exactly: a word's syllables joined by "_", tokens by spaces."""
    return tokenize_all([text])[0]


def tokenize_all(texts: Sequence[str]) -> list[str]:
    """tokenize() of several texts, labelled together."""
    cut = [_PYVI_UNITS.findall(unicodedata.normalize("NFC", text)) for text in texts]
    labels = iter(_predict([units for units in cut if units]))
    # No units: pyvi answers with the text as given.
    return [_joined(units, next(labels)) if units else text for text, units in zip(texts, cut, strict=True)]


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


# pyvi's labels of lines segmented before, by line: b"B"/b"I" per unit. Off (None) in the
# product; a benchmark that indexes recombined real sentences sets it, once per process before
# any worker is forked, so that each real sentence pays pyvi once (bench/segcache.py).
_cache: Mapping[str, bytes] | None = None


def use_cache(labels: Mapping[str, bytes] | None) -> None:
    """Take labels of known lines from this mapping (None: always run pyvi)."""
    global _cache
    _cache = labels


def line_labels(lines: list[str]) -> list[bytes]:
    """pyvi's labels of each line's units (b"I" where a unit continues the word before)."""
    chunks: list[tuple[int, list[str]]] = []
    for n, line in enumerate(lines):
        cut = [line[s:e] for s, e in units(line)]
        chunks.extend((n, cut[i : i + _MAX_SEQ]) for i in range(0, len(cut), _MAX_SEQ))
    out = [bytearray() for _ in lines]
    if chunks:
        for (n, _), tags in zip(chunks, _predict([c for _, c in chunks]), strict=True):
            out[n] += bytes(73 if t else 66 for t in tags)
    return [bytes(b) for b in out]


def segment(text: str) -> list[Span]:
    """Word spans of already-normalised text (a word may span several syllables), from pyvi."""
    found = _batch.get(text)
    return list(found) if found is not None else segment_all([text])[0]


# Spans of the texts of the current batch() block, by text.
_batch: dict[str, list[Span]] = {}


@contextmanager
def batch(texts: Iterable[str]) -> Iterator[None]:
    """Segment these texts in one go (one CRF run for all), for the segment() calls in the block."""
    # The labeller's cost is per step of the longest sequence it is given, whatever their
    # number: a build hands it a batch of articles, not a paragraph at a time.
    global _batch
    unique = [t for t in dict.fromkeys(texts) if t]
    previous = _batch
    _batch = dict(zip(unique, segment_all(unique), strict=True))
    try:
        yield
    finally:
        _batch = previous


def segment_all(texts: Sequence[str]) -> list[list[Span]]:
    """segment() of several texts, their units labelled together."""
    # (text number, units of one CRF sequence, whether each continues the word before, or None: to predict)
    sequences: list[tuple[int, list[Span], Sequence[bool] | None]] = []
    for n, text in enumerate(texts):
        cut = units_of(text)
        starts = [s for s, _ in cut]
        for para in re.finditer(r"[^\n]+", text):
            lo, hi = bisect_left(starts, para.start()), bisect_left(starts, para.end())
            known = _cache.get(para.group(0)) if _cache is not None and hi > lo else None
            if known is not None and len(known) != hi - lo:
                known = None
            for i in range(lo, hi, _MAX_SEQ):
                j = min(i + _MAX_SEQ, hi)
                tags = [b == 73 for b in known[i - lo : j - lo]] if known is not None else None
                sequences.append((n, cut[i:j], tags))
    todo = [k for k, (_, _, tags) in enumerate(sequences) if tags is None]
    if todo:
        predicted = _predict([[texts[sequences[k][0]][s:e] for s, e in sequences[k][1]] for k in todo])
        for k, tags in zip(todo, predicted, strict=True):
            sequences[k] = (sequences[k][0], sequences[k][1], tags)
    out: list[list[Span]] = [[] for _ in texts]
    for n, seq, joins in sequences:
        assert joins is not None
        text, words = texts[n], out[n]
        start, end = seq[0]
        for (s, e), joined, (ps, pe) in zip(seq[1:], joins[1:], seq[:-1], strict=True):
            if joined and _joinable(text[ps:pe], text[s:e]):
                end = e
            else:
                if _HAS_WORD.search(text, start, end):
                    words.append((start, end))
                start, end = s, e
        if _HAS_WORD.search(text, start, end):
            words.append((start, end))
    return out
