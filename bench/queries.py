"""The fixed query set (bench/queries.json): a SearchRequest for vnnews, tokens for the peers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from indexer import Gazetteer, SearchRequest
from indexer.analysis import word_analyzer
from indexer.text import has_diacritics, normalize

__all__ = [
    "QUERY_FILE",
    "PER_PAGE",
    "KINDS",
    "BenchQuery",
    "PeerQuery",
    "load_queries",
    "peer_form",
]

QUERY_FILE = Path(__file__).with_name("queries.json")
PER_PAGE = 10
KINDS = ("word", "compound", "multi", "lowercase", "phrase", "nodiac", "browse", "filter", "deep")
_EPOCH = date(1970, 1, 1)
# The same bound vnnews puts on an open-ended date range (Snapshot.filter_masks).
_DAY_MAX = 2**31 - 1
_PHRASE = re.compile(r'"([^"]*)"')
_SOURCE_RANK = re.compile(r"^#(\d+)$")

_analyzer = word_analyzer()


@dataclass(frozen=True)
class BenchQuery:
    """One query of the set, with its source placeholders already resolved for the corpus."""

    id: str
    kind: str
    q: str
    province: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @property
    def filtered(self) -> bool:
        """True when any filter is set."""
        return bool(self.province or self.source or self.date_from or self.date_to)

    @property
    def plain_words(self) -> bool:
        """Words typed with diacritics, no quotes, no filters: where all engines should agree."""
        return (
            self.kind in ("word", "compound", "multi")
            and not self.filtered
            and '"' not in self.q
            and has_diacritics(self.q)
        )

    def request(self, facets: bool) -> SearchRequest:
        """The project's request for this query (snippets on, as the web page asks)."""
        return SearchRequest(
            q=self.q,
            province=self.province,
            source=self.source,
            date_from=self.date_from,
            date_to=self.date_to,
            page=self.page,
            per_page=PER_PAGE,
            facets=facets,
            snippets=True,
        )

    def label(self) -> str:
        """A short human description: the text and its filters."""
        parts = [repr(self.q) if self.q else "(browse)"]
        if self.province:
            parts.append("province=" + "|".join(self.province))
        if self.source:
            parts.append("source=" + "|".join(self.source))
        if self.date_from or self.date_to:
            lo = self.date_from.isoformat() if self.date_from else ""
            hi = self.date_to.isoformat() if self.date_to else ""
            parts.append(f"date={lo}..{hi}")
        if self.page > 1:
            parts.append(f"page={self.page}")
        return " ".join(parts)


@dataclass(frozen=True)
class PeerQuery:
    """What a peer runs: every word token and every token phrase required, filters, one page."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    provinces: tuple[str, ...]
    sources: tuple[str, ...]
    day_from: int | None
    day_to: int | None
    offset: int
    limit: int

    @property
    def browse(self) -> bool:
        """No text: every article, newest first."""
        return not self.words and not self.phrases

    @property
    def dated(self) -> bool:
        """True when a date range applies."""
        return self.day_from is not None


def _tokens(text: str) -> list[str]:
    """The lowercase pyvi words of text, as the project's word fields hold them."""
    return [t.text for t in _analyzer(text)]


def peer_form(query: BenchQuery) -> PeerQuery:
    """Analyse the text as documents were: pyvi words, all required; quoted phrases in order."""
    # vnnews's parser reads "_" as a space too (pyvi's joiner typed by a user).
    text = normalize(query.q).replace("_", " ")
    phrases = tuple(tuple(_tokens(p)) for p in _PHRASE.findall(text))
    rest = _PHRASE.sub(" ", text).replace('"', " ")
    words = tuple(dict.fromkeys(_tokens(rest)))
    gaz = Gazetteer.load()
    provinces = tuple(dict.fromkeys(gaz.resolve(p, "new").name for p in query.province))
    dated = query.date_from is not None or query.date_to is not None
    return PeerQuery(
        words=words,
        phrases=tuple(p for p in phrases if p),
        provinces=provinces,
        sources=query.source,
        day_from=((query.date_from - _EPOCH).days if query.date_from else 0) if dated else None,
        day_to=((query.date_to - _EPOCH).days if query.date_to else _DAY_MAX) if dated else None,
        offset=(query.page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )


def _resolve_sources(wanted: Sequence[str], ranked: Sequence[str]) -> tuple[str, ...]:
    """Replace '#N' by the corpus's N-th most frequent source; ranks it lacks are dropped."""
    out: list[str] = []
    for value in wanted:
        m = _SOURCE_RANK.match(value)
        if m is None:
            out.append(value)
        elif int(m.group(1)) <= len(ranked):
            out.append(ranked[int(m.group(1)) - 1])
    return tuple(dict.fromkeys(out))


def _query(raw: dict[str, Any], ranked: Sequence[str]) -> BenchQuery:
    """One entry of queries.json."""
    if raw["kind"] not in KINDS:
        raise ValueError(f"query {raw['id']}: unknown kind {raw['kind']!r}")
    return BenchQuery(
        id=raw["id"],
        kind=raw["kind"],
        q=raw.get("q", ""),
        province=tuple(raw.get("province", ())),
        source=_resolve_sources(raw.get("source", ()), ranked),
        date_from=date.fromisoformat(raw["from"]) if raw.get("from") else None,
        date_to=date.fromisoformat(raw["to"]) if raw.get("to") else None,
        page=int(raw.get("page", 1)),
    )


def load_queries(ranked_sources: Sequence[str], path: Path = QUERY_FILE) -> list[BenchQuery]:
    """The query set, '#N' sources resolved against the corpus's sources (most frequent first)."""
    with path.open(encoding="utf-8") as fh:
        raw = json.load(fh)["queries"]
    queries = [_query(r, ranked_sources) for r in raw]
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: query ids repeat")
    return queries
