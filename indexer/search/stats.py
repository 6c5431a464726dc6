"""Summary figures of an index: counts, date range, counts by source, category and date source, size."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .coordinator import LocalParts
from .snapshot import ShardedSnapshot, Snapshot

__all__ = ["index_stats"]


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def index_stats(index: str | os.PathLike[str]) -> dict[str, Any]:
    """Article count, date range, counts by source, category and date source, size on disk.

    A sharded index is summed over its shards (and says how many it has).
    """
    snap = Snapshot.open(index)
    try:
        if isinstance(snap, ShardedSnapshot):
            assert isinstance(snap.parts, LocalParts), "Index opens a sharded index's shards here"
            shards = [p.snap for p in snap.parts.parts]
        else:
            shards = [snap]
        days = np.concatenate([s.cols.day[s.cols.live] for s in shards])
        dated = days[days >= 0]
        first = np.datetime64(int(dated.min()), "D").item().isoformat() if dated.size else None
        last = np.datetime64(int(dated.max()), "D").item().isoformat() if dated.size else None
        size = sum(_size(s.generation.path) for s in shards)
        out = {
            "path": str(Path(index)),
            "generation": snap.name,
            "articles": int(days.size),
            "date_min": first,
            "date_max": last,
            "undated": int(days.size - dated.size),
            "sources": _counted(shards, "source"),
            "categories": _counted(shards, "category"),
            "date_sources": _counted(shards, "date_source"),
            "size_bytes": size,
            "size_mb": round(size / 1e6, 1),
        }
        if isinstance(snap, ShardedSnapshot):
            out["shards"] = len(shards)
        return out
    finally:
        snap.close()


def _counted(shards: list[Snapshot], fieldname: str) -> dict[str, int]:
    """Live documents per value of a coded field over the shards (no value left out), most frequent first."""
    summed: dict[str, int] = {}
    for s in shards:
        cols = s.cols
        names = cols.values[fieldname]
        counts = np.bincount(cols.codes[fieldname][cols.live], minlength=len(names))
        for n, c in zip(names[1:], counts[1:].tolist(), strict=True):
            if c:
                summed[n] = summed.get(n, 0) + c
    # Ties in code point order: the order of the index's own lexicon, in one index or shards.
    return dict(sorted(summed.items(), key=lambda p: (-p[1], p[0])))
