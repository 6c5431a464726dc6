"""Merging segments in bulk: whole posting lists as arrays, deleted documents dropped.

Whoosh merges a segment by re-adding it one posting at a time through its writer. Here the
merged segment is written term by term: each input's posting list is read whole (the packed
blocks of store.codec), its document numbers moved to their place in the merged segment, the
deleted ones dropped, and the lists joined; per-document data (stored fields, field lengths,
the day column) is copied without decoding. Memory holds one posting list at a time.

Which segments to merge is the policy's answer (tiers of segment sizes, as Lucene's
TieredMergePolicy and LogMergePolicy do), so each document is rewritten about log(n) times
over the life of an index and the segment count stays bounded.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import VarBytesColumn
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from .codec import ArrayCodec
from .formats import PackedPositions
from .postings import read_list, read_positions
from .vocabulary import SYLLABLE_FIELDS, WORD_FIELDS, TermCounts
from .writer import BulkWriter, PostingList, add_stored_blob, write_field

__all__ = ["MergePolicy", "merge", "write_merged", "live_numbers", "MergeResult"]


@dataclass(frozen=True)
class MergePolicy:
    """Segments in tiers by live documents: a tier of `factor` segments is merged into one.

    Segments below `floor` documents all sit in the lowest tier; tier k holds segments of up to
    floor × factor^k documents, so an index of n documents keeps at most factor − 1 segments in
    each of about log_factor(n / floor) tiers, and a document is rewritten once per tier it rises
    through. A segment with more than `deletes` of its documents deleted is rewritten on its own.
    """

    factor: int = 10
    floor: int = 2_000
    deletes: float = 0.3

    def tier(self, live: int) -> int:
        """The tier of a segment of this many live documents."""
        tier, bound = 0, self.floor
        while live > bound:
            tier += 1
            bound *= self.factor
        return tier

    def pick(self, segments: Sequence[Any], incoming: bool = False) -> list[Any] | None:
        """The segments to merge next, or None when the index is in shape.

        incoming counts one more segment in the lowest tier, one still being written: a merge
        that starts before it is done then makes room for it (it is never picked itself).
        """
        by_tier: dict[int, list[Any]] = {}
        for seg in segments:
            by_tier.setdefault(self.tier(_live(seg)), []).append(seg)
        for tier in sorted(by_tier):
            extra = 1 if incoming and tier == 0 else 0
            if len(by_tier[tier]) + extra >= self.factor and len(by_tier[tier]) > 1:
                # The smallest of the lowest full tier: cheap merges first, and they cascade.
                return sorted(by_tier[tier], key=_live)[: self.factor - extra]
        for seg in segments:
            if seg.doc_count_all() and seg.deleted_count() / seg.doc_count_all() > self.deletes:
                return [seg]
        return None


def _live(seg: Any) -> int:
    return int(seg.doc_count_all() - seg.deleted_count())


@dataclass
class MergeResult:
    """What one merge did: documents in and out, and the term counts it took away and gave."""

    segments: int
    documents: int
    dropped: int
    removed: TermCounts
    added: TermCounts


def merge(ix: Any, segments: Sequence[Any]) -> MergeResult:
    """Merge these segments of ix into one (committed, replacing them); the others stay."""
    writer = BulkWriter(ix, compound=False)  # for the index's write lock and its table of contents
    try:
        merged = {s.segid for s in segments}
        chosen = [s for s in writer.segments if s.segid in merged]
        if len(chosen) != len(segments):
            raise ValueError("merge() was given segments the index does not hold")
        segment, result = write_merged(writer.storage, writer.schema, chosen)
        kept = [s for s in writer.segments if s.segid not in merged]
        writer.commit(mergetype=lambda w, segs: [*kept, segment], merge=False)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return result


def live_numbers(segments: Sequence[Any]) -> list[np.ndarray]:
    """Old document number → number in the merged segment (−1 for a deleted one), per segment."""
    remaps: list[np.ndarray] = []
    base = 0
    for seg in segments:
        remap = np.full(seg.doc_count_all(), -1, dtype=np.int64)
        live = np.ones(seg.doc_count_all(), dtype=bool)
        live[np.fromiter(seg.deleted_docs(), dtype=np.int64)] = False
        remap[live] = base + np.arange(int(live.sum()))
        base += int(live.sum())
        remaps.append(remap)
    return remaps


def write_merged(storage: Any, schema: Any, segments: Sequence[Any]) -> tuple[Any, MergeResult]:
    """The segment merging these, written to storage (not yet listed in any table of contents)."""
    codec = ArrayCodec()
    segment = codec.new_segment(storage, segments[0].indexname)
    perdoc = codec.per_document_writer(storage, segment)
    fieldwriter = codec.field_writer(storage, segment)
    readers = [SegmentReader(storage, schema, s) for s in segments]
    try:
        remaps = live_numbers(segments)
        # A segment without deletions only moves by its base: no masking of its lists.
        shifts: list[int | None] = []
        for seg, remap in zip(segments, remaps, strict=True):
            shifts.append(None if seg.deleted_count() else int(remap[0]) if remap.size else 0)
        count = _copy_documents(perdoc, schema, readers, remaps)
        removed, added = TermCounts(), TermCounts()
        # A document's length in a field is the sum of its terms' frequencies, which are the
        # weights of its postings: summing the kept postings gives the exact totals BM25
        # averages over (the per-document lengths are one approximate byte each).
        lengths: dict[str, float] = {}
        for fieldname in sorted({name for r in readers for name in r.indexed_field_names()}):
            field = schema[fieldname]
            counted = (removed.words, added.words) if fieldname in WORD_FIELDS else None
            if fieldname in SYLLABLE_FIELDS:
                counted = (removed.syllables, added.syllables)
            lists = _summed(_merged_lists(readers, remaps, shifts, fieldname, field, counted), lengths, fieldname)
            write_field(fieldwriter, fieldname, field, lists)
        fieldwriter.close()
    finally:
        for r in readers:
            r.close()
    segment.set_doc_count(count)
    segment._fieldlengths = {name: int(round(n)) for name, n in lengths.items() if n and schema[name].scorable}
    total = sum(s.doc_count_all() for s in segments)
    return segment, MergeResult(len(segments), count, total - count, removed, added)


def _summed(lists: Iterator[PostingList], totals: dict[str, float], fieldname: str) -> Iterator[PostingList]:
    """The lists as they are, their weights summed into totals[fieldname] on the way."""
    for item in lists:
        totals[fieldname] = totals.get(fieldname, 0.0) + float(item[2].sum(dtype=np.float64))
        yield item


def _copy_documents(perdoc: Any, schema: Any, readers: list[SegmentReader], remaps: list[np.ndarray]) -> int:
    """Stored fields, field lengths and columns of every live document, in order; their count."""
    scored = [name for name in schema.names() if schema[name].scorable]
    columns = [name for name in schema.names() if schema[name].column_type]
    docnum = 0
    for r, remap in zip(readers, remaps, strict=True):
        seg_perdoc = r._perdoc  # Whoosh's per-document reader: raw columns, not decoded fields
        count = r.segment().doc_count_all()
        stored = seg_perdoc.column_reader("_stored", VarBytesColumn())
        lengths = {}
        for name in scored:
            if seg_perdoc.has_column(_lenfield(name)):
                lengths[name] = seg_perdoc.column_reader(_lenfield(name), LENGTHS_COLUMN)
        values = {
            name: seg_perdoc.column_reader(name, schema[name].column_type)
            for name in columns
            if seg_perdoc.has_column(name)
        }
        for old in range(count):
            if remap[old] < 0:
                continue
            perdoc.start_doc(docnum)
            for name, column in lengths.items():
                code = column[old]
                if code:
                    perdoc.add_field(name, schema[name], None, byte_to_length(code))
            for name, column in values.items():
                perdoc.add_column_value(name, schema[name].column_type, column[old])
            perdoc.finish_doc()
            add_stored_blob(perdoc, docnum, stored[old])
            docnum += 1
    perdoc.close()
    return docnum


def _terms(reader: SegmentReader, number: int, fieldname: str) -> Iterator[tuple[bytes, int, Any]]:
    """(term, the segment's number, term info) of one field of a segment, in byte order."""
    for (name, text), info in reader._terms.items_from(fieldname, b""):
        if name != fieldname:
            return
        yield text, number, info


def _merged_lists(
    readers: list[SegmentReader],
    remaps: list[np.ndarray],
    shifts: list[int | None],
    fieldname: str,
    field: Any,
    counted: tuple[Any, Any] | None,
) -> Iterator[PostingList]:
    """Each term's posting list over the merged segment, terms in byte order."""
    positional = isinstance(field.format, PackedPositions)
    streams = [_terms(r, i, fieldname) for i, r in enumerate(readers)]
    current: bytes | None = None
    parts: list[tuple[int, Any]] = []
    for text, i, info in heapq.merge(*streams, key=lambda t: (t[0], t[1])):
        if text != current:
            if parts:
                found = _joined(readers, remaps, shifts, field, positional, current, parts, counted)  # type: ignore[arg-type]
                if found is not None:
                    yield found
            current, parts = text, []
        parts.append((i, info))
    if parts:
        found = _joined(readers, remaps, shifts, field, positional, current, parts, counted)  # type: ignore[arg-type]
        if found is not None:
            yield found


def _read(
    reader: SegmentReader, info: Any, fmt: Any, positional: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """One segment's list of a term: documents, weights, and for positions, counts and positions."""
    if info.is_inlined():
        # Most terms are rare and their few postings sit in the term's own entry: no matcher.
        ids, weights, values = info.inlined_postings()
        docs = np.asarray(ids, dtype=np.int64)
        if not positional:
            return docs, np.asarray(weights, dtype=np.float32), None, None
        counts = np.fromiter((len(v) >> 2 for v in values), dtype=np.int64, count=len(values))
        return docs, counts.astype(np.float32), counts, np.frombuffer(b"".join(values), dtype="<u4").astype(np.int64)
    matcher = reader._codec.postings_reader(reader._terms._postfile, info, fmt)
    if not positional:
        docs, weights = read_list(matcher)
        return docs, weights, None, None
    # A positional posting's weight is its count of positions (this package's analyzers give
    # every token a boost of 1).
    docs, counts, where = read_positions(matcher)
    return docs, counts.astype(np.float32), counts, where


def _joined(
    readers: list[SegmentReader],
    remaps: list[np.ndarray],
    shifts: list[int | None],
    field: Any,
    positional: bool,
    text: bytes,
    parts: list[tuple[int, Any]],
    counted: tuple[Any, Any] | None,
) -> PostingList | None:
    """One term's lists from its segments, renumbered and joined; None when every posting was deleted."""
    ids_parts, weight_parts, count_parts, position_parts = [], [], [], []
    for i, info in parts:
        ids, weights, counts, where = _read(readers[i], info, field.format, positional)
        shift = shifts[i]
        if shift is not None:
            ids_parts.append(ids + shift)
            weight_parts.append(weights)
            if counts is not None and where is not None:
                count_parts.append(counts)
                position_parts.append(where)
            continue
        new = remaps[i][ids]
        keep = new >= 0
        ids_parts.append(new[keep])
        weight_parts.append(weights[keep])
        if counts is not None and where is not None:
            count_parts.append(counts[keep])
            position_parts.append(where[np.repeat(keep, counts)])
    docs = np.concatenate(ids_parts) if len(ids_parts) > 1 else ids_parts[0]
    if counted is not None:
        key = text.decode("utf-8")
        counted[0][key] += sum(info.doc_frequency() for _, info in parts)
        if docs.size:
            counted[1][key] += int(docs.size)
    if not docs.size:
        return None
    weights = np.concatenate(weight_parts) if len(weight_parts) > 1 else weight_parts[0]
    if not positional:
        return text, docs, weights, None, None
    return text, docs, weights, np.concatenate(count_parts), np.concatenate(position_parts)
