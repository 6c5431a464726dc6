"""The app's open index, and one snapshot of it per request (opened on first use, closed at teardown).

The Index lives as long as the app (one per gunicorn worker) and holds what is read once from
the current generation; a rebuilt index (a new `current` generation) is picked up on the next
request, without a restart.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from indexer import Index, Snapshot, Synonyms, SynonymsError

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


def _synonyms(app: Flask) -> Synonyms | None:
    """The shipped variants plus the archive's own (SYNONYMS, default instance/synonyms.txt)."""
    path = app.config.get("SYNONYMS") or str(Path(app.instance_path) / "synonyms.txt")
    if not Path(path).is_file():
        if app.config.get("SYNONYMS"):
            app.logger.error("synonyms file %s not found: only the shipped list is used", path)
        return None
    try:
        return Synonyms.load(path)
    except SynonymsError as err:
        # Search stays up on the shipped list; the log names the file and line to fix.
        app.logger.error("synonyms file ignored: %s", err)
        return None


def init_app(app: Flask) -> None:
    """Open the configured index for the app's life; close snapshots when each app context ends."""
    backend = app.config.get("BACKEND") or "embedded"
    if backend == "cluster":
        # Imported only here: the embedded default needs no Ray.
        from indexer import ClusterIndex

        app.extensions[_KEY] = ClusterIndex(app.config["INDEX"], synonyms=_synonyms(app))
    elif backend == "embedded":
        app.extensions[_KEY] = Index(app.config["INDEX"], synonyms=_synonyms(app))
    else:
        raise ValueError(f"VNNEWS_BACKEND must be 'embedded' or 'cluster', not {backend!r}")
    app.teardown_appcontext(close_snapshot)
