"""Building and updating an index: parallel preparation (pyvi) feeding one bulk segment writer."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from . import analysis, compression, store
from .article import Article, Problem
from .codec import ArrayCodec
from .errors import IndexWriteError
from .reader import Record, records, to_article
from .schema import analyzed_document, make_schema
from .vocabulary import SYLLABLE_FIELDS, WORD_FIELDS, Vocabulary
from .writer import BulkWriter

__all__ = ["BuildReport", "build", "prepare"]

_BATCH = 64
# Postings per segment: the writer holds a segment's postings in memory (about 40 bytes each while
# sorting them), so a big corpus becomes a few segments.
SEGMENT_POSTINGS = 16_000_000
# An article (or None when skipped), its problems, and its analyzed writer arguments.
Prepared = tuple[Article | None, list[Problem], dict[str, object]]


@dataclass
class BuildReport:
    """What a build did, for the summary line and for callers."""

    indexed: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    duplicates: int = 0
    total: int = 0
    seconds: float = 0.0
    skipped: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    generation: str = ""
    # True when an index from an older schema was rebuilt rather than updated.
    reformatted: bool = False

    @property
    def skipped_count(self) -> int:
        """Records that were not indexed."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line: indexed, added, updated, skipped by reason, seconds."""
        parts = [
            f"indexed {self.indexed:,}",
            f"added {self.added:,}",
            f"updated {self.updated:,}",
        ]
        if self.removed:
            parts.append(f"removed {self.removed:,}")
        if self.duplicates:
            parts.append(f"duplicate ids {self.duplicates:,} (last kept)")
        reasons = ", ".join(f"{k}: {v:,}" for k, v in self.skipped.most_common())
        parts.append(f"skipped {self.skipped_count:,}" + (f" ({reasons})" if reasons else ""))
        if self.repaired:
            fixed = ", ".join(f"{k}: {v:,}" for k, v in self.repaired.most_common())
            parts.append(f"repaired {sum(self.repaired.values()):,} ({fixed})")
        parts.append(f"{self.total:,} in index")
        if self.reformatted:
            parts.append("rebuilt: the index had an older format")
        parts.append(f"{self.seconds:.1f} s")
        return "; ".join(parts)


def prepare(record: Record) -> Prepared:
    """Validate, enrich and analyze one record: the costly part, run in worker processes."""
    from . import provinces

    article, problems = to_article(record)
    if article is None:
        return None, problems, {}
    new, old = provinces.tag(article.title, article.sapo, article.body)
    article = article.with_(provinces=tuple(new), provinces_old=tuple(old))
    return article, problems, analyzed_document(article)


def _prepare_batch(batch: list[Record]) -> list[Prepared]:
    return [prepare(r) for r in batch]


def _batches(items: Iterator[Record | Problem], problems: list[Problem]) -> Iterator[list[Record]]:
    """Group records for the pool; reading problems are collected on the side."""
    batch: list[Record] = []
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _prepared(items: Iterator[Record | Problem], jobs: int, read_problems: list[Problem]) -> Iterator[Prepared]:
    batches = _batches(items, read_problems)
    if jobs <= 1:
        for batch in batches:
            yield from _prepare_batch(batch)
        return
    analysis.segment("Khởi động")  # load pyvi's model once, before forking, so workers share it
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # A bounded window of batches in flight: Pool.imap would read the whole corpus ahead and
    # queue every analysed document in memory whenever the writer is the slower side.
    window = 2 * jobs + 2
    pending: deque[AsyncResult[list[Prepared]]] = deque()
    # Forked workers inherit the compression dictionary; spawned ones are given it.
    with ctx.Pool(jobs, initializer=compression.use, initargs=(compression.current(),)) as pool:
        for batch in batches:
            pending.append(pool.apply_async(_prepare_batch, (batch,)))
            if len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _progress(total_hint: int | None) -> Callable[[int], None]:
    """A tqdm bar on a terminal, nothing in CI or when piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return lambda n: None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # its monitor thread would make fork() unsafe
    bar = tqdm(total=total_hint, unit=" articles", dynamic_ncols=True, smoothing=0.05)
    return bar.update


def build(
    corpus: Iterable[str | os.PathLike[str]],
    index: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    rebuild: bool = False,
    prune: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
) -> BuildReport:
    """Index every article under corpus into index; incremental unless rebuild."""
    started = time.perf_counter()
    corpus = list(corpus)  # read twice: a sample for the compression dictionary, then everything
    index_path = Path(index)
    jobs = jobs or os.cpu_count() or 1
    report = BuildReport()
    with store.build_lock(index_path):
        has_current = (index_path / "current").is_symlink()
        fresh = rebuild or not has_current
        work = store.new_generation(index_path, copy_current=not fresh)
        try:
            try:
                _write(work, corpus, jobs, fresh, prune, report, on_problem)
            except OSError as err:
                # Disk full or a folder turned read-only mid-build: the work folder goes, the
                # published generation was never touched.
                raise store.write_error(index_path, err) from None
            report.generation = store.publish(index_path, work).name
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _write(
    work: Path,
    corpus: Iterable[str | os.PathLike[str]],
    jobs: int,
    fresh: bool,
    prune: bool,
    report: BuildReport,
    on_problem: Callable[[Problem], None] | None,
) -> None:
    try:
        if not fresh:
            ix = whoosh_index.open_dir(str(work))
            if store.outdated(ix):
                # Built by an older version: its postings cannot be mixed with new ones.
                report.reformatted = True
                ix.close()
                for path in work.iterdir():
                    path.unlink()
                fresh = True
        if fresh:
            ix = whoosh_index.create_in(str(work), make_schema())
        with ix.reader() as reader:
            existing = {term.decode("utf-8") for term in reader.lexicon("id")} if not fresh else set()
        # Separate segment files, not one compound file: Whoosh reads a compound file's parts into
        # memory on every open (1.3 GB and 0.6 s per open on the full corpus), plain files it maps.
        # A fresh index's vocabulary comes from the writer's own term counts (reading it back
        # from the lexicons took half a minute of one core on the full corpus).
        writer = BulkWriter(ix, compound=False, counted=(WORD_FIELDS + SYLLABLE_FIELDS) if fresh else ())
    except OSError as err:
        raise IndexWriteError(f"cannot write the index in {work.parent}: {err.strerror or err}") from None
    # Stored bodies share one compression dictionary per index, made by its first build.
    dictionary = compression.load(work)
    if fresh:
        dictionary = compression.make_dictionary(_sample_bodies(corpus))
        compression.save(work, dictionary)
    compression.use(dictionary)
    try:
        _add_all(ix, writer, corpus, jobs, existing, prune, report, on_problem, work)
    finally:
        compression.use(b"")


def _sample_bodies(corpus: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Bodies of the corpus's first records, as they come (for the compression dictionary)."""
    taken = 0
    for item in records(corpus):
        body = item.data.get("body") if isinstance(item, Record) else None
        if isinstance(body, str) and body:
            yield body
            taken += 1
            if taken >= compression.SAMPLE:
                return


def _add_all(
    ix: Any,
    writer: BulkWriter,
    corpus: Iterable[str | os.PathLike[str]],
    jobs: int,
    existing: set[str],
    prune: bool,
    report: BuildReport,
    on_problem: Callable[[Problem], None] | None,
    work: Path,
) -> None:
    seen: Counter[str] = Counter()
    read_problems: list[Problem] = []
    tick = _progress(None)

    def note(problem: Problem) -> None:
        report.problems.append(problem)
        (report.skipped if problem.skipped else report.repaired)[problem.kind] += 1
        if on_problem:
            on_problem(problem)

    try:
        for article, problems, doc in _prepared(records(corpus), jobs, read_problems):
            while read_problems:
                note(read_problems.pop(0))
            for p in problems:
                note(p)
            tick(1)
            if article is None:
                continue
            seen[article.id] += 1
            if seen[article.id] > 1:
                report.duplicates += 1
            if article.id in existing:
                writer.update_document(**doc)
            else:
                writer.add_document(**doc)
            if writer.pool.postings >= SEGMENT_POSTINGS:
                # Bound the writer's memory: this segment is done (its postings written by a
                # child process meanwhile), the next starts empty.
                writer.rotate()
        for p in read_problems:
            note(p)
        # The last segment's postings are written by a child too, while the vocabulary is made.
        writer.rotate()
        vocabulary = _counted_vocabulary(writer.frequencies) if writer.frequencies else None
        # No merging: Whoosh merges segments one posting at a time (rebuild to compact an index).
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise
    # One writer cannot delete what it added itself: drop earlier copies of repeated ids, and
    # (with prune) ids the corpus no longer has, in a second short commit.
    repeated = [i for i, n in seen.items() if n > 1]
    gone = sorted(existing - seen.keys()) if prune else []
    if repeated or gone:
        writer = ix.writer(compound=False, codec=ArrayCodec())
        with writer.searcher() as searcher:
            for ident in repeated:
                docnums = sorted(searcher.document_numbers(id=ident))
                for docnum in docnums[:-1]:
                    writer.delete_document(docnum)
        for ident in gone:
            writer.delete_by_term("id", ident)
        writer.commit(merge=False)
    report.removed = len(gone)
    report.indexed = len(seen)
    report.updated = len(seen.keys() & existing)
    report.added = report.indexed - report.updated
    with ix.reader() as reader:
        report.total = reader.doc_count()
        (vocabulary or Vocabulary.build(reader)).save(work)


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
