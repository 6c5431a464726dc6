"""A sharded index on a local 3-node Ray cluster: the same answers as one index, and faults survived.

Runs only inside a network namespace that has only loopback (tests/cluster/test_namespace.py
makes one and runs this file there).
"""

from __future__ import annotations

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

from bench.cluster import comparable  # noqa: E402
from indexer import Index, SearchRequest, build, get_article, get_story, search, trends  # noqa: E402
from indexer.cluster import ClusterIndex  # noqa: E402
from tests.search.test_coordinator import CORPUS, QUERIES  # noqa: E402
from tests.support import DATA  # noqa: E402


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cluster")
    # With the stories articles: same-event reports whose stories span shards.
    corpus = [*CORPUS, DATA / "stories.jsonl"]
    build(corpus, root / "single", jobs=1)
    build(corpus, root / "sharded", jobs=1, shards=4)
    return root / "single", root / "sharded"


@pytest.fixture(scope="module")
def served(cluster: Any, indexes: tuple[Path, Path]) -> Any:
    index = ClusterIndex(indexes[1])
    yield index
    index.shutdown()


def _answers(index: Any, queries: list[SearchRequest]) -> list[tuple[dict[str, Any], Any]]:
    snap = index.snapshot()
    try:
        out = []
        for q in queries:
            res = search(snap, q)
            out.append((comparable(res), res.shards))
        return out
    finally:
        snap.close()


def test_cluster_answers_as_one_index(served: Any, indexes: tuple[Path, Path]) -> None:
    one = [a for a, _ in _answers(Index(indexes[0]), QUERIES)]
    many = _answers(served, QUERIES)
    for req, a, (b, shards) in zip(QUERIES, one, many, strict=True):
        assert shards == {"total": 4, "failed": []}
        assert a == b, f"{req.q!r} differs"
    assert get_article(served.snapshot(), "s-khungbo")["id"] == "s-khungbo"


def test_trends_and_collapsed_results_on_the_cluster(served: Any, indexes: tuple[Path, Path]) -> None:
    """The newer rounds (matches per day, one document per story) travel through the actors too."""
    local = Index(indexes[1]).snapshot()
    remote = served.snapshot()
    try:
        for interval in ("day", "month"):
            a = trends(local, ["Hà Nội", "xe buýt"], SearchRequest(), interval, "share").to_dict()
            b = trends(remote, ["Hà Nội", "xe buýt"], SearchRequest(), interval, "share").to_dict()
            a.pop("took_ms"), b.pop("took_ms")
            assert (a.pop("shards"), b.pop("shards")) == ({"total": 4, "failed": []},) * 2
            assert a == b and a["series"][0]["total"] > 0
        req = SearchRequest(q="Hà Nội", collapse="story", per_page=50)
        here, there = search(local, req), search(remote, req)
        assert (here.total, here.stories) == (there.total, there.stories) and there.stories
        assert [h.id for h in here.hits] == [h.id for h in there.hits]
        assert [h.story for h in here.hits] == [h.story for h in there.hits]
        # Stories span shards: the cluster's are one index's, and so is a story's view.
        one = Index(indexes[0]).snapshot()
        req = SearchRequest(q="cháy", collapse="story", per_page=50)
        there = search(remote, req)
        try:
            alone = search(one, req)
            lead = next(h.id for h in alone.hits if h.story and h.story["size"] > 1)
            assert get_story(remote, lead) == get_story(one, lead)
        finally:
            one.close()
        assert (alone.stories, [(h.id, h.story) for h in alone.hits]) == (
            there.stories,
            [(h.id, h.story) for h in there.hits],
        )
    finally:
        local.close()
        remote.close()


def _pids(served: Any) -> list[int]:
    snap = served.snapshot()
    return [ray.get(a.pid.remote()) for a in snap.parts.actors]


def test_a_killed_shard_is_restarted_and_no_answer_is_silently_short(served: Any, indexes: tuple[Path, Path]) -> None:
    req = SearchRequest(q="tỉnh")
    full = _answers(Index(indexes[0]), [req])[0][0]["total"]
    seen: list[tuple[int, list[int]]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def stream() -> None:
        while not stop.is_set():
            try:
                snap = served.snapshot()
                res = search(snap, req)
                seen.append((res.total, res.shards["failed"]))
            except BaseException as err:  # noqa: B036 - any error fails the test below
                errors.append(err)

    worker = threading.Thread(target=stream)
    worker.start()
    time.sleep(1.0)
    before = _pids(served)
    os.kill(before[1], signal.SIGKILL)
    time.sleep(3.0)
    stop.set()
    worker.join(timeout=60)
    assert not errors, errors
    assert len(seen) > 5
    for total, failed in seen:
        # Complete, or flagged partial: never a smaller total with no shard named.
        assert total == full or failed, (total, failed)
    after = _pids(served)
    assert after[1] != before[1] and after[0] == before[0]
    res = search(served.snapshot(), req)
    assert res.total == full and res.shards["failed"] == []


def test_removed_node_shards_restart_elsewhere(cluster: Any, served: Any, indexes: tuple[Path, Path]) -> None:
    c, nodes = cluster
    req = SearchRequest(q="Bắc Ninh")
    expected = _answers(Index(indexes[0]), [req])[0][0]
    located = {ray.get(a.node.remote()) for a in served.snapshot().parts.actors}
    hosting = [n for n in nodes if n.node_id in located]
    assert hosting, "shards are spread over the nodes: some run on a worker node"
    victim = hosting[0]
    c.remove_node(victim)
    deadline = time.monotonic() + 60
    while True:
        got, shards = _answers(served, [req])[0]
        if not shards["failed"] or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    assert shards["failed"] == [] and got == expected
    assert victim.node_id not in {ray.get(a.node.remote()) for a in served.snapshot().parts.actors}


def test_web_app_on_the_cluster_backend(served: Any, indexes: tuple[Path, Path]) -> None:
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX": str(indexes[1]), "BACKEND": "cluster", "MAP": None, "MAP_OLD": None})
    client = app.test_client()
    res = client.get("/api/search?q=kh%E1%BB%A7ng+b%E1%BB%91")
    assert res.status_code == 200
    body = res.get_json()
    assert body["shards"] == {"total": 4, "failed": []} and body["total"] >= 2
    page = client.get("/?q=kh%E1%BB%A7ng+b%E1%BB%91")
    assert page.status_code == 200 and "notice-partial" not in page.get_data(as_text=True)
