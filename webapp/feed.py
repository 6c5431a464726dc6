"""A search saved as an Atom feed: the newest matches of any search URL, for feed readers (feedgen)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request, url_for

from indexer import Hit, search

from .snapshot import get_snapshot
from .state import SearchState

__all__ = ["bp", "ENTRIES", "feed_url"]

bp = Blueprint("feed", __name__)

# Entries in a feed: the newest matches (feed readers poll; older ones they have already).
ENTRIES = 50
# An article's day is its date in Vietnam.
_VIETNAM = timezone(timedelta(hours=7))


def feed_url(state: SearchState) -> str:
    """The feed of a search's state (its query and filters; order and page do not matter)."""
    qs = state.with_request(sort="relevance", page=1).query_string(view=False)
    base = url_for("feed.atom")
    return f"{base}?{qs}" if qs else base


def _instant(day: str) -> datetime:
    """Midnight in Vietnam of an ISO day."""
    return datetime.combine(date.fromisoformat(day), time(), _VIETNAM)


def _title(state: SearchState) -> str:
    parts = [state.request.q.strip() or "Tất cả bài viết"]
    for name, value in state.items(view=False):
        if name not in ("q", "sort", "per_page", "page"):
            parts.append(f"{name}={value}")
    return "Tin mới: " + " · ".join(parts)


@bp.get("/feed.atom")
def atom() -> Response:
    """The newest dated matches of the search as an Atom 1.0 feed (undated articles are left out)."""
    state = SearchState.parse(request.args, with_era=True)
    req = state.request.with_(sort="newest", page=1, per_page=ENTRIES, facets=False, snippets=True)
    result = search(get_snapshot(), req)
    hits: list[Hit] = [h for h in result.hits if h.date]
    page = url_for("views.search_page", _external=True)
    alternate = state.with_request(sort="newest", page=1).url(page, view=False)
    fg = FeedGenerator()
    fg.id(alternate)
    fg.title(_title(state))
    fg.subtitle(f"{result.total:,} bài khớp; {len(hits)} bài mới nhất".replace(",", "."))
    fg.link(href=alternate, rel="alternate", type="text/html")
    qs = state.query_string(view=False)
    fg.link(
        href=url_for("feed.atom", _external=True) + (f"?{qs}" if qs else ""), rel="self", type="application/atom+xml"
    )
    fg.language("vi")
    fg.generator("vnnews-search")
    # A feed changes when its newest entry does; an empty one says the epoch, not the time asked.
    fg.updated(_instant(hits[0].date) if hits else datetime(1970, 1, 1, tzinfo=UTC))
    for hit in reversed(hits):  # feedgen lists the last added first
        entry = fg.add_entry()
        article = url_for("views.article_page", article_id=hit.id, _external=True)
        entry.id(article)
        entry.title(hit.title)
        # One link, the article's page here (which links to the original). feedgen 1.0 writes no
        # rel or type on entry links: a second one would be a second "alternate", which Atom forbids.
        entry.link(href=article)
        entry.updated(_instant(hit.date))  # type: ignore[arg-type]
        entry.published(_instant(hit.date))  # type: ignore[arg-type]
        if hit.snippet:
            entry.summary(hit.snippet, type="html")  # escaped text with <mark>s around the words
        entry.author(name=hit.author or hit.source or "vnnews")
        for name in hit.provinces:
            entry.category(term=name, label=name)
    response = Response(fg.atom_str(pretty=True), mimetype="application/atom+xml")
    response.headers["X-Total-Count"] = str(result.total)
    return response
