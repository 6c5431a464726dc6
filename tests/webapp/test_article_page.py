"""The article page: fields, provinces, highlighting, similar articles, 404s."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import page, query_of


def test_article_page_shows_everything(client: FlaskClient) -> None:
    doc = page(client, "/article/t09")
    assert doc.one("h1", id="article-title").text == "Vải thiều Bắc Giang vào vụ thu hoạch"
    body = doc.one(class_="article-body")
    assert len(body.find_all("p")) == 2
    assert doc.one("p", class_="sapo").text.startswith("Ngày 7/6")
    meta = doc.one("dl", class_="article-meta").text
    assert "07/06/2025" in meta and "ngày lấy từ nội dung" in meta and "Kinh doanh" in meta
    places = {a.text: a.attrs["href"] for a in doc.find_all("a", class_="badge")}
    assert query_of(places["Bắc Ninh"]) == [("province", "Bắc Ninh")]
    assert query_of(places["Bắc Giang"]) == [("province_old", "Bắc Giang"), ("era", "old")]
    original = doc.one("p", class_="original").one("a")
    assert original.attrs["href"] == "https://baodiaphuong.example/kinh-doanh/t09.html"
    assert "noopener" in original.attrs["rel"] and "noreferrer" in original.attrs["rel"]
    similar = doc.one("ol", class_="similar").find_all("article")
    assert 0 < len(similar) <= 5
    assert all(a.attrs["href"].startswith("/article/") for s in similar for a in s.find_all("a")[:1])


def test_article_shows_what_it_mentions_and_why(client: FlaskClient) -> None:
    doc = page(client, "/article/t29")
    places = doc.one("section", aria_labelledby="places-heading")
    about = [a.text for a in places.find_all("ul", class_="badges")[0].find_all("a")]
    assert about == ["Đà Nẵng"]
    also = {a.text: a.attrs["href"] for a in places.one("ul", class_="badges-mentioned").find_all("a")}
    assert list(also) == ["Huế"]
    assert query_of(also["Huế"]) == [("province", "Huế"), ("province_scope", "mentions")]
    rows = {r.one("th").text.split()[0]: r for r in places.one("table", class_="evidence-table").find_all("tr")[1:]}
    assert rows.keys() == {"Đà", "Huế"}
    assert "gắn" in rows["Đà"].text and "gắn" not in rows["Huế"].one("th").text
    assert "có từ chỉ địa điểm" in rows["Huế"].text  # "thử ở Huế"


def test_article_api_gives_mentions_and_evidence(client: FlaskClient) -> None:
    data = client.get("/api/articles/t29").get_json()
    assert (data["provinces"], data["provinces_mentioned"]) == (["Đà Nẵng"], ["Đà Nẵng", "Huế"])
    assert data["provinces_old_mentioned"] == ["Đà Nẵng", "Huế"]
    evidence = {e["province_old"]: e for e in data["province_evidence"]}
    assert evidence["Đà Nẵng"]["about"] and evidence["Đà Nẵng"]["title"] > 0
    assert not evidence["Huế"]["about"] and evidence["Huế"]["mentions"] == 1
    assert evidence["Huế"]["score"] < evidence["Đà Nẵng"]["score"]
    # The salience model's decision and what it rests on.
    assert evidence["Huế"]["probability"] < evidence["Đà Nẵng"]["probability"]
    assert all(e["signals"] and {"feature", "weight"} == set(e["signals"][0]) for e in evidence.values())


def test_article_highlights_the_query(client: FlaskClient) -> None:
    doc = page(client, "/article/t01?q=xe+bu%C3%BDt")
    marks = [m.text for m in doc.find_all("mark")]
    assert marks.count("xe buýt") >= 3
    assert doc.one("h1", id="article-title").find_all("mark")
    assert query_of(doc.one("nav", class_="crumbs").one("a").attrs["href"]) == [("q", "xe buýt")]
    assert doc.one("input", id="q").attrs["value"] == "xe buýt"
    plain = page(client, "/article/t01")
    assert not plain.find_all("mark")


def test_article_without_title_uses_its_first_sentence(client: FlaskClient) -> None:
    doc = page(client, "/article/t25")
    assert doc.one("h1", id="article-title").text.startswith("Ngân hàng Nhà nước")
    assert "chưa được gắn tỉnh/thành" in doc.one("section", aria_labelledby="places-heading").text


def test_article_links_ignore_unrelated_parameters(client: FlaskClient) -> None:
    doc = page(client, "/article/t01?q=xe&q=bu%C3%BDt&page=abc&utm_source=mail")
    assert [m.text for m in doc.find_all("mark")][:1] == ["xe"]


def test_unknown_and_impossible_articles_are_404_pages(client: FlaskClient) -> None:
    doc = page(client, "/article/nope", status=404)
    assert "Không tìm thấy" in doc.one("h1").text
    page(client, "/article/..", status=404)
    page(client, "/article/" + "a" * 201, status=404)
