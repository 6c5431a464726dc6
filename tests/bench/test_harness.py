"""The benchmark harness: reruns that keep an earlier run's builds measure again and say so."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.harness import BUILDS, _kept, run_benchmark
from tests.support import DATA


def test_reruns_keep_the_peers_or_every_index_and_say_so(tmp_path: Path) -> None:
    corpus = tmp_path / "articles.jsonl"
    corpus.write_bytes((DATA / "articles.jsonl").read_bytes())
    work = tmp_path / "work"
    first = run_benchmark([corpus], work, 1, 1, lambda _: None)
    assert first.corpus["kept"] == [] and (work / BUILDS).is_file()
    peers = {p: p.stat().st_mtime_ns for p in (work / "sqlite.db", work / "tokens.jsonl")}
    (work / "vnnews" / "left-by-the-first-run").touch()

    second = run_benchmark([corpus], work, 1, 1, lambda _: None, reuse="peers")
    assert second.corpus["kept"] == ["sqlite", "tantivy"]
    assert {p: p.stat().st_mtime_ns for p in peers} == peers
    assert not (work / "vnnews" / "left-by-the-first-run").exists()  # built again
    for name in ("sqlite", "tantivy"):
        assert second.engines[name].build.stages == first.engines[name].build.stages
    assert {n: e.outcomes for n, e in second.engines.items()} == {n: e.outcomes for n, e in first.engines.items()}
    assert not second.disagreements

    (work / "vnnews" / "left-by-the-second-run").touch()
    third = run_benchmark([corpus], work, 1, 1, lambda _: None, reuse="all")
    assert third.corpus["kept"] == ["vnnews", "sqlite", "tantivy"]
    assert (work / "vnnews" / "left-by-the-second-run").exists()  # not built again
    assert third.engines["vnnews"].build.stages == second.engines["vnnews"].build.stages
    assert third.engines["vnnews"].outcomes == first.engines["vnnews"].outcomes

    # Other corpus files (here: the same path, rewritten) are not the kept passes'.
    os.utime(corpus, ns=(0, 0))
    assert _kept(work, [corpus], None, ["sqlite"]) is None
    with pytest.raises(ValueError, match="reuse must be one of"):
        run_benchmark([corpus], work, 1, 1, lambda _: None, reuse="some")
