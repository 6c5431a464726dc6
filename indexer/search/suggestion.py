"""Suggestions from the index's own vocabulary: restore diacritics, or correct a misspelling."""

from __future__ import annotations

import re
from collections import Counter

from ..query.parser import ParsedQuery
from ..store.vocabulary import MIN_DF, Vocabulary
from ..text.normalization import fold
from .coordinator import Coordinator
from .shard import Sample

__all__ = ["suggest"]

# Articles read to learn how a word is written (capitals), and what ends a sentence before it.
_SAMPLE = 20
_SENTENCE_END = re.compile(r"[.!?:]\s*$")


def _restore_accents(vocab: Vocabulary, folded: list[str]) -> list[list[str]]:
    """Greedy longest match of folded syllables against accented words, then syllables."""
    out: list[list[str]] = []
    i = 0
    while i < len(folded):
        for n in (4, 3, 2, 1):
            key = "_".join(folded[i : i + n])
            if n <= len(folded) - i and key in vocab.words and vocab.words[key][1] >= MIN_DF:
                out.append(vocab.words[key][0].split("_"))
                i += n
                break
        else:
            hit = vocab.syllables.get(folded[i])
            out.append([hit[0] if hit and hit[1] >= MIN_DF else folded[i]])
            i += 1
    return out


def _surface(words: list[list[str]], samples: list[list[Sample]]) -> str:
    """The words as the sample articles usually write them, capitals included ('bắc ninh' → 'Bắc Ninh')."""
    out = []
    for syllables, rows in zip(words, samples, strict=True):
        pattern = re.compile(r"\b" + r"\s+".join(re.escape(s) for s in syllables) + r"\b", re.IGNORECASE)
        forms: Counter[str] = Counter()
        for _, title, sapo in rows:
            for text in (title, sapo):
                for m in pattern.finditer(text):
                    # A sentence's first word is capitalised whatever it is: it says nothing.
                    if m.start() and not _SENTENCE_END.search(text, 0, m.start()):
                        forms[" ".join(m.group(0).split())] += 1
        out.append(forms.most_common(1)[0][0] if forms else " ".join(syllables))
    return " ".join(out)


def _respell(co: Coordinator, vocab: Vocabulary, syllables: list[str]) -> list[str]:
    """Replace rare or unknown syllables by a frequent one at edit distance one."""
    out = []
    for syl, (df, near) in zip(syllables, co.spelling(syllables), strict=True):
        best = vocab.syllables.get(fold(syl))
        # A misplaced or missing mark: the usual spelling of the same letters is far more common.
        if best and best[0] != syl and best[1] >= max(MIN_DF, 20 * df):
            out.append(best[0])
            continue
        if df == 0 and len(syl) > 1:
            close = [(n, t) for t, n in near if n >= MIN_DF]
            if close:
                out.append(max(close)[1])
                continue
        out.append(syl)
    return out


def suggest(co: Coordinator, parsed: ParsedQuery, total: int) -> dict[str, str] | None:
    """An accent suggestion for a query typed without diacritics, or a 'did you mean'.

    total is the number of articles matching the query as typed (0 when it had to be relaxed).
    """
    units = parsed.units()
    if not units or len(units) > 12:
        return None
    vocab = co.vocabulary
    typed = [s for u in units for s in u.syllables]
    if not parsed.accented:
        restored = _restore_accents(vocab, [s for u in units for s in u.folded])
        flat = [s for w in restored for s in w]
        if flat != typed:
            count, samples = co.evidence(flat, restored, _SAMPLE)
            if count:
                return {"text": _surface(restored, samples), "kind": "accents"}
        return None
    if total >= 5:
        return None
    fixed = _respell(co, vocab, typed)
    if fixed != typed:
        words = [[s] for s in fixed]
        count, samples = co.evidence(fixed, words, _SAMPLE)
        if count > total:
            return {"text": _surface(words, samples), "kind": "spelling"}
    return None
