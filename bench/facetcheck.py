"""Facet counts of the search core checked against a brute force over the stored fields.

    python -m bench.facetcheck --index var/full

Matching comes from Whoosh's own searcher (not the core's numpy path); filters and counts are
recomputed in plain Python from each article's stored provinces, source, category and date.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click

from indexer import SearchRequest, Snapshot, VnnewsError, search
from indexer.query import parse, plan
from indexer.search import FACETS, Filters, SetFacet

Counts = dict[str, Counter[str]]
# The province facets, whose stored lists (one per scope) the brute force reads by field name.
_PROVINCE_FACETS = [f for f in FACETS if isinstance(f, SetFacet)]
_PROVINCE_FIELDS = [name for f in _PROVINCE_FACETS for name in (f.field, f.mentions_field)]


def stored_metadata(snap: Snapshot) -> list[dict[str, Any] | None]:
    """Per document number: the stored fields facets are made of (None for deleted documents)."""
    out: list[dict[str, Any] | None] = []
    for docnum, live in enumerate(snap.live.tolist()):
        if not live:
            out.append(None)
            continue
        stored = snap.stored(docnum)
        when = stored.get("date")
        out.append(
            {
                **{name: [p for p in stored.get(name, "").split(",") if p] for name in _PROVINCE_FIELDS},
                "source": [stored["source"]] if stored.get("source") else [],
                "category": [stored["category"]] if stored.get("category") else [],
                "day": when.date() if when else None,
            }
        )
    return out


def brute_force(snap: Snapshot, req: SearchRequest, meta: list[dict[str, Any] | None]) -> tuple[int, Counts]:
    """Total and facet counts the slow way."""
    parsed = parse(req.q, snap.vocabulary)
    matched: set[int] | None = None
    if parsed.clauses:
        matched = snap.whoosh_docnums(plan(parsed, snap.spell))
    # Names resolved as the core does (aliases, accents); what they select is recomputed below.
    chosen = Filters.of(snap.cols, req).described()
    # The province facets read the scope's lists: what an article is about, or all it mentions.
    docs = [
        {**d, **{f.name: d[f.field_for(req.province_scope)] for f in _PROVINCE_FACETS}}
        for n, d in enumerate(meta)
        if d is not None and (matched is None or n in matched)
    ]

    def passes(doc: dict[str, Any], skip: str | None) -> bool:
        for facet in ("province", "province_old", "source", "category"):
            if facet != skip and chosen.get(facet) and not set(chosen[facet]) & set(doc[facet]):
                return False
        if skip != "date" and (req.date_from or req.date_to):
            day = doc["day"]
            if day is None or (req.date_from and day < req.date_from) or (req.date_to and day > req.date_to):
                return False
        return True

    total = sum(passes(d, None) for d in docs)
    counts: Counts = {}
    for facet in ("province", "province_old", "source", "category"):
        counts[facet] = Counter(v for d in docs if passes(d, facet) for v in d[facet])
    counts["month"] = Counter(d["day"].strftime("%Y-%m") for d in docs if passes(d, "date") and d["day"])
    counts["undated"] = Counter({"": sum(1 for d in docs if passes(d, "date") and not d["day"])})
    return total, counts


def engine(snap: Snapshot, req: SearchRequest) -> tuple[int, Counts, str | None]:
    """Total and facet counts as the search core reports them, and whether it relaxed the query."""
    res = search(snap, req)
    counts: Counts = {
        f: Counter({v["value"]: v["count"] for v in res.facets[f] if v["count"]})
        for f in ("province", "province_old", "source", "category")
    }
    counts["month"] = Counter({m["value"]: m["count"] for m in res.facets["date"]["months"]})
    counts["undated"] = Counter({"": res.facets["date"]["undated"]})
    return res.total, counts, res.relaxed


REQUESTS = [
    SearchRequest(),
    SearchRequest(q="Hà Nội"),
    SearchRequest(q="thủy điện"),
    SearchRequest(q="khung bo"),
    SearchRequest(q="bão", province=("Quảng Ninh", "Hải Phòng")),
    SearchRequest(province=("Bắc Ninh",)),
    SearchRequest(province_old=("Bắc Giang",)),
    SearchRequest(q="học sinh", date_from=date(2021, 1, 1), date_to=date(2021, 3, 31)),
    SearchRequest(q="giá vàng", source=("VnExpress",)),
    SearchRequest(q="covid", category=("Tổng hợp",)),
    SearchRequest(q="tai nạn", province=("Hồ Chí Minh",), date_from=date(2025, 7, 1)),
    SearchRequest(q='"sinh viên"', province_old=("Thừa Thiên Huế",)),
]


@click.command()
@click.option("--index", type=click.Path(path_type=Path), default=Path("var/full"))
def main(index: Path) -> None:
    """Compare the core's facet counts with a brute force on a dozen requests."""
    with Snapshot.open(index) as snap:
        started = time.perf_counter()
        meta = stored_metadata(snap)
        click.echo(f"read stored fields of {len(meta):,} documents in {time.perf_counter() - started:.0f} s")
        failures = 0
        for req in REQUESTS:
            try:
                total, counts, relaxed = engine(snap, req)
            except VnnewsError as err:
                click.echo(f"ERROR {req}: {err}")
                failures += 1
                continue
            expected_total, expected = brute_force(snap, req, meta)
            same = (total, counts) == (expected_total, expected)
            failures += not same
            note = f" (relaxed: {relaxed})" if relaxed else ""
            click.echo(f"{'ok  ' if same else 'DIFF'} total {total:>7,} vs {expected_total:>7,}{note}  {req}")
        click.echo(f"{len(REQUESTS) - failures} of {len(REQUESTS)} requests agree")


if __name__ == "__main__":
    main()
