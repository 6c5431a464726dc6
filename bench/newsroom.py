"""What the newsroom tools cost on a real index: collapsing by story, trends, the story view.

    python -m bench.newsroom --index var/full [--turns 3]

All figures come from one process on one index, each against the plain search it adds to:

- **collapse**: every query of bench/queries.json run flat and with collapse=story, alternating.
  The ratio of medians is reported, with the stories on the first page.
- **trends**: four queries by month, week and day, through the library.
- **pages**: the story view, the trends page and the search page (flat and collapsed) through
  the Flask test client (templates included, no network).

It also prints the index's story figures: how many stories, how many articles share one, and
the largest.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import click
import numpy as np

from indexer import SearchRequest, Snapshot, get_story, search, trends

from .queries import load_queries

TREND_QUERIES = ("bão", "tai nạn giao thông", "giá vàng", "Covid-19")


def timed(run: Callable[[], object], turns: int) -> list[float]:
    """Milliseconds of each of turns calls."""
    out = []
    for _ in range(turns):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p50(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


@click.command()
@click.option("--index", type=click.Path(exists=True, path_type=Path), default=Path("var/full"))
@click.option("--turns", type=int, default=3, show_default=True)
def main(index: Path, turns: int) -> None:
    """Measure collapsing, trends and the story view against plain search on one index."""
    from webapp import create_app

    with Snapshot.open(index) as snap:
        cols = snap.cols
        live = cols.story[cols.live]
        sizes = Counter(live.tolist())
        shared = sum(n for n in sizes.values() if n > 1)
        print(
            f"{int(cols.live.sum()):,} articles in {len(sizes):,} stories; {shared:,} articles share a story "
            f"with another; largest story {max(sizes.values())} articles"
        )
        sources = [v for v in snap.values["source"][1:]]
        queries = load_queries(sources)
        flat: list[float] = []
        folded: list[float] = []
        first_page_stories = []
        for q in queries:
            req = SearchRequest(q=q.q, province=q.province, source=q.source, date_from=q.date_from, date_to=q.date_to)
            search(snap, req)  # warm
            for _ in range(turns):
                flat += timed(lambda req=req: search(snap, req), 1)
                folded += timed(lambda req=req: search(snap, req.with_(collapse="story")), 1)
            first_page_stories.append(
                sum(1 for h in search(snap, req.with_(collapse="story")).hits if h.story and h.story["size"] > 1)
            )
        print(
            f"search, {len(queries)} queries x {turns}: flat p50 {p50(flat):.1f} ms, p95 "
            f"{np.percentile(flat, 95):.1f} ms; collapse=story p50 {p50(folded):.1f} ms, p95 "
            f"{np.percentile(folded, 95):.1f} ms; ratio of medians x{p50(folded) / p50(flat):.2f}"
        )
        print(f"  first pages hold {sum(first_page_stories)} rows of a story of several articles")
        # By day, a year (the rss feeds'): the whole archive's 31 years are more days than a chart shows.
        year = SearchRequest(date_from=date(2025, 8, 1), date_to=date(2026, 7, 31))
        for interval, req in (("month", SearchRequest()), ("week", SearchRequest()), ("day", year)):
            took = timed(lambda interval=interval, req=req: trends(snap, TREND_QUERIES, req, interval, "share"), turns)
            found = trends(snap, TREND_QUERIES, req, interval, "share")
            print(f"trends, 4 queries by {interval} ({len(found.periods):,} periods): p50 {p50(took):.1f} ms")
        biggest = max(sizes, key=lambda k: sizes[k])
        docnum = int(np.flatnonzero(cols.story == biggest)[0])
        ident = snap.stored(docnum)["id"]
        took = timed(lambda: get_story(snap, ident), turns)
        print(f"story view (library) of the largest story ({sizes[biggest]} articles): p50 {p50(took):.1f} ms")
        typical = next(k for k, n in sizes.items() if 3 <= n <= 6)
        typical_id = snap.stored(int(np.flatnonzero(cols.story == typical)[0]))["id"]
    client = create_app({"TESTING": True, "INDEX": str(index), "MAP": None, "MAP_OLD": None}).test_client()
    pages = {
        "search page, flat": "/?" + urlencode({"q": "bão"}),
        "search page, collapsed": "/?" + urlencode({"q": "bão", "collapse": "story"}),
        "trends page, 4 queries by week": "/trends?"
        + urlencode([("q", q) for q in TREND_QUERIES] + [("interval", "week")]),
        "trends page, 4 queries by day over a year": "/trends?"
        + urlencode(
            [("q", q) for q in TREND_QUERIES] + [("interval", "day"), ("from", "2025-08-01"), ("to", "2026-07-31")]
        ),
        f"story page ({sizes[typical]} articles)": f"/story/{typical_id}",
        f"story page ({sizes[biggest]} articles)": f"/story/{ident}",
    }
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        took = timed(lambda url=url: client.get(url), turns)
        print(f"{name}: p50 {p50(took):.1f} ms")


if __name__ == "__main__":
    main()
