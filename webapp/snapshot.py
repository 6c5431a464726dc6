"""One index snapshot per request, opened on first use and closed when the request ends.

Opening per request is what lets a rebuilt index (a new `current` generation) be served without a
restart; the core caches each generation's arrays, so opening costs a few file handles only.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from whoosh.index import IndexError as WhooshIndexError

from indexer.errors import IndexNotFound
from indexer.facets import Snapshot

__all__ = ["get_snapshot", "open_snapshot", "close_snapshot", "init_app"]


def open_snapshot() -> Snapshot:
    """A new snapshot of the configured index, for the caller to close; IndexNotFound if none."""
    try:
        return Snapshot.open(current_app.config["INDEX"])
    except (WhooshIndexError, OSError) as err:
        # A missing, half-copied or foreign index: the web layer answers 503 for all of them.
        raise IndexNotFound(f"the index cannot be opened: {err}") from err


def get_snapshot() -> Snapshot:
    """The request's snapshot, opened on first use and closed at teardown."""
    if "snapshot" not in g:
        g.snapshot = open_snapshot()
    snap: Snapshot = g.snapshot
    return snap


def close_snapshot(_exc: BaseException | None = None) -> None:
    """Close the request's snapshot, if one was opened."""
    snap = g.pop("snapshot", None)
    if snap is not None:
        snap.close()


def init_app(app: Flask) -> None:
    """Close snapshots when each app context ends."""
    app.teardown_appcontext(close_snapshot)
