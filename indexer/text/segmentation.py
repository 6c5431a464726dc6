"""pyvi's word segmentation of normalised text, as character spans (pyvi itself gives none)."""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Mapping, Sequence

from .memo import LastCall

__all__ = ["Span", "units", "units_of", "segment", "has_word", "warm_up", "use_cache", "line_labels"]

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


def _predict(sequences: list[list[str]]) -> list[list[str]]:
    """Run pyvi's CRF over several unit sequences at once."""
    from pyvi.ViTokenizer import ViTokenizer  # loading the model takes a second: only on first use

    feats = [ViTokenizer.sent2features(seq, False) for seq in sequences]
    return ViTokenizer.model.predict(feats)


def warm_up() -> None:
    """Load pyvi's model now (before forking workers, so that they share it)."""
    segment("Khởi động")


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
            out[n] += bytes(73 if t == "I_W" else 66 for t in tags)
    return [bytes(b) for b in out]


def segment(text: str) -> list[Span]:
    """Word spans of already-normalised text (a word may span several syllables), from pyvi."""
    # (units of one CRF sequence, whether each continues the word before, or None: to predict)
    sequences: list[tuple[list[Span], Sequence[bool] | None]] = []
    cut = units_of(text)
    starts = [s for s, _ in cut]
    for para in re.finditer(r"[^\n]+", text):
        lo, hi = bisect_left(starts, para.start()), bisect_left(starts, para.end())
        known = _cache.get(para.group(0)) if _cache is not None and hi > lo else None
        if known is not None and len(known) != hi - lo:
            known = None
        for i in range(lo, hi, _MAX_SEQ):
            j = min(i + _MAX_SEQ, hi)
            sequences.append((cut[i:j], [b == 73 for b in known[i - lo : j - lo]] if known is not None else None))
    todo = [n for n, (_, tags) in enumerate(sequences) if tags is None]
    if todo:
        predicted = _predict([[text[s:e] for s, e in sequences[n][0]] for n in todo])
        for n, tags in zip(todo, predicted, strict=True):
            sequences[n] = (sequences[n][0], [t == "I_W" for t in tags])
    words: list[Span] = []
    for seq, joins in sequences:
        assert joins is not None
        start, end = seq[0]
        for (s, e), joined, (ps, pe) in zip(seq[1:], joins[1:], seq[:-1], strict=True):
            if joined and _joinable(text[ps:pe], text[s:e]):
                end = e
            else:
                words.append((start, end))
                start, end = s, e
        words.append((start, end))
    return [w for w in words if _HAS_WORD.search(text, w[0], w[1])]
