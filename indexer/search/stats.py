"""Summary figures of an index: counts, date range, counts by source, category and date source, size."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .snapshot import Snapshot

__all__ = ["index_stats"]


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def index_stats(index: str | os.PathLike[str]) -> dict[str, Any]:
    """Article count, date range, counts by source, category and date source, size on disk."""
    with Snapshot.open(index) as snap:
        cols = snap.cols
        live = cols.live
        days = cols.day[live & (cols.day >= 0)]
        first = np.datetime64(int(days.min()), "D").item().isoformat() if days.size else None
        last = np.datetime64(int(days.max()), "D").item().isoformat() if days.size else None
        size = _size(snap.generation.path)
        return {
            "path": str(Path(index)),
            "generation": snap.name,
            "articles": int(np.count_nonzero(live)),
            "date_min": first,
            "date_max": last,
            "undated": int(np.count_nonzero(live & (cols.day < 0))),
            "sources": _counted(cols.values["source"], cols.codes["source"][live]),
            "categories": _counted(cols.values["category"], cols.codes["category"][live]),
            "date_sources": _counted(cols.values["date_source"], cols.codes["date_source"][live]),
            "size_bytes": size,
            "size_mb": round(size / 1e6, 1),
        }


def _counted(names: list[str], codes: np.ndarray) -> dict[str, int]:
    """Live documents per value (code 0, no value, left out), most frequent first."""
    counts = np.bincount(codes, minlength=len(names))
    pairs = [(n, int(c)) for n, c in zip(names[1:], counts[1:].tolist(), strict=True) if c]
    return dict(sorted(pairs, key=lambda p: -p[1]))
