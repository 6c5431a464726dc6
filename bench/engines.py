"""What every engine answers (Outcome), the engine interface, and the adapter for vnnews itself."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from indexer import Snapshot, search
from indexer.query import Node, Term
from indexer.store import TEXT_FIELDS

from .queries import BenchQuery

__all__ = ["ENGINES", "Outcome", "Engine", "VnnewsEngine", "disk_mb"]

ENGINES = ("vnnews", "sqlite", "tantivy")
# Facets every engine counts, under common names: 34-unit province, source, year-month.
COMMON_FACETS = ("province", "source", "month")


@dataclass
class Outcome:
    """One answer: exact total, the page's ids and snippets, facet counts (value → count)."""

    total: int
    ids: list[str]
    snippets: list[str]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class Engine(Protocol):
    """An open index that answers benchmark queries."""

    name: str

    def run(self, query: BenchQuery, facets: bool) -> Outcome:
        """Answer one query: a page of hits (with snippets), the total, and facets if asked."""
        ...

    def size_mb(self) -> float:
        """The index's space on disk."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def disk_mb(path: Path) -> float:
    """Space a file or folder takes on disk, like du (allocated blocks), in MB."""
    if path.is_file():
        return path.stat().st_blocks * 512 / 1e6
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += (Path(root) / name).stat().st_blocks * 512
    return total / 1e6


def _counts(listing: list[dict[str, Any]]) -> dict[str, int]:
    """A vnnews facet listing as value → count."""
    return {row["value"]: row["count"] for row in listing if row["count"]}


class VnnewsEngine:
    """The project's own search core on a built index (no result cache exists in the core)."""

    name = "vnnews"

    def __init__(self, index: Path) -> None:
        self.index = index
        self.snap = Snapshot.open(index)

    def run(self, query: BenchQuery, facets: bool) -> Outcome:
        """The project's search(), exactly as the web app calls it."""
        res = search(self.snap, query.request(facets))
        out = Outcome(res.total, [h.id for h in res.hits], [h.snippet for h in res.hits])
        if facets:
            out.facets = {
                "province": _counts(res.facets["province"]),
                "source": _counts(res.facets["source"]),
                "month": _counts(res.facets["date"]["months"]),
            }
        return out

    def word_total(self, words: tuple[str, ...]) -> int:
        """Articles holding every pyvi word in a word field: the peers' semantics, for checking."""
        wanted = Node("all", tuple(Node("any", tuple(Term(f, (w,)) for f in TEXT_FIELDS)) for w in words))
        return len(self.snap.whoosh_docnums(wanted))

    def size_mb(self) -> float:
        """The current generation's folder."""
        return disk_mb(self.snap.generation.path)

    def close(self) -> None:
        """Close the snapshot."""
        self.snap.close()
