"""Building and updating an index: records prepared in parallel (pyvi) feed one bulk writer."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import IndexOutdated
from ..ingest.article import Problem
from ..ingest.source import Record, records
from ..store.bodies import SAMPLE
from ..store.directory import build_lock, current_dir, new_generation, publish, write_error
from ..store.merge import MergePolicy
from ..store.update import Update
from .report import BuildReport
from .workers import prepared

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
) -> BuildReport:
    """Index every article under corpus into index; incremental unless rebuild.

    Every build writes a new generation and publishes it atomically; a failure or a kill leaves
    the previous one in place. on_problem hears of each skipped or repaired record as it comes.
    An update then merges segments as the policy says.
    """
    started = time.perf_counter()
    corpus = list(corpus)  # read twice: a sample for the compression dictionary, then everything
    index_path = Path(index)
    jobs = jobs or os.cpu_count() or 1
    report = BuildReport()
    with build_lock(index_path):
        fresh = rebuild or not (index_path / "current").is_symlink()
        work = new_generation(index_path, copy_current=not fresh)
        try:
            try:
                _write(Update(work, fresh), corpus, jobs, prune, report, on_problem, policy)
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


def optimize(index: str | os.PathLike[str]) -> BuildReport:
    """Merge an index into one segment without its deleted documents, as a new generation."""
    started = time.perf_counter()
    index_path = Path(index)
    report = BuildReport()
    with build_lock(index_path):
        current_dir(index_path)  # IndexNotFound when there is nothing to optimize
        work = new_generation(index_path, copy_current=True)
        try:
            try:
                update = Update(work, fresh=False)
                if update.reformatted:
                    raise IndexOutdated(f"{index_path} was built by an older version; rebuild it instead")
                update.optimize()
                report.total = update.live()
            except OSError as err:
                raise write_error(index_path, err) from None
            report.merges = len(update.merges)
            report.merged = sum(m.segments for m in update.merges)
            report.rewritten = sum(m.documents for m in update.merges)
            report.segments = update.segments()
            report.generation = publish(index_path, work).name
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


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
    update: Update,
    corpus: list[str | os.PathLike[str]],
    jobs: int,
    prune: bool,
    report: BuildReport,
    on_problem: Callable[[Problem], None] | None,
    policy: MergePolicy,
) -> None:
    report.reformatted = update.reformatted
    # Stored bodies share one compression dictionary per index, made by its first build.
    bodies = update.bodies(_sample_bodies(corpus))
    seen: Counter[str] = Counter()
    read_problems: list[Problem] = []
    tick = _progress()

    def note(problem: Problem) -> None:
        report.problems.append(problem)
        (report.skipped if problem.skipped else report.repaired)[problem.kind] += 1
        if on_problem:
            on_problem(problem)

    try:
        if not update.fresh:
            # The merge the policy wants starts now, in a child, while the articles are analysed.
            update.start_merging(policy)
        for article, problems, doc in prepared(records(corpus), jobs, read_problems, bodies):
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
            update.add(doc)
        for p in read_problems:
            note(p)
    except BaseException:
        update.cancel()
        raise
    repeated = [i for i, n in seen.items() if n > 1]
    gone = sorted(update.existing - seen.keys()) if prune else []
    # A fresh build's segments are sized by the writer's memory bound already; updates add small
    # ones, which the policy merges in tiers.
    report.total = update.commit(repeated, gone, policy=None if update.fresh else policy)
    report.merges = len(update.merges)
    report.merged = sum(m.segments for m in update.merges)
    report.rewritten = sum(m.documents for m in update.merges)
    report.segments = update.segments()
    report.removed = len(gone)
    report.indexed = len(seen)
    report.updated = len(seen.keys() & update.existing)
    report.added = report.indexed - report.updated
