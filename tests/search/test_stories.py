"""Search results collapsed by story, and a story's own view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from indexer import ArticleNotFound, Index, SearchRequest, Snapshot, build, get_story, search
from indexer.store.manifest import shard_of
from tests.support import DATA


def test_collapsed_results_show_one_row_per_story(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        flat = search(snap, SearchRequest(q="cháy chung cư"))
        folded = search(snap, SearchRequest(q="cháy chung cư", collapse="story"))
    assert flat.stories is None and all(h.story is None for h in flat.hits)
    # Totals say both: articles matched, and the stories they form.
    assert folded.total == flat.total == 4
    assert folded.stories == 2
    assert [h.id for h in folded.hits] == [flat.hits[0].id, "s08"]
    lead = folded.hits[0]
    assert lead.story == {
        "id": "s01",
        "size": 3,
        "sources": ["tinnhanh.example", "baodiaphuong.example", "thoisu.example"],
    }
    assert folded.hits[1].story == {"id": "s08", "size": 1, "sources": ["thoisu.example"]}


def test_collapsed_paging_counts_stories(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        every = search(snap, SearchRequest(collapse="story", per_page=50))
        pages = [search(snap, SearchRequest(collapse="story", per_page=2, page=p)) for p in (1, 2, 3, 4)]
    assert every.total == 9 and every.stories == 6
    assert [h.id for p in pages for h in p.hits] == [h.id for h in every.hits]
    # Newest first (the empty query's order): each story led by its newest article.
    assert [h.id for h in every.hits] == ["s07", "s06", "s09", "s03", "s04", "s08"]
    assert len({h.story["id"] for h in every.hits if h.story}) == 6


def test_collapse_keeps_filters_and_counts(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        flat = search(snap, SearchRequest(q="cháy", source=("thoisu.example",)))
        folded = search(snap, SearchRequest(q="cháy", source=("thoisu.example",), collapse="story"))
    assert folded.facets == flat.facets and folded.total == flat.total
    assert {h.id for h in folded.hits} == {h.id for h in flat.hits}  # three stories of one each here
    assert folded.stories == 3


def test_story_view_lists_its_articles_earliest_first(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        story = get_story(snap, "s02")
        alone = get_story(snap, "s09")
        with pytest.raises(ArticleNotFound):
            get_story(snap, "nope")
    assert (story["id"], story["size"], story["first"], story["last"]) == ("s01", 3, "2025-03-10", "2025-03-11")
    assert [a["id"] for a in story["articles"]] == ["s01", "s02", "s03"]
    assert story["sources"] == ["tinnhanh.example", "baodiaphuong.example", "thoisu.example"]
    assert (alone["size"], [a["id"] for a in alone["articles"]]) == (1, ["s09"])


@pytest.fixture(scope="module")
def sharded_stories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stories articles as an index of four shards."""
    index = tmp_path_factory.mktemp("stories-sharded") / "ix"
    build([DATA / "stories.jsonl"], index, jobs=1, shards=4)
    return index


def _stories_of(index: Path, requests: list[SearchRequest], ids: list[str]) -> list[Any]:
    snap = Index(index).snapshot()
    try:
        found: list[Any] = []
        for req in requests:
            res = search(snap, req)
            found.append((res.total, res.stories, [(h.id, h.story) for h in res.hits]))
        found += [get_story(snap, i) for i in ids]
        return found
    finally:
        snap.close()


COLLAPSED = [
    SearchRequest(q="cháy chung cư", collapse="story"),
    SearchRequest(collapse="story", per_page=50),
    SearchRequest(collapse="story", per_page=2, page=2),
    SearchRequest(q="cháy", source=("thoisu.example",), collapse="story"),
]


def test_a_story_spans_shards_as_it_spans_one_index(stories_index: Path, sharded_stories: Path) -> None:
    # The three outlets' story lies in more than one shard, or this would prove nothing.
    assert len({shard_of(i, 4) for i in ("s01", "s02", "s03")}) > 1
    ids = [f"s0{n}" for n in range(1, 10)]
    assert _stories_of(sharded_stories, COLLAPSED, ids) == _stories_of(stories_index, COLLAPSED, ids)
    snap = Index(sharded_stories).snapshot()
    try:
        story = get_story(snap, "s03")
    finally:
        snap.close()
    assert [a["id"] for a in story["articles"]] == ["s01", "s02", "s03"] and story["size"] == 3


def test_an_update_joins_a_story_held_by_another_shard(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (DATA / "stories.jsonl").read_text(encoding="utf-8").splitlines()]
    first = next(r for r in rows if r["id"] == "s01")
    # A fourth outlet's report of the same fire, a day later, with an id routed to another shard.
    ident = next(f"s1{n}" for n in range(100) if shard_of(f"s1{n}", 4) != shard_of("s01", 4))
    late = {**first, "id": ident, "source": "moi.example", "url": None, "published": "2025-03-11T08:00:00+07:00"}
    (tmp_path / "late.jsonl").write_text(json.dumps(late, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, shards in (("one", None), ("four", 4)):
        build([DATA / "stories.jsonl"], tmp_path / name, jobs=1, shards=shards)
        build([tmp_path / "late.jsonl"], tmp_path / name, jobs=1)
    stories = []
    for name in ("one", "four"):
        snap = Index(tmp_path / name).snapshot()
        try:
            stories.append(get_story(snap, ident))
        finally:
            snap.close()
    assert stories[0] == stories[1]
    assert stories[1]["id"] == "s01" and stories[1]["size"] == 4 and "moi.example" in stories[1]["sources"]
