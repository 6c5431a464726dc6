"""Abbreviations an article defines in parentheses after the words they stand for."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .normalization import fold
from .segmentation import Span, has_word, segment, units

__all__ = ["Abbreviations", "abbreviations"]

# "phòng, chống khủng bố (PCKB)", "Ủy ban nhân dân (UBND)": Vietnamese news define one once,
# then use it alone.
_DEFINITION = re.compile(r"\(([A-ZĐ]{2,8})\)")
# Abbreviation → (its pyvi words, its syllables), e.g. 'PCKB' → (phòng, chống, khủng_bố), (...).
Abbreviations = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def abbreviations(texts: Sequence[str]) -> Abbreviations:
    """Abbreviations defined anywhere in a document's (normalised) texts."""
    found: Abbreviations = {}
    for text in texts:
        cut: list[Span] | None = None
        for m in _DEFINITION.finditer(text):
            abbr = m.group(1)
            if abbr in found:
                continue
            cut = cut if cut is not None else units(text)
            syllables: list[Span] = []
            # Walk back from "(" over the syllables, letting commas and hyphens through.
            for s, e in reversed([u for u in cut if u[1] <= m.start()]):
                if has_word(text, s, e):
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
