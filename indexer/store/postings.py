"""One generation's posting lists and field lengths as numpy arrays, over all its segments.

A generation never changes once published, so decoded lists stay valid for its whole life; the
most recently used ones are kept, within a memory budget, for the next queries.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .codec import ArrayLeafMatcher
from .numeric import column_values

__all__ = ["Postings", "CACHE_BYTES", "POSITION_BITS", "walk", "read_list", "read_positions", "spelled"]

# Decoded posting lists kept per process (a ceiling: it fills only with what queries read). The
# benchmark's query set reads about 100 MB of them at 251k articles and 555 MB at 2 M; at 256 MB
# the 2 M index decoded most lists again on every query (in a profile of the query set, p50
# 92 ms against 33 ms at 768 MB).
CACHE_BYTES = 768 * 1024 * 1024
# Spelled units remembered per generation before the memo starts afresh.
SPELLED_ENTRIES = 100_000
# Term frequencies remembered per generation likewise: most lookups are syllables (a few thousand
# distinct ones), and each costs a dictionary probe per segment (a year of updates leaves nine).
FREQUENCY_ENTRIES = 200_000
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32))


def walk(matcher: Any, value_as: str | None = None) -> Iterator[tuple[int, float, Any]]:
    """Each (document number, weight, value) of a matcher, one posting at a time.

    value_as decodes the value ("positions", "frequency"...); without it, the raw bytes.
    """
    while matcher.is_active():
        value = matcher.value_as(value_as) if value_as else matcher.value()
        yield matcher.id(), matcher.weight(), value
        matcher.next()


def read_list(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """A whole posting list: packed blocks in bulk, any other matcher (inlined lists) one by one."""
    if isinstance(matcher, ArrayLeafMatcher):
        return matcher.arrays()
    rows = list(walk(matcher))
    return np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.float32)


def read_positions(matcher: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A whole list's (documents, positions per document, positions): packed in bulk, else one by one."""
    if isinstance(matcher, ArrayLeafMatcher):
        return matcher.positions()
    decoded = [(docnum, where) for docnum, _, where in walk(matcher, "positions")]
    return (
        np.array([d for d, _ in decoded], dtype=np.int64),
        np.array([len(p) for _, p in decoded], dtype=np.int64),
        np.array([x for _, p in decoded for x in p], dtype=np.int64),
    )


_NO_KEYS = np.empty(0, dtype=np.int64)
# An occurrence key's low bits: the position inside its document.
POSITION_BITS = 0xFFFFFFFF


def spelled(
    options: list[list[str]], joiner: str, has: Callable[[str], bool], has_prefix: Callable[[str], bool]
) -> tuple[str, ...]:
    """The terms made of one option per position, joined, that has() holds, in the options' order.

    Prefixes has_prefix() says no term starts with are dropped at each step, so four syllables
    with ten spellings each cost tens of lookups, not ten thousand. One index's dictionaries
    (Postings) and a sharded index's merged one (store.lexicon) spell alike through it.
    """
    found = [""]
    for i, choices in enumerate(options):
        grown = [head + c for head in found for c in choices]
        if i == len(options) - 1:
            return tuple(g for g in grown if has(g))
        found = [g + joiner for g in grown if has_prefix(g + joiner)]
        if not found:
            break
    return ()


class Postings:
    """Term lookups as (document numbers, term counts), and BM25 scoring over them."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers()]
        self.size = reader.doc_count_all()
        self._field_length = {name: reader.field_length(name) for name in reader.schema.names()}
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        # Lexicon lookups per spelled unit take a millisecond across five segments; queries repeat.
        self._spelled: dict[tuple[str, tuple[tuple[str, ...], ...], str], tuple[str, ...]] = {}
        self._frequencies: dict[tuple[str, str], int] = {}

    @property
    def reader(self) -> Any:
        """The generation's long-lived Whoosh reader (for one-off reads such as the vocabulary)."""
        return self._reader

    def stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields.

        Read through this long-lived reader: a fresh one reads every segment's table of stored
        offsets (2 ms per segment on the full corpus) before its first document.
        """
        with self._lock:  # the reader seeks and reads its files: one caller at a time
            return self._reader.stored_fields(docnum)

    def term(self, fieldname: str, text: str, keep: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Ascending int32 document numbers holding the term, and its count in each.

        keep=False reads a list that is not already kept without keeping it: its scored form is
        what will be kept, and holding both took a third of the cache at 2 M articles.
        """
        return self._cached((fieldname, text), lambda: self._gather(fieldname, text, positions=False), keep)

    def merged(
        self,
        fieldname: str,
        texts: tuple[str, ...],
        compute: Callable[[], tuple[np.ndarray, np.ndarray]],
        keep: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Several spellings' lists counted as one term, as compute() merges them, kept like a term's."""
        return self._cached((fieldname, "\x01".join(texts) + "\x01"), compute, keep)

    def scored(
        self, fieldname: str, key: str, compute: Callable[[], tuple[np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """A term's (or its spellings') documents and scores, as compute() makes them, kept like a term's.

        key names the spellings and the statistics the scores were computed with ("\\x02" inside).
        """
        return self._cached((fieldname, "\x02" + key + "\x02"), compute)

    def frequency(self, fieldname: str, text: str) -> int:
        """Documents holding the term, live or deleted, from the term dictionaries alone."""
        key = (fieldname, text)
        known = self._frequencies.get(key)
        if known is not None:
            return known
        raw = text.encode("utf-8")
        with self._lock:  # the readers seek in their term files
            known = sum(leaf.doc_frequency(fieldname, raw) for leaf, _ in self._leaves)
            if len(self._frequencies) >= FREQUENCY_ENTRIES:
                self._frequencies.clear()
            self._frequencies[key] = known
        return known

    def occurrences(self, fieldname: str, text: str) -> np.ndarray:
        """Every occurrence in a positional field as one ascending int64 key, document << 32 | position.

        One array per term, kept like a term's: the (documents, positions) pair it replaced took
        twice the memory, and at 2 M articles the common syllables' lists crowded the cache.
        """

        def keys() -> tuple[np.ndarray, np.ndarray]:
            docs, places = self._gather(fieldname, text, positions=True)
            return (docs.astype(np.int64) << 32) | places, _NO_KEYS

        return self._cached((fieldname, text + "\3"), keys)[0]

    def _cached(
        self, key: tuple[str, str], compute: Callable[[], tuple[np.ndarray, np.ndarray]], keep: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        found = compute()
        if keep:
            self._remember(key, found)
        return found

    def _gather(self, fieldname: str, text: str, positions: bool) -> tuple[np.ndarray, np.ndarray]:
        """One term's arrays from every segment, document numbers made global."""
        raw = text.encode("utf-8")
        firsts: list[np.ndarray] = []
        seconds: list[np.ndarray] = []
        for leaf, offset in self._leaves:
            try:
                matcher = leaf.postings(fieldname, raw)
            except TermNotFound:
                continue
            if positions:
                ids, counts, where = read_positions(matcher)
                firsts.append(np.repeat(ids + offset, counts))
                seconds.append(where)
            else:
                ids, weights = read_list(matcher)
                firsts.append((ids + offset).astype(np.int32))
                seconds.append(weights)
        if not firsts:
            return (_EMPTY[0].astype(np.int64), _EMPTY[0].astype(np.int64)) if positions else _EMPTY
        return np.concatenate(firsts), np.concatenate(seconds)

    def spellings(self, fieldname: str, options: list[list[str]], joiner: str) -> tuple[str, ...]:
        """The field's terms made of one option per position, joined ([[bắc, bác], [ninh]] → bắc_ninh).

        Prefixes no term starts with are dropped at each step, so four syllables with ten spellings
        each cost tens of lookups, not ten thousand.
        """
        key = (fieldname, tuple(map(tuple, options)), joiner)
        known = self._spelled.get(key)
        if known is None:
            known = self._spell(fieldname, options, joiner)
            if len(self._spelled) >= SPELLED_ENTRIES:
                self._spelled.clear()
            self._spelled[key] = known
        return known

    def _spell(self, fieldname: str, options: list[list[str]], joiner: str) -> tuple[str, ...]:
        return spelled(options, joiner, lambda t: self._has(fieldname, t), lambda p: self._has_prefix(fieldname, p))

    def _has(self, fieldname: str, text: str) -> bool:
        raw = text.encode("utf-8")
        return any((fieldname, raw) in leaf for leaf, _ in self._leaves)

    def _has_prefix(self, fieldname: str, prefix: str) -> bool:
        raw = prefix.encode("utf-8")
        for leaf, _ in self._leaves:
            if fieldname not in leaf.schema:
                continue
            for name, text in leaf.terms_from(fieldname, raw):
                if name == fieldname and text.startswith(raw):
                    return True
                break
        return False

    def _remember(self, key: tuple[str, str], found: tuple[np.ndarray, np.ndarray]) -> None:
        cost = found[0].nbytes + found[1].nbytes + 100
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = found
            self._cached_bytes += cost
            while self._cached_bytes > CACHE_BYTES and len(self._cache) > 1:
                _, (a, b) = self._cache.popitem(last=False)
                self._cached_bytes -= a.nbytes + b.nbytes + 100

    @property
    def field_lengths(self) -> dict[str, int]:
        """Tokens per field over every document (exact totals, unlike the per-document lengths)."""
        return dict(self._field_length)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in the field (tokens, as Whoosh stores it: one byte, approximate)."""
        got = self._lengths.get(fieldname)
        if got is None:
            got = np.zeros(self.size, dtype=np.float32)
            for leaf, offset in self._leaves:
                perdoc = leaf._perdoc  # Whoosh keeps field lengths in a per-document column
                name = _lenfield(fieldname)
                if not perdoc.has_column(name):
                    continue
                column = perdoc.column_reader(name, LENGTHS_COLUMN)
                count = leaf.doc_count_all()
                codes = column_values(column, count)
                got[offset : offset + count] = _LENGTH_OF_BYTE[codes]
            with self._lock:
                self._lengths[fieldname] = got
        return got
