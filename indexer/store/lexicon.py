"""The whole index's term dictionary: each field's terms and their document frequencies over every shard.

Written beside a sharded index's manifest (the shards' own dictionaries, merged), so that a
coordinator makes a query's plan (which spellings of unaccented syllables the index holds, which
words stand for proximity, each term's document frequency) without a round to the shards. The
arrays are memory-mapped: every web worker shares one copy in the page cache.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .postings import spelled

__all__ = ["Lexicon", "LEXICON_FIELDS"]

PREFIX = "lexicon."
# The fields a query plan spells and counts terms of.
LEXICON_FIELDS = ("title", "sapo", "body", "author", "title_syl", "sapo_syl", "body_syl", "author_syl")


class Lexicon:
    """Terms of each field in byte order, as one blob with offsets, and their document frequencies
    (documents deleted but not yet merged away included, as Whoosh's dictionaries count them)."""

    def __init__(self, fields: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        self._fields = fields
        # Memoryviews index a memory map at Python speed (a numpy scalar per step costs 20 times more).
        self._views = {
            name: (
                memoryview(np.ascontiguousarray(b)).cast("B"),
                memoryview(np.ascontiguousarray(o)).cast("B").cast("q"),
            )
            for name, (b, o, _) in fields.items()
        }

    @classmethod
    def merged(cls, readers: Iterable[Any], fieldnames: Iterable[str]) -> Lexicon:
        """The dictionaries of several index readers (shards) as one, frequencies summed."""
        readers = list(readers)
        fields = {}
        for name in fieldnames:
            streams = [_terms(r, name) for r in readers]
            blob = bytearray()
            offsets = [0]
            counts: list[int] = []
            last: bytes | None = None
            for term, n in heapq.merge(*streams):
                if term == last:
                    counts[-1] += n
                    continue
                blob += term
                offsets.append(len(blob))
                counts.append(n)
                last = term
            fields[name] = (
                np.frombuffer(bytes(blob), dtype=np.uint8),
                np.asarray(offsets, dtype=np.int64),
                np.asarray(counts, dtype=np.int64),
            )
        return cls(fields)

    def save(self, folder: Path) -> None:
        """Write into a manifest generation's work folder, one set of arrays per field."""
        # Flat files beside the manifest: a generation folder holds files only (directory.publish).
        for name, arrays in self._fields.items():
            for suffix, arr in zip(("terms", "offsets", "counts"), arrays, strict=True):
                tmp = folder / f"{PREFIX}{name}.{suffix}.tmp.npy"
                np.save(tmp, arr)
                os.replace(tmp, folder / f"{PREFIX}{name}.{suffix}.npy")

    @classmethod
    def load(cls, folder: Path) -> Lexicon | None:
        """The lexicon saved in a manifest generation, memory-mapped; None when it has none."""
        fields = {}
        for path in sorted(folder.glob(f"{PREFIX}*.terms.npy")):
            name = path.name.removeprefix(PREFIX).removesuffix(".terms.npy")
            fields[name] = tuple(
                np.load(folder / f"{PREFIX}{name}.{suffix}.npy", mmap_mode="r")
                for suffix in ("terms", "offsets", "counts")
            )
        return cls(fields) if fields else None  # type: ignore[arg-type]

    def _lower(self, fieldname: str, raw: bytes) -> tuple[int, int]:
        """(index of the first term >= raw, term count) in the field; (0, 0) for a field with none."""
        views = self._views.get(fieldname)
        if views is None:
            return 0, 0
        blob, offsets = views
        lo, hi = 0, len(offsets) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if bytes(blob[offsets[mid] : offsets[mid + 1]]) < raw:
                lo = mid + 1
            else:
                hi = mid
        return lo, len(offsets) - 1

    def _term(self, fieldname: str, i: int) -> bytes:
        blob, offsets = self._views[fieldname]
        return bytes(blob[offsets[i] : offsets[i + 1]])

    def frequency(self, fieldname: str, text: str) -> int:
        """Documents holding the term over the whole index (0 when no shard has it)."""
        raw = text.encode("utf-8")
        i, n = self._lower(fieldname, raw)
        if i < n and self._term(fieldname, i) == raw:
            return int(self._fields[fieldname][2][i])
        return 0

    def has_prefix(self, fieldname: str, prefix: str) -> bool:
        """True when some term of the field starts with prefix."""
        raw = prefix.encode("utf-8")
        i, n = self._lower(fieldname, raw)
        return i < n and self._term(fieldname, i).startswith(raw)

    def spellings(self, fieldname: str, options: list[list[str]], joiner: str) -> tuple[str, ...]:
        """The field's terms made of one option per position, joined, in the options' order.

        As store.Postings.spellings answers for one index.
        """
        return spelled(
            options, joiner, lambda t: self.frequency(fieldname, t) > 0, lambda p: self.has_prefix(fieldname, p)
        )


def _terms(reader: Any, fieldname: str) -> Iterator[tuple[bytes, int]]:
    """(term, documents holding it) of one field of a reader, in byte order."""
    if fieldname not in reader.schema:
        return
    for term, info in reader.iter_field(fieldname):
        yield term, int(info.doc_frequency())
