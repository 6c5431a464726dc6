"""The vnnews-search web application: search page, article pages, JSON API, exports, Atom feeds.

Configuration (later sources win):
  1. defaults: INDEX = "var/index", no map;
  2. the instance config file `instance/config.py` (Flask's instance folder), if present;
  3. environment: VNNEWS_INDEX (index directory), VNNEWS_MAP (GeoJSON of the 34 provinces),
     VNNEWS_MAP_OLD (GeoJSON of the 63 pre-2025 provinces). MAP_OLD = "auto" (the default) uses
     the file beside MAP whose name has "63" where MAP's has "34", if it exists; an empty value
     means no map; VNNEWS_SYNONYMS (the archive's own variants and abbreviations, added to the
     shipped list; default `instance/synonyms.txt` when it exists); VNNEWS_BACKEND: "embedded"
     (the default: the index, sharded or not, opened in each worker) or "cluster" (a sharded
     index's shards served by Ray actors; RAY_ADDRESS names the cluster, else a local one starts);
  4. test_config passed to create_app.

Run: gunicorn -c webapp/gunicorn.conf.py "webapp:create_app()"
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import PathConverter

__all__ = ["create_app"]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

class ArticleIdConverter(PathConverter):
    """An article id in a URL path: any text, slashes included (werkzeug's path refuses a leading one)."""

    regex = ".+?"
    part_isolating = False


_ENV = {
    "INDEX": "VNNEWS_INDEX",
    "MAP": "VNNEWS_MAP",
    "MAP_OLD": "VNNEWS_MAP_OLD",
    "SYNONYMS": "VNNEWS_SYNONYMS",
    "BACKEND": "VNNEWS_BACKEND",
}


def _sibling_old_map(new_map: str | None) -> str | None:
    """vn_provinces_34.geojson → vn_provinces_63.geojson beside it, if that file exists."""
    if not new_map:
        return None
    path = Path(new_map)
    if path.name.count("34") != 1:
        return None
    candidate = path.with_name(path.name.replace("34", "63"))
    return str(candidate) if candidate.is_file() else None


def _load_maps(app: Flask) -> None:
    """Simplify the configured map files once, at startup; a bad file only disables the map."""
    from .mapping import MapError, load_map

    maps: dict[str, Any] = {"new": None, "old": None}
    for era, key in (("new", "MAP"), ("old", "MAP_OLD")):
        path = app.config.get(key)
        if not path:
            continue
        try:
            maps[era] = load_map(path, era)  # type: ignore[arg-type]
        except MapError as err:
            # A missing map should not take search down with it; say so loudly in the log.
            app.logger.error("map disabled: %s", err)
    app.extensions["vnnews_maps"] = maps


def _security_headers(response: Any) -> Any:
    """Headers every answer carries, HTML or JSON."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Search URLs hold what people look for: news sites linked from article pages need not see them.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build and configure an application instance."""
    app = Flask(__name__, instance_relative_config=True)
    # Article ids may hold slashes ("2021/05/123"), even a leading or a doubled one: keep them.
    app.url_map.merge_slashes = False
    app.url_map.converters["id"] = ArticleIdConverter
    app.config.from_mapping(INDEX="var/index", MAP=None, MAP_OLD="auto", SYNONYMS=None, BACKEND="embedded")
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented key order
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese stays readable
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key, env in _ENV.items():
            # An empty VNNEWS_MAP switches the map off; an empty index path would mean the cwd.
            if env in os.environ and (os.environ[env] or key != "INDEX"):
                app.config[key] = os.environ[env]
    else:
        app.config.from_mapping(test_config)
    if app.config.get("MAP_OLD") == "auto":
        app.config["MAP_OLD"] = _sibling_old_map(app.config.get("MAP"))

    from . import api, errors, export, feed, labels, snapshot, views

    snapshot.init_app(app)
    labels.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(feed.bp)
    app.after_request(_security_headers)
    _load_maps(app)
    return app
