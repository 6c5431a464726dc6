"""The JSON API: /api/search, /api/articles/<id>, /api/articles/<id>/similar, OpenAPI, /healthz."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for

from indexer.errors import BadRequest, IndexNotFound
from indexer.search import get_article, search, similar

from .openapi import document
from .params import add_toggle_urls, parse_state
from .snapshot import get_snapshot

__all__ = ["bp", "valid_id", "MAX_SIMILAR"]

bp = Blueprint("api", __name__)

MAX_SIMILAR = 20
MAX_ID_LENGTH = 200
# Fields of the stored article that describe the server rather than the article.
_PRIVATE_FIELDS = ("origin",)


def valid_id(article_id: str) -> bool:
    """True for a string that can be an article id (the builder refuses the others)."""
    return (
        0 < len(article_id) <= MAX_ID_LENGTH
        and article_id not in (".", "..")
        and not any(ch in article_id for ch in "/\\")
        and not any(unicodedata.category(ch) == "Cc" for ch in article_id)
    )


def public_article(article_id: str) -> dict[str, Any]:
    """An article's fields as served; 404 for ids that cannot exist, before touching the index."""
    if not valid_id(article_id):
        abort(404, description=f"no article with id {article_id[:60]!r}")
    article = get_article(get_snapshot(), article_id)
    for name in _PRIVATE_FIELDS:
        article.pop(name, None)
    return article


@bp.get("/api/search")
def api_search() -> Response:
    """Search; the answer is the core's result plus a toggle_url on every facet value."""
    state = parse_state(request.args, default_per_page=10)
    result = search(get_snapshot(), state.request()).to_dict()
    state = state.canonical(result["filters"])
    base = url_for("api.api_search")
    add_toggle_urls(result["facets"], state, base)
    last_page = max(1, -(-min(result["total"], 10_000) // state.per_page))
    result["next_url"] = state.at_page(state.page + 1).url(base) if state.page < last_page else None
    result["prev_url"] = state.at_page(state.page - 1).url(base) if state.page > 1 else None
    return jsonify(result)


@bp.get("/api/articles/<article_id>")
def api_article(article_id: str) -> Response:
    """One article, every field."""
    return jsonify(public_article(article_id))


@bp.get("/api/articles/<article_id>/similar")
def api_similar(article_id: str) -> Response:
    """Articles sharing this one's most distinctive words."""
    raw = request.args.getlist("limit")
    if len(raw) > 1:
        raise BadRequest("limit", "limit was given more than once")
    limit = 5
    if raw and raw[0].strip():
        text = raw[0].strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_SIMILAR):
            raise BadRequest("limit", f"limit must be a whole number from 1 to {MAX_SIMILAR}")
        limit = int(text)
    if not valid_id(article_id):
        abort(404, description=f"no article with id {article_id[:60]!r}")
    hits = similar(get_snapshot(), article_id, limit=limit)
    return jsonify(id=article_id, hits=[asdict(h) for h in hits])


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return jsonify(document())


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with the article count once the index opens, 503 otherwise."""
    try:
        snap = get_snapshot()
    except IndexNotFound as err:
        return jsonify(status="unavailable", error=str(err)), 503
    return jsonify(status="ok", articles=snap.doc_count, generation=Path(snap.generation).name), 200
