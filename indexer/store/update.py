"""Writing one work copy of a generation: add and replace documents, delete ids, commit once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from ..errors import IndexWriteError
from .bodies import BodyCodec, make_dictionary
from .codec import ArrayCodec
from .directory import open_for_update
from .schema import make_schema
from .vocabulary import SYLLABLE_FIELDS, WORD_FIELDS, Vocabulary
from .writer import BulkWriter

__all__ = ["Update", "SEGMENT_POSTINGS"]

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
                self.existing = set() if fresh else {term.decode("utf-8") for term in reader.lexicon("id")}
            # Separate segment files, not one compound file: Whoosh reads a compound file's parts
            # into memory on every open (1.3 GB and 0.6 s per open on the full corpus).
            self.writer = BulkWriter(ix, compound=False, counted=(WORD_FIELDS + SYLLABLE_FIELDS) if fresh else ())
        except OSError as err:
            raise IndexWriteError(f"cannot write the index in {work.parent}: {err.strerror or err}") from None
        self._vocabulary: Vocabulary | None = None

    def bodies(self, sample: Iterable[str]) -> BodyCodec:
        """The index's body codec: the generation's own, or for a fresh index one made from sample."""
        if not self.fresh:
            return BodyCodec.load(self.work)
        codec = BodyCodec(make_dictionary(sample))
        codec.save(self.work)
        return codec

    def add(self, doc: dict[str, Any]) -> None:
        """One prepared document; one whose id the generation held replaces it."""
        if doc["id"] in self.existing:
            self.writer.update_document(**doc)
        else:
            self.writer.add_document(**doc)
        if self.writer.pool.postings >= SEGMENT_POSTINGS:
            # Bound the writer's memory: this segment is done (its postings written by a child
            # process meanwhile), the next starts empty.
            self.writer.rotate()

    def commit(self, repeated: Iterable[str] = (), gone: Iterable[str] = ()) -> int:
        """Write everything; keep the last copy of repeated ids, delete gone ones; the live count."""
        writer = self.writer
        try:
            # The last segment's postings are written by a child too, while the vocabulary is made.
            writer.rotate()
            if writer.frequencies:
                self._vocabulary = _counted_vocabulary(writer.frequencies)
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
        with self.ix.reader() as reader:
            (self._vocabulary or Vocabulary.build(reader)).save(self.work)
            return int(reader.doc_count())

    def cancel(self) -> None:
        """Drop what was written (the work folder is removed by the caller)."""
        self.writer.cancel()


def _counted_vocabulary(frequencies: dict[str, dict[bytes, int]]) -> Vocabulary:
    """The vocabulary of the document frequencies a writer counted."""
    sums: list[Counter[str]] = []
    for fields in (WORD_FIELDS, SYLLABLE_FIELDS):
        total: Counter[str] = Counter()
        for fieldname in fields:
            for text, n in frequencies.get(fieldname, {}).items():
                total[text.decode("utf-8")] += n
        sums.append(total)
    return Vocabulary.from_counts(sums[0], sums[1])
