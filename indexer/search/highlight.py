"""Snippets: the passage of an article that best shows the query's words, marked and escaped."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from html import escape

from ..text.normalization import fold

__all__ = ["Needle", "snippet", "mark_all"]

# A needle is a run of syllables to find, and whether to compare them folded.
Needle = tuple[tuple[str, ...], bool]

_SYLLABLE = re.compile(r"[^\W_]+(?:[.,][^\W_]+)*")
_fold = functools.lru_cache(maxsize=200_000)(fold)


def _token_start(text: str, i: int) -> bool:
    """True when a syllable token of _SYLLABLE starts at i (not inside one, as in '1.000')."""
    if i == 0:
        return True
    before = text[i - 1]
    if before.isalnum() or (before in ".," and i >= 2 and text[i - 2].isalnum()):
        return False
    return True


def _occurrences(hay: str, seq: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every run of whole tokens of hay equal to seq."""
    out: list[tuple[int, int]] = []
    first = seq[0]
    # Look for the first syllable with str.find and check the tokens from there: tokenizing the
    # whole text per hit cost more than the rest of a results page.
    i = hay.find(first)
    while i >= 0:
        m = _SYLLABLE.match(hay, i) if _token_start(hay, i) else None
        if m is not None and m.group(0) == first:
            end = m.end()
            for want in seq[1:]:
                m = _SYLLABLE.search(hay, end)
                if m is None or m.group(0) != want:
                    break
                end = m.end()
            else:
                out.append((i, end))
        i = hay.find(first, i + 1)
    return out


def _spans(text: str, needles: Sequence[Needle]) -> list[tuple[int, int, int]]:
    """(start, end, needle index) of every needle occurrence, in text order."""
    lower = text.lower()
    folded_text = fold(lower) if any(folded for _, folded in needles) else lower
    if len(lower) != len(text) or len(folded_text) != len(text):
        return _spans_by_token(text, needles)
    found: list[tuple[int, int, int]] = []
    for n, (seq, folded) in enumerate(needles):
        if seq:
            found.extend((s, e, n) for s, e in _occurrences(folded_text if folded else lower, seq))
    return _merged(text, found)


def _spans_by_token(text: str, needles: Sequence[Needle]) -> list[tuple[int, int, int]]:
    """_spans for texts whose lowercase or folded form changes length (offsets would drift)."""
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
    return _merged(text, found)


def _merged(text: str, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Spans sorted, overlapping ones and ones separated only by spaces joined into one."""
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
