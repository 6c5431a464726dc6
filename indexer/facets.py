"""An open index generation with per-document arrays for filters and facet counts.

A generation directory never changes once published, so arrays built from it (day, source,
category, province bit sets) stay valid for its whole life and are built once per process.
"""

from __future__ import annotations

import difflib
import functools
import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import scoring
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from . import compression, store
from .article import Article
from .errors import BadRequest
from .gazetteer import Gazetteer
from .postings import Postings
from .schema import article_from_stored
from .vocabulary import Vocabulary

if TYPE_CHECKING:
    from .search import SearchRequest

__all__ = ["Snapshot", "Columns", "FACETS"]

FACETS = ("province", "province_old", "source", "category", "date")
_EPOCH = date(1970, 1, 1)
_CACHE_LOCK = threading.Lock()
_COLUMNS: dict[str, Columns] = {}
_POSTINGS: dict[str, Postings] = {}


@dataclass
class Columns:
    """Per-document arrays of one generation, indexed by Whoosh document number."""

    live: np.ndarray  # bool
    day: np.ndarray  # int32, days since 1970-01-01, -1 when undated
    month: np.ndarray  # months since 1970-01, -1 when undated
    source: np.ndarray  # int32 code into sources (0 = none)
    sources: list[str]
    category: np.ndarray
    categories: list[str]
    province: np.ndarray  # uint64 bit set over provinces_new
    province_old: np.ndarray
    names: dict[str, list[str]]  # facet → unit names in bit order
    # facet → (document, unit index) of every tagged pair, for counting: most articles name no
    # province, so counting pairs beats unpacking every selected document's 64-bit set.
    members: dict[str, tuple[np.ndarray, np.ndarray]]
    # Live and dead documents newest first and oldest first (undated last, ties in index order).
    newest: np.ndarray
    oldest: np.ndarray

    @classmethod
    def build(cls, reader: Any) -> Columns:
        """Read the arrays from an index reader (postings and columns, not stored fields)."""
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        day = np.fromiter(reader.column_reader("day"), dtype=np.int32, count=size)
        # Months since 1970-01, -1 when undated: bincount-able and cheap to turn into "YYYY-MM".
        month = np.where(day >= 0, day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64), -1)
        codes = {}
        values = {}
        for fieldname in ("source", "category"):
            code = np.zeros(size, dtype=np.int32)
            names = [""]
            for term in reader.lexicon(fieldname):
                text = term.decode("utf-8")
                if not text:
                    continue
                names.append(text)
                code[np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int64)] = len(names) - 1
            codes[fieldname], values[fieldname] = code, names
        gaz = Gazetteer.load()
        bits = {}
        unit_names = {}
        members = {}
        for facet, era in (("province", "new"), ("province_old", "old")):
            names = [p.name for p in gaz.provinces(era)]
            arr = np.zeros(size, dtype=np.uint64)
            fieldname = "provinces" if era == "new" else "provinces_old"
            docs, units = [np.empty(0, dtype=np.int32)], [np.empty(0, dtype=np.uint8)]
            for i, name in enumerate(names):
                key = name.encode("utf-8")
                if reader.doc_frequency(fieldname, key):
                    ids = np.fromiter(reader.postings(fieldname, key).all_ids(), dtype=np.int64)
                    arr[ids] |= np.uint64(1 << i)
                    docs.append(ids.astype(np.int32))
                    units.append(np.full(ids.size, i, dtype=np.uint8))
            bits[facet], unit_names[facet] = arr, names
            members[facet] = (np.concatenate(docs), np.concatenate(units))
        undated = np.iinfo(np.int64).max
        wide = day.astype(np.int64)
        return cls(
            live=live,
            day=day,
            month=month,
            source=codes["source"],
            sources=values["source"],
            category=codes["category"],
            categories=values["category"],
            province=bits["province"],
            province_old=bits["province_old"],
            names=unit_names,
            members=members,
            newest=np.argsort(np.where(day >= 0, -wide, undated), kind="stable").astype(np.int32),
            oldest=np.argsort(np.where(day >= 0, wide, undated), kind="stable").astype(np.int32),
        )


@functools.lru_cache(maxsize=4)
def _dictionary(generation: str) -> bytes:
    """A generation's compression dictionary for stored bodies, read once per process."""
    return compression.load(Path(generation))


def _unit_counts(members: tuple[np.ndarray, np.ndarray], sel: np.ndarray, n: int) -> np.ndarray:
    """How many selected documents are tagged with each of the n units."""
    docs, units = members
    return np.bincount(units[sel[docs]], minlength=n)


class Snapshot:
    """A searcher on one generation plus its arrays; close() it after use."""

    def __init__(self, ix: FileIndex, generation: str) -> None:
        self.ix = ix
        self.generation = generation
        self._searcher: Searcher | None = None
        key = generation
        with _CACHE_LOCK:
            cols = _COLUMNS.get(key)
            if cols is None:
                cols = Columns.build(self.searcher.reader())
                # Keep the arrays of the newest generations only.
                for old in list(_COLUMNS)[:-1]:
                    del _COLUMNS[old]
                _COLUMNS[key] = cols
            post = _POSTINGS.get(key)
            if post is None:
                # Its own reader: it outlives this snapshot's searcher, for the generation's life.
                post = Postings(ix.reader())
                _POSTINGS.clear()
                _POSTINGS[key] = post
        self.cols = cols
        self.postings = post
        self.dictionary = _dictionary(generation)
        self.size = cols.live.size
        self.live = cols.live
        self.day = cols.day

    @classmethod
    def open(cls, index: str | os.PathLike[str]) -> Snapshot:
        """Open the current generation of an index directory."""
        # Read `current` once: a build publishing in between must not pair one generation's
        # arrays with another's searcher.
        path = store.current_dir(Path(index)).resolve()
        return cls(store.open_generation(path), str(path))

    @property
    def searcher(self) -> Searcher:
        """A Whoosh searcher on the generation, opened on first use.

        Most searches need none (postings and stored fields come through the generation's
        long-lived reader), and opening one reads every segment's term index: 2 ms a request.
        """
        if self._searcher is None:
            self._searcher = self.ix.searcher(weighting=scoring.BM25F())
        return self._searcher

    def close(self) -> None:
        """Release the searcher's files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def article(self, docnum: int) -> Article:
        """The article stored as a document."""
        return article_from_stored(self.postings.stored(docnum), self.dictionary)

    @property
    def vocabulary(self) -> Vocabulary:
        """The generation's vocabulary (diacritic restoration, grouping of unaccented syllables)."""
        return Vocabulary.of(Path(self.generation), self.postings.reader)

    def spell(self, fieldname: str, folded: tuple[str, ...], joiner: str) -> tuple[str, ...]:
        """Terms of a field spelling these folded syllables ('body', ('bac', 'ninh'), '_' → bắc_ninh)."""
        vocab = self.vocabulary
        return self.postings.spellings(fieldname, [vocab.spellings(s) for s in folded], joiner)

    @property
    def doc_count(self) -> int:
        """Live articles."""
        return int(np.count_nonzero(self.live))

    # --- filters -----------------------------------------------------------------------------

    def resolve(self, req: SearchRequest) -> dict[str, list[str]]:
        """Canonical filter values: province names, source and category values as indexed."""
        gaz = Gazetteer.load()
        out: dict[str, list[str]] = {}
        for facet, era in (("province", "new"), ("province_old", "old")):
            names = [gaz.resolve(v, era).name for v in getattr(req, facet) if v.strip()]
            out[facet] = list(dict.fromkeys(names))
        for facet, known in (
            ("source", self.cols.sources[1:]),
            ("category", self.cols.categories[1:]),
        ):
            chosen = []
            lower = {k.lower(): k for k in known}
            for v in getattr(req, facet):
                if not v.strip():
                    continue
                hit = lower.get(v.strip().lower())
                if hit is None:
                    close = difflib.get_close_matches(v.lower(), list(lower), n=5, cutoff=0.6)
                    hint = f"; did you mean: {', '.join(lower[c] for c in close)}" if close else ""
                    raise BadRequest(facet, f"unknown {facet} {v!r}{hint}")
                chosen.append(hit)
            out[facet] = list(dict.fromkeys(chosen))
        return out

    def filter_masks(self, req: SearchRequest, chosen: dict[str, list[str]]) -> dict[str, np.ndarray | None]:
        """One boolean mask per filtered facet (None where the facet is not filtered)."""
        cols = self.cols
        masks: dict[str, np.ndarray | None] = dict.fromkeys(FACETS)
        for facet in ("province", "province_old"):
            if chosen[facet]:
                names = cols.names[facet]
                want = np.uint64(sum(1 << names.index(n) for n in chosen[facet]))
                masks[facet] = (getattr(cols, facet) & want) != 0
        for facet, names in (("source", cols.sources), ("category", cols.categories)):
            if chosen[facet]:
                codes = [names.index(v) for v in chosen[facet]]
                masks[facet] = np.isin(getattr(cols, facet), codes)
        if req.date_from or req.date_to:
            lo = (req.date_from - _EPOCH).days if req.date_from else 0
            hi = (req.date_to - _EPOCH).days if req.date_to else np.iinfo(np.int32).max
            masks["date"] = (cols.day >= lo) & (cols.day <= hi)
        return masks

    @staticmethod
    def combine(matched: np.ndarray, masks: dict[str, np.ndarray | None], skip: str | None = None) -> np.ndarray:
        """matched AND every facet's mask (except skip's)."""
        sel = matched
        for facet, mask in masks.items():
            if mask is not None and facet != skip:
                sel = sel & mask
        return sel

    def describe_filters(self, req: SearchRequest, chosen: dict[str, list[str]]) -> dict[str, Any]:
        """The active filters in canonical form, for chips and echoing back."""
        out: dict[str, Any] = {k: v for k, v in chosen.items() if v}
        if req.date_from:
            out["from"] = req.date_from.isoformat()
        if req.date_to:
            out["to"] = req.date_to.isoformat()
        return out

    # --- facets ------------------------------------------------------------------------------

    def facet_counts(
        self, matched: np.ndarray, masks: dict[str, np.ndarray | None], chosen: dict[str, list[str]]
    ) -> dict[str, Any]:
        """Counts for each facet over the matches, each ignoring its own selection."""
        cols = self.cols
        out: dict[str, Any] = {}
        for facet in ("province", "province_old"):
            sel = self.combine(matched, masks, skip=facet)
            names = cols.names[facet]
            counts = _unit_counts(cols.members[facet], sel, len(names))
            out[facet] = _listing(names, counts, chosen.get(facet, []))
        for facet, names in (("source", cols.sources), ("category", cols.categories)):
            sel = self.combine(matched, masks, skip=facet)
            counts = np.bincount(getattr(cols, facet)[sel], minlength=len(names))
            out[facet] = _listing(names[1:], counts[1:], chosen.get(facet, []))
        sel = self.combine(matched, masks, skip="date")
        months = cols.month[sel]
        dated = months[months >= 0]
        out["date"] = {
            "months": [],
            "years": [],
            "undated": int(months.size - dated.size),
        }
        if dated.size:
            base = int(dated.min())
            per_month = np.bincount(dated - base)
            years: dict[int, int] = {}
            for i, c in enumerate(per_month.tolist()):
                if c:
                    y, m = divmod(base + i + 1970 * 12, 12)
                    out["date"]["months"].append({"value": f"{y:04d}-{m + 1:02d}", "count": c})
                    years[y] = years.get(y, 0) + c
            out["date"]["years"] = [{"value": f"{y:04d}", "count": c} for y, c in sorted(years.items())]
        return out


def _listing(names: list[str], counts: np.ndarray, chosen: list[str]) -> list[dict[str, Any]]:
    """Facet values that occur or are selected, most frequent first, then by name."""
    picked = set(chosen)
    rows = [(int(c), n) for n, c in zip(names, counts.tolist(), strict=True) if c or n in picked]
    rows.sort(key=lambda r: (-r[0], r[1]))
    return [{"value": n, "count": c, "selected": n in picked} for c, n in rows]
