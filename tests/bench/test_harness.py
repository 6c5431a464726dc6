"""The benchmark harness: a rerun that keeps the peers builds vnnews alone and says so."""

from __future__ import annotations

import os
from pathlib import Path

from bench.harness import PEERS, _kept_peers, run_benchmark
from tests.support import DATA


def test_a_rerun_keeps_the_peers_and_builds_vnnews_again(tmp_path: Path) -> None:
    corpus = tmp_path / "articles.jsonl"
    corpus.write_bytes((DATA / "articles.jsonl").read_bytes())
    work = tmp_path / "work"
    first = run_benchmark([corpus], work, 1, 1, lambda _: None)
    assert not first.corpus["peers_kept"] and (work / PEERS).is_file()
    peers = {p: p.stat().st_mtime_ns for p in (work / "sqlite.db", work / "tokens.jsonl")}
    (work / "vnnews" / "left-by-the-first-run").touch()
    second = run_benchmark([corpus], work, 1, 1, lambda _: None, reuse_peers=True)
    assert second.corpus["peers_kept"]
    assert {p: p.stat().st_mtime_ns for p in peers} == peers
    assert not (work / "vnnews" / "left-by-the-first-run").exists()
    for name in ("sqlite", "tantivy"):
        assert second.engines[name].build.stages == first.engines[name].build.stages
        assert second.engines[name].outcomes == first.engines[name].outcomes
    assert second.engines["vnnews"].outcomes == first.engines["vnnews"].outcomes
    assert not second.disagreements
    # Other corpus files (here: the same path, rewritten) are not the kept pass's.
    os.utime(corpus, ns=(0, 0))
    assert _kept_peers(work, [corpus], None) is None
