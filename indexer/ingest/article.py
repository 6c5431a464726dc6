"""The article record every reader produces and the index stores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from ..text.normalization import normalize

__all__ = ["Article", "Problem", "tidy", "MAX_TEXT_CHARS"]

# Longer bodies are cut at a paragraph break: no real article is this long, and Whoosh keeps a
# whole document's postings in memory while adding it.
MAX_TEXT_CHARS = 500_000

_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Problem:
    """A record that was skipped or repaired, with where it came from and why."""

    path: str
    line: int | None
    reason: str
    kind: str
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        verb = "skipped" if self.skipped else "repaired"
        return f"{where}: {verb}: {self.reason}"


@dataclass(frozen=True)
class Article:
    """One news article with normalised text; derived fields are filled by enrichment."""

    id: str
    title: str = ""
    sapo: str = ""
    body: str = ""
    url: str | None = None
    source: str | None = None
    category: str | None = None
    author: str | None = None
    published: str | None = None
    seen: str | None = None
    origin: str = ""
    date: date | None = None
    date_source: str = "none"
    provinces: tuple[str, ...] = field(default=())
    provinces_old: tuple[str, ...] = field(default=())
    # Every province the text names, a superset of those it is about (geo.Tagging).
    provinces_mentioned: tuple[str, ...] = field(default=())
    provinces_old_mentioned: tuple[str, ...] = field(default=())

    def with_(self, **changes: object) -> Article:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def tidy(text: str | None) -> str:
    """Normalise text and its layout: one paragraph per line, single spaces, no blank lines."""
    if not text:
        return ""
    lines = (_SPACES.sub(" ", line).strip() for line in normalize(text).split("\n"))
    return "\n".join(line for line in lines if line)
