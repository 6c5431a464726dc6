"""What else a user does on a large index, timed against a plain search in the same process.

    python -m bench.scale_probe --index var/scale/w2000000/vnnews [--runs 5] [--json FILE]

The scale benchmark times the committed query set; this times the other calls whose cost might
grow with the index (issue: "fix what breaks on the way"): the deepest page a search allows,
a whole export (MAX_RESULTS rows as CSV, through the web app), more-like-this, a story's view,
collapsed results, trends of four queries and key terms. Each figure is the median of --runs
calls, with its ratio to the median plain search with facets ("Hà Nội", page 1) of the same run,
and the export's growth of the process's resident memory.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from indexer import MAX_PER_PAGE, MAX_RESULTS, Index, SearchRequest, get_story, key_terms, search, similar, trends

__all__ = ["main"]

QUERY = "Hà Nội"


def _median_ms(call: Callable[[], Any], runs: int) -> float:
    """Median wall time of runs calls, after one unmeasured call (files opened, arrays read)."""
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _rss_mb() -> float:
    """The resident memory of this process now, MB."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 1e6


@click.command()
@click.option("--index", "index_path", type=click.Path(path_type=Path, file_okay=False, exists=True), required=True)
@click.option("--runs", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
def main(index_path: Path, runs: int, json_path: Path | None) -> None:
    """Time deep paging, export, more-like-this, stories, trends and key terms on one index."""
    from webapp import create_app

    out: dict[str, Any] = {}
    last = MAX_RESULTS // MAX_PER_PAGE
    with Index(index_path).snapshot() as snap:
        sample = search(snap, SearchRequest(q=QUERY, per_page=MAX_PER_PAGE))
        ids = [h.id for h in sample.hits]
        random.Random(1).shuffle(ids)
        ids = ids[:runs]
        calls: dict[str, Callable[[], Any]] = {
            "search": lambda: search(snap, SearchRequest(q=QUERY)),
            "browse": lambda: search(snap, SearchRequest()),
            f"search, page {last} of {MAX_PER_PAGE}": lambda: search(
                snap, SearchRequest(q=QUERY, per_page=MAX_PER_PAGE, page=last)
            ),
            f"browse newest, page {last} of {MAX_PER_PAGE}": lambda: search(
                snap, SearchRequest(sort="newest", per_page=MAX_PER_PAGE, page=last)
            ),
            "collapsed by story": lambda: search(snap, SearchRequest(q=QUERY, collapse="story")),
            "more like this": lambda: [similar(snap, i) for i in ids],
            "story view": lambda: [get_story(snap, i) for i in ids],
            "trends, 4 queries, by month": lambda: trends(
                snap, [QUERY, "TP.HCM", "bão", "giá vàng"], SearchRequest(), "month", "share"
            ),
            "key terms": lambda: key_terms(snap, SearchRequest(q="bão")),
        }
        out["total"] = sample.total
        for name, call in calls.items():
            per = len(ids) if name in ("more like this", "story view") else 1
            out[name] = round(_median_ms(call, runs) / per, 2)
            click.echo(f"{name:>34}: {out[name]:>9.2f} ms  ×{out[name] / out['search']:.2f} the search", err=True)
    client = create_app({"TESTING": True, "INDEX": str(index_path), "MAP": None, "MAP_OLD": None}).test_client()
    before = _rss_mb()
    started = time.perf_counter()
    response = client.get(f"/export.csv?q={quote(QUERY)}")
    rows = sum(1 for _ in response.iter_encoded()) if response.is_streamed else len(response.data.splitlines())
    out["export"] = {
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "status": response.status_code,
        "chunks": rows,
        "rss_growth_mb": round(_rss_mb() - before, 1),
    }
    click.echo(f"{'export CSV':>34}: {out['export']}", err=True)
    if json_path is not None:
        json_path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
