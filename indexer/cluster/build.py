"""A build whose analysis runs on a Ray cluster: pyvi loaded once per worker, batches retried by Ray.

The build process reads the corpus, sends batches of records to analyser actors (one per CPU of
the cluster, each holding a Preparer for the whole build), takes their answers back in corpus
order and writes them, each into the writer of its shard, as a local build does. Analysis is a
pure function of the record, so a batch that Ray retries after its worker died gives the same
documents, and the index is the one an undisturbed build writes.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import ray

from ..indexing.builder import build
from ..indexing.report import BuildReport
from ..indexing.workers import Prepared, Preparer, Preparing, batches
from ..ingest.article import Problem
from ..ingest.source import Record
from ..store.bodies import BodyCodec
from .shards import connect

__all__ = ["Analyser", "on_cluster", "build_on_cluster"]


class Analyser:
    """A Ray worker's preparer for one build (its pyvi model loaded once, when it starts)."""

    def __init__(self, dictionary: bytes) -> None:
        self.preparer = Preparer(BodyCodec(dictionary))

    def batch(self, records: list[Record]) -> list[Prepared]:
        """Records validated, enriched and analysed, in order."""
        return self.preparer.batch(records)

    def pid(self) -> int:
        """The worker's process id (tests kill it)."""
        return os.getpid()


def on_cluster(address: str | None = None, workers: int | None = None, name: str = "") -> Preparing:
    """A preparing function for build(): analysis by workers analyser actors on the cluster.

    workers defaults to the cluster's CPUs; name, when given, names the actors ("<name>-<n>") so
    that they can be looked up while the build runs.
    """

    def prepare(items: Iterator[Record | Problem], problems: list[Problem], bodies: BodyCodec) -> Iterator[Prepared]:
        connect(address)
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        remote = ray.remote(Analyser)
        actors = []
        for n in range(count):
            options: dict[str, Any] = {"num_cpus": 1, "max_restarts": -1, "max_task_retries": -1}
            if name:
                options["name"] = f"{name}-{n}"
            actors.append(remote.options(**options).remote(bodies.dictionary))
        # A bounded window of batches in flight, answers taken in corpus order.
        window = 2 * count + 2
        pending: deque[Any] = deque()
        try:
            for i, batch in enumerate(batches(items, problems)):
                pending.append(actors[i % count].batch.remote(batch))
                if len(pending) >= window:
                    yield from ray.get(pending.popleft())
            while pending:
                yield from ray.get(pending.popleft())
        finally:
            for actor in actors:
                ray.kill(actor)

    return prepare


def build_on_cluster(
    corpus: Iterable[str | os.PathLike[str]],
    index: str | os.PathLike[str],
    *,
    address: str | None = None,
    workers: int | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    **options: Any,
) -> BuildReport:
    """build() with the analysis on the Ray cluster at address (RAY_ADDRESS, else a local one)."""
    return build(corpus, index, prepare=on_cluster(address, workers), on_problem=on_problem, **options)
