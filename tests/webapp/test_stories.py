"""Stories on the web: collapsed results, the story page and API, the article page's story."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import hit_ids, page, query_of


def test_api_collapses_by_story_and_pages_by_stories(stories_client: FlaskClient) -> None:
    data = stories_client.get("/api/search?q=ch%C3%A1y+chung+c%C6%B0&collapse=story&per_page=1").get_json()
    assert (data["total"], data["stories"], len(data["hits"])) == (4, 2, 1)
    assert data["hits"][0]["story"]["id"] == "s01" and data["hits"][0]["story"]["size"] == 3
    assert data["next_url"] is not None and ("collapse", "story") in query_of(data["next_url"])
    last = stories_client.get(data["next_url"]).get_json()
    assert [h["id"] for h in last["hits"]] == ["s08"] and last["next_url"] is None
    flat = stories_client.get("/api/search?q=ch%C3%A1y+chung+c%C6%B0").get_json()
    assert flat["stories"] is None and all(h["story"] is None for h in flat["hits"])


def test_api_story(stories_client: FlaskClient) -> None:
    story = stories_client.get("/api/stories/s03").get_json()
    assert (story["id"], story["size"], story["first"], story["last"]) == ("s01", 3, "2025-03-10", "2025-03-11")
    assert [a["id"] for a in story["articles"]] == ["s01", "s02", "s03"]
    assert stories_client.get("/api/stories/nope").status_code == 404


def test_search_page_collapsed(stories_client: FlaskClient) -> None:
    doc = page(stories_client, "/?q=ch%C3%A1y+chung+c%C6%B0")
    toggle = doc.one("a", title="Mỗi sự kiện một dòng: các bài của nhiều báo về cùng một sự việc")
    assert toggle.attrs["aria-pressed"] == "false"
    folded = page(stories_client, toggle.attrs["href"])
    assert "2 sự kiện" in folded.one("h1", id="results-heading").text
    assert len(hit_ids(folded)) == 2
    story = folded.one("p", class_="hit-story")
    assert "3 bài về sự kiện này" in story.text and "tinnhanh.example" in story.text
    assert story.one("a").attrs["href"] == "/story/s01"
    undo = folded.one("a", title="Mỗi sự kiện một dòng: các bài của nhiều báo về cùng một sự việc")
    assert undo.attrs["aria-pressed"] == "true" and ("collapse", "story") not in query_of(undo.attrs["href"])
    assert folded.one("input", type="hidden", name="collapse").attrs["value"] == "story"


def test_story_page_lists_its_articles_earliest_first(stories_client: FlaskClient) -> None:
    doc = page(stories_client, "/story/s02")
    assert doc.one("h1", id="story-title").text.startswith("Cháy chung cư mini ở Thanh Xuân")
    assert "3 bài của 3 nguồn" in doc.one("p", class_="story-meta").text
    assert "từ 10/03/2025 đến 11/03/2025" in doc.one("p", class_="story-meta").text
    assert hit_ids(doc) == ["s01", "s02", "s03"]
    page(stories_client, "/story/nope", status=404)


def test_article_page_shows_its_story(stories_client: FlaskClient) -> None:
    doc = page(stories_client, "/article/s02")
    panel = doc.one("section", aria_labelledby="story-heading")
    assert panel.one("p", class_="story-meta").one("a").attrs["href"] == "/story/s01"
    assert [a.attrs["href"].split("?")[0] for a in panel.find_all("a") if "/article/" in a.attrs["href"]][:2] == [
        "/article/s01",
        "/article/s03",
    ]
    # An article alone in its story shows no such panel.
    assert not page(stories_client, "/article/s09").find_all("section", aria_labelledby="story-heading")


def test_a_collapsed_export_counts_its_rows(stories_client: FlaskClient) -> None:
    data = stories_client.get("/export.json?collapse=story").get_json()
    assert (data["exported"], data["truncated"], len(data["hits"])) == (6, False, 6)
    response = stories_client.get("/export.csv?collapse=story")
    assert response.headers["X-Total-Count"] == "6"
    assert response.get_data(as_text=True).strip().count("\n") == 6  # a header and six rows
