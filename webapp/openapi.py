"""The OpenAPI 3.0 description of the JSON API and the exports, as a Python dict."""

from __future__ import annotations

from typing import Any

from indexer.search import MAX_PER_PAGE, MAX_RESULTS

from .params import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH, MAX_VALUES

__all__ = ["document"]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, also allowing null."""
    return {**schema, "nullable": True}


_STR = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_STRINGS = {"type": "array", "items": _STR}


def _ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _filter_param(name: str, description: str) -> dict[str, Any]:
    """A repeatable filter parameter."""
    return {
        "name": name,
        "in": "query",
        "description": description + " Repeat the parameter to select several values (OR).",
        "style": "form",
        "explode": True,
        "schema": {
            "type": "array",
            "maxItems": MAX_VALUES,
            "items": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        },
    }


_SEARCH_PARAMS: list[dict[str, Any]] = [
    {
        "name": "q",
        "in": "query",
        "description": (
            'Query: words (all required), "phrases", -exclusions (-300 is a number), a OR b, '
            "title:/sapo:/body:/author: "
            "prefixes. Diacritics are optional. Empty: every article, newest first."
        ),
        "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    },
    _filter_param("province", "Province of the 34 units since 2025-07-01, by name, alias or slug."),
    _filter_param(
        "province_old", "Province of the 63 units before 2025-07-01, by name, alias or slug."
    ),
    _filter_param("source", "Source as indexed (case-insensitive)."),
    _filter_param("category", "Category as indexed (case-insensitive)."),
    {
        "name": "from",
        "in": "query",
        "description": "First day (inclusive), YYYY-MM-DD.",
        "schema": _DATE,
    },
    {
        "name": "to",
        "in": "query",
        "description": "Last day (inclusive), YYYY-MM-DD; not before from.",
        "schema": _DATE,
    },
    {
        "name": "sort",
        "in": "query",
        "description": "Relevance (newest when q is empty), newest or oldest.",
        "schema": {
            "type": "string",
            "enum": ["relevance", "newest", "oldest"],
            "default": "relevance",
        },
    },
]
_PAGING: list[dict[str, Any]] = [
    {
        "name": "page",
        "in": "query",
        "description": f"Page number; page × per_page may not exceed {MAX_RESULTS}.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "description": "Hits per page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
    },
]


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response with a JSON body."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR_400 = _json(_ref("Error"), "A parameter is invalid; error.param names it.")
_ERROR_404 = _json(_ref("Error"), "No article with this id.")
_ERROR_503 = _json(_ref("Error"), "The index cannot be opened (not built yet, or being replaced).")

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "param"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "bad_parameter, unknown_province, not_found, ...",
                    },
                    "message": _STR,
                    "param": _nullable(
                        {"type": "string", "description": "The query parameter at fault."}
                    ),
                    "suggestions": {
                        **_STRINGS,
                        "description": "Close matches for an unknown province.",
                    },
                },
            }
        },
    },
    "Hit": {
        "type": "object",
        "required": [
            "id",
            "title",
            "url",
            "source",
            "category",
            "author",
            "date",
            "date_source",
            "provinces",
            "provinces_old",
            "snippet",
            "score",
        ],
        "properties": {
            "id": _STR,
            "title": _STR,
            "url": _nullable(_STR),
            "source": _nullable(_STR),
            "category": _nullable(_STR),
            "author": _nullable(_STR),
            "date": _nullable(_DATE),
            "date_source": {
                "type": "string",
                "enum": ["published", "text", "seen", "none"],
                "description": "Where date comes from: the feed, a dateline in the text, "
                "the day the crawler saw it, or nowhere.",
            },
            "provinces": {**_STRINGS, "description": "Provinces of the 34-unit era."},
            "provinces_old": {**_STRINGS, "description": "Provinces of the 63-unit era."},
            "snippet": {
                "type": "string",
                "description": "HTML-escaped text with the query's words in <mark>.",
            },
            "score": _nullable(
                {"type": "number", "description": "BM25F score; null when sorted by date."}
            ),
        },
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "count", "selected", "toggle_url"],
        "properties": {
            "value": _STR,
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
            "toggle_url": {
                "type": "string",
                "description": "This search with the value toggled, page 1.",
            },
        },
    },
    "DateBucket": {
        "type": "object",
        "required": ["value", "count", "toggle_url"],
        "properties": {
            "value": {"type": "string", "description": "YYYY-MM (months) or YYYY (years)."},
            "count": {"type": "integer", "minimum": 0},
            "toggle_url": {
                "type": "string",
                "description": "This search restricted to the period (or "
                "unrestricted, when it already is).",
            },
        },
    },
    "Facets": {
        "type": "object",
        "description": "Counts over the matches; a facet ignores its own selection (post_filter).",
        "required": ["province", "province_old", "source", "category", "date"],
        "properties": {
            "province": {"type": "array", "items": _ref("FacetValue")},
            "province_old": {"type": "array", "items": _ref("FacetValue")},
            "source": {"type": "array", "items": _ref("FacetValue")},
            "category": {"type": "array", "items": _ref("FacetValue")},
            "date": {
                "type": "object",
                "required": ["months", "years", "undated"],
                "properties": {
                    "months": {"type": "array", "items": _ref("DateBucket")},
                    "years": {"type": "array", "items": _ref("DateBucket")},
                    "undated": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
    "Filters": {
        "type": "object",
        "description": "Active filters in canonical form; absent keys are not filtered.",
        "additionalProperties": False,
        "properties": {
            "province": _STRINGS,
            "province_old": _STRINGS,
            "source": _STRINGS,
            "category": _STRINGS,
            "from": _DATE,
            "to": _DATE,
        },
    },
    "SearchResult": {
        "type": "object",
        "required": [
            "query",
            "total",
            "page",
            "per_page",
            "took_ms",
            "suggestion",
            "relaxed",
            "hits",
            "facets",
            "filters",
            "next_url",
            "prev_url",
        ],
        "properties": {
            "query": _STR,
            "total": {"type": "integer", "minimum": 0, "description": "Exact number of matches."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "took_ms": {"type": "number", "minimum": 0},
            "suggestion": _nullable(
                {
                    "type": "object",
                    "required": ["text", "kind"],
                    "properties": {
                        "text": _STR,
                        "kind": {"type": "string", "enum": ["accents", "spelling"]},
                    },
                }
            ),
            "relaxed": {
                "type": "string",
                "nullable": True,
                "enum": ["diacritics", "any_word", None],
                "description": "Set when nothing matched as typed and the query was loosened.",
            },
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": _ref("Facets"),
            "filters": _ref("Filters"),
            "next_url": _nullable(_STR),
            "prev_url": _nullable(_STR),
        },
    },
    "Article": {
        "type": "object",
        "required": [
            "id",
            "title",
            "sapo",
            "body",
            "url",
            "source",
            "category",
            "author",
            "published",
            "seen",
            "date",
            "date_source",
            "provinces",
            "provinces_old",
            "display_title",
        ],
        "properties": {
            "id": _STR,
            "title": {"type": "string", "description": "Empty when the source gave none."},
            "sapo": _STR,
            "body": {"type": "string", "description": "Paragraphs separated by newlines."},
            "url": _nullable(_STR),
            "source": _nullable(_STR),
            "category": _nullable(_STR),
            "author": _nullable(_STR),
            "published": _nullable(
                {"type": "string", "description": "As the feed gave it (ISO 8601)."}
            ),
            "seen": _nullable(
                {"type": "string", "description": "Day the crawler saw it (ISO 8601)."}
            ),
            "date": _nullable(_DATE),
            "date_source": {"type": "string", "enum": ["published", "text", "seen", "none"]},
            "provinces": _STRINGS,
            "provinces_old": _STRINGS,
            "display_title": {"type": "string", "description": "title, or the first sentence."},
        },
    },
    "Similar": {
        "type": "object",
        "required": ["id", "hits"],
        "properties": {"id": _STR, "hits": {"type": "array", "items": _ref("Hit")}},
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "articles": {"type": "integer", "minimum": 0},
            "generation": _STR,
            "error": _STR,
        },
    },
    "Export": {
        "type": "object",
        "required": ["query", "filters", "sort", "total", "exported", "truncated", "hits"],
        "properties": {
            "query": _STR,
            "filters": _ref("Filters"),
            "sort": _STR,
            "total": {"type": "integer", "minimum": 0},
            "exported": {"type": "integer", "minimum": 0, "maximum": MAX_RESULTS},
            "truncated": {"type": "boolean", "description": f"More than {MAX_RESULTS} matches."},
            "hits": {"type": "array", "items": _ref("Hit")},
        },
    },
}

_ID_PARAM = {
    "name": "article_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "vnnews-search",
            "version": "1.0.0",
            "description": "Full-text search over Vietnamese news archives, with facets by "
            "province "
            "(34 units since 2025-07-01 and the 63 before), source, category and date.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search articles",
                    "parameters": _SEARCH_PARAMS + _PAGING,
                    "responses": {
                        "200": _json(
                            _ref("SearchResult"), "One page of hits, facets and suggestions."
                        ),
                        "400": _ERROR_400,
                        "503": _ERROR_503,
                    },
                }
            },
            "/api/articles/{article_id}": {
                "get": {
                    "operationId": "getArticle",
                    "summary": "One article",
                    "parameters": [_ID_PARAM],
                    "responses": {
                        "200": _json(_ref("Article"), "Every field of the article."),
                        "404": _ERROR_404,
                        "503": _ERROR_503,
                    },
                }
            },
            "/api/articles/{article_id}/similar": {
                "get": {
                    "operationId": "similarArticles",
                    "summary": "Articles like this one",
                    "parameters": [
                        _ID_PARAM,
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 20,
                                "default": 5,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json(_ref("Similar"), "Up to limit articles, most similar first."),
                        "400": _ERROR_400,
                        "404": _ERROR_404,
                        "503": _ERROR_503,
                    },
                }
            },
            "/export.json": {
                "get": {
                    "operationId": "exportJson",
                    "summary": f"Every hit of a search (at most {MAX_RESULTS}) as one JSON file",
                    "parameters": _SEARCH_PARAMS,
                    "responses": {
                        "200": _json(_ref("Export"), "An attachment; snippets are empty."),
                        "400": _ERROR_400,
                        "503": _ERROR_503,
                    },
                }
            },
            "/export.csv": {
                "get": {
                    "operationId": "exportCsv",
                    "summary": f"Every hit of a search (at most {MAX_RESULTS}) as CSV (UTF-8, BOM)",
                    "parameters": _SEARCH_PARAMS,
                    "responses": {
                        "200": {
                            "description": "An attachment, one row per article.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": {
                            "description": "A parameter is invalid.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                        "503": {
                            "description": "The index cannot be opened.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness and index status",
                    "responses": {
                        "200": _json(_ref("Health"), "The index opens."),
                        "503": _json(_ref("Health"), "The index cannot be opened."),
                    },
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
