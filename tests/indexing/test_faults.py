"""Faults: a build killed with SIGKILL at random points leaves the old or the new index, never a mix."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import SearchRequest, Snapshot, build, search


def corpus(path: Path, version: str, n: int = 400) -> Path:
    rows = [
        {
            "id": f"a{i}",
            "title": f"Bản tin {version} số {i} về thủy điện",
            "body": "Nội dung bài báo. " * 20,
            "source": version,
            "published": "2024-01-02",
        }
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def versions(index: Path) -> set[str]:
    """The set of versions the index holds; a consistent index holds exactly one."""
    with Snapshot.open(index) as snap:
        res = search(snap, SearchRequest(q="thủy điện", per_page=1))
        found = {v["value"] for v in res.facets["source"]}
        assert res.total == snap.doc_count == 400
    return found


def kill_during(args: list[str], delay: float) -> int | None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["--rebuild", "incremental"])
def test_sigkill_at_random_points(tmp_path: Path, mode: str) -> None:
    index = tmp_path / "ix"
    build([corpus(tmp_path / "a.jsonl", "old")], index, jobs=1)
    new = corpus(tmp_path / "b.jsonl", "new")
    started = time.perf_counter()
    build([new], tmp_path / "probe", jobs=1)
    duration = time.perf_counter() - started + 1.0  # the subprocess also loads Python and pyvi
    rng = random.Random(7)
    args = ["--corpus", str(new), "--index", str(index), "--jobs", "1"] + ([mode] if mode.startswith("--") else [])
    outcomes = set()
    for _ in range(5):
        kill_during(args, rng.uniform(0.2, duration))
        held = versions(index)
        assert held in ({"old"}, {"new"}), held
        outcomes.add(frozenset(held))
    # The next build after all those kills succeeds and publishes the new content.
    report = build([new], index, jobs=1, rebuild=mode == "--rebuild")
    assert report.total == 400 and versions(index) == {"new"}
    assert not list(index.glob("building-*"))
    assert len(list(index.glob("gen-*"))) <= 2
