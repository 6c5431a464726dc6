"""Facets as classes, one per kind: each resolves its selection, masks, counts and toggles.

A facet reads its selection from the request, resolves it against the index (canonical names,
or a BadRequest naming close ones), turns it into a mask over documents, counts the matches of
every value while ignoring its own selection (Elasticsearch's post_filter), and says how a
value's toggle changes the request. Adding a facet is adding one instance to FACETS (and its
field to SearchRequest).
"""

from __future__ import annotations

import calendar
import difflib
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import numpy as np

from ..errors import BadRequest
from ..geo.gazetteer import Era, Gazetteer
from ..store.columns import Columns
from .execution import DocSet
from .request import SearchRequest

__all__ = [
    "Facet",
    "SetFacet",
    "UnitChoice",
    "ValueFacet",
    "DateFacet",
    "FACETS",
    "Filters",
    "month_range",
    "year_range",
]

_EPOCH = date(1970, 1, 1)
Listing = Any  # a facet's JSON-ready counts: a list of values, or the date facet's object
Values = Mapping[str, list[str]]  # coded field → its values, "" first (store.Columns.values)
Changes = dict[str, Any]  # request fields a toggle sets


class Facet:
    """One kind of facet over one request field (or pair of fields, for dates)."""

    kind: ClassVar[str]  # "values" (a list of counted values) or "dates"
    name: str  # its key in a result's facets and filters
    params: tuple[str, ...]  # the request parameters it reads, in URL order

    def resolve(self, values: Values, req: SearchRequest) -> Any:
        """The request's selection in canonical form (BadRequest when the index has no such value).

        values are the index's coded values by field (every shard's, for a sharded index).
        """
        raise NotImplementedError

    def mask(self, cols: Columns, chosen: Any) -> np.ndarray | None:
        """The documents the selection keeps (None when nothing is selected)."""
        raise NotImplementedError

    def count(self, cols: Columns, sel: DocSet, chosen: Any) -> Listing:
        """Counts over the selected documents, JSON-ready."""
        raise NotImplementedError

    def merge(self, listings: list[Listing], chosen: Any) -> Listing:
        """Several shards' counts as one index's (they partition the documents)."""
        raise NotImplementedError

    def describe(self, chosen: Any) -> dict[str, Any]:
        """The selection as the result's filters echo it, by parameter (nothing when empty)."""
        raise NotImplementedError

    def canonical(self, chosen: Any) -> Changes:
        """The request fields that state the canonical selection."""
        raise NotImplementedError

    def cleared(self) -> Changes:
        """The request fields that select nothing."""
        raise NotImplementedError

    def toggles(self, listing: Listing, req: SearchRequest) -> Iterator[tuple[dict[str, Any], Changes]]:
        """Each listed entry with the request fields its toggle sets (the page goes back to 1)."""
        raise NotImplementedError

    def items(self, changes: Changes) -> list[tuple[str, str]]:
        """A selection's URL parameters."""
        raise NotImplementedError


def _listing(names: list[str], counts: np.ndarray, chosen: tuple[str, ...]) -> list[dict[str, Any]]:
    """Values that occur or are selected, most frequent first, then by name."""
    picked = set(chosen)
    rows = [(int(c), n) for n, c in zip(names, counts.tolist(), strict=True) if c or n in picked]
    rows.sort(key=lambda r: (-r[0], r[1]))
    return [{"value": n, "count": c, "selected": n in picked} for c, n in rows]


@dataclass(frozen=True)
class _MultiValued(Facet):
    """A facet whose selection is a tuple of values, any of which a document may match."""

    name: str
    field: str  # the index field (and Columns key) it reads

    kind: ClassVar[str] = "values"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        """The one parameter, named as the facet."""
        return (self.name,)

    def describe(self, chosen: tuple[str, ...]) -> dict[str, Any]:
        """{name: values}, or nothing."""
        return {self.name: list(chosen)} if chosen else {}

    def canonical(self, chosen: tuple[str, ...]) -> Changes:
        """The request field, as resolved."""
        return {self.name: chosen}

    def cleared(self) -> Changes:
        """No value."""
        return {self.name: ()}

    def toggles(self, listing: Listing, req: SearchRequest) -> Iterator[tuple[dict[str, Any], Changes]]:
        """Each value added to the selection, or removed when it is in it."""
        current: tuple[str, ...] = getattr(req, self.name)
        for entry in listing:
            value = entry["value"]
            chosen = tuple(v for v in current if v != value) if value in current else (*current, value)
            yield entry, {self.name: chosen}

    def items(self, changes: Changes) -> list[tuple[str, str]]:
        """One parameter per value."""
        return [(self.name, v) for v in changes[self.name]]

    def merge(self, listings: list[Listing], chosen: tuple[str, ...]) -> Listing:
        """Counts summed by value, listed as one index lists them."""
        summed: dict[str, int] = {}
        for listing in listings:
            for entry in listing:
                summed[entry["value"]] = summed.get(entry["value"], 0) + entry["count"]
        names = sorted(summed)
        return _listing(names, np.array([summed[n] for n in names], dtype=np.int64), chosen)


@dataclass(frozen=True)
class UnitChoice:
    """A province selection: canonical unit names, and the field they are looked up in (its scope)."""

    names: tuple[str, ...]
    field: str


# Most articles name no province: looking each unit's documents up in the selection's mask (one
# pass over the tagged pairs, whatever the selection) beats unpacking 64 bits of every selected
# document once the selection holds about a twenty-fourth as many documents as there are pairs
# (measured at 2 M articles and 829,000 pairs: 1.0 ms either way at 35,000 selected, 1.1 against
# 4.9 ms at 120,000).
PAIRS_PER_SELECTED = 24


@dataclass(frozen=True)
class SetFacet(_MultiValued):
    """Provinces: each document holds a set of units (a 64-bit set per document), names resolved by the gazetteer.

    The request's province_scope picks the set: the units an article is about (field) or every
    unit it mentions (mentions_field).
    """

    era: Era = "new"
    mentions_field: str = ""

    def resolve(self, values: Values, req: SearchRequest) -> UnitChoice:
        """Canonical unit names (UnknownProvince, with close names, for an unknown one) in the request's scope."""
        gaz = Gazetteer.load()
        names = [gaz.resolve(v, self.era).name for v in getattr(req, self.name) if v.strip()]
        return UnitChoice(tuple(dict.fromkeys(names)), self.field_for(req.province_scope))

    def field_for(self, scope: str) -> str:
        """The index field (and the hit's list) of a scope: the units articles are about, or all they mention."""
        return self.mentions_field if scope == "mentions" else self.field

    def mask(self, cols: Columns, chosen: UnitChoice) -> np.ndarray | None:
        """Documents tagged with any chosen unit."""
        if not chosen.names:
            return None
        names = cols.unit_names[chosen.field]
        want = np.uint64(sum(1 << names.index(n) for n in chosen.names))
        return (cols.units[chosen.field] & want) != 0

    def count(self, cols: Columns, sel: DocSet, chosen: UnitChoice) -> Listing:
        """Selected documents per unit: from their bit sets, or for many, from each unit's documents."""
        names = cols.unit_names[chosen.field]
        docs, starts = cols.members[chosen.field]
        if sel.docs.size * PAIRS_PER_SELECTED > docs.size:
            hit = sel.mask[docs]
            counts = np.array([np.count_nonzero(hit[a:b]) for a, b in itertools.pairwise(starts.tolist())])
        else:
            sets = cols.units[chosen.field][sel.docs].astype("<u8", copy=False)
            bits = np.unpackbits(sets.view(np.uint8), bitorder="little")
            counts = bits.reshape(-1, 64).sum(axis=0, dtype=np.int64)[: len(names)]
        return _listing(names, counts, chosen.names)

    def merge(self, listings: list[Listing], chosen: UnitChoice) -> Listing:
        """Counts summed by unit."""
        return super().merge(listings, chosen.names)

    def describe(self, chosen: UnitChoice) -> dict[str, Any]:
        """{name: units}, or nothing (the scope is a request field of its own)."""
        return super().describe(chosen.names)

    def canonical(self, chosen: UnitChoice) -> Changes:
        """The request field, as resolved."""
        return super().canonical(chosen.names)


@dataclass(frozen=True)
class ValueFacet(_MultiValued):
    """Source or category: one coded value per document, matched case-insensitively."""

    def resolve(self, values: Values, req: SearchRequest) -> tuple[str, ...]:
        """Values as indexed (BadRequest, with close values, for one the index lacks)."""
        lower = {k.lower(): k for k in values[self.field][1:]}
        chosen = []
        for v in getattr(req, self.name):
            if not v.strip():
                continue
            hit = lower.get(v.strip().lower())
            if hit is None:
                close = difflib.get_close_matches(v.lower(), list(lower), n=5, cutoff=0.6)
                hint = f"; did you mean: {', '.join(lower[c] for c in close)}" if close else ""
                raise BadRequest(self.name, f"unknown {self.name} {v!r}{hint}")
            chosen.append(hit)
        return tuple(dict.fromkeys(chosen))

    def mask(self, cols: Columns, chosen: tuple[str, ...]) -> np.ndarray | None:
        """Documents with any chosen value."""
        if not chosen:
            return None
        names = cols.values[self.field]
        # A shard may lack a value other shards hold: none of its documents is kept for it.
        # A table of the kept codes read at every document's code: one gather, where np.isin
        # over the index took 14 ms at 2 M articles.
        kept = np.zeros(len(names), dtype=bool)
        kept[[names.index(v) for v in chosen if v in names]] = True
        return kept[cols.codes[self.field]]

    def count(self, cols: Columns, sel: DocSet, chosen: tuple[str, ...]) -> Listing:
        """Selected documents per value (documents without one are not listed)."""
        names = cols.values[self.field]
        counts = np.bincount(cols.codes[self.field][sel.docs], minlength=len(names))
        return _listing(names[1:], counts[1:], chosen)


def month_range(month: str) -> tuple[date, date]:
    """First and last day of a 'YYYY-MM' month."""
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def year_range(year: str) -> tuple[date, date]:
    """First and last day of a 'YYYY' year."""
    y = int(year)
    return date(y, 1, 1), date(y, 12, 31)


@dataclass(frozen=True)
class DateFacet(Facet):
    """The article's day: a range filter, counted by month and by year, undated apart."""

    name: str = "date"

    kind: ClassVar[str] = "dates"
    params: ClassVar[tuple[str, ...]] = ("from", "to")

    def resolve(self, values: Values, req: SearchRequest) -> tuple[date | None, date | None]:
        """(first day, last day), either open."""
        return req.date_from, req.date_to

    def mask(self, cols: Columns, chosen: tuple[date | None, date | None]) -> np.ndarray | None:
        """Documents dated within the range (undated ones never are)."""
        first, last = chosen
        if not (first or last):
            return None
        lo = (first - _EPOCH).days if first else 0
        hi = (last - _EPOCH).days if last else np.iinfo(np.int32).max
        return (cols.day >= lo) & (cols.day <= hi)

    def count(self, cols: Columns, sel: DocSet, chosen: tuple[date | None, date | None]) -> Listing:
        """{"months": [...], "years": [...], "undated": n}; only periods with articles are listed."""
        # Counted from -1 (undated) up in one pass: no copy of the dated ones first.
        per_month = np.bincount(cols.month[sel.docs] + 1, minlength=1)
        out: dict[str, Any] = {"months": [], "years": [], "undated": int(per_month[0])}
        if per_month.size > 1:
            years: dict[int, int] = {}
            for i in np.flatnonzero(per_month[1:]).tolist():
                c = int(per_month[i + 1])
                y, m = divmod(i + 1970 * 12, 12)
                out["months"].append({"value": f"{y:04d}-{m + 1:02d}", "count": c})
                years[y] = years.get(y, 0) + c
            out["years"] = [{"value": f"{y:04d}", "count": c} for y, c in sorted(years.items())]
        return out

    def merge(self, listings: list[Listing], chosen: tuple[date | None, date | None]) -> Listing:
        """Months and years summed by period, in order; undated summed."""
        out: dict[str, Any] = {"months": [], "years": [], "undated": sum(x["undated"] for x in listings)}
        for key in ("months", "years"):
            summed: dict[str, int] = {}
            for listing in listings:
                for entry in listing[key]:
                    summed[entry["value"]] = summed.get(entry["value"], 0) + entry["count"]
            out[key] = [{"value": v, "count": summed[v]} for v in sorted(summed)]
        return out

    def describe(self, chosen: tuple[date | None, date | None]) -> dict[str, Any]:
        """{"from": day, "to": day}, each only when set."""
        first, last = chosen
        out = {}
        if first:
            out["from"] = first.isoformat()
        if last:
            out["to"] = last.isoformat()
        return out

    def canonical(self, chosen: tuple[date | None, date | None]) -> Changes:
        """The range as given."""
        return {"date_from": chosen[0], "date_to": chosen[1]}

    def cleared(self) -> Changes:
        """No range."""
        return {"date_from": None, "date_to": None}

    def toggles(self, listing: Listing, req: SearchRequest) -> Iterator[tuple[dict[str, Any], Changes]]:
        """Each month and year restricts the search to it, or lifts the restriction when it is the one."""
        for key, span in (("months", month_range), ("years", year_range)):
            for entry in listing.get(key, []):
                first, last = span(entry["value"])
                if (req.date_from, req.date_to) == (first, last):
                    yield entry, {"date_from": None, "date_to": None}
                else:
                    yield entry, {"date_from": first, "date_to": last}

    def items(self, changes: Changes) -> list[tuple[str, str]]:
        """from= and to=, each only when set."""
        out = []
        if changes["date_from"]:
            out.append(("from", changes["date_from"].isoformat()))
        if changes["date_to"]:
            out.append(("to", changes["date_to"].isoformat()))
        return out


FACETS: tuple[Facet, ...] = (
    SetFacet("province", "provinces", era="new", mentions_field="provinces_mentioned"),
    SetFacet("province_old", "provinces_old", era="old", mentions_field="provinces_old_mentioned"),
    ValueFacet("source", "source"),
    ValueFacet("category", "category"),
    DateFacet(),
)


@dataclass
class Filters:
    """Every facet's resolved selection and mask, for one request on one snapshot."""

    chosen: dict[str, Any]
    # Empty for selections not yet masked over an index (a sharded index's coordinator's).
    masks: dict[str, np.ndarray | None] = field(default_factory=dict)

    @classmethod
    def of(cls, cols: Columns, req: SearchRequest) -> Filters:
        """Resolve and mask each facet's selection, on one index."""
        return cls.masked(cols, cls.resolved(cols.values, req))

    @staticmethod
    def resolved(values: Values, req: SearchRequest) -> dict[str, Any]:
        """Each facet's selection in canonical form, by facet name (BadRequest for an unknown value)."""
        return {f.name: f.resolve(values, req) for f in FACETS}

    @classmethod
    def masked(cls, cols: Columns, chosen: dict[str, Any]) -> Filters:
        """Resolved selections masked over one index (or shard)."""
        return cls(chosen, {f.name: f.mask(cols, chosen[f.name]) for f in FACETS})

    @staticmethod
    def merged(listings: list[dict[str, Listing]], chosen: dict[str, Any]) -> dict[str, Listing]:
        """Several shards' facet counts as one index's."""
        return {f.name: f.merge([x[f.name] for x in listings], chosen[f.name]) for f in FACETS}

    def combine(self, matched: np.ndarray, skip: str | None = None) -> np.ndarray:
        """The matched document numbers every facet's selection keeps (except skip's)."""
        sel = matched
        for name, mask in self.masks.items():
            if mask is not None and name != skip:
                sel = sel[mask[sel]]
        return sel

    def counts(self, cols: Columns, matched: np.ndarray) -> dict[str, Listing]:
        """Each facet's counts over the matches (document numbers) the other facets' selections keep."""
        # Facets whose counts ignore the same selections count the same documents: those (and
        # their mask) are filtered once, e.g. for every facet when nothing is selected.
        shared: dict[tuple[str, ...], DocSet] = {}
        out = {}
        for f in FACETS:
            applied = tuple(n for n, m in self.masks.items() if m is not None and n != f.name)
            if applied not in shared:
                shared[applied] = DocSet(self.combine(matched, skip=f.name), cols.size)
            out[f.name] = f.count(cols, shared[applied], self.chosen[f.name])
        return out

    def described(self) -> dict[str, Any]:
        """The active filters in canonical form, by parameter."""
        out: dict[str, Any] = {}
        for f in FACETS:
            out.update(f.describe(self.chosen[f.name]))
        return out

    def canonical(self, req: SearchRequest) -> SearchRequest:
        """The request with every selection in its canonical form."""
        changes: Changes = {}
        for f in FACETS:
            changes.update(f.canonical(self.chosen[f.name]))
        return req.with_(**changes)
