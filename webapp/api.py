"""The JSON API: /api/search, /api/articles/<id>, /api/articles/<id>/similar, /api/terms, OpenAPI, /healthz."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for

from indexer import MAX_SIMILAR, MAX_TERMS, BadRequest, IndexNotFound, get_article, get_story, id_problem, similar

from .openapi import document
from .pipeline import answer, terms_answer, trends_answer
from .snapshot import get_snapshot

__all__ = ["bp", "public_article"]

bp = Blueprint("api", __name__)

# Fields of the stored article that describe the server rather than the article.
_PRIVATE_FIELDS = ("origin",)


def known_id(article_id: str) -> str:
    """The id, or a 404 before touching the index for one the builder never accepts."""
    if id_problem(article_id) is not None:
        abort(404, description=f"no article with id {article_id[:60]!r}")
    return article_id


def public_article(article_id: str) -> dict[str, Any]:
    """An article's fields as served; 404 for ids that cannot exist."""
    article = get_article(get_snapshot(), known_id(article_id))
    for name in _PRIVATE_FIELDS:
        article.pop(name, None)
    return article


@bp.get("/api/search")
def api_search() -> Response:
    """Search; the answer is the core's result plus a toggle_url on every facet value."""
    found = answer(get_snapshot(), request.args, url_for("api.api_search"), default_per_page=10)
    return jsonify(found.data)


@bp.get("/api/articles/<id:article_id>")
def api_article(article_id: str) -> Response:
    """One article, every field."""
    return jsonify(public_article(article_id))


def limit_arg(default: int, maximum: int) -> int:
    """The request's limit parameter: a whole number from 1 to maximum, default when absent."""
    raw = request.args.getlist("limit")
    if len(raw) > 1:
        raise BadRequest("limit", "limit was given more than once")
    if not raw or raw[0] == "":
        return default
    if not (raw[0].isascii() and raw[0].isdigit() and len(raw[0]) <= 3) or not 1 <= int(raw[0]) <= maximum:
        raise BadRequest("limit", f"limit must be a whole number from 1 to {maximum}")
    return int(raw[0])


@bp.get("/api/articles/<id:article_id>/similar")
def api_similar(article_id: str) -> Response:
    """Articles sharing this one's most distinctive words."""
    limit = limit_arg(5, MAX_SIMILAR)
    hits = similar(get_snapshot(), known_id(article_id), limit=limit)
    return jsonify(id=article_id, hits=[h.to_dict() for h in hits])


@bp.get("/api/stories/<id:article_id>")
def api_story(article_id: str) -> Response:
    """The story an article belongs to (any of its articles' ids names it), its articles earliest first."""
    return jsonify(get_story(get_snapshot(), known_id(article_id)))


@bp.get("/api/trends")
def api_trends() -> Response:
    """Up to four queries' matches per day, week or month, counted or as a share of the period's articles."""
    _, data = trends_answer(get_snapshot(), request.args, url_for("views.search_page"))
    return jsonify(data)


@bp.get("/api/terms")
def api_terms() -> Response:
    """The words most characteristic of a search's results, each with the search that adds it."""
    found = terms_answer(get_snapshot(), request.args, url_for("views.search_page"), limit_arg(20, MAX_TERMS))
    return jsonify(found)


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API (with the values this index holds, when it opens)."""
    try:
        snap = get_snapshot()
    except IndexNotFound:
        snap = None
    return jsonify(document(snap))


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with the article count once the index opens, 503 otherwise."""
    try:
        snap = get_snapshot()
    except IndexNotFound as err:
        return jsonify(status="unavailable", error=str(err)), 503
    return jsonify(status="ok", articles=snap.doc_count, generation=snap.name), 200
