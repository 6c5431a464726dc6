"""The one id rule: any printable text up to 512 characters, slashes included; the rest refused by name."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from indexer import MAX_ID_LENGTH, build, id_problem, valid_id
from tests.support import page, write_jsonl
from webapp import create_app

GOOD = [
    "t01",
    "vnexpress.net/thoi-su/abc-123.html",
    "2021/05/123",
    "/leading/slash",
    "double//slash",
    "https://tuoitre.vn/bai-viet-20210531.htm?utm=x#top",
    "có dấu và khoảng trắng",
    "100% chắc",
    "back\\slash",
    "a" * MAX_ID_LENGTH,
]
BAD = {
    "": "no id",
    "tab\tinside": "control or invisible character (U+0009)",
    "nul\x00": "U+0000",
    "zero\u200bwidth": "U+200B",
    "line\nbreak": "U+000A",
    ".": "path segment",
    "a/../b": "path segment",
    "a/./b": "path segment",
    "x" * (MAX_ID_LENGTH + 1): "at most 512",
    "t01/similar": "reserves",
}


@pytest.mark.parametrize("ident", GOOD)
def test_printable_ids_are_accepted(ident: str) -> None:
    assert id_problem(ident) is None and valid_id(ident)


@pytest.mark.parametrize(("ident", "why"), list(BAD.items()))
def test_other_ids_are_refused_with_a_reason(ident: str, why: str) -> None:
    problem = id_problem(ident)
    assert problem is not None and why in problem


@pytest.fixture(scope="module")
def id_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """An index of one article per good id, and one per bad id (which the build skips)."""
    folder = tmp_path_factory.mktemp("ids")
    rows = [{"id": i, "title": f"Bài số {n} về thủy điện", "body": "Nội dung."} for n, i in enumerate(GOOD + list(BAD))]
    report = build([write_jsonl(folder / "ids.jsonl", rows)], folder / "ix", jobs=1)
    # Blank ids are "no id"; every other bad one is skipped as a "bad id", each with its reason.
    assert report.indexed == len(GOOD)
    assert report.skipped == {"bad id": len(BAD) - 1, "no id": 1}
    assert all("unusable id" in str(p) for p in report.problems if p.kind == "bad id")
    return create_app({"TESTING": True, "INDEX": str(folder / "ix")}).test_client()


@pytest.mark.parametrize("ident", GOOD)
def test_every_accepted_id_is_served_by_its_pages(id_client: FlaskClient, ident: str) -> None:
    encoded = quote(ident, safe="/")
    assert id_client.get(f"/api/articles/{encoded}").get_json()["id"] == ident
    assert id_client.get(f"/api/articles/{encoded}/similar").get_json()["id"] == ident
    assert page(id_client, f"/article/{encoded}").one("h1", id="article-title").text.startswith("Bài số")


def test_links_to_articles_carry_the_id_percent_encoded(id_client: FlaskClient) -> None:
    hits = id_client.get("/api/search?q=thủy+điện&per_page=100").get_json()["hits"]
    assert sorted(h["id"] for h in hits) == sorted(GOOD)
    doc = page(id_client, "/?q=th%E1%BB%A7y+%C4%91i%E1%BB%87n&per_page=50")
    hrefs = [a.attrs["href"] for h in doc.find_all(class_="hit-title") for a in h.find_all("a")]
    for href in hrefs:
        # Followed as a browser would, each link leads to its article.
        path = href.split("?", 1)[0]
        assert id_client.get(path).status_code == 200, href
    assert any("%3F" in h and "%23" in h for h in hrefs)  # '?' and '#' of a URL id are encoded


def test_ids_the_builder_refuses_are_404_on_the_web(id_client: FlaskClient, tmp_path: Path) -> None:
    for ident in ("tab%09inside", "zero%E2%80%8Bwidth", "a/../b"):
        assert id_client.get(f"/api/articles/{ident}").status_code == 404
        assert id_client.get(f"/article/{ident}").status_code == 404
