"""Saved searches as Atom feeds: parsed by a real feed reader (feedparser) and checked against Atom's rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
from flask.testing import FlaskClient

from tests.support import page

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client: FlaskClient, query: str) -> tuple[feedparser.FeedParserDict, ET.Element]:
    res = client.get(f"/feed.atom?{query}")
    assert res.status_code == 200, res.get_data(as_text=True)
    assert res.mimetype == "application/atom+xml"
    body = res.get_data()
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, ET.fromstring(body)


def _atom_rules(root: ET.Element) -> None:
    """RFC 4287's must-haves: one id, title and updated per feed and per entry; a self link; an
    alternate link per entry; ids unique."""
    assert root.tag == ATOM + "feed"
    for child in ("id", "title", "updated"):
        assert len(root.findall(ATOM + child)) == 1, child
    assert [link.get("rel") for link in root.findall(ATOM + "link")].count("self") == 1
    ids = []
    for entry in root.findall(ATOM + "entry"):
        for child in ("id", "title", "updated"):
            assert len(entry.findall(ATOM + child)) == 1, child
        # A link without rel is an alternate; at most one alternate per type.
        alternates = [
            link.get("type") for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"
        ]
        assert alternates and len(alternates) == len(set(alternates))
        ids.append(entry.findtext(ATOM + "id"))
    assert len(ids) == len(set(ids))


def test_feed_lists_the_newest_dated_matches_in_order(client: FlaskClient) -> None:
    parsed, root = _feed(client, "q=H%C3%A0+N%E1%BB%99i")
    _atom_rules(root)
    found = client.get("/api/search?q=H%C3%A0+N%E1%BB%99i&sort=newest&per_page=50").get_json()
    dated = [h for h in found["hits"] if h["date"]]
    assert len(dated) >= 4
    assert [e.title for e in parsed.entries] == [h["title"] for h in dated]
    assert [e.link for e in parsed.entries] == [f"http://localhost/article/{h['id']}" for h in dated]
    days = [e.updated_parsed[:3] for e in parsed.entries]
    assert days == sorted(days, reverse=True)
    assert "Hà Nội" in parsed.feed.title and parsed.feed.language == "vi"
    # The feed's own time is its newest entry's, and its page is the search it was made from.
    assert parsed.feed.updated_parsed[:3] == days[0]
    # Summaries are the snippets, as HTML: the words marked, the article's own markup escaped.
    first = root.find(ATOM + "entry")
    assert first is not None
    summary = first.find(ATOM + "summary")
    assert summary is not None and summary.get("type") == "html" and "<mark>Hà Nội</mark>" in (summary.text or "")
    assert parsed.entries[0].summary_detail.type == "text/html"
    assert all("<script" not in (e.findtext(ATOM + "summary") or "") for e in root.findall(ATOM + "entry"))
    alternate = [link.href for link in parsed.feed.links if link.rel == "alternate"]
    assert alternate and "sort=newest" in alternate[0] and "q=H%C3%A0+N%E1%BB%99i" in alternate[0]


def test_feed_keeps_the_filters_and_leaves_out_undated_articles(client: FlaskClient) -> None:
    parsed, root = _feed(client, "province_old=B%E1%BA%AFc+Giang")
    _atom_rules(root)
    found = client.get("/api/search?province_old=B%E1%BA%AFc+Giang&sort=newest&per_page=50").get_json()
    assert [e.link for e in parsed.entries] == [f"http://localhost/article/{h['id']}" for h in found["hits"]]
    for entry in parsed.entries:
        assert "Bắc Ninh" in [t.term for t in entry.tags]  # Bắc Giang is part of Bắc Ninh since 2025
    assert "province_old=" in parsed.feed.title
    # Browsing everything: the undated articles (t24, t25) have no instant to be placed at.
    everything, _ = _feed(client, "")
    browse = client.get("/api/search?sort=newest&per_page=50").get_json()["hits"]
    assert {h["id"] for h in browse if not h["date"]} == {"t24", "t25"}
    assert [e.link.rsplit("/", 1)[1] for e in everything.entries] == [h["id"] for h in browse if h["date"]]


def test_empty_feed_is_valid(client: FlaskClient) -> None:
    parsed, root = _feed(client, "q=xyzzyqqq")
    _atom_rules(root)
    assert parsed.entries == []


def test_bad_parameter_is_named(client: FlaskClient) -> None:
    res = client.get("/feed.atom?province=Atlantis")
    assert res.status_code == 400
    assert res.get_json()["error"]["param"] == "province"


def test_search_page_links_its_feed(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+bu%C3%BDt&sort=oldest")
    link = doc.one("link", rel="alternate", type="application/atom+xml")
    href = link.attrs["href"]
    # The feed keeps the query and filters, not the page's order: a feed is newest first.
    assert href.startswith("/feed.atom?") and "sort" not in href
    parsed, _ = _feed(client, href.split("?", 1)[1])
    assert parsed.entries and all("buýt" in e.title.lower() for e in parsed.entries)
    assert [a for a in doc.find_all("a") if a.attrs.get("href") == href], "the visible Atom button"
