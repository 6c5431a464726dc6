"""Preparing records in worker processes: validate, date, tag, analyse (the costly part of a build)."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.pool import AsyncResult

from ..ingest.article import Article, Problem
from ..ingest.enrichment import Enricher
from ..ingest.source import Record
from ..ingest.validation import validate
from ..store.bodies import BodyCodec
from ..store.document import Documents
from ..store.schema import make_schema
from ..text.segmentation import warm_up

__all__ = ["Prepared", "Preparer", "Preparing", "prepared", "batches"]

_BATCH = 64
# An article (or None when skipped), its problems, and its analysed writer arguments.
Prepared = tuple[Article | None, list[Problem], dict[str, object]]
# What prepares a build's records, in order: (records and reading problems, where reading
# problems go, the index's body codec) → prepared records. Worker processes here by default; a
# Ray cluster's workers with indexer.cluster.
Preparing = Callable[[Iterator["Record | Problem"], list[Problem], BodyCodec], Iterator[Prepared]]


class Preparer:
    """What one process needs to turn raw records into an index's documents."""

    def __init__(self, bodies: BodyCodec | None = None) -> None:
        self.enricher = Enricher()
        self.documents = Documents(make_schema(), bodies or BodyCodec())

    def __call__(self, record: Record) -> Prepared:
        """One record validated, enriched and analysed."""
        return self.batch([record])[0]

    def batch(self, records: list[Record]) -> list[Prepared]:
        """Several records in order, their texts segmented together."""
        checked = [validate(r) for r in records]
        articles = [self.enricher(a) if a is not None else None for a, _ in checked]
        docs = iter(self.documents.analyzed_all([a for a in articles if a is not None]))
        return [
            (a, problems, next(docs) if a is not None else {})
            for a, (_, problems) in zip(articles, checked, strict=True)
        ]


# The preparer of a worker process: the pool's initializer makes it, once per process, and the
# process serves batches with it until the pool ends (so it must be module state there).
_worker: Preparer | None = None


def _start_worker(dictionary: bytes) -> None:
    global _worker
    _worker = Preparer(BodyCodec(dictionary))


def _prepare_batch(batch: list[Record]) -> list[Prepared]:
    assert _worker is not None, "the pool's initializer makes the worker's preparer"
    return _worker.batch(batch)


def batches(items: Iterator[Record | Problem], problems: list[Problem]) -> Iterator[list[Record]]:
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


def prepared(
    items: Iterator[Record | Problem], jobs: int, read_problems: list[Problem], bodies: BodyCodec
) -> Iterator[Prepared]:
    """Every record prepared, in order, by jobs processes; reading problems go to read_problems."""
    groups = batches(items, read_problems)
    if jobs <= 1:
        preparer = Preparer(bodies)
        for batch in groups:
            yield from preparer.batch(batch)
        return
    warm_up()  # load pyvi's model once, before forking, so workers share it
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # A bounded window of batches in flight: Pool.imap would read the whole corpus ahead and
    # queue every analysed document in memory whenever the writer is the slower side.
    window = 2 * jobs + 2
    pending: deque[AsyncResult[list[Prepared]]] = deque()
    with ctx.Pool(jobs, initializer=_start_worker, initargs=(bodies.dictionary,)) as pool:
        for batch in groups:
            pending.append(pool.apply_async(_prepare_batch, (batch,)))
            if len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
