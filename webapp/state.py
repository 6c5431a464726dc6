"""URL parameters ⇄ search state: the core's SearchRequest plus what only a page shows (the era).

Every page and API answer is a function of the URL alone. Parameters are read by the core's own
SearchRequest.from_params (one validation for the web, the CLI and the library); links back to a
URL are written here, so facet toggles, chips, pagination, histogram bars and map regions all
produce the same canonical URLs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer import FACETS, MAX_QUERY_LENGTH, MAX_RESULTS, PARAMS, BadRequest, Facet, SearchRequest

__all__ = ["ERAS", "SearchState", "add_toggle_urls", "highlight_query", "facet"]

# Which province list a page shows (34 new or 63 old units); not a filter, so not the core's.
ERAS = ("new", "old")
_ORDER = [p.name for p in PARAMS]
_FACET_PARAMS = {name for f in FACETS for name in f.params}
_FACETS = {f.name: f for f in FACETS}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def facet(name: str) -> Facet:
    """The core's facet of this name."""
    return _FACETS[name]


@dataclass(frozen=True)
class SearchState:
    """Everything a search URL says: the core's request, and the province era a page shows."""

    request: SearchRequest = field(default_factory=SearchRequest)
    era: str = "new"
    # The page size a URL leaves out (20 on the page, 10 in the API).
    default_per_page: int = 10

    @classmethod
    def blank(cls, per_page: int = 10, **fields: Any) -> SearchState:
        """A new search with this default page size (kept out of its URLs)."""
        return cls(SearchRequest(per_page=per_page, **fields), default_per_page=per_page)

    @classmethod
    def parse(cls, args: MultiDict[str, str], *, default_per_page: int = 10, with_era: bool = False) -> SearchState:
        """Read a state from request arguments; BadRequest names the first bad parameter."""
        values: Mapping[str, Sequence[str]] = {k: args.getlist(k) for k in args}
        era = "new"
        if with_era:
            given = args.getlist("era")  # as the core reads values: only an empty one is absent
            if len(given) > 1:
                raise BadRequest("era", f"era was given {len(given)} times; give it at most once")
            era = (given[0] if given else "") or "new"
            if era not in ERAS:
                shown = repr(era if len(era) <= 40 else era[:40] + "…")
                raise BadRequest("era", f"era must be 'new' (34 provinces) or 'old' (63 provinces), not {shown}")
        request = SearchRequest.from_params(values, per_page=default_per_page)
        return cls(request, era, default_per_page)

    # --- derived states -------------------------------------------------------------------------

    def with_request(self, **changes: Any) -> SearchState:
        """The same page with some request fields changed."""
        return replace(self, request=self.request.with_(**changes))

    def with_(self, **changes: Any) -> SearchState:
        """A copy with some state fields (era, request) changed."""
        return replace(self, **changes)

    @property
    def facet_name(self) -> str:
        """The province facet of the era shown."""
        return "province" if self.era == "new" else "province_old"

    @property
    def has_filters(self) -> bool:
        """True when any facet or date filter is active."""
        return any(name in _FACET_PARAMS for name, _ in self.request.params())

    def values(self, facet_name: str) -> tuple[str, ...]:
        """Selected values of one multi-valued facet."""
        return tuple(getattr(self.request, facet_name))

    def toggled(self, facet_name: str, value: str) -> SearchState:
        """Value added to or removed from a facet's selection, back on page 1."""
        current = self.values(facet_name)
        chosen = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self.with_request(**{facet_name: chosen, "page": 1})

    def dates(self, date_from: date | None, date_to: date | None) -> SearchState:
        """Another date range, back on page 1."""
        return self.with_request(date_from=date_from, date_to=date_to, page=1)

    def toggled_range(self, first: date, last: date) -> SearchState:
        """Filter on exactly [first, last], or drop the date filter when that is the current one."""
        if (self.request.date_from, self.request.date_to) == (first, last):
            return self.dates(None, None)
        return self.dates(first, last)

    def cleared(self) -> SearchState:
        """The same query with no filters, on page 1."""
        changes: dict[str, Any] = {"page": 1}
        for f in FACETS:
            changes.update(f.cleared())
        return self.with_request(**changes)

    def at_page(self, page: int) -> SearchState:
        """The same search on another page."""
        return self.with_request(page=page)

    # --- back to a URL --------------------------------------------------------------------------

    def items(self, *, view: bool = True) -> list[tuple[str, str]]:
        """Query parameters in a fixed order, defaults left out (view=False drops era and page)."""
        out = [(k, v) for k, v in self.request.params(per_page=self.default_per_page) if k != "page"]
        if view and self.era != "new":
            out.append(("era", self.era))
        if view and self.request.page != 1:
            out.append(("page", str(self.request.page)))
        return out

    def query_string(self, *, view: bool = True) -> str:
        """The encoded query string, without '?'."""
        return urlencode(self.items(view=view))

    def url(self, base: str, *, view: bool = True) -> str:
        """base with this state's query string."""
        qs = self.query_string(view=view)
        return f"{base}?{qs}" if qs else base

    def pages(self, total: int, base: str) -> dict[str, Any] | None:
        """Links to previous, next, first, last and nearby pages (None when one page holds all)."""
        page, per_page = self.request.page, self.request.per_page
        last = max(1, -(-min(total, MAX_RESULTS) // per_page))
        if last == 1 and page == 1:
            return None
        shown = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
        links: list[tuple[int, str] | None] = []
        for i, p in enumerate(shown):
            if i and p != shown[i - 1] + 1:
                links.append(None)  # an ellipsis
            links.append((p, self.at_page(p).url(base)))
        return {
            "current": page,
            "last": last,
            "pages": links,
            "prev": self.at_page(page - 1).url(base) if page > 1 else None,
            "next": self.at_page(page + 1).url(base) if page < last else None,
            "capped": total > MAX_RESULTS,
        }


def highlight_query(args: MultiDict[str, str]) -> str:
    """The q of a link to an article: only used to mark words, so any value is acceptable."""
    return _CONTROL.sub(" ", args.get("q", "")).strip()[:MAX_QUERY_LENGTH]


def add_toggle_urls(facets: dict[str, Any], state: SearchState, base: str, *, view: bool = True) -> None:
    """Give every facet value (and month and year) the URL of this search with it toggled."""
    # Only the toggled facet's parameters change from one value to the next: the rest is encoded
    # once per facet (a common query shows a few hundred values and a hundred months).
    for f in FACETS:
        listing = facets.get(f.name)
        if not listing:
            continue
        before = set(_ORDER[: _ORDER.index(f.params[0])])
        items = state.with_request(page=1, **f.cleared()).items(view=view)
        cut = sum(1 for name, _ in items if name in before)
        head, tail = urlencode(items[:cut]), urlencode(items[cut:])
        for entry, changes in f.toggles(listing, state.request):
            middle = "&".join(_pair(name, value) for name, value in f.items(changes))
            entry["toggle_url"] = _joined(base, head, middle, tail)


@functools.lru_cache(maxsize=8192)
def _pair(name: str, value: str) -> str:
    """One encoded name=value, as urlencode writes it; facet values recur on every page (a pure memo)."""
    return urlencode([(name, value)])


def _joined(base: str, *parts: str) -> str:
    qs = "&".join(p for p in parts if p)
    return f"{base}?{qs}" if qs else base
