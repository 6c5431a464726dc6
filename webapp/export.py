"""Downloads of a whole result set (up to MAX_RESULTS rows) as CSV or JSON, streamed by page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, request

from indexer import Hit, slugify

from .pipeline import all_hits, trends_answer
from .snapshot import get_snapshot, open_snapshot
from .state import SearchState

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
    "provinces_mentioned",
    "provinces_old_mentioned",
    "url",
    "score",
)
# Spreadsheets run a cell starting with these as a formula; a leading apostrophe defuses it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Export:
    """One export's search on its own snapshot: the first page at once (a bad parameter is a 400)."""

    # The body is produced after the request has ended and its snapshot is closed, so an export
    # opens its own; close() runs when the body is exhausted or the server drops the response.

    def __init__(self, state: SearchState) -> None:
        """Open a snapshot and run the first page of the search."""
        self.state = state
        self.snap = open_snapshot()
        self.closed = False
        try:
            self.first, self.wanted, self._pages = all_hits(self.snap, state)
        except BaseException:
            self.close()
            raise
        # Rows: stories when collapsed (each row then one story's leading article), else articles.
        self.total = self.first.rows

    def pages(self) -> Iterator[list[Hit]]:
        """Hits, one page at a time, up to MAX_RESULTS in all; the snapshot is closed at the end."""
        try:
            yield from self._pages
        finally:
            self.close()

    def close(self) -> None:
        """Release the snapshot (once)."""
        if not self.closed:
            self.closed = True
            self.snap.close()


def _filename(state: SearchState, ext: str) -> str:
    """The download's name, from the query: vnnews-xe-buyt.csv."""
    stem = slugify(state.request.q)[:60].strip("-") or "tat-ca"
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
    export = _Export(SearchState.parse(request.args, with_era=True))

    def body() -> Iterator[str]:
        """The download, one chunk per page of hits."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        for hits in export.pages():
            for hit in hits:
                row = hit.to_dict()
                writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return _attachment(body(), export, "text/csv", "csv")


@bp.get("/export.json")
def export_json() -> Response:
    """The search's hits as one JSON document."""
    export = _Export(SearchState.parse(request.args, with_era=True))
    head = {
        "query": export.state.request.q,
        "filters": export.first.filters,
        "sort": export.state.request.sort,
        "total": export.total,
        "exported": export.wanted,
        "truncated": export.total > export.wanted,
    }

    def body() -> Iterator[str]:
        """The download, one chunk per page of hits."""
        # Streamed by hand: the whole document as one dict could be tens of megabytes.
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "hits": ['
        sep = ""
        for hits in export.pages():
            chunk = ",".join(json.dumps(h.to_dict(), ensure_ascii=False) for h in hits)
            if chunk:
                yield sep + chunk
                sep = ","
        yield "]}"

    return _attachment(body(), export, "application/json", "json")


@bp.get("/trends.csv")
def trends_csv() -> Response:
    """A trends chart's series as CSV: one row per period, a count (and a share) column per query."""
    _, data = trends_answer(get_snapshot(), request.args, "/")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    head = ["period", "articles", "sparse"]
    for line in data["series"]:
        head += [f"{line['query']} count", f"{line['query']} share"]
    writer.writerow([_cell(h) for h in head])
    for i, period in enumerate(data["periods"]):
        row: list[Any] = [period, data["articles"][i], int(data["sparse"][i])]
        for line in data["series"]:
            share = line["shares"][i]
            row += [line["counts"][i], "" if share is None else f"{share:.6f}"]
        writer.writerow(row)
    name = slugify("-".join(line["query"] for line in data["series"]) or "articles")[:60] or "trends"
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="trends-{name}-{data["interval"]}.csv"'},
    )
