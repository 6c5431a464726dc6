"""The JSON API, health check, exports and OpenAPI document, through Flask's test client."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.openapi import document

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    """GET url, check the status and JSON content type, return the parsed body."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def search(client: FlaskClient, query: str = "", status: int = 200) -> Any:
    """The /api/search answer for a query string."""
    return get_json(client, "/api/search" + ("?" + query if query else ""), status)


def params(url: str) -> list[tuple[str, str]]:
    """The decoded query parameters of a URL, in order."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def facet(result: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    """One value's entry in a facet listing."""
    matches = [e for e in result["facets"][name] if e["value"] == value]
    assert matches, f"{value!r} not in facet {name}: {result['facets'][name]}"
    return matches[0]


# --- a validator for the OpenAPI 3.0 schema subset the document uses ------------------------------

_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def conforms(value: Any, schema: dict[str, Any], components: dict[str, Any], path: str = "$") -> list[str]:
    """Every way value breaks schema (empty when it conforms)."""
    if "$ref" in schema:
        return conforms(value, components[schema["$ref"].rsplit("/", 1)[1]], components, path)
    if value is None:
        return [] if schema.get("nullable") else [f"{path}: null not allowed"]
    errors: list[str] = []
    kind = schema.get("type")
    if kind:
        expected = _TYPES[kind]
        wrong_bool = isinstance(value, bool) and kind in ("integer", "number")
        if not isinstance(value, expected) or wrong_bool:
            return [f"{path}: {type(value).__name__} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value} > {schema['maximum']}")
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing {name}")
        props = schema.get("properties", {})
        for name, item in value.items():
            if name in props:
                errors += conforms(item, props[name], components, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected {name}")
    if kind == "array":
        for i, item in enumerate(value):
            errors += conforms(item, schema.get("items", {}), components, f"{path}[{i}]")
    return errors


def assert_documented(client: FlaskClient, url: str, path: str) -> None:
    """The answer to url matches what the OpenAPI document says for path and its status."""
    doc = document()
    response = client.get(url)
    spec = doc["paths"][path]["get"]["responses"][str(response.status_code)]
    schema = spec["content"]["application/json"]["schema"]
    errors = conforms(response.get_json(), schema, doc["components"]["schemas"])
    assert errors == [], errors


# --- /api/search ----------------------------------------------------------------------------------


def test_search_finds_the_articles_that_contain_the_words(client: FlaskClient) -> None:
    result = search(client, "q=xe+bu%C3%BDt")
    assert result["total"] == 3
    assert {h["id"] for h in result["hits"]} == {"t01", "t02", "t29"}
    first = result["hits"][0]
    assert "<mark>" in first["snippet"]
    assert set(first) >= {
        "id",
        "title",
        "url",
        "source",
        "category",
        "date",
        "date_source",
        "provinces",
        "provinces_old",
        "snippet",
        "score",
    }


def test_search_without_query_lists_everything_newest_first(client: FlaskClient) -> None:
    result = search(client, "per_page=100")
    assert result["total"] == 30
    dates = [h["date"] for h in result["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)
    # Undated articles come last.
    assert [h["date"] for h in result["hits"][-2:]] == [None, None]


def test_every_facet_value_has_a_toggle_url_that_selects_it(client: FlaskClient) -> None:
    result = search(client, "q=b%C3%B3ng+%C4%91%C3%A1")
    entry = facet(result, "province", "Cần Thơ")
    assert not entry["selected"]
    assert params(entry["toggle_url"]) == [("q", "bóng đá"), ("province", "Cần Thơ")]
    assert urlsplit(entry["toggle_url"]).path == "/api/search"
    narrowed = search(client, urlsplit(entry["toggle_url"]).query)
    assert narrowed["total"] == 1
    assert narrowed["filters"] == {"province": ["Cần Thơ"]}
    assert facet(narrowed, "province", "Cần Thơ")["selected"]


def test_toggle_url_of_a_selected_value_removes_it_and_resets_the_page(client: FlaskClient) -> None:
    # Typed loosely ("ha-noi"), answered canonically: the toggle removes the filter itself.
    result = search(client, "province=ha-noi&per_page=2&page=2")
    assert result["filters"] == {"province": ["Hà Nội"]}
    entry = facet(result, "province", "Hà Nội")
    assert entry["selected"]
    assert params(entry["toggle_url"]) == [("per_page", "2")]


def test_facet_counts_ignore_their_own_selection(client: FlaskClient) -> None:
    """Elasticsearch post_filter semantics: a facet's counts do not shrink when it is filtered."""
    everything = search(client)
    filtered = search(client, "province=H%C3%A0+N%E1%BB%99i")
    assert filtered["total"] == 7
    assert [e["value"] for e in filtered["facets"]["province"] if e["selected"]] == ["Hà Nội"]
    counts = {e["value"]: e["count"] for e in filtered["facets"]["province"]}
    assert counts == {e["value"]: e["count"] for e in everything["facets"]["province"]}
    # Other facets do follow the province filter.
    assert sum(e["count"] for e in filtered["facets"]["source"]) == 7


def test_repeated_filter_values_are_alternatives(client: FlaskClient) -> None:
    both = search(client, "province=C%E1%BA%A7n+Th%C6%A1&province=%C4%90%C3%A0+N%E1%BA%B5ng")
    assert both["total"] == 12  # 5 + 8, one article (t28) in both
    assert both["filters"]["province"] == ["Cần Thơ", "Đà Nẵng"]


def test_old_province_filter_uses_the_pre_2025_units(client: FlaskClient) -> None:
    result = search(client, "province_old=B%E1%BA%AFc+Giang")
    assert {h["id"] for h in result["hits"]} == {"t08", "t09"}
    assert all(h["provinces"] == ["Bắc Ninh"] for h in result["hits"])


def test_month_and_year_toggle_urls_filter_by_date(client: FlaskClient) -> None:
    result = search(client)
    month = next(m for m in result["facets"]["date"]["months"] if m["value"] == "2024-09")
    assert ("from", "2024-09-01") in params(month["toggle_url"])
    assert ("to", "2024-09-30") in params(month["toggle_url"])
    in_month = search(client, urlsplit(month["toggle_url"]).query)
    assert in_month["total"] == month["count"] == 3
    again = next(m for m in in_month["facets"]["date"]["months"] if m["value"] == "2024-09")
    assert params(again["toggle_url"]) == []
    year = next(y for y in result["facets"]["date"]["years"] if y["value"] == "2024")
    assert search(client, urlsplit(year["toggle_url"]).query)["total"] == 12


def test_paging_links(client: FlaskClient) -> None:
    first = search(client, "per_page=7")
    assert first["prev_url"] is None
    assert params(first["next_url"]) == [("per_page", "7"), ("page", "2")]
    last = search(client, "per_page=7&page=5")
    assert len(last["hits"]) == 2
    assert last["next_url"] is None
    assert params(last["prev_url"]) == [("per_page", "7"), ("page", "4")]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(client: FlaskClient, sort: str) -> None:
    result = search(client, f"q=H%C3%A0+N%E1%BB%99i&sort={sort}")
    dates = [h["date"] for h in result["hits"]]
    assert dates == sorted(dates, reverse=sort == "newest")
    assert all(h["score"] is None for h in result["hits"])


def test_relaxed_and_suggestion_are_reported(client: FlaskClient) -> None:
    loose = search(client, "q=xe+bu%C3%BDt+kh%E1%BB%A7ng+long")
    assert loose["relaxed"] == "any_word"
    plain = search(client, "q=xe+buyt")
    # Written "xe buýt" mid-sentence; "Xe buýt" only opens titles.
    assert plain["suggestion"] == {"text": "xe buýt", "kind": "accents"}


BAD_PARAMETERS = [
    ("page=abc", "page"),
    ("page=0", "page"),
    ("page=-3", "page"),
    ("page=99999999999999999999999", "page"),
    ("page=%EF%BC%92", "page"),  # a full-width digit: int() would take it, the API does not
    ("per_page=1000", "per_page"),
    ("per_page=0", "per_page"),
    ("per_page=-5", "per_page"),
    ("per_page=1.5", "per_page"),
    ("from=2021-13-01", "from"),
    ("from=2021-02-30", "from"),
    ("from=20210101", "from"),
    ("to=yesterday", "to"),
    ("from=%202021-05-01", "from"),  # numbers and dates are taken as written, not trimmed
    ("page=%201", "page"),
    ("province=%20", "province"),  # a value of only spaces is no province
    ("&".join(["province="] * 51), "province"),  # counted as given, empty ones too
    ("sort=foo", "sort"),
    ("q=a&q=b", "q"),
    ("page=1&page=2", "page"),
    ("q=" + "x" * 10_000, "q"),
    ("source=vnexpress", "source"),
    ("category=the-gioi", "category"),
    ("province=" + "x" * 300, "province"),
    ("&".join([f"source=s{i}" for i in range(60)]), "source"),
]


def test_rules_across_parameters_are_answers_not_errors(client: FlaskClient) -> None:
    # Each parameter is valid on its own (as the OpenAPI document says), so neither is a 400.
    past = search(client, "page=600&per_page=20")
    assert (past["total"], past["hits"], past["next_url"]) == (30, [], None)
    reversed_range = search(client, "from=2025-05-02&to=2025-05-01")
    assert reversed_range["total"] == 0
    assert reversed_range["filters"] == {"from": "2025-05-02", "to": "2025-05-01"}


@pytest.mark.parametrize(("query", "param"), BAD_PARAMETERS)
def test_bad_parameters_are_400_naming_the_parameter(client: FlaskClient, query: str, param: str) -> None:
    body = search(client, query, status=400)
    assert body["error"]["param"] == param
    assert body["error"]["code"] == "bad_parameter"
    assert body["error"]["message"]


def test_unknown_province_lists_close_matches(client: FlaskClient) -> None:
    body = search(client, "province=Ha+Nol", status=400)
    assert body["error"]["code"] == "unknown_province"
    assert body["error"]["param"] == "province"
    assert "Hà Nội" in body["error"]["suggestions"]
    assert "Hà Nội" in body["error"]["message"]
    old = search(client, "province_old=Atlantis", status=400)
    assert old["error"]["param"] == "province_old"


@pytest.mark.parametrize(
    "query",
    [
        "q=%00%01%1f%7f",
        "q=%3Cscript%3E",
        "q=%22%22%22---OR+OR",
        "q=" + "%C3%A1" * 900,
        "q=%ED%A0%80",  # a lone surrogate, not valid UTF-8
        "province=&source=&from=&to=&sort=&page=&per_page=",
        "&".join(["province=H%C3%A0+N%E1%BB%99i"] * 40),
        "unknown=1&utm_source=x",
        "per_page=100&page=100",
    ],
)
def test_hostile_but_harmless_parameters_get_an_answer(client: FlaskClient, query: str) -> None:
    body = search(client, query)
    assert isinstance(body["total"], int)


# --- articles -------------------------------------------------------------------------------------


def test_article_has_every_public_field(client: FlaskClient) -> None:
    article = get_json(client, "/api/articles/t09")
    assert article["title"] == "Vải thiều Bắc Giang vào vụ thu hoạch"
    assert article["date"] == "2025-06-07"
    assert article["date_source"] == "text"
    assert article["provinces"] == ["Bắc Ninh"]
    assert article["provinces_old"] == ["Bắc Giang"]
    assert article["body"].count("\n") == 1
    # Where the record came from on the server is nobody else's business.
    assert "origin" not in article


def test_unknown_article_is_404_json(client: FlaskClient) -> None:
    body = get_json(client, "/api/articles/no-such-article", status=404)
    assert body["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "article_id", ["..", ".", "a" * 513, "%2e%2e", "x%00y", "tab%09id", "zero%E2%80%8Bwidth", "a/./b", "a/../b"]
)
def test_impossible_ids_are_404_without_touching_the_index(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, article_id: str
) -> None:
    def refuse(*args: object) -> None:
        """Stand-in for the core: fails the test if called."""
        raise AssertionError("an impossible id reached the index")

    monkeypatch.setattr("webapp.api.get_article", refuse)
    monkeypatch.setattr("webapp.api.similar", refuse)
    assert get_json(client, f"/api/articles/{article_id}", status=404)["error"]["code"] == "not_found"
    assert get_json(client, f"/api/articles/{article_id}/similar", status=404)["error"]


@pytest.mark.parametrize("url", ["/api/articles/../../etc/passwd", "/api/articles/a%2Fb", "/api/articles/"])
def test_ids_with_slashes_do_not_route(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_similar_articles(client: FlaskClient) -> None:
    body = get_json(client, "/api/articles/t01/similar?limit=3")
    assert body["id"] == "t01"
    ids = [h["id"] for h in body["hits"]]
    assert 0 < len(ids) <= 3
    assert "t01" not in ids
    assert "t02" in ids  # the other article about Hà Nội's electric buses


@pytest.mark.parametrize("limit", ["0", "21", "abc", "-1"])
def test_similar_limit_is_checked(client: FlaskClient, limit: str) -> None:
    body = get_json(client, f"/api/articles/t01/similar?limit={limit}", status=400)
    assert body["error"]["param"] == "limit"


def test_similar_of_unknown_article_is_404(client: FlaskClient) -> None:
    assert get_json(client, "/api/articles/nope/similar", status=404)["error"]["code"] == "not_found"


# --- health, methods, headers ---------------------------------------------------------------------


def test_healthz_reports_the_index(client: FlaskClient) -> None:
    assert get_json(client, "/healthz") == {
        "status": "ok",
        "articles": 30,
        "generation": "gen-000001",
    }


@pytest.fixture()
def no_index_client(tmp_path: Path) -> FlaskClient:
    """A client of an app whose index directory is empty."""
    return create_app({"TESTING": True, "INDEX": str(tmp_path / "missing"), "MAP": None}).test_client()


def test_missing_index_is_503_everywhere(no_index_client: FlaskClient) -> None:
    health = get_json(no_index_client, "/healthz", status=503)
    assert health["status"] == "unavailable"
    assert get_json(no_index_client, "/api/search?q=x", status=503)["error"]["code"] == "index_unavailable"
    page = no_index_client.get("/")
    assert page.status_code == 503
    assert "Chỉ mục" in page.get_data(as_text=True)
    assert no_index_client.get("/export.csv").status_code == 503


def test_other_methods_are_405_with_allow(client: FlaskClient) -> None:
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/search",
        "/api/nowhere",
        "/healthz",
        "/api/openapi.json",
        "/api/search?page=x",
        "/export.json",
    ],
)
def test_security_headers_on_json(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# --- exports --------------------------------------------------------------------------------------


def read_csv(client: FlaskClient, query: str) -> tuple[Any, list[dict[str, str]]]:
    """The export response and its rows."""
    response = client.get("/export.csv?" + query)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return response, list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_of_a_filtered_search(client: FlaskClient) -> None:
    response, rows = read_csv(client, "province=C%E1%BA%A7n+Th%C6%A1&sort=oldest")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="vnnews-tat-ca.csv"'
    assert response.headers["X-Total-Count"] == "5"
    assert [r["id"] for r in rows] == ["t17", "t20", "t18", "t19", "t28"]
    assert rows[-1]["provinces"] == "Cần Thơ; Đà Nẵng"
    assert rows[0]["title"] == "Cần Thơ tổ chức lễ hội trái cây Nam Bộ"


def test_csv_export_defuses_spreadsheet_formulas(client: FlaskClient) -> None:
    _, rows = read_csv(client, "q=c%C3%B4ng+th%E1%BB%A9c+Excel")
    assert rows[0]["id"] == "t26"
    assert rows[0]["title"].startswith("'=SUM(1+1)")


def test_json_export(client: FlaskClient) -> None:
    response = client.get("/export.json?q=xe+bu%C3%BDt")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="vnnews-xe-buyt.json"'
    body = json.loads(response.get_data(as_text=True))
    assert body["total"] == body["exported"] == len(body["hits"]) == 3
    assert body["truncated"] is False
    assert all(h["snippet"] == "" for h in body["hits"])


def test_exports_page_through_all_results(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.pipeline.MAX_PER_PAGE", 7)
    body = json.loads(client.get("/export.json").get_data(as_text=True))
    ids = [h["id"] for h in body["hits"]]
    assert len(ids) == len(set(ids)) == 30
    _, rows = read_csv(client, "")
    assert [r["id"] for r in rows] == ids


def test_exports_stop_at_the_result_cap(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.pipeline.MAX_PER_PAGE", 5)
    monkeypatch.setattr("webapp.pipeline.MAX_RESULTS", 12)
    body = json.loads(client.get("/export.json").get_data(as_text=True))
    assert (body["total"], body["exported"], body["truncated"], len(body["hits"])) == (
        30,
        12,
        True,
        15,
    )


def test_export_with_bad_parameters_is_400(client: FlaskClient) -> None:
    assert get_json(client, "/export.json?from=nope", status=400)["error"]["param"] == "from"
    page = client.get("/export.csv?sort=sideways")
    assert page.status_code == 400
    assert "sort" in page.get_data(as_text=True)


def test_empty_export_has_only_the_header(client: FlaskClient) -> None:
    _, rows = read_csv(client, "q=kh%E1%BB%A7ng+long")
    assert rows == []
    body = json.loads(client.get("/export.json?q=kh%E1%BB%A7ng+long").get_data(as_text=True))
    assert body["hits"] == [] and body["total"] == 0


# --- OpenAPI --------------------------------------------------------------------------------------


def test_openapi_document_is_served_and_complete(client: FlaskClient, web_app: Flask) -> None:
    doc = get_json(client, "/api/openapi.json")
    assert doc["openapi"].startswith("3.")
    routes = {r.rule.replace("<id:article_id>", "{article_id}") for r in web_app.url_map.iter_rules()}
    for path in doc["paths"]:
        assert path in routes
    # Every JSON route is documented.
    assert {
        "/api/search",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/similar",
        "/healthz",
        "/export.json",
    } <= set(doc["paths"])
    refs = json.dumps(doc).count('"$ref"')
    assert refs > 10
    for name in json.dumps(doc).split('"#/components/schemas/')[1:]:
        assert name.split('"')[0] in doc["components"]["schemas"]


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/search?q=xe+buyt", "/api/search"),
        ("/api/search?q=l%C3%AA+h%C3%B4i", "/api/search"),
        ("/api/search?province=Ha+Nol", "/api/search"),
        ("/api/search?page=abc", "/api/search"),
        ("/api/search?sort=oldest&from=2024-01-01&province=H%C3%A0+N%E1%BB%99i", "/api/search"),
        ("/api/articles/t25", "/api/articles/{article_id}"),
        ("/api/articles/t06", "/api/articles/{article_id}"),
        ("/api/articles/none", "/api/articles/{article_id}"),
        ("/api/articles/t13/similar", "/api/articles/{article_id}/similar"),
        ("/healthz", "/healthz"),
        ("/export.json?category=the-thao", "/export.json"),
    ],
)
def test_answers_match_the_openapi_schemas(client: FlaskClient, url: str, path: str) -> None:
    assert_documented(client, url, path)
