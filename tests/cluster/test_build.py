"""A build analysed on the Ray cluster writes the index a local build writes, a killed worker included."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.isolation import ray_here

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

ray = ray_here()

from indexer import build  # noqa: E402
from indexer.cluster import on_cluster  # noqa: E402
from indexer.store.manifest import Manifest  # noqa: E402
from tests.search.test_coordinator import CORPUS, QUERIES, _pages  # noqa: E402
from tests.support import write_jsonl  # noqa: E402


def _copies(tmp_path: Path, times: int) -> Path:
    """The JSON test articles again and again, each copy with its own ids: many batches to analyse."""
    rows = [json.loads(line) for path in CORPUS if path.suffix == ".jsonl" for line in path.read_text().splitlines()]
    out = [{**r, "id": f"{r['id']}-{k}"} for k in range(times) for r in rows]
    return write_jsonl(tmp_path / "copies.jsonl", out)


def test_cluster_build_equals_a_local_build(cluster: Any, tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "local", jobs=1, shards=4)
    report = build(CORPUS, tmp_path / "ray", shards=4, prepare=on_cluster(workers=2))
    assert report.total == Manifest.load(tmp_path / "local").live
    assert _pages(tmp_path / "local", QUERIES) == _pages(tmp_path / "ray", QUERIES)


def test_a_killed_analyser_is_retried_and_the_index_is_the_same(cluster: Any, tmp_path: Path) -> None:
    corpus = _copies(tmp_path, 60)
    build([corpus], tmp_path / "plain", jobs=1, shards=4)
    name = f"analyser-{os.getpid()}"
    done: list[Any] = []
    prepare = on_cluster(workers=2, name=name)
    worker = threading.Thread(target=lambda: done.append(build([corpus], tmp_path / "hit", shards=4, prepare=prepare)))
    worker.start()
    deadline = time.monotonic() + 60
    actor = None
    while actor is None and time.monotonic() < deadline:
        try:
            actor = ray.get_actor(f"{name}-0")
        except ValueError:
            time.sleep(0.1)
    assert actor is not None, "the analysers were never started"
    pid = ray.get(actor.pid.remote())  # answered between two of its batches
    os.kill(pid, signal.SIGKILL)
    killed_mid_build = worker.is_alive()
    worker.join(timeout=300)
    assert killed_mid_build, "the build ended before a worker could be killed: make the corpus larger"
    assert done and done[0].total == Manifest.load(tmp_path / "plain").live
    queries = [*QUERIES[:8], *(q.with_(per_page=50) for q in QUERIES[:3])]
    assert _pages(tmp_path / "plain", queries) == _pages(tmp_path / "hit", queries)


def test_rerunning_a_cluster_build_is_idempotent(cluster: Any, tmp_path: Path) -> None:
    # The same corpus built twice on the cluster and twice locally: the same shards, the same answers.
    for _ in range(2):
        build(CORPUS, tmp_path / "local", jobs=1, shards=4)
        build(CORPUS, tmp_path / "ray", shards=4, prepare=on_cluster(workers=2))
    local, ray_built = Manifest.load(tmp_path / "local"), Manifest.load(tmp_path / "ray")
    assert (local.documents, local.live, local.lengths) == (ray_built.documents, ray_built.live, ray_built.lengths)
    assert _pages(tmp_path / "local", QUERIES) == _pages(tmp_path / "ray", QUERIES)
