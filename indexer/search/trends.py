"""Trends: how many articles match each of a few queries, period by period, counted or as a share.

Every query runs with the same filters. It is counted per day in each part, and the parts' days
are summed. Days are grouped into days, weeks (starting on Monday) or months. The share divides
a period's matches by all the articles its filters keep in that period, so a corpus that grows
does not look like a trend. A period with fewer than MIN_ARTICLES such articles is flagged:
its share means little. Undated articles are counted apart.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..errors import BadRequest
from ..query.parser import parse
from .facets import Filters
from .request import MAX_QUERY_LENGTH, SearchRequest
from .shard import Job
from .snapshot import Searchable

__all__ = ["Trends", "Series", "trends", "INTERVALS", "NORMALIZE", "MAX_QUERIES", "MIN_ARTICLES", "MAX_PERIODS"]

INTERVALS = ("day", "week", "month")
NORMALIZE = ("count", "share")
MAX_QUERIES = 4
MIN_ARTICLES = 20
# More points than a chart or a reader can use (30 years by week is 1,560): a longer span is
# asked by a longer interval or a date range.
MAX_PERIODS = 2000
_EPOCH = date(1970, 1, 1)
# 1970-01-05, day 4, was a Monday: weeks are counted from there.
_MONDAY = 4

# (first day, matches per day from it, undated matches) of one query in one part or in all.
Days = tuple[int, np.ndarray, int]


@dataclass
class Series:
    """One query's line: matches per period (and share of the period's articles), its total."""

    query: str
    total: int
    undated: int
    counts: list[int]
    shares: list[float | None]


@dataclass
class Trends:
    """Periods, every article the filters keep per period, and one series per query."""

    interval: str
    normalize: str
    periods: list[str]  # "2025-03-10" (day, or the Monday of a week) or "2025-03" (month)
    articles: list[int]
    sparse: list[bool]  # fewer than MIN_ARTICLES articles: a share says little
    undated: int
    series: list[Series]
    filters: dict[str, Any]
    took_ms: float
    # For a sharded index: {"total": shards, "failed": [those that did not answer]}; a failed
    # shard's articles are missing from every period.
    shards: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON document."""
        out = asdict(self)
        out["min_articles"] = MIN_ARTICLES
        return out


def _period_index(days: np.ndarray, interval: str) -> np.ndarray:
    """Each day's period number: the day itself, its week from a Monday, or its month since 1970."""
    if interval == "day":
        return days
    if interval == "week":
        return (days - _MONDAY) // 7
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _label(period: int, interval: str) -> str:
    """A period's name: its first day, or 'YYYY-MM' for a month."""
    if interval == "month":
        year, month = divmod(period, 12)
        return f"{1970 + year:04d}-{month + 1:02d}"
    first = period if interval == "day" else period * 7 + _MONDAY
    return (_EPOCH + timedelta(days=first)).isoformat()


def _spread(found: Days, lo: int, hi: int) -> np.ndarray:
    """Matches per day of [lo, hi] from a (first day, counts) pair."""
    first, counts, _ = found
    out = np.zeros(hi - lo + 1, dtype=np.int64)
    a, b = max(lo, first), min(hi, first + counts.size - 1)
    if a <= b:
        out[a - lo : b - lo + 1] = counts[a - first : b - first + 1]
    return out


def check(queries: Sequence[str], interval: str, normalize: str) -> list[str]:
    """The queries kept (blank ones dropped); BadRequest names the parameter at fault."""
    # Counted as given, blank ones too (the page's form sends its four boxes, filled or not).
    if len(queries) > MAX_QUERIES:
        raise BadRequest("q", f"at most {MAX_QUERIES} queries can be compared, not {len(queries)}")
    kept = [q.strip() for q in queries if q.strip()]
    if any(len(q) > MAX_QUERY_LENGTH for q in kept):
        raise BadRequest("q", f"each q is at most {MAX_QUERY_LENGTH:,} characters long")
    if interval not in INTERVALS:
        raise BadRequest("interval", f"interval must be one of {', '.join(INTERVALS)}, not {interval[:40]!r}")
    if normalize not in NORMALIZE:
        raise BadRequest("normalize", f"normalize must be one of {', '.join(NORMALIZE)}, not {normalize[:40]!r}")
    return kept


def trends(
    snap: Searchable, queries: Sequence[str], req: SearchRequest, interval: str = "month", normalize: str = "count"
) -> Trends:
    """Each query's matches per period under the request's filters (its q is ignored)."""
    started = time.perf_counter()
    kept = check(queries, interval, normalize)
    co = snap.coordinator()
    chosen = Filters.resolved(co.values, req)

    def counted(q: str) -> Days:
        parsed = parse(q, co.vocabulary)
        if req.variants == "on":
            parsed.variants = co.synonyms.variants(parsed)
        found, stats = (None, co.stats) if not parsed.clauses else co.plan(parsed)
        return co.days(Job(found, stats, chosen, "newest", 0, False))

    everything = counted("")
    lines = [counted(q) for q in kept]
    first, counts, undated = everything
    dated = np.flatnonzero(counts)
    periods: list[str] = []
    articles = np.zeros(0, dtype=np.int64)
    per_series: list[np.ndarray] = [np.zeros(0, dtype=np.int64) for _ in kept]
    if dated.size:
        lo, hi = first + int(dated[0]), first + int(dated[-1])
        if req.date_from:
            lo = max(lo, (req.date_from - _EPOCH).days)
        if req.date_to:
            hi = min(hi, (req.date_to - _EPOCH).days)
        if lo <= hi:
            index = _period_index(np.arange(lo, hi + 1, dtype=np.int64), interval)
            base = int(index[0])
            slot = index - base
            size = int(slot[-1]) + 1
            if size > MAX_PERIODS:
                raise BadRequest(
                    "interval",
                    f"{size:,} {interval}s is more than a chart can show ({MAX_PERIODS:,} at most): "
                    "choose a longer interval or a shorter date range",
                )
            periods = [_label(base + i, interval) for i in range(size)]
            articles = np.bincount(slot, weights=_spread(everything, lo, hi), minlength=size).astype(np.int64)
            per_series = [
                np.bincount(slot, weights=_spread(line, lo, hi), minlength=size).astype(np.int64) for line in lines
            ]
    series = []
    for q, line, counts_of in zip(kept, lines, per_series, strict=True):
        shares = [round(int(c) / int(n), 6) if n else None for c, n in zip(counts_of, articles, strict=True)]
        series.append(Series(q, int(line[1].sum()) + line[2], line[2], counts_of.tolist(), shares))
    return Trends(
        interval=interval,
        normalize=normalize,
        periods=periods,
        articles=articles.tolist(),
        sparse=[int(n) < MIN_ARTICLES for n in articles],
        undated=undated,
        series=series,
        filters={
            **Filters(chosen).described(),
            **({"province_scope": "mentions"} if req.province_scope == "mentions" else {}),
        },
        took_ms=round((time.perf_counter() - started) * 1000, 1),
        shards=co.shards(),
    )
