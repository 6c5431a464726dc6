"""The OpenAPI 3.0 description of the JSON API and the exports, as a Python dict."""

from __future__ import annotations

from typing import Any

from indexer import (
    FACETS,
    INTERVALS,
    MAX_ID_LENGTH,
    MAX_PER_PAGE,
    MAX_QUERIES,
    MAX_QUERY_LENGTH,
    MAX_RESULTS,
    MAX_SIMILAR,
    MAX_TERMS,
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    NORMALIZE,
    PARAMS,
    Gazetteer,
    Param,
    Snapshot,
)

from .feed import ENTRIES as FEED_ENTRIES

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


# A filter value must hold something besides spaces and control characters.
_VISIBLE = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]"
# An empty value is the same as leaving the parameter out (HTML forms send empty fields).
_EMPTY = {"type": "string", "enum": [""]}


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or an empty string."""
    return {"anyOf": [schema, _EMPTY]}


def _parameter(p: Param, enums: dict[str, list[str]]) -> dict[str, Any]:
    """One search parameter, described from the core's own definition."""
    description = p.help
    if p.kind == "values":
        items: dict[str, Any] = {"type": "string", "maxLength": MAX_VALUE_LENGTH, "pattern": _VISIBLE}
        if enums.get(p.name):
            # The values this index accepts, in canonical spelling; other spellings of the same
            # province (case, accents, aliases, slugs) are accepted too.
            items = {"type": "string", "enum": enums[p.name]}
        description += " Repeat the parameter to select several values (OR); an empty value is ignored."
        return {
            "name": p.name,
            "in": "query",
            "description": description,
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "maxItems": MAX_VALUES, "items": _or_empty(items)},
        }
    if p.kind == "text":
        return {
            "name": p.name,
            "in": "query",
            "description": description,
            "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        }
    schema: dict[str, Any]
    if p.kind == "date":
        schema = dict(_DATE)
    elif p.kind == "choice":
        schema = {"type": "string", "enum": list(p.choices)}
    else:
        schema = {"type": "integer", "minimum": p.low, "maximum": p.high}
        if p.name == "page":
            description += f" Pages past the first {MAX_RESULTS:,} results have no hits (the total stays exact)."
    if p.name == "to":
        description += " A range that ends before it starts holds no day."
    return {
        "name": p.name,
        "in": "query",
        "description": description + " Empty: the default.",
        "schema": _or_empty(schema),
    }


def _search_params(enums: dict[str, list[str]], paging: bool) -> list[dict[str, Any]]:
    """The parameters of a search (exports have no page)."""
    return [_parameter(p, enums) for p in PARAMS if paging or p.kind != "integer"]


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response with a JSON body."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR_400 = _json(_ref("Error"), "A parameter is invalid; error.param names it.")
_ERROR_404 = _json(_ref("Error"), "No article with this id.")
_ERROR_503 = _json(_ref("Error"), "The index cannot be opened (not built yet, or being replaced).")
# gunicorn refuses a request line over 8,190 bytes before the application sees it.
_ERROR_414 = {
    "description": "The URL is too long: the server reads request lines of up to 8,190 bytes.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}

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
                    "param": _nullable({"type": "string", "description": "The query parameter at fault."}),
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
            "provinces_mentioned",
            "provinces_old_mentioned",
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
            "provinces": {**_STRINGS, "description": "Provinces of the 34-unit era the article is about."},
            "provinces_old": {**_STRINGS, "description": "Provinces of the 63-unit era the article is about."},
            "provinces_mentioned": {
                **_STRINGS,
                "description": "Every province of the 34-unit era the text names (a superset of provinces).",
            },
            "provinces_old_mentioned": {
                **_STRINGS,
                "description": "Every province of the 63-unit era the text names (a superset of provinces_old).",
            },
            "snippet": {
                "type": "string",
                "description": "HTML-escaped text with the query's words in <mark>.",
            },
            "score": _nullable({"type": "number", "description": "BM25F score; null when sorted by date."}),
            "story": _nullable(
                {
                    "type": "object",
                    "description": "With collapse=story: the story this hit leads.",
                    "required": ["id", "size", "sources"],
                    "properties": {
                        "id": {"type": "string", "description": "Its first article's id (GET /api/stories/{id})."},
                        "size": {"type": "integer", "minimum": 1, "description": "Articles in the story."},
                        "sources": {**_STRINGS, "description": "Outlets, in the order they reported it."},
                    },
                }
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
                "description": "This search restricted to the period (or unrestricted, when it already is).",
            },
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
            "searched",
            "variants",
            "hits",
            "facets",
            "filters",
            "next_url",
            "prev_url",
        ],
        "properties": {
            "query": _STR,
            "total": {"type": "integer", "minimum": 0, "description": "Exact number of matches."},
            "stories": _nullable(
                {
                    "type": "integer",
                    "minimum": 0,
                    "description": "With collapse=story: the stories the matches form (page and per_page count them).",
                }
            ),
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
                "enum": ["diacritics", "any_word", "keyboard", None],
                "description": "Set when nothing matched as typed and the query was loosened, or (keyboard) when "
                "it was read as typed in Telex or VNI without an input method.",
            },
            "searched": {
                "type": "string",
                "nullable": True,
                "description": 'With relaxed=keyboard, the query searched instead ("hoaf binhf" → "hòa bình"); '
                "quote the words to search them as typed.",
            },
            "shards": {
                "type": "object",
                "required": ["total", "failed"],
                "description": "Only for a sharded index: its shards, and those that did not answer (the total "
                "and facets then count the others only).",
                "properties": {
                    "total": {"type": "integer", "minimum": 1},
                    "failed": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                },
            },
            "variants": {
                "type": "object",
                "required": ["on", "groups"],
                "description": "Listed spelling variants and abbreviations of the words typed: searched too "
                "(with a lower weight) when on is true, offered when variants=off.",
                "properties": {
                    "on": {"type": "boolean"},
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["typed", "also"],
                            "properties": {"typed": _STR, "also": {"type": "array", "items": _STR}},
                        },
                    },
                },
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
            "provinces_mentioned",
            "provinces_old_mentioned",
            "province_evidence",
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
            "published": _nullable({"type": "string", "description": "As the feed gave it (ISO 8601)."}),
            "seen": _nullable({"type": "string", "description": "Day the crawler saw it (ISO 8601)."}),
            "date": _nullable(_DATE),
            "date_source": {"type": "string", "enum": ["published", "text", "seen", "none"]},
            "provinces": _STRINGS,
            "provinces_old": _STRINGS,
            "provinces_mentioned": _STRINGS,
            "provinces_old_mentioned": _STRINGS,
            "province_evidence": {
                "type": "array",
                "description": "What each province tag rests on: one entry per 63-unit province the text names "
                "acceptably, tagged first, then by score.",
                "items": _ref("ProvinceEvidence"),
            },
            "display_title": {"type": "string", "description": "title, or the first sentence."},
        },
    },
    "ProvinceEvidence": {
        "type": "object",
        "required": [
            "province",
            "province_old",
            "about",
            "score",
            "title",
            "sapo",
            "body",
            "mentions",
            "cue",
            "captions_only",
            "probability",
            "signals",
        ],
        "properties": {
            "province": {"type": "string", "description": "The 34-unit province it lies in."},
            "province_old": _STR,
            "about": {"type": "boolean", "description": "Whether the article is tagged with it."},
            "score": {"type": "number", "description": "The evidence in all, from the score rules."},
            "title": {"type": "number", "description": "Evidence from the title."},
            "sapo": {"type": "number", "description": "Evidence from the sapo."},
            "body": {"type": "number", "description": "Evidence from the body (its lead counts more)."},
            "mentions": {"type": "integer", "description": "Distinct mentions in the body."},
            "cue": {"type": "boolean", "description": "A body mention locates something there (tại X, UBND tỉnh X)."},
            "captions_only": {
                "type": "boolean",
                "description": "The body names it only in captions and the last line.",
            },
            "probability": {
                "type": "number",
                "description": "The salience model's probability that the article is about it; "
                "it is tagged from the model's threshold up.",
            },
            "signals": {
                "type": "array",
                "description": "The features that weighed most in that decision, strongest first, "
                "with what each added to the log-odds (B:tại is the word before a mention, T:giá a "
                "title word, rules the score rules' own verdict).",
                "items": {
                    "type": "object",
                    "required": ["feature", "weight"],
                    "properties": {"feature": _STR, "weight": {"type": "number"}},
                },
            },
        },
    },
    "Story": {
        "type": "object",
        "required": ["id", "size", "sources", "first", "last", "articles"],
        "description": "Articles of several outlets reporting the same event (grouped at index time from "
        "their titles and leads within a few days), earliest first.",
        "properties": {
            "id": _STR,
            "size": {"type": "integer", "minimum": 1},
            "sources": _STRINGS,
            "first": _nullable(_DATE),
            "last": _nullable(_DATE),
            "articles": {"type": "array", "items": _ref("Hit")},
        },
    },
    "Trends": {
        "type": "object",
        "required": [
            "interval",
            "normalize",
            "periods",
            "articles",
            "sparse",
            "undated",
            "series",
            "filters",
            "took_ms",
            "min_articles",
        ],
        "properties": {
            "interval": {"type": "string", "enum": list(INTERVALS)},
            "normalize": {"type": "string", "enum": list(NORMALIZE)},
            "periods": {**_STRINGS, "description": "Each period's first day (YYYY-MM-DD), or YYYY-MM by month."},
            "articles": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "description": "Every article the filters keep, per period.",
            },
            "sparse": {
                "type": "array",
                "items": {"type": "boolean"},
                "description": "Periods with fewer than min_articles articles: a share there means little.",
            },
            "undated": {"type": "integer", "minimum": 0, "description": "Articles with no date, not counted."},
            "series": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["query", "total", "undated", "counts", "shares", "search_url"],
                    "properties": {
                        "query": _STR,
                        "total": {"type": "integer", "minimum": 0},
                        "undated": {"type": "integer", "minimum": 0},
                        "counts": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                        "shares": {
                            "type": "array",
                            "items": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
                            "description": "counts over articles; null where a period has none.",
                        },
                        "search_url": _STR,
                    },
                },
            },
            "filters": {"type": "object"},
            "took_ms": {"type": "number", "minimum": 0},
            "min_articles": {"type": "integer"},
            "shards": _nullable(
                {
                    "type": "object",
                    "description": "For a sharded index: shards, and those that did not answer (their "
                    "articles are missing from every period).",
                }
            ),
        },
    },
    "Similar": {
        "type": "object",
        "required": ["id", "hits"],
        "properties": {"id": _STR, "hits": {"type": "array", "items": _ref("Hit")}},
    },
    "Terms": {
        "type": "object",
        "required": ["query", "searched", "total", "sample", "sampled", "terms", "search_url"],
        "description": "The words most characteristic of the results' titles against all the index's titles "
        "(log-likelihood), computed over the titles of the first `sample` results.",
        "properties": {
            "query": _STR,
            "searched": {"type": "string", "nullable": True},
            "total": {"type": "integer", "minimum": 0},
            "sample": {"type": "integer", "minimum": 0},
            "sampled": {"type": "boolean", "description": "True when only the first results were read."},
            "search_url": _STR,
            "terms": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["term", "count", "share", "archive_share", "score", "url"],
                    "properties": {
                        "term": _STR,
                        "count": {"type": "integer", "minimum": 1},
                        "share": {"type": "number", "minimum": 0, "maximum": 1},
                        "archive_share": {"type": "number", "minimum": 0, "maximum": 1},
                        "score": {"type": "number", "minimum": 0},
                        "url": {"type": "string", "description": "The search with this word added to the query."},
                    },
                },
            },
        },
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
    "description": "The article's id (printable text; slashes allowed).",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
}
_DATE_FACET = {
    "type": "object",
    "required": ["months", "years", "undated"],
    "properties": {
        "months": {"type": "array", "items": _ref("DateBucket")},
        "years": {"type": "array", "items": _ref("DateBucket")},
        "undated": {"type": "integer", "minimum": 0},
    },
}
# A hit's id leads to the article and to its similar articles.
_HIT_LINKS = {
    "article": {
        "operationId": "getArticle",
        "parameters": {"article_id": "$response.body#/hits/0/id"},
        "description": "The first hit's article.",
    },
    "similar": {
        "operationId": "similarArticles",
        "parameters": {"article_id": "$response.body#/hits/0/id"},
        "description": "Articles like the first hit.",
    },
}
_ARTICLE_LINKS = {
    "similar": {
        "operationId": "similarArticles",
        "parameters": {"article_id": "$response.body#/id"},
        "description": "Articles like this one.",
    }
}


def _facet_schemas() -> dict[str, Any]:
    """The Facets and Filters objects, one property per facet of the core."""
    values = {"type": "array", "items": _ref("FacetValue")}
    counts = {f.name: _DATE_FACET if f.kind == "dates" else values for f in FACETS}
    filters: dict[str, Any] = {}
    for f in FACETS:
        for name in f.params:
            filters[name] = _DATE if f.kind == "dates" else _STRINGS
    return {
        "Facets": {
            "type": "object",
            "description": "Counts over the matches; a facet ignores its own selection (post_filter).",
            "required": list(counts),
            "properties": counts,
        },
        "Filters": {
            "type": "object",
            "description": "Active filters in canonical form; absent keys are not filtered.",
            "additionalProperties": False,
            "properties": filters,
        },
    }


def _enums(snap: Snapshot | None) -> dict[str, list[str]]:
    """The canonical values each filter accepts: provinces of both eras, and this index's sources and categories."""
    gaz = Gazetteer.load()
    out = {"province": [p.name for p in gaz.provinces("new")], "province_old": [p.name for p in gaz.provinces("old")]}
    if snap is not None:
        for name in ("source", "category"):
            out[name] = snap.values[name][1:]
    return out


def _with_links(response: dict[str, Any], links: dict[str, Any]) -> dict[str, Any]:
    return {**response, "links": links}


def _limit_param(what: str, default: int, maximum: int) -> dict[str, Any]:
    """A limit query parameter (webapp.api.limit_arg reads it)."""
    return {
        "name": "limit",
        "in": "query",
        "description": f"How many {what} (default {default}).",
        "schema": _or_empty({"type": "integer", "minimum": 1, "maximum": maximum}),
    }


def document(snap: Snapshot | None = None) -> dict[str, Any]:
    """The whole OpenAPI document; with a snapshot, filters list the values its index holds."""
    enums = _enums(snap)
    searching = _search_params(enums, paging=True)
    exporting = _search_params(enums, paging=False)
    # A trend counts several queries under one set of filters: no single q, no order, no collapse.
    counting = [p for p in exporting if p["name"] not in ("q", "sort", "collapse")]
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "vnnews-search",
            "version": "1.0.0",
            "description": "Full-text search over Vietnamese news archives, with facets by "
            "province (34 units since 2025-07-01 and the 63 before), source, category and date. "
            "Filter values are listed in canonical spelling; other spellings of a province (case, "
            "accents, aliases such as TP.HCM, slugs) are accepted as well, and an unknown value "
            "is a 400 naming the parameter.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search articles",
                    "parameters": searching,
                    "responses": {
                        "200": _with_links(
                            _json(_ref("SearchResult"), "One page of hits, facets and suggestions."), _HIT_LINKS
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
                        "200": _with_links(_json(_ref("Article"), "Every field of the article."), _ARTICLE_LINKS),
                        "404": _ERROR_404,
                        "503": _ERROR_503,
                    },
                }
            },
            "/api/stories/{article_id}": {
                "get": {
                    "operationId": "getStory",
                    "summary": "The story an article belongs to",
                    "parameters": [_ID_PARAM],
                    "responses": {
                        "200": _json(_ref("Story"), "The story and its articles, earliest first."),
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
                        _limit_param("articles", 5, MAX_SIMILAR),
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
                    "parameters": exporting,
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
                    "parameters": exporting,
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
            "/api/terms": {
                "get": {
                    "operationId": "keyTerms",
                    "summary": "The words most characteristic of a search's results",
                    "parameters": [
                        *exporting,
                        _limit_param("words", 20, MAX_TERMS),
                    ],
                    "responses": {
                        "200": _json(_ref("Terms"), "The words, most characteristic first."),
                        "400": _ERROR_400,
                        "503": _ERROR_503,
                    },
                }
            },
            "/api/trends": {
                "get": {
                    "operationId": "trends",
                    "summary": "Up to four queries' matches per day, week or month, under one set of filters",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "description": f"A query (repeat it to compare, at most {MAX_QUERIES}); none: every "
                            "article. Blank ones count towards the limit and draw no line.",
                            "schema": {
                                "type": "array",
                                "maxItems": MAX_QUERIES,
                                "items": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                            },
                            "style": "form",
                            "explode": True,
                        },
                        {
                            "name": "interval",
                            "in": "query",
                            "schema": _or_empty({"type": "string", "enum": list(INTERVALS), "default": "month"}),
                            "description": "Period length (a week starts on Monday). Empty: the default.",
                        },
                        {
                            "name": "normalize",
                            "in": "query",
                            "schema": _or_empty({"type": "string", "enum": list(NORMALIZE), "default": "count"}),
                            "description": "count, or share: matches over all the period's articles under the "
                            "same filters (so a growing corpus does not look like a trend). Empty: the default.",
                        },
                        *counting,
                    ],
                    "responses": {
                        "200": _json(_ref("Trends"), "Periods, articles per period and one series per query."),
                        "400": _ERROR_400,
                        "503": _ERROR_503,
                    },
                }
            },
            "/feed.atom": {
                "get": {
                    "operationId": "feed",
                    "summary": f"The newest dated matches of a search (at most {FEED_ENTRIES}) as an Atom 1.0 feed",
                    "description": "The same parameters as a search; sort and page are ignored (a feed is newest "
                    "first).",
                    "parameters": exporting,
                    "responses": {
                        "200": {
                            "description": "An Atom feed; X-Total-Count says how many articles match.",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": _ERROR_400,
                        "503": _ERROR_503,
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
        "components": {"schemas": {**_SCHEMAS, **_facet_schemas()}},
    }
    for path in document["paths"].values():
        for operation in path.values():
            operation["responses"]["414"] = _ERROR_414
    return document
