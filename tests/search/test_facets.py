"""Facet counts and filters checked against a brute-force count over the stored fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bench.facetcheck import brute_force, engine, stored_metadata
from indexer import SearchRequest, Snapshot, search

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
