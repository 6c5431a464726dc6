"""Facet counts and filters checked against a brute-force count over the stored fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.facetcheck import brute_force, engine, stored_metadata
from indexer import SearchRequest, Snapshot, search
from indexer.search import facets
from indexer.search.execution import DocSet
from indexer.search.facets import SetFacet, UnitChoice

REQUESTS = [
    SearchRequest(),
    SearchRequest(q="Hà Nội"),
    SearchRequest(q="xe buýt"),
    SearchRequest(q="ha noi"),
    SearchRequest(province=("Hà Nội",)),
    SearchRequest(province=("Hà Nội", "Đà Nẵng")),
    SearchRequest(province_old=("quang nam",)),
    SearchRequest(q="Hà Nội", source=("tinnhanh.example",)),
    SearchRequest(date_from=date(2024, 3, 1), date_to=date(2024, 9, 30)),
    SearchRequest(q="điện", province=("Hà Nội",), date_from=date(2024, 1, 1)),
    SearchRequest(category=("xa-hoi",), province=("Hồ Chí Minh", "Hà Nội")),
    SearchRequest(q="-Hà_Nội"),
    SearchRequest(q="zzqqxx", province=("Hà Nội",)),
    SearchRequest(province=("Hà Nội",), province_scope="mentions"),
    SearchRequest(q="điện", province_scope="mentions"),
    SearchRequest(province_old=("quang nam",), province=("Đà Nẵng",), province_scope="mentions"),
]


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: repr(r)[14:70])
def test_facets_match_brute_force(web_index: Path, req: SearchRequest) -> None:
    with Snapshot.open(web_index) as snap:
        total, counts, relaxed = engine(snap, req)
        assert relaxed is None  # the brute force knows no relaxation
        assert (total, counts) == brute_force(snap, req, stored_metadata(snap))


def test_multi_select_counts_ignore_their_own_selection(web_index: Path) -> None:
    with Snapshot.open(web_index) as snap:
        one = search(snap, SearchRequest(province=("Hà Nội",)))
        both = search(snap, SearchRequest(province=("Hà Nội", "Đà Nẵng")))
        unfiltered = search(snap, SearchRequest())
    # Ticking a second province keeps the first one's count visible, and totals add up (OR).
    prov = {v["value"]: v for v in one.facets["province"]}
    assert prov["Hà Nội"]["selected"] and prov["Hà Nội"]["count"] == one.total
    assert {v["value"]: v["count"] for v in one.facets["province"]} == {
        v["value"]: v["count"] for v in unfiltered.facets["province"]
    }
    assert one.total < both.total <= one.total + prov["Đà Nẵng"]["count"]


def test_mentions_scope_counts_every_province_named(web_index: Path) -> None:
    with Snapshot.open(web_index) as snap:
        about = search(snap, SearchRequest())
        mentions = search(snap, SearchRequest(province_scope="mentions"))
        hue = search(snap, SearchRequest(province=("Huế",), province_scope="mentions"))
    for facet in ("province", "province_old"):
        wide = {v["value"]: v["count"] for v in mentions.facets[facet]}
        narrow = {v["value"]: v["count"] for v in about.facets[facet]}
        # An article is about a province only if it names it: each count can only grow.
        assert all(wide.get(name, 0) >= count for name, count in narrow.items()), facet
        assert sum(wide.values()) > sum(narrow.values()), facet
    assert hue.total == {v["value"]: v["count"] for v in mentions.facets["province"]}["Huế"]
    assert all("Huế" in h.provinces_mentioned for h in hue.hits)
    # t29 is about Đà Nẵng and names Huế once, in passing.
    assert [h.id for h in hue.hits if "Huế" not in h.provinces] == ["t29"]


def test_unknown_province_lists_close_matches(web_index: Path) -> None:
    from indexer import UnknownProvince

    with Snapshot.open(web_index) as snap, pytest.raises(UnknownProvince) as err:
        search(snap, SearchRequest(province=("Ha Noii",)))
    assert err.value.param == "province" and "Hà Nội" in err.value.suggestions


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 4), max_size=3), min_size=1, max_size=60),
    st.data(),
)
def test_both_ways_of_counting_provinces_give_the_same_counts(tags: list[set[int]], data: st.DataObject) -> None:
    # The selection's size picks the way: unpacking each selected document's bit set, or looking
    # each unit's documents up in the selection's mask. Each way is forced in turn.
    names = ["A", "B", "C", "D", "E"]
    sets = np.array([sum(1 << u for u in t) for t in tags], dtype=np.uint64)
    runs = [np.array([d for d, t in enumerate(tags) if u in t], dtype=np.int32) for u in range(len(names))]
    starts = np.concatenate(([0], np.cumsum([r.size for r in runs])))
    cols = SimpleNamespace(
        size=len(tags),
        unit_names={"provinces": names},
        units={"provinces": sets},
        members={"provinces": (np.concatenate(runs), starts)},
    )
    chosen = UnitChoice((), "provinces")
    picked = sorted(data.draw(st.sets(st.integers(0, len(tags) - 1))))
    ids = np.array(picked, dtype=np.int64)
    expected = {n: sum(1 for d in picked if u in tags[d]) for u, n in enumerate(names)}
    for switch in (0, 10**9):  # the mask way always, the bit sets always
        with patch.object(facets, "PAIRS_PER_SELECTED", switch):
            listing = SetFacet("province", "provinces").count(cols, DocSet(ids, len(tags)), chosen)  # type: ignore[arg-type]
        assert {e["value"]: e["count"] for e in listing} == {n: c for n, c in expected.items() if c}, switch
