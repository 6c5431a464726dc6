"""Per-document arrays of one generation, for filters, facet counts and date sorting.

A generation never changes once published, so the arrays are read once (from postings and the
day column, not from stored fields) and stay valid for its whole life.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..geo.gazetteer import Gazetteer
from .numeric import numeric_column
from .stories import Stories

__all__ = ["Columns", "CODED_FIELDS", "UNIT_FIELDS"]

# Fields with one short value per document, held as a code per document into a list of values.
CODED_FIELDS = ("source", "category", "date_source")
# Fields holding a set of provinces of one era: those an article is about, and those it mentions.
UNIT_FIELDS = (
    ("provinces", "new"),
    ("provinces_old", "old"),
    ("provinces_mentioned", "new"),
    ("provinces_old_mentioned", "old"),
)


@dataclass
class Columns:
    """Per-document arrays of one generation, indexed by Whoosh document number."""

    live: np.ndarray  # bool
    day: np.ndarray  # int32, days since 1970-01-01, -1 when undated
    month: np.ndarray  # months since 1970-01, -1 when undated
    # int64 place in indexing order (over every shard): equal scores and days rank by it.
    seq: np.ndarray
    # field → (int32 code per document into values, values with "" at code 0 for none)
    codes: dict[str, np.ndarray]
    values: dict[str, list[str]]
    # field → uint64 bit set per document over the era's units, and the units' names in bit order
    units: dict[str, np.ndarray]
    unit_names: dict[str, list[str]]
    # field → the documents tagged with each unit, unit after unit, and where each unit's run
    # starts (len(unit_names) + 1 offsets): most articles name no province, so for a large
    # selection one pass over these runs beats unpacking every selected document's 64-bit set.
    members: dict[str, tuple[np.ndarray, np.ndarray]]
    # Live and dead documents newest first and oldest first (undated last, ties in indexing order).
    newest: np.ndarray
    oldest: np.ndarray
    # int64 story key per document (store.stories): the seq of the article that started it.
    story: np.ndarray
    # Document numbers by (story key, day, seq), for a story's members, and their keys in that order.
    by_story: np.ndarray
    story_sorted: np.ndarray

    @property
    def size(self) -> int:
        """Documents, live or deleted."""
        return int(self.live.size)

    @cached_property
    def all_live(self) -> bool:
        """Whether no document is deleted (then matches need no live filter)."""
        return bool(self.live.all())

    @classmethod
    def build(cls, reader: Any, gazetteer: Gazetteer, stories: Stories | None = None) -> Columns:
        """Read the arrays from an index reader (postings and columns, not stored fields) and a
        generation's story table (without one, every article is a story of its own)."""
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        # An empty index (a shard no article was routed to) has no column readers.
        day = numeric_column(reader, "day", np.int32) if size else np.zeros(0, np.int32)
        seq = numeric_column(reader, "seq", np.int64) if size else np.zeros(0, np.int64)
        # Months since 1970-01, -1 when undated: bincount-able and cheap to turn into "YYYY-MM";
        # int16 (up to the year 4700) because every faceted query gathers it for all its matches.
        month = np.where(day >= 0, day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64), -1)
        month = month.astype(np.int16)
        codes = {}
        values = {}
        for fieldname in CODED_FIELDS:
            code = np.zeros(size, dtype=np.int32)
            names = [""]
            for term in reader.lexicon(fieldname):
                text = term.decode("utf-8")
                if not text:
                    continue
                names.append(text)
                code[np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int64)] = len(names) - 1
            codes[fieldname], values[fieldname] = code, names
        bits = {}
        unit_names = {}
        members = {}
        for fieldname, era in UNIT_FIELDS:
            names = [p.name for p in gazetteer.provinces(era)]
            arr = np.zeros(size, dtype=np.uint64)
            docs = [np.empty(0, dtype=np.int32)]
            starts = np.zeros(len(names) + 1, dtype=np.int64)
            for i, name in enumerate(names):
                key = name.encode("utf-8")
                held = 0
                if reader.doc_frequency(fieldname, key):
                    ids = np.fromiter(reader.postings(fieldname, key).all_ids(), dtype=np.int64)
                    arr[ids] |= np.uint64(1 << i)
                    docs.append(ids.astype(np.int32))
                    held = ids.size
                starts[i + 1] = starts[i] + held
            bits[fieldname], unit_names[fieldname] = arr, names
            members[fieldname] = (np.concatenate(docs), starts)
        undated = np.iinfo(np.int64).max
        wide = day.astype(np.int64)
        story = stories.of(seq) if stories is not None else seq.astype(np.int64, copy=True)
        dated = np.where(day >= 0, wide, undated)
        by_story = np.lexsort((seq, dated, story)).astype(np.int32)
        return cls(
            live=live,
            day=day,
            month=month,
            codes=codes,
            values=values,
            units=bits,
            unit_names=unit_names,
            members=members,
            seq=seq,
            newest=np.lexsort((seq, np.where(day >= 0, -wide, undated))).astype(np.int32),
            oldest=np.lexsort((seq, dated)).astype(np.int32),
            story=story,
            by_story=by_story,
            story_sorted=story[by_story],
        )

    def story_members(self, key: int) -> np.ndarray:
        """The live documents of one story, earliest first (undated last, then indexing order)."""
        lo, hi = np.searchsorted(self.story_sorted, [key, key + 1])
        docs = self.by_story[lo:hi].astype(np.int64)
        return docs[self.live[docs]]
