"""The index's own vocabulary: for each folded word or syllable, its usual accented spelling.

Written by the builder into each generation (it never changes afterwards) and read by searchers,
to restore diacritics ("bac ninh" → "Bắc Ninh") and to group syllables typed without them.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..text.normalization import fold

__all__ = ["Vocabulary", "TermCounts", "FILENAME", "COUNTS_FILENAME", "MIN_DF", "WORD_FIELDS", "SYLLABLE_FIELDS"]

FILENAME = "vocabulary.json.gz"
# Every word's and syllable's document frequency, kept so an update adds its own counts to them
# instead of reading every segment's lexicon again (which cost a term lookup per segment).
COUNTS_FILENAME = "term_counts.pickle.gz"
# Words in fewer articles than this are typos or noise: never proposed, never used to group.
MIN_DF = 2
# The fields whose terms make the vocabulary.
WORD_FIELDS = ("title", "sapo", "body")
SYLLABLE_FIELDS = ("title_syl", "sapo_syl", "body_syl")


@dataclass
class TermCounts:
    """Document frequencies of the word fields' and the syllable fields' terms, each summed over
    its fields, as Whoosh counts them (documents deleted but not yet merged away included)."""

    words: Counter[str] = field(default_factory=Counter)
    syllables: Counter[str] = field(default_factory=Counter)

    @classmethod
    def read(cls, reader: Any) -> TermCounts:
        """Counted from the lexicons of an index reader (every term of every segment)."""
        out = cls()
        for fields, freq in ((WORD_FIELDS, out.words), (SYLLABLE_FIELDS, out.syllables)):
            for fieldname in fields:
                for term, info in reader.iter_field(fieldname):
                    freq[term.decode("utf-8")] += info.doc_frequency()
        return out

    @classmethod
    def of_fields(cls, frequencies: Mapping[str, Mapping[bytes, int]]) -> TermCounts:
        """Counted from per-field document frequencies (as a writer counts them)."""
        out = cls()
        for fields, freq in ((WORD_FIELDS, out.words), (SYLLABLE_FIELDS, out.syllables)):
            for fieldname in fields:
                for text, n in frequencies.get(fieldname, {}).items():
                    freq[text.decode("utf-8")] += n
        return out

    def __iadd__(self, other: TermCounts) -> TermCounts:
        self.words.update(other.words)
        self.syllables.update(other.syllables)
        return self

    def __isub__(self, other: TermCounts) -> TermCounts:
        self.words.subtract(other.words)
        self.syllables.subtract(other.syllables)
        # A term no document holds any more is no term of the index.
        for freq in (self.words, self.syllables):
            for text in [t for t, n in freq.items() if n <= 0]:
                del freq[text]
        return self

    def save(self, folder: Path) -> None:
        """Write into a generation folder (replacing, never rewriting, any linked older copy)."""
        tmp = folder / (COUNTS_FILENAME + ".tmp")
        with gzip.open(tmp, "wb", compresslevel=3) as fh:
            pickle.dump((dict(self.words), dict(self.syllables)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / COUNTS_FILENAME)

    @classmethod
    def load(cls, folder: Path) -> TermCounts | None:
        """The counts saved in a generation folder, or None when it has none."""
        path = folder / COUNTS_FILENAME
        if not path.exists():
            return None
        with gzip.open(path, "rb") as fh:
            words, syllables = pickle.load(fh)
        return cls(Counter(words), Counter(syllables))


@dataclass
class Vocabulary:
    """Folded form → (most frequent accented form, its document frequency), for words and syllables.

    variants lists every spelling of each folded syllable, rare ones included: text typed without
    diacritics matches any of them.
    """

    words: dict[str, tuple[str, int]]
    syllables: dict[str, tuple[str, int]]
    variants: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, reader: Any) -> Vocabulary:
        """Read the lexicons of the word and syllable fields of an index reader."""
        return cls.of(TermCounts.read(reader))

    @classmethod
    def of(cls, counts: TermCounts) -> Vocabulary:
        """The vocabulary of these counts."""
        return cls.from_counts(counts.words, counts.syllables)

    @classmethod
    def from_counts(cls, words: Mapping[str, int], syllables: Mapping[str, int]) -> Vocabulary:
        """The vocabulary of these document frequencies (summed over the word or syllable fields)."""
        variants: dict[str, set[str]] = {}
        for text in syllables:
            variants.setdefault(fold(text), set()).add(text)
        tables = []
        for freq in (words, syllables):
            best: dict[str, tuple[str, int]] = {}
            for text, df in freq.items():
                if df < MIN_DF:
                    continue
                key = fold(text)
                held, held_df = best.get(key, ("", 0))
                # Ties go to the first spelling in code point order, whatever order counts came in.
                if df > held_df or (df == held_df and text < held):
                    best[key] = (text, df)
            tables.append(best)
        return cls(tables[0], tables[1], {k: sorted(v) for k, v in variants.items()})

    def save(self, folder: Path) -> None:
        """Write into a generation folder (replacing, never rewriting, any linked older copy)."""
        tmp = folder / (FILENAME + ".tmp")
        # json.dumps, not json.dump: dump streams through the pure-Python encoder (3.2 s per
        # update at 250k articles), dumps runs the C one over the whole document.
        document = {"words": self.words, "syllables": self.syllables, "variants": self.variants}
        text = json.dumps(document, ensure_ascii=False)
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as fh:
            fh.write(text)
        os.replace(tmp, folder / FILENAME)

    @classmethod
    def load(cls, folder: Path) -> Vocabulary | None:
        """The vocabulary saved in a generation folder, or None when it has none."""
        path = folder / FILENAME
        if not path.exists():
            return None
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(
            {k: (v[0], v[1]) for k, v in data["words"].items()},
            {k: (v[0], v[1]) for k, v in data["syllables"].items()},
            data.get("variants", {}),
        )

    def spellings(self, folded: str) -> list[str]:
        """Every indexed spelling of a folded syllable ('bac' → bác, bắc, bạc, bậc...)."""
        return self.variants.get(folded, [])

    def is_word(self, folded: tuple[str, ...]) -> bool:
        """True when these folded syllables spell a known multi-syllable word."""
        return "_".join(folded) in self.words
