"""The app's open index, and one snapshot of it per request (opened on first use, closed at teardown).

The Index lives as long as the app (one per gunicorn worker) and holds what is read once from
the current generation; a rebuilt index (a new `current` generation) is picked up on the next
request, without a restart.
"""

from __future__ import annotations

from flask import Flask, current_app, g

from indexer import Index, Snapshot

__all__ = ["get_snapshot", "open_snapshot", "close_snapshot", "init_app"]

_KEY = "vnnews_index"


def open_snapshot() -> Snapshot:
    """A new snapshot of the app's index, for the caller to close; IndexNotFound if none."""
    index: Index = current_app.extensions[_KEY]
    return index.snapshot()


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
    """Open the configured index for the app's life; close snapshots when each app context ends."""
    app.extensions[_KEY] = Index(app.config["INDEX"])
    app.teardown_appcontext(close_snapshot)
