"""Spelling variants on the page and in the API: said, searched, and switched off by URL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import hit_ids, page
from webapp import create_app


def test_the_page_says_what_else_it_searched_and_links_the_switch(client: FlaskClient) -> None:
    notice = page(client, "/?q=xe+buýt").one("p", class_="notice-variants")
    assert notice.text.split()[:2] == ["Cũng", "tìm:"] and "xe bus" in [s.text for s in notice.find_all("strong")]
    off = notice.one("a").attrs["href"]
    assert "variants=off" in off
    doc_off = page(client, off)
    assert "Chỉ tìm đúng như đã gõ." in doc_off.one("p", class_="notice-variants").text
    again = doc_off.one("p", class_="notice-variants").one("a").attrs["href"]
    assert "variants=off" not in again
    # The switch survives a new query typed in the form.
    assert doc_off.find_all("input", name="variants", value="off")


def test_the_api_answers_the_variants_and_refuses_a_bad_switch(client: FlaskClient) -> None:
    data = client.get("/api/search?q=xe+buýt").get_json()
    assert data["variants"] == {"on": True, "groups": [{"typed": "xe buýt", "also": ["xe bus"]}]}
    assert client.get("/api/search?q=xe+buýt&variants=off").get_json()["variants"]["on"] is False
    bad = client.get("/api/search?q=xe&variants=maybe")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "variants"


def _app(web_index: Path, synonyms: Path) -> FlaskClient:
    app = create_app({"TESTING": True, "INDEX": str(web_index), "MAP": None, "SYNONYMS": str(synonyms)})
    return app.test_client()


def test_an_archives_own_file_is_searched(web_index: Path, tmp_path: Path) -> None:
    own = tmp_path / "synonyms.txt"
    own.write_text("lễ hội | festival\n", encoding="utf-8")
    client = _app(web_index, own)
    found = hit_ids(page(client, "/?q=festival"))
    assert found and all(i in {"t10", "t12", "t17", "t30"} for i in found), found
    assert "t12" in found


def test_a_broken_own_file_is_logged_and_search_goes_on(
    web_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    own = tmp_path / "synonyms.txt"
    own.write_text("lễ hội | festival\n2024 | năm nay\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        client = _app(web_index, own)
    assert any(f"{own}, line 2" in r.getMessage() and "number" in r.getMessage() for r in caplog.records)
    assert client.get("/api/search?q=xe+buýt").get_json()["variants"]["groups"]  # the shipped list
    assert client.get("/api/search?q=festival").get_json()["total"] == 0
