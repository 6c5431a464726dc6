"""Facet counts and filters checked against a brute-force count over the stored fields."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indexer.facets import Snapshot
from indexer.query import parse, to_whoosh
from indexer.search import SearchRequest, search


def brute_force(snap: Snapshot, req: SearchRequest) -> tuple[int, dict[str, Counter[str]]]:
    """Total and facet counts computed the slow way: Whoosh's own matching, then stored fields."""
    matched: set[int] | None = None
    if parse(req.q).clauses:
        matched = {hit.docnum for hit in snap.searcher.search(to_whoosh(parse(req.q)), limit=None)}
    chosen = snap.resolve(req)
    docs = []
    for docnum, stored in enumerate(snap.searcher.reader().all_stored_fields()):
        if matched is not None and docnum not in matched:
            continue
        when = stored.get("date")
        docs.append({
            "province": [p for p in stored["provinces"].split(",") if p],
            "province_old": [p for p in stored["provinces_old"].split(",") if p],
            "source": [stored["source"]] if stored["source"] else [],
            "category": [stored["category"]] if stored["category"] else [],
            "day": when.date() if when else None,
        })

    def passes(doc: dict[str, Any], skip: str | None) -> bool:
        for facet in ("province", "province_old", "source", "category"):
            if facet != skip and chosen[facet] and not set(chosen[facet]) & set(doc[facet]):
                return False
        if skip != "date" and (req.date_from or req.date_to):
            day = doc["day"]
            if day is None or (req.date_from and day < req.date_from) or (req.date_to and day > req.date_to):
                return False
        return True

    total = sum(passes(d, None) for d in docs)
    counts: dict[str, Counter[str]] = {}
    for facet in ("province", "province_old", "source", "category"):
        counts[facet] = Counter(v for d in docs if passes(d, facet) for v in d[facet])
    counts["month"] = Counter(d["day"].strftime("%Y-%m") for d in docs if passes(d, "date") and d["day"])
    counts["undated"] = Counter({"": sum(1 for d in docs if passes(d, "date") and not d["day"])})
    return total, counts


def engine(snap: Snapshot, req: SearchRequest) -> tuple[int, dict[str, Counter[str]]]:
    res = search(snap, req)
    assert res.relaxed is None  # the brute force knows no relaxation
    counts = {f: Counter({v["value"]: v["count"] for v in res.facets[f] if v["count"]})
              for f in ("province", "province_old", "source", "category")}
    counts["month"] = Counter({m["value"]: m["count"] for m in res.facets["date"]["months"]})
    counts["undated"] = Counter({"": res.facets["date"]["undated"]})
    return res.total, counts


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
]


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: repr(r)[14:70])
def test_facets_match_brute_force(web_index: Path, req: SearchRequest) -> None:
    with Snapshot.open(web_index) as snap:
        assert engine(snap, req) == brute_force(snap, req)


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


def test_unknown_province_lists_close_matches(web_index: Path) -> None:
    from indexer.errors import UnknownProvince

    with Snapshot.open(web_index) as snap, pytest.raises(UnknownProvince) as err:
        search(snap, SearchRequest(province=("Ha Noii",)))
    assert err.value.param == "province" and "Hà Nội" in err.value.suggestions
