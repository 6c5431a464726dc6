"""The one search pipeline behind the HTML page, the JSON API and the exports.

A URL's arguments become a SearchState, the core runs its request on the request's snapshot,
the state takes the canonical names the core resolved, and every facet value gets its toggle
URL; pagination links are made here once for both the page and the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer import (
    MAX_PER_PAGE,
    MAX_RESULTS,
    BadRequest,
    Hit,
    SearchResult,
    Snapshot,
    key_terms,
    search,
    trends,
)

from .state import SearchState, add_toggle_urls

__all__ = ["Answer", "answer", "all_hits", "terms_answer", "trends_answer", "TRENDS_PARAMS"]

# The trends' own parameters; every other one is a search filter, as on the search page.
TRENDS_PARAMS = ("q", "interval", "normalize")


@dataclass
class Answer:
    """A search's result, as JSON-ready data with links, and the canonical state it answered."""

    state: SearchState
    result: SearchResult
    data: dict[str, Any]
    pagination: dict[str, Any] | None


def answer(
    snap: Snapshot, args: MultiDict[str, str], base: str, *, default_per_page: int, with_era: bool = False
) -> Answer:
    """Parse, search, canonicalise, link: everything a search page or API answer needs."""
    state = SearchState.parse(args, default_per_page=default_per_page, with_era=with_era)
    result = search(snap, state.request)
    if result.request is not None:
        state = state.with_(request=result.request)
    data = result.to_dict()
    add_toggle_urls(data["facets"], state, base)
    pagination = state.pages(result.rows, base)
    data["next_url"] = pagination["next"] if pagination else None
    data["prev_url"] = pagination["prev"] if pagination else None
    return Answer(state, result, data, pagination)


def all_hits(snap: Snapshot, state: SearchState) -> tuple[SearchResult, int, Iterator[list[Hit]]]:
    """An export's first page at once (a bad parameter fails here), how many hits it will give
    (at most MAX_RESULTS), and every page of them lazily."""
    request = state.request.with_(page=1, per_page=MAX_PER_PAGE, facets=False, snippets=False)
    first = search(snap, request)
    wanted = min(first.rows, MAX_RESULTS)

    def pages() -> Iterator[list[Hit]]:
        yield first.hits
        page = 2
        while (page - 1) * MAX_PER_PAGE < wanted:
            yield search(snap, request.with_(page=page)).hits
            page += 1

    return first, wanted, pages()


def terms_answer(snap: Snapshot, args: MultiDict[str, str], base: str, limit: int) -> dict[str, Any]:
    """A search's key terms, JSON-ready, each with the URL of the search that adds it to the query."""
    state = SearchState.parse(args)
    found = key_terms(snap, state.request, limit)
    q = found["searched"] or state.request.q
    terms = []
    for t in found["terms"]:
        word = f'"{t.term}"' if " " in t.term else t.term
        url = state.with_request(q=f"{q} {word}".strip(), page=1).url(base)
        terms.append(
            {
                "term": t.term,
                "count": t.count,
                "share": round(t.share, 4),
                "archive_share": round(t.archive_share, 6),
                "score": round(t.score, 2),
                "url": url,
            }
        )
    return {**found, "terms": terms, "search_url": state.with_request(page=1).url(base)}


def _single(args: MultiDict[str, str], name: str, default: str) -> str:
    """One parameter given at most once (empty: the default)."""
    given = args.getlist(name)
    if len(given) > 1:
        raise BadRequest(name, f"{name} was given {len(given)} times; give it at most once")
    # Only an empty field means the default (as a form sends it); "\r" or "month " are checked as
    # given, so they are refused by name as the schema's enum says, not quietly read as the default.
    return (given[0] if given else "") or default


def trends_answer(snap: Snapshot, args: MultiDict[str, str], base: str) -> tuple[SearchState, dict[str, Any]]:
    """Up to four queries' matches per period under the URL's filters, JSON-ready, each series with
    the URL of its search; and the filters' state (the search page's parameters but q)."""
    queries = args.getlist("q")
    interval = _single(args, "interval", "month")
    normalize = _single(args, "normalize", "count")
    rest: MultiDict[str, str] = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in TRENDS_PARAMS])
    state = SearchState.parse(rest)
    found = trends(snap, queries, state.request, interval, normalize)
    data = found.to_dict()
    for line in data["series"]:
        line["search_url"] = state.with_request(q=line["query"], page=1).url(base)
    return state, data
