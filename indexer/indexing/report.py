"""What a build did: counts, skipped and repaired records, the generation it published."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..ingest.article import Problem

__all__ = ["BuildReport"]


@dataclass
class BuildReport:
    """What a build did, for the summary line and for callers."""

    indexed: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    duplicates: int = 0
    total: int = 0
    seconds: float = 0.0
    skipped: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    generation: str = ""
    # True when an index from an older schema was rebuilt rather than updated.
    reformatted: bool = False
    # Segments merged away (inputs of merges), the merges, and the segments the index has now.
    merged: int = 0
    merges: int = 0
    segments: int = 0
    # Documents the merges wrote again.
    rewritten: int = 0
    # Wall seconds of each phase: "analysis" (reading, preparing and adding every record),
    # "commit" (the last postings, deletions, merges, term counts), "stories" (grouping).
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def skipped_count(self) -> int:
        """Records that were not indexed."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line: indexed, added, updated, skipped by reason, seconds."""
        parts = [
            f"indexed {self.indexed:,}",
            f"added {self.added:,}",
            f"updated {self.updated:,}",
        ]
        if self.removed:
            parts.append(f"removed {self.removed:,}")
        if self.duplicates:
            parts.append(f"duplicate ids {self.duplicates:,} (last kept)")
        reasons = ", ".join(f"{k}: {v:,}" for k, v in self.skipped.most_common())
        parts.append(f"skipped {self.skipped_count:,}" + (f" ({reasons})" if reasons else ""))
        if self.repaired:
            fixed = ", ".join(f"{k}: {v:,}" for k, v in self.repaired.most_common())
            parts.append(f"repaired {sum(self.repaired.values()):,} ({fixed})")
        parts.append(f"{self.total:,} in index")
        if self.merges:
            parts.append(f"{self.merges} merge(s) of {self.merged} segments")
        if self.segments:
            parts.append(f"{self.segments} segment(s)")
        if self.reformatted:
            parts.append("rebuilt: the index had an older format")
        took = f"{self.seconds:.1f} s"
        if self.phases:
            took += " (" + ", ".join(f"{name} {seconds:.1f}" for name, seconds in self.phases.items()) + ")"
        parts.append(took)
        return "; ".join(parts)
