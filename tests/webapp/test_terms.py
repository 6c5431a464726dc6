"""Key terms of a result set: the API, the page, and the searches their links make."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import hit_ids, page, query_of


def test_api_lists_words_of_the_results_with_how_they_were_counted(client: FlaskClient) -> None:
    body = client.get("/api/terms?q=H%C3%A0+N%E1%BB%99i").get_json()
    assert body["total"] >= 5 and body["sample"] == body["total"] and body["sampled"] is False
    terms = [t["term"] for t in body["terms"]]
    assert "xe buýt" in terms  # two of Hà Nội's articles are about its electric buses
    assert "Hà Nội" not in terms and "hà nội" not in [t.lower() for t in terms]  # the query's own words aside
    for t in body["terms"]:
        assert t["count"] >= 2 and t["share"] > t["archive_share"] and t["score"] > 0
    scores = [t["score"] for t in body["terms"]]
    assert scores == sorted(scores, reverse=True)


def test_a_term_link_adds_the_word_to_the_query(client: FlaskClient) -> None:
    body = client.get("/api/terms?q=H%C3%A0+N%E1%BB%99i&province=H%C3%A0+N%E1%BB%99i").get_json()
    bus = next(t for t in body["terms"] if t["term"] == "xe buýt")
    params = dict(query_of(bus["url"]))
    assert params["province"] == "Hà Nội"  # the filters stay
    assert params["q"] == 'Hà Nội "xe buýt"'  # a word of two syllables is added as a phrase
    found = client.get("/api/search?" + bus["url"].split("?", 1)[1]).get_json()
    assert found["total"] == bus["count"]


def test_limit_and_bad_parameters_are_named(client: FlaskClient) -> None:
    assert len(client.get("/api/terms?q=H%C3%A0+N%E1%BB%99i&limit=1").get_json()["terms"]) == 1
    for bad, param in (
        ("limit=0", "limit"),
        ("limit=51", "limit"),
        ("limit=x", "limit"),
        ("province=Atlantis", "province"),
    ):
        res = client.get(f"/api/terms?q=x&{bad}")
        assert res.status_code == 400 and res.get_json()["error"]["param"] == param


def test_no_results_no_terms(client: FlaskClient) -> None:
    body = client.get("/api/terms?q=xyzzyqqq").get_json()
    assert body["total"] == 0 and body["sample"] == 0 and body["terms"] == []
    doc = page(client, "/terms?q=xyzzyqqq")
    assert "Không có bài nào khớp" in doc.one(class_="terms-basis").text


def test_page_says_what_it_read_and_links_back(client: FlaskClient) -> None:
    results = page(client, "/?q=H%C3%A0+N%E1%BB%99i")
    link = [a for a in results.find_all("a") if a.text.strip() == "Từ khóa"]
    assert len(link) == 1
    doc = page(client, link[0].attrs["href"])
    assert "tiêu đề của" in doc.one(class_="terms-basis").text
    items = doc.one("ol", class_="terms").find_all("a")
    assert items and all(a.attrs["href"].startswith("/?q=") for a in items)
    first = page(client, items[0].attrs["href"])
    assert hit_ids(first)
    back = doc.one("nav", class_="crumbs").one("a")
    assert dict(query_of(back.attrs["href"]))["q"] == "Hà Nội"
