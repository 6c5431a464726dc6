"""A sharded index answers as one index of the same articles: totals, order, facets, suggestions."""

from __future__ import annotations

import gzip
import itertools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench.cluster import comparable
from indexer import Index, SearchRequest, Snapshot, build, get_article, search, similar
from indexer.errors import ArticleNotFound, BadRequest, ShardUnavailable
from indexer.store.manifest import Manifest, shard_dir, shard_of
from indexer.store.merge import MergePolicy
from tests.support import DATA, SEED, WEB_ARTICLES, need_shared, write_jsonl

CORPUS = [DATA / "search.jsonl", DATA / "ranking.jsonl", WEB_ARTICLES, SEED]

QUERIES = [
    SearchRequest(q="khủng bố"),
    SearchRequest(q="khung bo"),
    SearchRequest(q="bac ninh"),
    SearchRequest(q="Bắc Ninh", sort="newest"),
    SearchRequest(q="Bắc Ninh", sort="oldest"),
    SearchRequest(q='"chống khủng bố"'),
    SearchRequest(q="bão OR lũ"),
    SearchRequest(q="công an -khủng"),
    SearchRequest(q="title:diễn tập"),
    SearchRequest(q="UBND tỉnh"),
    SearchRequest(q="ủy ban nhân dân", variants="off"),
    SearchRequest(q="của và các"),
    SearchRequest(q="khủng bố của"),
    SearchRequest(q="hà nội giao thông"),
    SearchRequest(q="diễn tập khủng long"),  # relaxed to any word
    SearchRequest(q="khủng bồ"),  # a misplaced mark: relaxed, suggested
    SearchRequest(q="khugn bố"),  # a typo: did you mean
    SearchRequest(q="xyzzy"),
    SearchRequest(q=""),
    SearchRequest(q="", sort="oldest", per_page=5, page=2),
    SearchRequest(q="", province=("Bắc Ninh",)),
    SearchRequest(q="tỉnh", page=2, per_page=3),
    SearchRequest(q="tỉnh", source=("baobacninh.vn",)),
    SearchRequest(q="tỉnh", province_old=("Bắc Giang",)),
    SearchRequest(q="tỉnh", date_from=None, date_to=None, category=("an-ninh",)),
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The test articles as one index and as four shards."""
    root = tmp_path_factory.mktemp("sharded")
    single, sharded = root / "single", root / "sharded"
    build(CORPUS, single, jobs=1)
    report = build(CORPUS, sharded, jobs=1, shards=4)
    assert report.total == build(CORPUS, root / "again", jobs=1).total
    return single, sharded


def _pages(index: Path, queries: list[SearchRequest]) -> list[dict[str, Any]]:
    snap = Index(index).snapshot()
    try:
        return [comparable(search(snap, q)) for q in queries]
    finally:
        snap.close()


def test_layout_routes_every_article_to_its_hashed_shard(pair: tuple[Path, Path]) -> None:
    _, sharded = pair
    manifest = Manifest.load(sharded)
    assert manifest.shards == 4 and len(manifest.generations) == 4
    snap = Index(sharded).snapshot()
    try:
        co = snap.coordinator()
        counts = [0] * 4
        for line in (DATA / "search.jsonl").read_text(encoding="utf-8").splitlines():
            article_id = json.loads(line)["id"]
            part, _ = co.locate(article_id)
            assert part == shard_of(article_id, 4)
            counts[part] += 1
        assert sum(counts) == 13 and max(counts) < 13  # spread, not all in one
    finally:
        snap.close()
    with Index(pair[0]).snapshot() as one:
        assert manifest.live == one.doc_count


def test_every_query_answers_as_one_index(pair: tuple[Path, Path]) -> None:
    single, sharded = pair
    one, many = _pages(single, QUERIES), _pages(sharded, QUERIES)
    for req, a, b in zip(QUERIES, one, many, strict=True):
        assert a == b, f"{req.q!r} differs"
    # The set means something: matches, relaxations and suggestions of each kind occur.
    assert sum(1 for a in one if a["total"]) >= 18
    assert {a["relaxed"] for a in one} >= {None, "diacritics", "any_word"}
    assert {(a["suggestion"] or {}).get("kind") for a in one} >= {None, "accents", "spelling"}


def test_ties_rank_by_indexing_order_across_shards(tmp_path: Path) -> None:
    # Twelve articles of identical text: every score ties, so the order is indexing order alone.
    rows = [
        {"id": f"tie-{i:02d}", "title": "Mưa lớn ở Huế", "body": "Mưa lớn kéo dài ở Huế.", "published": "2024-01-01"}
        for i in range(12)
    ]
    corpus = write_jsonl(tmp_path / "ties.jsonl", rows)
    build([corpus], tmp_path / "one", jobs=1)
    build([corpus], tmp_path / "four", jobs=1, shards=4)
    for req in (SearchRequest(q="mưa lớn", per_page=5), SearchRequest(q="", per_page=5, page=2)):
        ids = [
            [h["id"] for h in page["hits"]]
            for page in (_pages(tmp_path / "one", [req]) + _pages(tmp_path / "four", [req]))
        ]
        assert ids[0] == ids[1]
        assert ids[0] == sorted(ids[0])  # written in id order, so indexing order is id order
    assert len({shard_of(r["id"], 4) for r in rows}) > 1


def test_articles_and_similar_come_from_every_shard(pair: tuple[Path, Path]) -> None:
    single, sharded = pair
    one, many = Index(single).snapshot(), Index(sharded).snapshot()
    try:
        for article_id in ("s-khungbo", "r-near"):
            assert get_article(many, article_id) == get_article(one, article_id)
            near = [h.id for h in similar(many, article_id, limit=5)]
            assert near and article_id not in near
        with pytest.raises(ArticleNotFound, match="no article"):
            get_article(many, "no-such-id")
    finally:
        one.close()
        many.close()


def test_unknown_facet_value_is_named_across_shards(pair: tuple[Path, Path]) -> None:
    snap = Index(pair[1]).snapshot()
    try:
        with pytest.raises(BadRequest) as err:
            search(snap, SearchRequest(q="tỉnh", source=("baobacnin.vn",)))
        assert err.value.param == "source" and "baobacninh.vn" in str(err.value)
    finally:
        snap.close()


def test_update_keeps_shards_equivalent(tmp_path: Path) -> None:
    # An incremental build routes new and changed articles to their shards again.
    first = write_jsonl(tmp_path / "a.jsonl", [json.loads(x) for x in (DATA / "search.jsonl").read_text().splitlines()])
    rows = [json.loads(x) for x in (DATA / "ranking.jsonl").read_text().splitlines()]
    changed = {**json.loads((DATA / "search.jsonl").read_text().splitlines()[0]), "title": "Tin sửa lại về bão"}
    second = write_jsonl(tmp_path / "b.jsonl", [*rows, changed])
    for name, shards in (("one", None), ("four", 4)):
        build([first], tmp_path / name, jobs=1, shards=shards)
        build([second], tmp_path / name, jobs=1)
    assert (shard_dir(tmp_path / "four", 3) / "current").is_symlink()
    queries = [SearchRequest(q="bão"), SearchRequest(q="khủng bố"), SearchRequest(q="")]
    assert _pages(tmp_path / "one", queries) == _pages(tmp_path / "four", queries)


def test_optimized_after_updates_both_score_alike_again(tmp_path: Path) -> None:
    from indexer import optimize

    rows = [json.loads(x) for x in (DATA / "search.jsonl").read_text().splitlines()]
    first = write_jsonl(tmp_path / "a.jsonl", rows)
    second = write_jsonl(tmp_path / "b.jsonl", [{**r, "title": r["title"] + " (cập nhật)"} for r in rows[:5]])
    for name, shards in (("one", None), ("four", 4)):
        build([first], tmp_path / name, jobs=1, shards=shards)
        build([second], tmp_path / name, jobs=1)
        optimize(tmp_path / name)
    assert Manifest.load(tmp_path / "four").documents == Manifest.load(tmp_path / "four").live == len(rows)
    queries = [SearchRequest(q="khủng bố"), SearchRequest(q="cập nhật"), SearchRequest(q="bac ninh"), SearchRequest()]
    assert _pages(tmp_path / "one", queries) == _pages(tmp_path / "four", queries)


def test_stats_sum_the_shards(pair: tuple[Path, Path]) -> None:
    from indexer import index_stats

    one, many = index_stats(pair[0]), index_stats(pair[1])
    assert many.pop("shards") == 4
    for key in ("path", "generation", "size_bytes", "size_mb"):
        one.pop(key), many.pop(key)
    assert one == many


def test_reshard_needs_rebuild(pair: tuple[Path, Path], tmp_path: Path) -> None:
    build(CORPUS[:1], tmp_path / "ix", jobs=1, shards=2)
    with pytest.raises(BadRequest, match="--rebuild"):
        build(CORPUS[:1], tmp_path / "ix", jobs=1, shards=3)
    build(CORPUS[:1], tmp_path / "ix", jobs=1, shards=3, rebuild=True)
    assert Manifest.load(tmp_path / "ix").shards == 3
    assert not (tmp_path / "ix" / "shard-003").exists()
    with pytest.raises(BadRequest, match="one shard"):
        build(CORPUS[:1], pair[0], jobs=1, shards=2)


@pytest.mark.shared
@pytest.mark.slow
def test_bench_queries_on_a_real_corpus_answer_as_one_index(tmp_path: Path) -> None:
    from bench.queries import load_queries

    source = need_shared("corpus", "dantri-unc.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, 3000)]
    corpus = write_jsonl(tmp_path / "dantri.jsonl", rows)
    build([corpus], tmp_path / "one", jobs=2)
    build([corpus], tmp_path / "four", jobs=2, shards=4)
    snap = Index(tmp_path / "one").snapshot()
    ranked = list(snap.coordinator().values["source"][1:])
    snap.close()
    queries = [q.request(facets=True) for q in load_queries(ranked)]
    queries = [replace(q, page=min(q.page, 5)) for q in queries]
    one, many = _pages(tmp_path / "one", queries), _pages(tmp_path / "four", queries)
    differing = [q.q for q, a, b in zip(queries, one, many, strict=True) if a != b]
    assert not differing
    assert sum(1 for a in one if a["total"]) > len(queries) // 2


def test_rounds_a_query_takes(pair: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.search.coordinator import LocalParts

    rounds: list[str] = []
    each = LocalParts.each

    def counted(self: LocalParts, method: str, *args: Any) -> list[Any]:
        rounds.append(method)
        return each(self, method, *args)

    monkeypatch.setattr(LocalParts, "each", counted)
    typed = SearchRequest(q="khủng bố tại Bắc Ninh")
    # A fresh index plans from the term dictionary beside its manifest: no lexicon round at all.
    index = Index(pair[1])
    assert _pages(pair[1], [typed]) == _pages(pair[0], [typed])
    assert "lexicon" not in rounds and "execute" in rounds
    # With deleted documents pending a merge, the shards are asked, once per word.
    rows = [json.loads(x) for x in (DATA / "search.jsonl").read_text().splitlines()]
    first = write_jsonl(tmp_path / "a.jsonl", rows)
    build([first], tmp_path / "four", jobs=1, shards=4)
    # Every article replaced, and no merge to drop the old copies: deletions in every shard.
    build([first], tmp_path / "four", jobs=1, policy=MergePolicy(deletes=1.0))
    manifest = Manifest.load(tmp_path / "four")
    assert manifest.documents > manifest.live
    index = Index(tmp_path / "four")
    rounds.clear()
    once = comparable(search(index.snapshot(), typed))
    assert "lexicon" in rounds
    rounds.clear()
    again = comparable(search(index.snapshot(), typed))
    assert "lexicon" not in rounds and once == again


class _Down:
    """The parts of an index with some shards down: they answer nothing and are named failed."""

    def __init__(self, parts: Any, down: set[int]) -> None:
        self.parts, self.down = parts, down
        self.seen: set[int] = set()

    def __len__(self) -> int:
        return len(self.parts)

    def each(self, method: str, *args: Any) -> list[Any]:
        answers = self.parts.each(method, *args)
        self.seen |= self.down
        return [None if n in self.down else a for n, a in enumerate(answers)]

    def some(self, calls: dict[int, tuple[Any, ...]], method: str) -> dict[int, Any]:
        self.seen |= self.down & set(calls)
        return self.parts.some({n: a for n, a in calls.items() if n not in self.down}, method)

    @property
    def failed(self) -> list[int]:
        return sorted(self.seen)

    def close(self) -> None:
        self.parts.close()


def down_snapshot(index: Index, down: set[int]) -> Any:
    """A snapshot of a sharded index whose listed shards do not answer."""
    snap = index.snapshot()
    snap.parts = _Down(snap.parts, down)
    return snap


def test_a_shard_that_does_not_answer_is_named_never_silently_left_out(pair: tuple[Path, Path]) -> None:
    from webapp import create_app

    index = Index(pair[1])
    full = search(index.snapshot(), SearchRequest(q="tỉnh"))
    part = search(down_snapshot(index, {2}), SearchRequest(q="tỉnh"))
    assert full.shards == {"total": 4, "failed": []}
    assert part.shards == {"total": 4, "failed": [2]}
    # What the other shards hold is still answered, ranked as before, and counted as such.
    ranked = [i for i in _all_ids(index, "tỉnh") if shard_of(i, 4) != 2]
    assert full.total <= 100 and part.total == len(ranked) < full.total
    assert [h.id for h in part.hits] == ranked[:10]
    with pytest.raises(ShardUnavailable, match="unavailable"):
        get_article(down_snapshot(index, {shard_of("s-khungbo", 4)}), "s-khungbo")
    # The web app says so: the API's shards field, a banner on the page; never a 500.
    app = create_app({"TESTING": True, "INDEX": str(pair[1]), "MAP": None, "MAP_OLD": None})
    served = app.extensions["vnnews_index"]
    served.snapshot = lambda: down_snapshot(index, {2})  # type: ignore[method-assign]
    client = app.test_client()
    api = client.get("/api/search?q=t%E1%BB%89nh")
    assert api.status_code == 200 and api.get_json()["shards"] == {"total": 4, "failed": [2]}
    html = client.get("/?q=t%E1%BB%89nh")
    assert html.status_code == 200 and "notice-partial" in html.get_data(as_text=True)
    # A story may span shards: the article is shown without its story block, the story itself is a 503.
    assert client.get(f"/article/{ranked[0]}").status_code == 200
    assert client.get(f"/api/stories/{ranked[0]}").get_json()["error"]["code"] == "shard_unavailable"
    on_down = next(i for i in _all_ids(index, "tỉnh") if shard_of(i, 4) == 2)
    assert client.get(f"/article/{on_down}").status_code == 503
    assert client.get(f"/api/articles/{on_down}").get_json()["error"]["code"] == "shard_unavailable"


def _all_ids(index: Index, q: str) -> list[str]:
    return [h.id for h in search(index.snapshot(), SearchRequest(q=q, per_page=100)).hits]


def test_a_shard_no_article_was_routed_to_is_searched_too(tmp_path: Path) -> None:
    """Eight shards for three articles: most are empty, and the index still answers."""
    corpus = tmp_path / "three.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": f"e{i}", "title": f"Bài số {i} về Đà Nẵng", "published": "2025-01-0" + str(i + 1)}) + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    build([corpus], tmp_path / "sparse", jobs=1, shards=8)
    with Snapshot.open(tmp_path / "sparse") as snap:
        found = search(snap, SearchRequest(q="Đà Nẵng"))
        assert found.total == 3 and found.shards == {"total": 8, "failed": []}
        assert {v["value"] for v in found.facets["province"]} == {"Đà Nẵng"}
