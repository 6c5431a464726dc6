"""Merging segments in bulk: the same index a rebuild gives, deleted documents gone, bounded segments."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from indexer import MergePolicy, SearchRequest, Snapshot, build, get_article, optimize, search
from indexer.store import codec
from indexer.store import update as update_module
from indexer.store.directory import current_dir, open_generation
from indexer.store.vocabulary import TermCounts, Vocabulary
from tests.support import DATA, write_jsonl

ROWS = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
QUERIES = [
    SearchRequest(per_page=100),
    SearchRequest(q="xe buýt", per_page=100),
    SearchRequest(q="ha noi", per_page=100),
    SearchRequest(q='"lễ hội"', per_page=100),
    SearchRequest(q="sửa", per_page=100),
    SearchRequest(q="du lịch", province=("Đà Nẵng",), per_page=100),
    SearchRequest(q="", sort="oldest", source=("tinnhanh.example",), per_page=100),
]
NEVER = MergePolicy(factor=1_000)  # no merging on updates: the tests merge when they say


def _final_rows() -> list[dict[str, Any]]:
    """The corpus the updates below end with: t01-t04 edited, t29 and t30 pruned."""
    edited = [dict(r, title=r["title"] + " đã sửa", body=r.get("body", "") + " Bài đã sửa.") for r in ROWS[:4]]
    return edited + ROWS[4:28]


def _updated_index(tmp_path: Path) -> Path:
    """An index of several segments with deleted documents (replaced and pruned)."""
    index = tmp_path / "ix"
    parts = [write_jsonl(tmp_path / f"p{i}.jsonl", ROWS[i * 10 : (i + 1) * 10]) for i in range(3)]
    for part in parts:
        build([part], index, jobs=1, policy=NEVER)
    edited = write_jsonl(tmp_path / "edited.jsonl", _final_rows()[:4])
    build([edited], index, jobs=1, policy=NEVER)
    kept = write_jsonl(tmp_path / "kept.jsonl", _final_rows())
    report = build([kept], index, jobs=1, prune=True, policy=NEVER)
    assert report.removed == 2 and report.segments == 5
    return index


def _answers(index: Path) -> list[Any]:
    out = []
    with Snapshot.open(index) as snap:
        for req in QUERIES:
            res = search(snap, req)
            # Hits as a set with their scores: ties may be ordered differently.
            out.append((res.total, res.facets, sorted((h.id, h.score, h.snippet) for h in res.hits)))
        out.append({r["id"]: get_article(snap, r["id"]) for r in _final_rows()})
    return out


def _strip_origin(answers: list[Any]) -> list[Any]:
    for article in answers[-1].values():
        article.pop("origin")  # where the record came from: the rebuild read one file
    return answers


def test_optimize_gives_the_index_a_rebuild_gives(tmp_path: Path) -> None:
    index = _updated_index(tmp_path)
    report = optimize(index)
    assert (report.merges, report.merged, report.segments, report.total) == (1, 5, 1, 28)
    generation = current_dir(index).resolve()
    ix = open_generation(generation)
    (segment,) = ix._segments()
    assert segment.deleted_count() == 0 and segment.doc_count_all() == 28
    with ix.reader() as reader:
        assert TermCounts.load(generation) == TermCounts.read(reader)
        assert Vocabulary.load(generation) == Vocabulary.build(reader)
    rebuilt = tmp_path / "rebuilt"
    build([write_jsonl(tmp_path / "all.jsonl", _final_rows())], rebuilt, jobs=1)
    # Totals, facets, scores (BM25 over the same lengths and frequencies), snippets, stored fields.
    assert _strip_origin(_answers(index)) == _strip_origin(_answers(rebuilt))


def test_blocks_of_a_few_postings_give_the_same_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The tiny corpus's lists fit one block at the real size: make every list span many blocks,
    # written by the segment writer and by a merge, and read back whole and block by block.
    (tmp_path / "plain").mkdir()
    (tmp_path / "small").mkdir()
    plain = _updated_index(tmp_path / "plain")
    optimize(plain)
    monkeypatch.setattr(codec, "BLOCK_POSTINGS", 2)
    small = _updated_index(tmp_path / "small")
    before = _answers(small)
    optimize(small)
    ix = open_generation(current_dir(small).resolve())
    with ix.reader() as reader:
        common = max(reader.lexicon("body_syl"), key=lambda t: reader.doc_frequency("body_syl", t))
        matcher = reader.postings("body_syl", common)
        assert reader.doc_frequency("body_syl", common) > 2 and matcher._blocklength == 2  # the first of several blocks
    assert _strip_origin(_answers(small)) == _strip_origin(before) == _strip_origin(_answers(plain))


def test_optimize_of_an_optimized_index_changes_nothing_but_the_generation(tmp_path: Path) -> None:
    index = _updated_index(tmp_path)
    optimize(index)
    before = _answers(index)
    report = optimize(index)
    assert (report.merges, report.segments) == (0, 1)
    assert _answers(index) == before


def test_policy_merges_tiers_and_rewrites_segments_on_deletes() -> None:
    class Seg:
        def __init__(self, live: int, deleted: int = 0) -> None:
            self.live, self.deleted = live, deleted

        def doc_count_all(self) -> int:
            return self.live + self.deleted

        def deleted_count(self) -> int:
            return self.deleted

    policy = MergePolicy(factor=4, floor=10, deletes=0.3)
    assert [policy.tier(n) for n in (1, 10, 11, 40, 41, 160, 161)] == [0, 0, 1, 1, 2, 2, 3]
    small = [Seg(5) for _ in range(3)]
    assert policy.pick(small) is None
    picked = policy.pick([*small, Seg(2), Seg(100), Seg(300)])
    assert picked is not None and sorted(s.live for s in picked) == [2, 5, 5, 5]
    tier_one = [Seg(20), Seg(30), Seg(25), Seg(15), Seg(5)]
    assert sorted(s.live for s in policy.pick(tier_one) or []) == [15, 20, 25, 30]
    deleted = Seg(60, deleted=40)
    assert policy.pick([Seg(5), deleted]) == [deleted]


def test_daily_updates_keep_few_segments_and_rewrite_each_document_a_few_times(tmp_path: Path) -> None:
    policy = MergePolicy(factor=3, floor=4)
    index = tmp_path / "ix"
    rows = [dict(r, id=f"{r['id']}-{k}") for k in range(3) for r in ROWS]  # 90 distinct articles
    rewritten = 0
    segments = []
    for day in range(30):
        batch = write_jsonl(tmp_path / f"day{day}.jsonl", rows[day * 3 : day * 3 + 3])
        report = build([batch], index, jobs=1, policy=policy)
        segments.append(report.segments)
        rewritten += report.rewritten
    # At most factor − 1 segments per tier (tiers of ≤4, ≤12, ≤36, ≤108 documents), plus the new one.
    assert max(segments) <= 4 * (policy.factor - 1) + 1, segments
    assert segments[-1] < 30
    # Each document is rewritten once per tier it rises through: at most 4 times here.
    assert 0 < rewritten <= 90 * 4, rewritten
    with Snapshot.open(index) as snap:
        assert snap.doc_count == 90 == snap.size  # merges dropped nothing live, kept nothing dead
        assert search(snap, SearchRequest(q="xe buýt")).total == 9


@pytest.mark.slow
def test_sigkill_during_a_merge_leaves_the_previous_generation(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    rows = [dict(r, id=f"{r['id']}-{k}") for k in range(20) for r in ROWS]  # 600 articles
    for k in range(6):
        build([write_jsonl(tmp_path / f"p{k}.jsonl", rows[k * 100 : (k + 1) * 100])], index, jobs=1, policy=NEVER)
    with Snapshot.open(index) as snap:
        expected = search(snap, SearchRequest(q="xe buýt")).total
    probe = tmp_path / "timing"  # the same index again, to time an optimize that runs to its end
    for k in range(6):
        build([tmp_path / f"p{k}.jsonl"], probe, jobs=1, policy=NEVER)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "indexer", "optimize", "--index", str(probe)], check=True)
    duration = time.perf_counter() - started
    rng = random.Random(11)
    seen = set()
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer", "optimize", "--index", str(index)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.1, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        generation = current_dir(index).resolve()
        segments = len(open_generation(generation)._segments())
        assert segments in (1, 6), segments  # the old generation or the merged one, never a mix
        seen.add(segments)
        with Snapshot.open(index) as snap:
            assert snap.doc_count == 600
            assert search(snap, SearchRequest(q="xe buýt")).total == expected
    assert 6 in seen  # some kill came before the merge was published
    report = optimize(index)
    assert report.segments == 1 and report.total == 600
    assert not list(index.glob("building-*")) and len(list(index.glob("gen-*"))) <= 2


def test_an_update_merges_in_the_background_and_keeps_its_own_replacements(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    rows = [dict(r, id=f"{r['id']}-{k}") for k in range(3) for r in ROWS]  # 90 articles
    for k in range(9):
        build([write_jsonl(tmp_path / f"p{k}.jsonl", rows[k * 10 : (k + 1) * 10])], index, jobs=1, policy=NEVER)
    # The update replaces articles of the segments being merged (deletions made while the child
    # merges them) and adds new ones; the ninth segment plus the update's make a full tier.
    replaced = [dict(r, title=(r["title"] or "Bài") + " đã sửa") for r in rows[5:25]]
    fresh = [dict(r, id=r["id"] + "-new") for r in ROWS[:10]]
    update = write_jsonl(tmp_path / "update.jsonl", replaced + fresh)
    report = build([update], index, jobs=1, policy=MergePolicy(factor=10, floor=1000))
    assert report.merges == 1 and report.merged == 9 and report.segments == 2
    final = [r for r in rows if r not in rows[5:25]] + replaced + fresh
    rebuilt = tmp_path / "rebuilt"
    build([write_jsonl(tmp_path / "all.jsonl", final)], rebuilt, jobs=1)
    for req in QUERIES[:5]:
        with Snapshot.open(index) as ours, Snapshot.open(rebuilt) as theirs:
            a, b = search(ours, req), search(theirs, req)
            assert (a.total, a.facets) == (b.total, b.facets), req
        assert a.total
    with Snapshot.open(index) as snap:
        assert snap.doc_count == 100
        assert search(snap, SearchRequest(q="đã sửa")).total == 20
    generation = current_dir(index).resolve()
    ix = open_generation(generation)
    with ix.reader() as reader:
        assert TermCounts.load(generation) == TermCounts.read(reader)


def test_a_big_fresh_build_leaves_the_policys_tiers_and_the_answers_of_one_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A segment every few articles, as a corpus of millions makes one every 67,000: the merges
    # run while the build goes on (the rest at its commit), so its first update merges nothing big.
    rows = [dict(r, id=f"{r['id']}-{k}") for k in range(4) for r in ROWS]  # 120 articles
    corpus = write_jsonl(tmp_path / "all.jsonl", rows)
    policy = MergePolicy(factor=3, floor=4)
    monkeypatch.setattr(update_module, "SEGMENT_POSTINGS", 800)
    plain = build([corpus], tmp_path / "plain", jobs=1, policy=NEVER)
    report = build([corpus], tmp_path / "ix", jobs=1, policy=policy)
    assert plain.merges == 0 and plain.segments >= 10, plain.segments
    assert report.merges >= 2 and report.segments < plain.segments
    generation = current_dir(tmp_path / "ix").resolve()
    ix = open_generation(generation)
    assert policy.pick(ix._segments()) is None
    with ix.reader() as reader:
        assert TermCounts.load(generation) == TermCounts.read(reader)
        assert Vocabulary.load(generation) == Vocabulary.build(reader)
    optimize(tmp_path / "plain")  # one segment: the order of documents is the corpus's
    with Snapshot.open(tmp_path / "ix") as ours, Snapshot.open(tmp_path / "plain") as one:
        assert ours.doc_count == one.doc_count == 120
        for req in QUERIES:
            a, b = search(ours, req), search(one, req)
            assert (a.total, a.facets) == (b.total, b.facets), req
            assert sorted((h.id, h.score) for h in a.hits) == sorted((h.id, h.score) for h in b.hits), req
        for row in rows[::7]:
            assert get_article(ours, row["id"]) == get_article(one, row["id"])
