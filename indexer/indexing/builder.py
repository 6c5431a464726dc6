"""Building and updating an index: records prepared in parallel (pyvi) feed one bulk writer."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import BadRequest, IndexOutdated
from ..ingest.article import Problem
from ..ingest.source import Record, records
from ..store.bodies import SAMPLE, BodyCodec
from ..store.directory import build_lock, current_dir, new_generation, open_generation, pin, publish, write_error
from ..store.lexicon import LEXICON_FIELDS, Lexicon
from ..store.manifest import MANIFEST_DIR, Manifest, is_sharded, shard_dir, shard_of
from ..store.merge import MergePolicy
from ..store.update import Update, group_stories
from ..store.vocabulary import TermCounts, Vocabulary
from .report import BuildReport
from .workers import Prepared, Preparing, prepared

__all__ = ["build", "optimize", "DEFAULT_POLICY"]

DEFAULT_POLICY = MergePolicy()


def _progress() -> Callable[[int], None]:
    """A tqdm bar on a terminal, nothing in CI or when piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return lambda n: None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # its monitor thread would make fork() unsafe
    bar = tqdm(unit=" articles", dynamic_ncols=True, smoothing=0.05)
    return bar.update


def build(
    corpus: Iterable[str | os.PathLike[str]],
    index: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    rebuild: bool = False,
    prune: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    policy: MergePolicy = DEFAULT_POLICY,
    shards: int | None = None,
    prepare: Preparing | None = None,
) -> BuildReport:
    """Index every article under corpus into index; incremental unless rebuild.

    Every build writes a new generation and publishes it atomically; a failure or a kill leaves
    the previous one in place. on_problem hears of each skipped or repaired record as it comes.
    An update then merges segments as the policy says. shards (or an index that is sharded
    already) makes a sharded index: articles routed by a hash of their id, a manifest last.
    prepare analyses the records (jobs worker processes here by default; see indexer.cluster).
    """
    started = time.perf_counter()
    corpus = list(corpus)  # read twice: a sample for the compression dictionary, then everything
    index_path = Path(index)
    jobs = jobs or os.cpu_count() or 1
    if prepare is None:
        prepare = functools.partial(_local, jobs)
    report = BuildReport()
    if shards is not None and shards < 1:
        raise BadRequest("shards", f"--shards must be a whole number of at least 1, not {shards}")
    with build_lock(index_path):
        if shards is not None or is_sharded(index_path):
            _build_sharded(corpus, index_path, shards, prepare, rebuild, prune, report, on_problem, policy)
        else:
            fresh = rebuild or not (index_path / "current").is_symlink()
            work = new_generation(index_path, copy_current=not fresh)
            try:
                try:
                    _write([Update(work, fresh)], corpus, prepare, prune, report, on_problem, policy, None)
                except OSError as err:
                    # Disk full or a folder turned read-only mid-build: the work folder goes, the
                    # published generation was never touched.
                    raise write_error(index_path, err) from None
                report.generation = publish(index_path, work).name
            finally:
                if work.exists():
                    shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _build_sharded(
    corpus: list[str | os.PathLike[str]],
    index: Path,
    shards: int | None,
    prepare: Preparing,
    rebuild: bool,
    prune: bool,
    report: BuildReport,
    on_problem: Callable[[Problem], None] | None,
    policy: MergePolicy,
) -> None:
    """Every shard written and published, then the manifest naming their generations."""
    if (index / "current").is_symlink():
        raise BadRequest("shards", f"{index} holds an index of one shard; build the sharded one in another folder")
    old = Manifest.load(index) if Manifest.published(index) else None
    count = shards or (old.shards if old else 1)
    if old is not None and count != old.shards and not rebuild:
        raise BadRequest("shards", f"{index} has {old.shards} shards, not {count}: add --rebuild to reshard it")
    fresh = rebuild or old is None or count != old.shards
    works: list[Path] = []
    try:
        try:
            for number in range(count):
                folder = shard_dir(index, number)
                folder.mkdir(parents=True, exist_ok=True)
                if old is not None and not fresh:
                    # A build killed between shards left some `current` links ahead of the
                    # manifest: continue from what the manifest names, and keep that as previous.
                    pin(folder, old.generations[number])
                works.append(new_generation(folder, copy_current=not fresh))
            updates = [Update(w, fresh) for w in works]
            seq = _write(updates, corpus, prepare, prune, report, on_problem, policy, 0 if fresh else old.next_seq)
            names = tuple(publish(shard_dir(index, n), w).name for n, w in enumerate(works))
            report.generation = _publish_manifest(index, count, names, seq).name
        except OSError as err:
            raise write_error(index, err) from None
    finally:
        for w in works:
            if w.exists():
                shutil.rmtree(w, ignore_errors=True)
    # Shards past a smaller count, from before a reshard, are named by no manifest now.
    for extra in sorted(index.glob("shard-*"))[count:]:
        shutil.rmtree(extra, ignore_errors=True)


def _local(
    jobs: int, items: Iterator[Record | Problem], problems: list[Problem], bodies: BodyCodec
) -> Iterator[Prepared]:
    """Records prepared by jobs worker processes on this machine."""
    return prepared(items, jobs, problems, bodies)


def _figures(index: Path, count: int, names: tuple[str, ...], next_seq: int) -> Manifest:
    """The manifest of these shard generations: their summed document counts and field lengths."""
    documents = live = 0
    lengths: Counter[str] = Counter()
    for number, name in enumerate(names):
        ix = open_generation(shard_dir(index, number) / name)
        with ix.reader() as reader:
            documents += reader.doc_count_all()
            live += reader.doc_count()
            for fieldname in ix.schema.names():
                lengths[fieldname] += int(reader.field_length(fieldname))
    return Manifest(count, names, documents, dict(lengths), live, next_seq)


def _lexicon(index: Path, names: tuple[str, ...]) -> Lexicon:
    """The shards' term dictionaries merged: a coordinator plans from it without asking the shards."""
    gens = [open_generation(shard_dir(index, n) / name) for n, name in enumerate(names)]
    readers = [ix.reader() for ix in gens]
    try:
        return Lexicon.merged(readers, LEXICON_FIELDS)
    finally:
        for reader in readers:
            reader.close()


def _summed_counts(index: Path, count: int, names: tuple[str, ...]) -> TermCounts:
    """The term counts of the whole index: every shard's, summed (they partition the documents)."""
    total = TermCounts()
    for number, name in enumerate(names):
        found = TermCounts.load(shard_dir(index, number) / name)
        if found is None:
            raise IndexOutdated(f"shard {number} of {index} has no term counts; rebuild it")
        total += found
    return total


def optimize(index: str | os.PathLike[str]) -> BuildReport:
    """Merge an index into one segment without its deleted documents, as a new generation.

    Each shard of a sharded index is optimized, then a manifest naming the new generations is published.
    """
    started = time.perf_counter()
    index_path = Path(index)
    report = BuildReport()
    with build_lock(index_path):
        if is_sharded(index_path):
            old = Manifest.load(index_path)
            for number in range(old.shards):
                folder = shard_dir(index_path, number)
                pin(folder, old.generations[number])
                _optimize(folder, report)
            names = tuple(current_dir(shard_dir(index_path, n)).name for n in range(old.shards))
            report.generation = _publish_manifest(index_path, old.shards, names, old.next_seq).name
        else:
            current_dir(index_path)  # IndexNotFound when there is nothing to optimize
            report.generation = _optimize(index_path, report).name
    report.seconds = time.perf_counter() - started
    return report


def _optimize(index: Path, report: BuildReport) -> Path:
    """One index directory merged into one segment and published; the new generation."""
    work = new_generation(index, copy_current=True)
    try:
        try:
            update = Update(work, fresh=False)
            if update.reformatted:
                raise IndexOutdated(f"{index} was built by an older version; rebuild it instead")
            update.optimize()
            report.total += update.live()
        except OSError as err:
            raise write_error(index, err) from None
        report.merges += len(update.merges)
        report.merged += sum(m.segments for m in update.merges)
        report.rewritten += sum(m.documents for m in update.merges)
        report.segments += update.segments()
        return publish(index, work)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _publish_manifest(index: Path, count: int, names: tuple[str, ...], next_seq: int) -> Path:
    """A manifest naming these shard generations, with their figures and vocabulary, published."""
    manifest_dir = index / MANIFEST_DIR
    manifest_dir.mkdir(exist_ok=True)
    work = new_generation(manifest_dir, copy_current=False)
    try:
        try:
            _figures(index, count, names, next_seq).save(work)
            Vocabulary.of(_summed_counts(index, count, names)).save(work)
            _lexicon(index, names).save(work)
        except OSError as err:
            raise write_error(index, err) from None
        return publish(manifest_dir, work)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _sample_bodies(corpus: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Bodies of the corpus's first records, as they come (for the compression dictionary)."""
    taken = 0
    for item in records(corpus):
        body = item.data.get("body") if isinstance(item, Record) else None
        if isinstance(body, str) and body:
            yield body
            taken += 1
            if taken >= SAMPLE:
                return


def _write(
    updates: list[Update],
    corpus: list[str | os.PathLike[str]],
    prepare: Preparing,
    prune: bool,
    report: BuildReport,
    on_problem: Callable[[Problem], None] | None,
    policy: MergePolicy,
    seq: int | None,
) -> int:
    """Every record into the update of its shard (the one update of an index of one); the next seq.

    seq, for shards, is the next article's place in indexing order over all of them.
    """
    report.reformatted = any(u.reformatted for u in updates)
    # Stored bodies share one compression dictionary per index, made by its first build; the
    # shards of one index share one, since articles are compressed before they are routed.
    sample = list(_sample_bodies(corpus))
    codecs = [u.bodies(sample) for u in updates]
    if any(c.dictionary != codecs[0].dictionary for c in codecs[1:]):
        raise IndexOutdated("the shards' stored bodies use different dictionaries; rebuild the index")
    bodies = codecs[0]
    seen: Counter[str] = Counter()
    read_problems: list[Problem] = []
    tick = _progress()
    count = len(updates)

    def note(problem: Problem) -> None:
        report.problems.append(problem)
        (report.skipped if problem.skipped else report.repaired)[problem.kind] += 1
        if on_problem:
            on_problem(problem)

    started = time.perf_counter()
    try:
        for update in updates:
            # Merges the policy wants run in a child while the articles are analysed.
            update.start_merging(policy)
        for article, problems, doc in prepare(records(corpus), read_problems, bodies):
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
            target = updates[shard_of(article.id, count)] if count > 1 else updates[0]
            target.add(doc, seq)
            if seq is not None:
                seq += 1
        for p in read_problems:
            note(p)
    except BaseException:
        for update in updates:
            update.cancel()
        raise
    committing = time.perf_counter()
    report.phases["analysis"] = committing - started
    repeated = [i for i, n in seen.items() if n > 1]
    replaced = set().union(*(u.replaced for u in updates))
    report.total = 0
    for number, update in enumerate(updates):
        mine = [i for i in repeated if count == 1 or shard_of(i, count) == number]
        gone = sorted(update.existing() - seen.keys()) if prune else []
        # What the merges in the background left undone is done now: every build leaves the
        # tiers the policy keeps.
        report.total += update.commit(mine, gone, policy=policy)
        report.merges += len(update.merges)
        report.merged += sum(m.segments for m in update.merges)
        report.rewritten += sum(m.documents for m in update.merges)
        report.segments += update.segments()
        report.removed += len(gone)
    grouping = time.perf_counter()
    report.phases["commit"] = grouping - committing
    # After every shard's commit: a story may take articles from several shards.
    group_stories(updates)
    report.phases["stories"] = time.perf_counter() - grouping
    report.indexed = len(seen)
    report.updated = len(replaced)
    report.added = report.indexed - report.updated
    return seq if seq is not None else max(u.next_seq for u in updates)
