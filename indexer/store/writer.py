"""A Whoosh segment writer that sorts and writes postings as arrays, not one Python tuple at a time.

Whoosh's SegmentWriter sends every posting through a Python sorting pool and then through its
field writer one by one, which costs seconds per million postings in the (single) writing
process. Here each document's analysed rows are appended to flat arrays per field; at commit
they are sorted with numpy and each term's list goes to the codec in whole blocks.
"""

from __future__ import annotations

import contextlib
import os
import signal
import traceback
import warnings
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.columns import CompressedBytesColumn, VarBytesColumn
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_ushort
from whoosh.writing import SegmentWriter

from ..errors import IndexWriteError
from .analyzed import Analyzed
from .codec import ArrayCodec, ArrayPostingsWriter, PackedPositions, inlined_entry, posting_values

__all__ = ["BulkWriter", "BulkPool", "write_field", "add_stored_blob"]

# Values whose analysis a writer remembers (then it starts afresh): provinces sets and sources
# number in the thousands.
_REMEMBERED = 100_000
# Postings whose positions are gathered in one numpy operation when a segment is written.
_GATHER_POSTINGS = 1 << 18


class _FieldPostings:
    """One field's postings in arrival order: term number, document, weight (and positions)."""

    def __init__(self, positional: bool) -> None:
        self.terms: dict[bytes, int] = {}
        self.term = array("I")
        self.doc = array("I")
        self.weight = array("f")
        self.positional = positional
        self.count = array("I")
        self.positions = bytearray()

    def add_rows(self, docnum: int, rows: Any) -> None:
        """Rows of one document: (term bytes, frequency, weight, value bytes)."""
        terms = self.terms
        self.term.extend([terms.setdefault(r[0], len(terms)) for r in rows])
        self.doc.extend(array("I", [docnum]) * len(rows))
        self.weight.extend([r[2] for r in rows])
        if self.positional:
            self.count.extend([len(r[3]) >> 2 for r in rows])
            self.positions += b"".join([r[3] for r in rows])

    def add_analyzed(self, docnum: int, value: Analyzed) -> None:
        """One document's analysed field, appended column by column."""
        terms = self.terms
        texts = value.texts
        numbers = list(map(terms.get, texts))
        if None in numbers:
            # Number the unseen terms with set and dict operations rather than a Python loop over
            # the document's terms; sorted, so that the numbering (and the term counts' order
            # saved from it) does not follow the process's string hashing.
            unseen = sorted(set(texts).difference(terms))
            terms.update(zip(unseen, range(len(terms), len(terms) + len(unseen)), strict=True))
            numbers = list(map(terms.__getitem__, texts))
        self.term.extend(array("I", numbers))
        self.doc.extend(array("I", [docnum]) * len(texts))
        self.weight.extend(value.weights)
        if self.positional:
            self.count.extend(value.counts)
            self.positions += value.positions

    def document_frequencies(self) -> Iterator[tuple[bytes, int]]:
        """(term, documents holding it) of every term so far: a document lists each term once."""
        df = np.bincount(np.frombuffer(self.term, dtype=np.uint32), minlength=len(self.terms))
        return zip(self.terms, df.tolist(), strict=True)

    def sorted_lists(self) -> Any:
        """(term bytes, document numbers, weights, counts, positions) per term, terms in byte order.

        The arrays are released as they are consumed: this runs at the writer's memory peak.
        """
        texts = list(self.terms)
        self.terms = {}
        rank = np.empty(len(texts), dtype=np.int64)
        rank[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
        texts.sort()
        key = rank[np.frombuffer(self.term, dtype=np.uint32)] << 32
        key |= np.frombuffer(self.doc, dtype=np.uint32)
        self.term = self.doc = array("I")
        order = np.argsort(key, kind="stable")
        key = key[order]
        term_rank, docs = (key >> 32).astype(np.int32), (key & 0xFFFFFFFF).astype(np.uint32)
        del key
        weights = np.frombuffer(self.weight, dtype=np.float32)[order]
        self.weight = array("f")
        counts = starts = positions = None
        if self.positional:
            raw_counts = np.frombuffer(self.count, dtype=np.uint32).astype(np.int64)
            starts = (np.cumsum(raw_counts) - raw_counts)[order]
            counts = raw_counts[order]
            positions = np.frombuffer(self.positions, dtype="<u4")
        del order
        cuts = np.flatnonzero(np.diff(term_rank)) + 1
        bounds = np.concatenate(([0], cuts, [term_rank.size])).tolist()
        ranks = term_rank[bounds[:-1]].tolist()
        del term_rank
        if positions is None or counts is None or starts is None:
            for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
                yield texts[ranks[k]], docs[lo:hi], weights[lo:hi], None, None
            return
        # The postings' runs of positions, gathered in sorted order a chunk of terms at a time
        # (one numpy gather per chunk rather than per term; chunks bound the copy's memory).
        first = 0
        while first < len(ranks):
            last = first + 1
            while last < len(ranks) and bounds[last] - bounds[first] < _GATHER_POSTINGS:
                last += 1
            lo, hi = bounds[first], bounds[last]
            run, chunk_docs, chunk_weights = counts[lo:hi], docs[lo:hi], weights[lo:hi]
            ends = np.cumsum(run)
            gathered = positions[np.repeat(starts[lo:hi] - (ends - run), run) + np.arange(int(ends[-1]))]
            offsets = [0, *ends.tolist()]
            for k in range(first, last):
                a, b = bounds[k] - lo, bounds[k + 1] - lo
                yield texts[ranks[k]], chunk_docs[a:b], chunk_weights[a:b], run[a:b], gathered[offsets[a] : offsets[b]]
            first = last


PostingList = tuple[bytes, np.ndarray, np.ndarray, "np.ndarray | None", "np.ndarray | None"]


def write_field(fieldwriter: Any, fieldname: str, field: Any, lists: Iterable[PostingList]) -> None:
    """One field's posting lists, terms in byte order: (term, documents, weights, counts, positions)."""
    fieldwriter.start_field(fieldname, field)
    postwriter = fieldwriter._postwriter
    if not isinstance(postwriter, ArrayPostingsWriter):
        raise TypeError("bulk postings need indexer.store.codec.ArrayCodec")
    fmt = field.format
    # A short list goes straight into the term table as its entry, the same bytes that
    # finish_term() would write (W3FieldWriter's key: the field's number, then the term).
    inline, table, prefix = postwriter._inlinelimit, fieldwriter._tindex, pack_ushort(fieldwriter._fieldid)
    for text, docs, weights, counts, positions in lists:
        if len(docs) < inline:
            values = posting_values(counts, positions) if counts is not None and positions is not None else []
            table.add(prefix + text, inlined_entry(fmt, docs.tolist(), weights.tolist(), values))
            continue
        fieldwriter._btext = text
        postwriter.start_postings(fmt, W3TermInfo())
        postwriter.add_arrays(docs, weights, counts, positions)
        fieldwriter.finish_term()
    fieldwriter.finish_field()


class BulkPool:
    """Stands in for Whoosh's posting pool: collects postings as arrays, writes them sorted."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.fields: dict[str, _FieldPostings] = {}
        self.postings = 0

    def _field(self, fieldname: str) -> _FieldPostings:
        found = self.fields.get(fieldname)
        if found is None:
            fmt = self.schema[fieldname].format
            if not isinstance(fmt, (Existence, Frequency, PackedPositions)):
                raise TypeError(f"field {fieldname!r}: format {type(fmt).__name__} cannot be written in bulk")
            found = self.fields[fieldname] = _FieldPostings(isinstance(fmt, PackedPositions))
        return found

    def add_rows(self, fieldname: str, docnum: int, rows: Any) -> None:
        """One document's analysed rows for one field."""
        self._field(fieldname).add_rows(docnum, rows)
        self.postings += len(rows)

    def add_analyzed(self, fieldname: str, docnum: int, value: Analyzed) -> None:
        """One document's field analysed in a worker."""
        self._field(fieldname).add_analyzed(docnum, value)
        self.postings += len(value)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting (Whoosh calls this when it merges an older segment into this one)."""
        fieldname, text, docnum, weight, value = item
        self.add_rows(fieldname, docnum, ((text, 0, weight, value or b""),))

    def write(self, fieldwriter: Any) -> None:
        """Every field's postings, in the order Whoosh's term table needs."""
        for fieldname in sorted(self.fields):
            write_field(fieldwriter, fieldname, self.schema[fieldname], self.fields[fieldname].sorted_lists())
            del self.fields[fieldname]

    def cleanup(self) -> None:
        """Drop what was collected."""
        self.fields.clear()


def add_stored_blob(perdoc: Any, docnum: int, blob: bytes) -> None:
    """Put an encoded stored-fields value straight into the byte column under Whoosh's own."""
    outer = perdoc._colwriters.get("_stored")  # W3PerDocWriter's pickle-then-zlib column
    inner = getattr(outer, "_child", None)
    if not isinstance(inner, CompressedBytesColumn.Writer):
        raise TypeError("stored blobs need Whoosh 2.7's W3 stored column (pickle over zlib)")
    VarBytesColumn.Writer.add(inner, docnum, blob)  # skips the compression: done in the worker


class BulkWriter(SegmentWriter):
    """SegmentWriter with a BulkPool; documents arrive with their text fields already analysed."""

    def __init__(self, ix: Any, counted: Iterable[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("codec", ArrayCodec())
        super().__init__(ix, **kwargs)
        # Fields whose terms' document frequencies are summed over the documents added here.
        self.frequencies: dict[str, dict[bytes, int]] = {name: {} for name in counted}
        if any(self.schema[name].vector for name in self.schema.names()):
            raise TypeError("term vectors cannot be written in bulk")
        self.pool = BulkPool(self.schema)
        # field.index() of the values of fields other than unique ones, by (field, value).
        self._analysed: dict[tuple[str, str], list[Any]] = {}
        # Finished segments whose postings a child process is still writing: (pid, segment).
        self._writing: list[tuple[int, Any]] = []
        self._finished: list[Any] = []

    def rotate(self) -> None:
        """Close this segment and go on adding documents to a fresh one.

        The closed segment's postings are sorted and written by a forked child process, while
        this one keeps adding documents (the workers analysing articles would otherwise wait
        for it). commit() waits for the children and lists every segment.
        """
        self._check_state()
        if not self._added:
            return
        segment = self.get_segment()
        self._count()
        # Stored fields, columns and lengths are written here; only the postings go to the child.
        self.perdocwriter.close()
        if not hasattr(os, "fork"):
            self._write_postings()
            self._finished.append(segment)
        else:
            # Both processes share the open files: empty this side's buffers before the fork, so
            # dropping them here later writes nothing into the child's files.
            for structfile in (self.fieldwriter._postfile, self.fieldwriter._tindex.dbfile):
                structfile.flush()
            with warnings.catch_warnings():
                # Python 3.12+ warns on forking a threaded process (here: the analysis pool's
                # handler threads). The child takes no lock those threads could hold: it sorts with
                # numpy, writes its own files and leaves by os._exit.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                self._child_writes()
            self._writing.append((pid, segment))
        self.pool = BulkPool(self.schema)
        self.newsegment = self.codec.new_segment(self.storage, self.indexname)
        self.perdocwriter = self.codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = self.codec.field_writer(self.storage, self.newsegment)
        self.docnum = self.docbase
        self._added = False

    def _count(self) -> None:
        for fieldname, totals in self.frequencies.items():
            postings = self.pool.fields.get(fieldname)
            if postings is not None:
                for text, n in postings.document_frequencies():
                    totals[text] = totals.get(text, 0) + n

    def _child_writes(self) -> None:
        """In the forked child: write the postings, then leave without running the parent's exit hooks."""
        code = 1
        try:
            self._write_postings()
            code = 0
        except BaseException:
            # stderr's lock may be held by a thread of the parent that does not exist here.
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        finally:
            os._exit(code)

    def _write_postings(self) -> None:
        self.pool.write(self.fieldwriter)
        self.fieldwriter.close()

    def written(self, wait: bool = False) -> list[Any]:
        """The segments whose files are complete: the index's own, then those written since
        (with wait, after every child is done); IndexWriteError when one could not be written."""
        still, failed = [], []
        for pid, segment in self._writing:
            done, status = os.waitpid(pid, 0 if wait else os.WNOHANG)
            if not done:
                still.append((pid, segment))
            elif os.waitstatus_to_exitcode(status) != 0:
                failed.append(segment.segid)
            else:
                self._finished.append(segment)
        self._writing = still
        if failed:
            raise IndexWriteError(f"writing the postings of segment(s) {', '.join(failed)} failed (see above)")
        # Listed as the index's from now on: a merge may take them, and commit lists them once.
        self.segments = self.segments + self._finished
        self._finished = []
        return self.segments

    def commit(self, *args: Any, **kwargs: Any) -> None:
        """Wait for the segments written in the background, then commit them with this one."""
        self.written(wait=True)
        super().commit(*args, **kwargs)

    def cancel(self) -> None:
        """Stop the children writing segments, and drop everything."""
        for pid, _ in self._writing:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self._writing = []
        self._finished = []
        super().cancel()

    def add_document(self, **fields: Any) -> None:
        """Add one document; values of indexed fields may be lists of analysed rows."""
        self._check_state()
        perdoc = self.perdocwriter
        docnum = self.docnum
        # Stored fields already pickled and compressed by the worker (Documents.analyzed).
        blob = fields.get("_stored_blob")
        perdoc.start_doc(docnum)
        for fieldname in sorted(n for n in fields if not n.startswith("_")):
            value = fields[fieldname]
            if value is None:
                continue
            field = self.schema[fieldname]
            length = 0
            if isinstance(value, Analyzed):
                if len(value):
                    self.pool.add_analyzed(fieldname, docnum, value)
                if field.scorable:
                    length = value.length
            elif field.indexed:
                rows = self._rows(fieldname, field, value)
                if rows:
                    self.pool.add_rows(fieldname, docnum, rows)
                if field.scorable:
                    length = sum(r[1] for r in rows)
            stored = fields.get("_stored_" + fieldname, value)
            keep = stored if field.stored and blob is None else None
            perdoc.add_field(fieldname, field, keep, length)
            if field.column_type and stored is not None:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
        perdoc.finish_doc()
        if blob is not None:
            add_stored_blob(perdoc, docnum, blob)
        self._added = True
        self.docnum += 1

    def _rows(self, fieldname: str, field: Any, value: Any) -> list[Any]:
        """field.index(value) as a list; remembered for fields whose values repeat (a source, a
        category, a set of provinces: Whoosh's analysis of them was a fifth of this process's time)."""
        if field.unique or not isinstance(value, str):
            return list(field.index(value))
        key = (fieldname, value)
        found = self._analysed.get(key)
        if found is None:
            if len(self._analysed) >= _REMEMBERED:
                self._analysed.clear()
            found = self._analysed[key] = list(field.index(value))
        return found

    def _flush_segment(self) -> None:
        self._count()
        if not self.perdocwriter.is_closed:  # a merge closes it itself, to set the field lengths
            self.perdocwriter.close()
        self._write_postings()
