"""Writing one work copy of a generation: add and replace documents, delete ids, commit once."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import pickle
import signal
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from ..errors import IndexWriteError
from .bodies import BodyCodec, make_dictionary
from .codec import ArrayCodec
from .directory import open_for_update
from .merge import MergePolicy, MergeResult, live_numbers, merge, write_merged
from .numeric import numeric_column
from .schema import make_schema
from .stories import LEAD_CHARS, Part, Stories, story_text
from .vocabulary import SYLLABLE_FIELDS, WORD_FIELDS, TermCounts, Vocabulary
from .writer import BulkWriter

__all__ = ["Update", "SEGMENT_POSTINGS", "last_seq", "group_stories"]

# Postings per segment: the writer holds a segment's postings in memory (about 40 bytes each while
# sorting them), so a big corpus becomes a few segments.
SEGMENT_POSTINGS = 16_000_000


class Update:
    """A work folder (empty, or hard links to the current generation) being written.

    Documents are added through one BulkWriter; a fresh index's vocabulary comes from the
    writer's own term counts (reading the lexicons back took half a minute on the full corpus).
    """

    def __init__(self, work: Path, fresh: bool) -> None:
        self.work = work
        # The merges this update ran, in order.
        self.merges: list[MergeResult] = []
        # A merge running in a forked child: (pid, its input segments, their deletions then, file).
        self._merging: tuple[int, list[Any], dict[str, set[int]], Path] | None = None
        self._background: list[MergeResult] = []
        # The policy merges follow while documents are added (start_merging sets it).
        self._policy: MergePolicy | None = None
        # True when the copied generation had an older layout and was started afresh.
        self.reformatted = False
        try:
            ix = None if fresh else open_for_update(work)
            if ix is None and not fresh:
                # Built by an older version: its postings cannot be mixed with new ones.
                self.reformatted = True
                for path in work.iterdir():
                    path.unlink()
                fresh = True
            if ix is None:
                ix = whoosh_index.create_in(str(work), make_schema())
            self.fresh = fresh
            self.ix = ix
            with ix.reader() as reader:
                # The next document's place in indexing order: one past the last indexed.
                self.next_seq = 0 if fresh else last_seq(reader) + 1
            # The index as it was, to tell an incoming id it holds already (an update, not an
            # addition) by looking the id up: reading every id into a set cost each daily update
            # 2 s at 250k articles, and grows with the index.
            self._before = None if fresh else ix.reader()
            # The ids this update replaced.
            self.replaced: set[str] = set()
            # Separate segment files, not one compound file: Whoosh reads a compound file's parts
            # into memory on every open (1.3 GB and 0.6 s per open on the full corpus). The
            # writer counts its terms' document frequencies, for the vocabulary.
            self.writer = BulkWriter(ix, compound=False, counted=WORD_FIELDS + SYLLABLE_FIELDS)
        except OSError as err:
            raise IndexWriteError(f"cannot write the index in {work.parent}: {err.strerror or err}") from None

    def start_merging(self, policy: MergePolicy) -> None:
        """Merge as the policy wants while documents are added: now, and in a fresh index also
        each time a segment is done.

        One merge runs at a time, in a forked child: it writes the merged segment's files and
        leaves them, with what the merge did, for the parent to take; the segments it reads are
        never changed meanwhile (documents the update deletes from them are carried over to the
        merged segment when it is taken). So a big build leaves the tiers the policy keeps,
        instead of handing its first update a merge of every segment it wrote.
        """
        self._policy = policy
        self._merge_next()

    def _merge_next(self) -> None:
        """Start the merge the policy picks among the segments written so far, if none is running."""
        policy = self._policy
        if policy is None or self._merging is not None:
            return
        chosen = policy.pick(self.writer.written(), incoming=True) if hasattr(os, "fork") else None
        if not chosen:
            return
        deleted = {s.segid: set(s.deleted_docs()) for s in chosen}
        out = self.work / f"merge-{os.getpid()}.pickle"
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _die_with_parent()
                segment, result = write_merged(self.writer.storage, self.writer.schema, chosen)
                with open(out, "wb") as fh:
                    pickle.dump((segment, result), fh, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            except BaseException:
                os.write(2, traceback.format_exc().encode("utf-8", "replace"))
            finally:
                os._exit(code)
        self._merging = (pid, chosen, deleted, out)

    def _take_merge(self, wait: bool = True) -> None:
        """Put the background merge's segment in place of its inputs (without wait, only if it is done)."""
        if self._merging is None:
            return
        pid, chosen, deleted, out = self._merging
        done, status = os.waitpid(pid, 0 if wait else os.WNOHANG)
        if not done:
            return
        self._merging = None
        if os.waitstatus_to_exitcode(status) != 0:
            raise IndexWriteError("merging segments in the background failed (see above)")
        with open(out, "rb") as fh:
            segment, result = pickle.load(fh)
        out.unlink()
        # The inputs as the child read them: deletions made since move to the merged segment.
        at_fork = [_Deleted(s, deleted[s.segid]) for s in chosen]
        for seg, remap in zip(chosen, live_numbers(at_fork), strict=True):
            for docnum in set(seg.deleted_docs()) - deleted[seg.segid]:
                segment.delete_document(int(remap[docnum]))
        gone = {s.segid for s in chosen}
        self.writer.segments = [s for s in self.writer.segments if s.segid not in gone] + [segment]
        self._background.append(result)

    def bodies(self, sample: Iterable[str]) -> BodyCodec:
        """The index's body codec: the generation's own, or for a fresh index one made from sample."""
        if not self.fresh:
            return BodyCodec.load(self.work)
        codec = BodyCodec(make_dictionary(sample))
        codec.save(self.work)
        return codec

    def add(self, doc: dict[str, Any], seq: int | None = None) -> None:
        """One prepared document; one whose id the generation held replaces it.

        seq is its place in indexing order (a sharded build counts over all shards); by default
        the next one of this index.
        """
        if seq is None:
            seq = self.next_seq
        self.next_seq = max(self.next_seq, seq + 1)
        doc = {**doc, "seq": seq}
        if self._before is not None and ("id", doc["id"]) in self._before:
            self.replaced.add(doc["id"])
            self.writer.update_document(**doc)
        else:
            self.writer.add_document(**doc)
        if self.writer.pool.postings >= SEGMENT_POSTINGS:
            # Bound the writer's memory: this segment is done (its postings written by a child
            # process meanwhile), the next starts empty.
            self.writer.rotate()
            if self.fresh:
                # Only a fresh index may change its segment list while documents come in: an
                # update's replacements delete through Whoosh's view of the segments it began with.
                self._take_merge(wait=False)
                self._merge_next()

    def commit(self, repeated: Iterable[str] = (), gone: Iterable[str] = (), policy: MergePolicy | None = None) -> int:
        """Write everything; keep the last copy of repeated ids, delete gone ones; the live count.

        With a policy, segments are then merged until it is satisfied (see store.merge).
        """
        # Every incoming id has been looked up: the index as it was is no longer needed.
        self._close_before()
        writer = self.writer
        try:
            # The last segment's postings are written by a child too, while the vocabulary is made.
            writer.rotate()
            self._take_merge()
            counts = self._counts()
            counts += TermCounts.of_fields(writer.frequencies)
            for result in self._background:
                counts -= result.removed
                counts += result.added
                self.merges.append(result)
            # No merging: Whoosh merges segments one posting at a time (rebuild to compact).
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
        repeated, gone = list(repeated), list(gone)
        if repeated or gone:
            # One writer cannot delete what it added itself: a second short commit does it.
            deleter = self.ix.writer(compound=False, codec=ArrayCodec())
            with deleter.searcher() as searcher:
                for ident in repeated:
                    docnums = sorted(searcher.document_numbers(id=ident))
                    for docnum in docnums[:-1]:
                        deleter.delete_document(docnum)
            for ident in gone:
                deleter.delete_by_term("id", ident)
            deleter.commit(merge=False)
        if policy is not None:
            self.merge(policy, counts)
        counts.save(self.work)
        Vocabulary.of(counts).save(self.work)
        return self.live()

    def live(self) -> int:
        """Live documents in the work copy."""
        with self.ix.reader() as reader:
            return int(reader.doc_count())

    def merge(self, policy: MergePolicy, counts: TermCounts) -> None:
        """Merge segments as the policy picks them, keeping counts those of the index."""
        while True:
            chosen = policy.pick(self.ix._segments())
            if not chosen:
                return
            done = merge(self.ix, chosen)
            counts -= done.removed
            counts += done.added
            self.merges.append(done)

    def optimize(self) -> None:
        """Merge every segment into one, dropping deleted documents (nothing to do if it is so)."""
        self.writer.cancel()  # it adds nothing, and the merge takes the index's write lock
        segments = self.ix._segments()
        counts = self._counts()
        if len(segments) > 1 or any(s.deleted_count() for s in segments):
            done = merge(self.ix, segments)
            counts -= done.removed
            counts += done.added
            self.merges.append(done)
        counts.save(self.work)
        Vocabulary.of(counts).save(self.work)

    def _counts(self) -> TermCounts:
        """The term counts of the generation this update started from (none for a fresh index)."""
        if self.fresh:
            return TermCounts()
        found = TermCounts.load(self.work)
        if found is None:
            # Written before term counts were kept: read them once from the lexicons.
            with self.ix.reader() as reader:
                found = TermCounts.read(reader)
        return found

    def segments(self) -> int:
        """How many segments the work copy has now."""
        return len(self.ix._segments())

    def existing(self) -> set[str]:
        """Every id the index held before this update (for pruning: read in full, so only then)."""
        if self._before is None:
            return set()
        return {term.decode("utf-8") for term in self._before.lexicon("id")}

    def _close_before(self) -> None:
        if self._before is not None:
            self._before.close()
            self._before = None

    def cancel(self) -> None:
        """Drop what was written (the work folder is removed by the caller)."""
        self._close_before()
        if self._merging is not None:
            pid = self._merging[0]
            self._merging = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if not self.writer.is_closed:
            self.writer.cancel()


def last_seq(reader: Any) -> int:
    """The highest indexing order of an index's documents, -1 for none."""
    size = reader.doc_count_all()
    if not size:
        return -1
    return int(numeric_column(reader, "seq", np.int64).max())


class _Deleted:
    """A segment as it was when a background merge began: its size and its deletions then."""

    def __init__(self, segment: Any, deleted: set[int]) -> None:
        self._count = segment.doc_count_all()
        self._deleted = deleted

    def doc_count_all(self) -> int:
        return self._count

    def deleted_docs(self) -> Iterable[int]:
        return iter(self._deleted)


def _die_with_parent() -> None:
    """Have the kernel kill this (forked) process if the build that forked it dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def group_stories(updates: Sequence[Update]) -> None:
    """Group the committed updates' new documents into stories together (the shards of one index:
    a story spans shards as it would one index), every previous group kept (store.stories)."""
    with contextlib.ExitStack() as stack:
        parts: list[Part] = []
        for update in updates:
            reader = stack.enter_context(update.ix.reader())
            codec = BodyCodec.load(update.work)

            def read(docnum: int, reader: Any = reader, codec: BodyCodec = codec) -> tuple[str, str]:
                stored = reader.stored_fields(docnum)
                body = stored.get("body", "")
                lead = codec.lead(body, LEAD_CHARS) if isinstance(body, bytes) else body
                return story_text(stored.get("title", ""), stored.get("sapo", ""), lead), stored.get("source") or ""

            parts.append((reader, None if update.fresh else Stories.load(update.work), read))
        for update, table in zip(updates, Stories.grouped(parts), strict=True):
            table.save(update.work)
