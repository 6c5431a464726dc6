"""Snippets: the passage of an article that best shows the query's words, marked and escaped."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from html import escape

from .text import fold

__all__ = ["Needle", "snippet", "mark_all"]

# A needle is a run of syllables to find, and whether to compare them folded.
Needle = tuple[tuple[str, ...], bool]

_SYLLABLE = re.compile(r"[^\W_]+(?:[.,][^\W_]+)*")
_fold = functools.lru_cache(maxsize=200_000)(fold)


def _spans(text: str, needles: Sequence[Needle]) -> list[tuple[int, int, int]]:
    """(start, end, needle index) of every needle occurrence, in text order."""
    toks = [(m.start(), m.end(), m.group(0).lower()) for m in _SYLLABLE.finditer(text)]
    if not toks or not needles:
        return []
    lowers = [t[2] for t in toks]
    folds: list[str] | None = None
    found: list[tuple[int, int, int]] = []
    for n, (seq, folded) in enumerate(needles):
        if not seq:
            continue
        if folded and folds is None:
            folds = [_fold(w) for w in lowers]
        hay = folds if folded else lowers
        first, size = seq[0], len(seq)
        for i, w in enumerate(hay):
            if w == first and tuple(hay[i : i + size]) == seq:
                found.append((toks[i][0], toks[i + size - 1][1], n))
    found.sort()
    # Matches separated only by spaces become one mark: "<mark>Khủng bố</mark>", not two.
    merged: list[tuple[int, int, int]] = []
    for s, e, n in found:
        if merged and (s < merged[-1][1] or not text[merged[-1][1] : s].strip(" ")):
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e, merged[-1][2])
            continue
        merged.append((s, e, n))
    return merged


def _render(text: str, start: int, end: int, spans: list[tuple[int, int, int]]) -> str:
    out, pos = [], start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def mark_all(text: str, needles: Sequence[Needle]) -> str:
    """The whole text escaped, with every needle occurrence marked."""
    return _render(text, 0, len(text), _spans(text, needles))


def snippet(text: str, needles: Sequence[Needle], width: int = 200) -> str:
    """About width characters around the densest cluster of needles, as safe HTML with <mark>."""
    text = text.replace("\n", " ")
    spans = _spans(text, needles)
    if len(text) <= width:
        return _render(text, 0, len(text), spans)
    if not spans:
        start, end = 0, width
    else:
        # Pick the window that covers the most distinct needles, then the most matches.
        best = (-1, -1, 0)
        for i, (s, _, _) in enumerate(spans):
            inside = [sp for sp in spans[i:] if sp[1] <= s + width]
            score = (len({n for _, _, n in inside}), len(inside), -s)
            if score > best:
                best = score
                best_start = s
        # Start at the sentence holding the first match when it begins close enough before it,
        # so the passage reads naturally; otherwise leave a little context before the match.
        sentence = max(text.rfind(". ", 0, best_start), text.rfind("? ", 0, best_start))
        if sentence >= 0 and best_start - sentence <= 80:
            start = sentence + 2
        else:
            start = max(0, best_start - 40)
        end = min(len(text), start + width)
        start = max(0, end - width) if end == len(text) else start
    # Cut on word boundaries so no syllable is split.
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    body = _render(text, start, end, spans)
    return ("…" if start > 0 else "") + body.strip() + ("…" if end < len(text) else "")
