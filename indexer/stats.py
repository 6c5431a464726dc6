"""Summary figures of an index: counts, date range, size."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from . import store
from .facets import Snapshot

__all__ = ["index_stats"]


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def index_stats(index: str | os.PathLike[str]) -> dict[str, Any]:
    """Article count, date range, counts by source, category and date source, size on disk."""
    path = store.current_dir(Path(index))
    with Snapshot.open(index) as snap:
        cols = snap.cols
        live = cols.live
        days = cols.day[live & (cols.day >= 0)]
        sources = np.bincount(cols.source[live], minlength=len(cols.sources))
        categories = np.bincount(cols.category[live], minlength=len(cols.categories))
        reader = snap.searcher.reader()
        date_sources: Counter[str] = Counter()
        for term in reader.lexicon("date_source"):
            text = term.decode("utf-8")
            date_sources[text] = sum(1 for d in reader.postings("date_source", term).all_ids() if live[d])
        first = np.datetime64(int(days.min()), "D").item().isoformat() if days.size else None
        last = np.datetime64(int(days.max()), "D").item().isoformat() if days.size else None
        return {
            "path": str(Path(index)),
            "generation": path.name,
            "articles": int(np.count_nonzero(live)),
            "date_min": first,
            "date_max": last,
            "undated": int(np.count_nonzero(live & (cols.day < 0))),
            "sources": _ordered(cols.sources, sources),
            "categories": _ordered(cols.categories, categories),
            "date_sources": dict(date_sources.most_common()),
            "size_bytes": _size(path),
            "size_mb": round(_size(path) / 1e6, 1),
        }


def _ordered(names: list[str], counts: np.ndarray) -> dict[str, int]:
    pairs = [(n, int(c)) for n, c in zip(names, counts.tolist(), strict=True) if c]
    return dict(sorted(pairs, key=lambda p: -p[1]))
