"""What a search answers: hits, the exact total, facet counts, the filters applied, a suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .request import MAX_RESULTS, SearchRequest

__all__ = ["Hit", "SearchResult"]

_PROVINCE_LISTS = ("provinces", "provinces_old", "provinces_mentioned", "provinces_old_mentioned")


@dataclass
class Hit:
    """One result row."""

    id: str
    title: str
    url: str | None
    source: str | None
    category: str | None
    author: str | None
    date: str | None
    date_source: str
    provinces: list[str]
    provinces_old: list[str]
    provinces_mentioned: list[str]
    provinces_old_mentioned: list[str]
    snippet: str
    score: float | None = None
    # With collapse=story: {"id": its first article's id, "size": articles, "sources": outlets}.
    story: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (lists copied)."""
        return dict(
            vars(self),
            **{name: list(getattr(self, name)) for name in _PROVINCE_LISTS},
        )


@dataclass
class SearchResult:
    """The answer to a SearchRequest; to_dict() is the API's JSON document."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    suggestion: dict[str, str] | None
    relaxed: str | None
    hits: list[Hit]
    # With relaxed "keyboard": the query searched instead, read as typed in Telex or VNI.
    searched: str | None = None
    # The listed variants of the words typed: searched too when on, offered when off.
    variants: dict[str, Any] = field(default_factory=lambda: {"on": True, "groups": []})
    facets: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    # With collapse=story: how many stories the matches form (total counts articles).
    stories: int | None = None
    # For a sharded index: {"total": shards, "failed": [numbers of those that did not answer]}.
    shards: dict[str, Any] | None = None
    # The request as run, its selections in canonical form (not part of the JSON document).
    request: SearchRequest | None = field(default=None, repr=False)

    @property
    def rows(self) -> int:
        """What pages count: stories when collapsed, else articles."""
        return self.total if self.stories is None else self.stories

    @property
    def last_page(self) -> int:
        """The last page that can be reached (results beyond MAX_RESULTS cannot)."""
        return max(1, -(-min(self.rows, MAX_RESULTS) // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (sharing the facet and filter dictionaries with this result)."""
        # dataclasses.asdict deep-copies every facet row: 3 ms of a 10 ms request.
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "request"}
        if self.shards is None:
            del out["shards"]  # one index: nothing to say
        out["hits"] = [hit.to_dict() for hit in self.hits]
        return out
