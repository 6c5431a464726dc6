"""Search results collapsed by story, and a story's own view."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import ArticleNotFound, SearchRequest, Snapshot, get_story, search


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
