"""pyvi's word segmentation of normalised text, as character spans (pyvi itself gives none)."""

from __future__ import annotations

import re
import string
from bisect import bisect_left

from .memo import LastCall

__all__ = ["Span", "units", "units_of", "segment", "has_word", "warm_up"]

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


def segment(text: str) -> list[Span]:
    """Word spans of already-normalised text (a word may span several syllables), from pyvi."""
    sequences: list[list[Span]] = []
    cut = units_of(text)
    starts = [s for s, _ in cut]
    for para in re.finditer(r"[^\n]+", text):
        lo, hi = bisect_left(starts, para.start()), bisect_left(starts, para.end())
        for i in range(lo, hi, _MAX_SEQ):
            sequences.append(cut[i : min(i + _MAX_SEQ, hi)])
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
