"""Downloads of a whole result set (up to MAX_RESULTS rows) as CSV or JSON, streamed by page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, request

from indexer.gazetteer import slugify
from indexer.search import MAX_PER_PAGE, MAX_RESULTS, Hit, SearchRequest, search

from .params import SearchState, parse_state
from .snapshot import open_snapshot

__all__ = ["bp", "CSV_COLUMNS"]

bp = Blueprint("export", __name__)

CSV_COLUMNS = (
    "id",
    "title",
    "date",
    "date_source",
    "source",
    "category",
    "author",
    "provinces",
    "provinces_old",
    "url",
    "score",
)
# Spreadsheets run a cell starting with these as a formula; a leading apostrophe defuses it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Export:
    """One export's search: the first page at once (a bad parameter is a 400), the rest lazily."""

    # The body is produced after the request has ended and its snapshot is closed, so an export
    # opens its own; close() runs when the body is exhausted or the server drops the response.

    def __init__(self, state: SearchState) -> None:
        """Open a snapshot and run the first page of the search."""
        self.state = state
        self.snap = open_snapshot()
        self.closed = False
        try:
            self.first = search(self.snap, self._request(1))
        except BaseException:
            self.close()
            raise
        self.total = self.first.total
        self.wanted = min(self.total, MAX_RESULTS)

    def _request(self, page: int) -> SearchRequest:
        """The core request for one export page."""
        return self.state.request(page=page, per_page=MAX_PER_PAGE, facets=False, snippets=False)

    def pages(self) -> Iterator[list[Hit]]:
        """Hits, one page of MAX_PER_PAGE at a time, up to MAX_RESULTS in all."""
        try:
            yield self.first.hits
            page = 2
            while (page - 1) * MAX_PER_PAGE < self.wanted:
                yield search(self.snap, self._request(page)).hits
                page += 1
        finally:
            self.close()

    def close(self) -> None:
        """Release the snapshot (once)."""
        if not self.closed:
            self.closed = True
            self.snap.close()


def _filename(state: SearchState, ext: str) -> str:
    """The download's name, from the query: vnnews-xe-buyt.csv."""
    stem = slugify(state.q)[:60].strip("-") or "tat-ca"
    return f"vnnews-{stem}.{ext}"


def _cell(value: Any) -> str:
    """A CSV cell: lists joined, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _attachment(body: Iterator[str], export: _Export, mimetype: str, ext: str) -> Response:
    """A streamed download that releases the export's snapshot when done."""
    response = Response(body, mimetype=mimetype)
    response.call_on_close(export.close)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(export.state, ext)}"'
    )
    response.headers["X-Total-Count"] = str(export.total)
    return response


@bp.get("/export.csv")
def export_csv() -> Response:
    """The search's hits as CSV, one row per article, UTF-8 with a BOM so spreadsheets detect it."""
    state = parse_state(request.args, with_era=True)
    export = _Export(state)

    def body() -> Iterator[str]:
        """The download, one chunk per page of hits."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        for hits in export.pages():
            for hit in hits:
                row = asdict(hit)
                writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return _attachment(body(), export, "text/csv", "csv")


@bp.get("/export.json")
def export_json() -> Response:
    """The search's hits as one JSON document."""
    state = parse_state(request.args, with_era=True)
    export = _Export(state)
    head = {
        "query": state.q,
        "filters": export.first.filters,
        "sort": state.sort,
        "total": export.total,
        "exported": export.wanted,
        "truncated": export.total > MAX_RESULTS,
    }

    def body() -> Iterator[str]:
        """The download, one chunk per page of hits."""
        # Streamed by hand: the whole document as one dict could be tens of megabytes.
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "hits": ['
        sep = ""
        for hits in export.pages():
            chunk = ",".join(json.dumps(asdict(h), ensure_ascii=False) for h in hits)
            if chunk:
                yield sep + chunk
                sep = ","
        yield "]}"

    return _attachment(body(), export, "application/json", "json")
