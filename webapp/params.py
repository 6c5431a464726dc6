"""URL parameters ⇄ search state: strict parsing (400s naming the parameter) and URL building.

Every page and API answer is a function of the URL alone; this module is the one place that
reads the query string and the one place that writes links back to it, so that facet toggles,
chips, pagination, histogram bars and map regions all produce the same canonical URLs.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer.errors import BadRequest
from indexer.search import MAX_PER_PAGE, MAX_RESULTS, SORTS, SearchRequest

__all__ = [
    "FILTER_PARAMS",
    "MAX_QUERY_LENGTH",
    "MAX_VALUES",
    "MAX_VALUE_LENGTH",
    "SearchState",
    "parse_state",
    "month_range",
    "year_range",
    "add_toggle_urls",
    "highlight_query",
]

# Facets a request may filter on, as named in the URL (each may be repeated).
FILTER_PARAMS = ("province", "province_old", "source", "category")
# Scalar parameters: giving one twice is ambiguous, so it is refused rather than guessed.
SCALAR_PARAMS = ("q", "from", "to", "sort", "page", "per_page", "era")
# The core reads only the first 500 characters; longer text is refused so that echoed URLs
# (every facet value carries one) stay small.
MAX_QUERY_LENGTH = 1000
MAX_VALUES = 50
MAX_VALUE_LENGTH = 200
ERAS = ("new", "old")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_INT = re.compile(r"-?[0-9]{1,12}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _clean(text: str) -> str:
    """Control characters become spaces; surrounding whitespace goes."""
    return _CONTROL.sub(" ", text).strip()


def _shown(value: str) -> str:
    """A rejected value quoted for an error message, shortened."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _scalar(args: MultiDict[str, str], name: str) -> str | None:
    """The one value of a scalar parameter, None when absent or blank."""
    values = args.getlist(name)
    if len(values) > 1:
        raise BadRequest(name, f"{name} was given {len(values)} times; give it at most once")
    if not values:
        return None
    value = _clean(values[0])
    return value or None


def _integer(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer parameter within [low, high], or its default."""
    raw = _scalar(args, name)
    if raw is None:
        return default
    if not _INT.fullmatch(raw):
        raise BadRequest(name, f"{name} must be a whole number, not {_shown(raw)}")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(name, f"{name} must be between {low} and {high:,}, not {value:,}")
    return value


def _day(args: MultiDict[str, str], name: str) -> date | None:
    """A YYYY-MM-DD parameter, or None."""
    raw = _scalar(args, name)
    if raw is None:
        return None
    # fromisoformat alone would also take "20210501" and week dates; the URL form is one.
    if _ISO_DAY.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise BadRequest(
        name, f"{name} must be a date written YYYY-MM-DD (e.g. 2021-05-31), not {_shown(raw)}"
    )


def _values(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    """A repeatable parameter's non-blank values, deduplicated, bounded in number and length."""
    values = [_clean(v) for v in args.getlist(name)]
    values = [v for v in values if v]
    if len(values) > MAX_VALUES:
        raise BadRequest(
            name, f"at most {MAX_VALUES} {name} values may be given, not {len(values)}"
        )
    for v in values:
        if len(v) > MAX_VALUE_LENGTH:
            raise BadRequest(name, f"{name} values are at most {MAX_VALUE_LENGTH} characters long")
    return tuple(dict.fromkeys(values))


def month_range(month: str) -> tuple[date, date]:
    """First and last day of a 'YYYY-MM' month."""
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def year_range(year: str) -> tuple[date, date]:
    """First and last day of a 'YYYY' year."""
    y = int(year)
    return date(y, 1, 1), date(y, 12, 31)


@dataclass(frozen=True)
class SearchState:
    """Everything a search URL says: query, filters, dates, sort, page and the map era shown."""

    q: str = ""
    province: tuple[str, ...] = ()
    province_old: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    # Which province list the page shows (34 new or 63 old units); not a filter.
    era: str = "new"
    default_per_page: int = 10

    @classmethod
    def blank(cls, per_page: int = 10, **fields: Any) -> SearchState:
        """A new search with this default page size (kept out of its URLs)."""
        return cls(per_page=per_page, default_per_page=per_page, **fields)

    # --- to the core ----------------------------------------------------------------------------

    def request(
        self,
        *,
        facets: bool = True,
        snippets: bool = True,
        page: int | None = None,
        per_page: int | None = None,
    ) -> SearchRequest:
        """The core's request for this state."""
        return SearchRequest(
            q=self.q,
            province=self.province,
            province_old=self.province_old,
            source=self.source,
            category=self.category,
            date_from=self.date_from,
            date_to=self.date_to,
            sort=self.sort,
            page=self.page if page is None else page,
            per_page=self.per_page if per_page is None else per_page,
            facets=facets,
            snippets=snippets,
        )

    def canonical(self, filters: dict[str, Any]) -> SearchState:
        """This state with filter values replaced by the core's canonical spelling."""
        return replace(self, **{f: tuple(filters.get(f, ())) for f in FILTER_PARAMS})

    # --- derived states -------------------------------------------------------------------------

    @property
    def has_filters(self) -> bool:
        """True when any facet or date filter is active."""
        return any(getattr(self, f) for f in FILTER_PARAMS) or bool(self.date_from or self.date_to)

    def values(self, facet: str) -> tuple[str, ...]:
        """Selected values of one facet."""
        return tuple(getattr(self, facet))

    def toggled(self, facet: str, value: str) -> SearchState:
        """Value added to or removed from a facet's selection, back on page 1."""
        current = self.values(facet)
        chosen = tuple(v for v in current if v != value) if value in current else (*current, value)
        return replace(self, **{facet: chosen, "page": 1})

    def dates(self, date_from: date | None, date_to: date | None) -> SearchState:
        """Another date range, back on page 1."""
        return replace(self, date_from=date_from, date_to=date_to, page=1)

    def toggled_range(self, first: date, last: date) -> SearchState:
        """Filter on exactly [first, last], or drop the date filter when that is the current one."""
        if (self.date_from, self.date_to) == (first, last):
            return self.dates(None, None)
        return self.dates(first, last)

    def cleared(self) -> SearchState:
        """The same query with no filters, on page 1."""
        return replace(
            self,
            province=(),
            province_old=(),
            source=(),
            category=(),
            date_from=None,
            date_to=None,
            page=1,
        )

    def at_page(self, page: int) -> SearchState:
        """The same search on another page."""
        return replace(self, page=page)

    def with_(self, **changes: Any) -> SearchState:
        """A copy with some fields changed."""
        return replace(self, **changes)

    # --- back to a URL --------------------------------------------------------------------------

    def items(self, *, view: bool = True) -> list[tuple[str, str]]:
        """Query parameters in a fixed order, defaults left out (view=False drops era and page)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for facet in FILTER_PARAMS:
            out.extend((facet, v) for v in self.values(facet))
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.per_page != self.default_per_page:
            out.append(("per_page", str(self.per_page)))
        if view and self.era != "new":
            out.append(("era", self.era))
        if view and self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self, *, view: bool = True) -> str:
        """The encoded query string, without '?'."""
        return urlencode(self.items(view=view))

    def url(self, base: str, *, view: bool = True) -> str:
        """base with this state's query string."""
        qs = self.query_string(view=view)
        return f"{base}?{qs}" if qs else base


def highlight_query(args: MultiDict[str, str]) -> str:
    """The q of a link to an article: only used to mark words, so any value is acceptable."""
    return _clean(args.get("q", ""))[:MAX_QUERY_LENGTH]


def parse_state(
    args: MultiDict[str, str], *, default_per_page: int = 10, with_era: bool = False
) -> SearchState:
    """Read a search state from request arguments; BadRequest names the first bad parameter."""
    if with_era:
        names = SCALAR_PARAMS
    else:
        names = tuple(n for n in SCALAR_PARAMS if n != "era")
    for name in names:
        _scalar(args, name)  # refuse repeated scalars before anything else
    q = _scalar(args, "q") or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise BadRequest(
            "q", f"q is {len(q):,} characters long; at most {MAX_QUERY_LENGTH:,} are accepted"
        )
    sort = _scalar(args, "sort") or "relevance"
    if sort not in SORTS:
        raise BadRequest("sort", f"sort must be one of {', '.join(SORTS)}, not {_shown(sort)}")
    per_page = _integer(args, "per_page", default_per_page, 1, MAX_PER_PAGE)
    page = _integer(args, "page", 1, 1, MAX_RESULTS)
    if page * per_page > MAX_RESULTS:
        raise BadRequest(
            "page",
            f"only the first {MAX_RESULTS:,} results can be paged to "
            f"(page × per_page ≤ {MAX_RESULTS:,})",
        )
    date_from, date_to = _day(args, "from"), _day(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadRequest("from", f"from ({date_from}) is after to ({date_to})")
    era = "new"
    if with_era:
        era = _scalar(args, "era") or "new"
        if era not in ERAS:
            raise BadRequest(
                "era",
                f"era must be 'new' (34 provinces) or 'old' (63 provinces), not {_shown(era)}",
            )
    filters = {name: _values(args, name) for name in FILTER_PARAMS}
    return SearchState(
        q=q,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=page,
        per_page=per_page,
        era=era,
        default_per_page=default_per_page,
        **filters,
    )


def add_toggle_urls(
    facets: dict[str, Any], state: SearchState, base: str, *, view: bool = True
) -> None:
    """Give every facet value (and month and year) the URL of this search with it toggled."""
    # Only the toggled parameter changes from one value to the next: the rest is encoded once per
    # facet (a common query shows a few hundred values and a hundred months).
    for facet in FILTER_PARAMS:
        entries = facets.get(facet, [])
        if not entries:
            continue
        before = {"q", *FILTER_PARAMS[: FILTER_PARAMS.index(facet)]}
        head, tail = _encoded_around(replace(state, page=1, **{facet: ()}), before, view)
        current = state.values(facet)
        for entry in entries:
            value = entry["value"]
            chosen = tuple(v for v in current if v != value) if value in current else (*current, value)
            entry["toggle_url"] = _joined(base, head, "&".join(_pair(facet, v) for v in chosen), tail)
    dates = facets.get("date") or {}
    if not (dates.get("months") or dates.get("years")):
        return
    undated = replace(state, page=1, date_from=None, date_to=None)
    head, tail = _encoded_around(undated, {"q", *FILTER_PARAMS}, view)
    for key, span in (("months", month_range), ("years", year_range)):
        for entry in dates.get(key, []):
            first, last = span(entry["value"])
            if (state.date_from, state.date_to) == (first, last):
                entry["toggle_url"] = _joined(base, head, tail)
            else:
                dated = f"from={first.isoformat()}&to={last.isoformat()}"
                entry["toggle_url"] = _joined(base, head, dated, tail)


def _encoded_around(state: SearchState, before: set[str], view: bool) -> tuple[str, str]:
    """The state's query string split where the toggled parameter goes: parameters in before, the rest."""
    items = state.items(view=view)
    cut = sum(1 for name, _ in items if name in before)
    return urlencode(items[:cut]), urlencode(items[cut:])


@functools.lru_cache(maxsize=8192)
def _pair(name: str, value: str) -> str:
    """One encoded name=value, as urlencode writes it; facet values recur on every page."""
    return urlencode([(name, value)])


def _joined(base: str, *parts: str) -> str:
    qs = "&".join(p for p in parts if p)
    return f"{base}?{qs}" if qs else base
