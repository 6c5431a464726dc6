"""The HTML pages (search, article, errors), their escaping and headers, and the web helpers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from indexer.errors import BadRequest
from webapp import create_app
from webapp import views as views_module
from webapp.charts import histogram
from webapp.labels import category_label, number, seconds, vn_date
from webapp.mapping import BUCKETS, ISLET, MapError, _simplify, colour_classes, load_map
from webapp.params import FILTER_PARAMS, SearchState, add_toggle_urls, month_range, parse_state, year_range

from .conftest import MAP_34, MAP_63

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SVG_SELF_CLOSING = {"rect", "path", "line", "circle"}


@dataclass
class Node:
    """An element of a parsed page."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All text inside, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self) -> list[Node]:
        """This node and every element below it, in document order."""
        out = [self]
        for c in self.children:
            if isinstance(c, Node):
                out += c.iter()
        return out

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements with this tag whose attributes contain the given values (class_ for class)."""
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            ok = True
            for name, want in attrs.items():
                name = name.rstrip("_").replace("_", "-")
                have = node.attrs.get(name)
                if have is None or (name == "class" and want not in have.split()) or (name != "class" and have != want):
                    ok = False
            if ok:
                found.append(node)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Node:
        """The single element matching."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> elements"
        return found[0]


class _TreeBuilder(HTMLParser):
    """Builds a Node tree from HTML (tolerating unclosed elements)."""

    def __init__(self) -> None:
        """Start with an empty document."""
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element (void elements close at once)."""
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed element."""
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        """Close up to the matching open element."""
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        """Text inside the current element."""
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """A tree of the page."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(client: FlaskClient, url: str, status: int = 200) -> Node:
    """GET an HTML page and parse it."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "text/html"
    return parse(response.get_data(as_text=True))


def query_of(url: str) -> list[tuple[str, str]]:
    """Decoded query parameters of a link."""
    return parse_qsl(urlsplit(url).query)


def hit_ids(doc: Node) -> list[str]:
    """Article ids of the result list, in order."""
    return [
        urlsplit(a.attrs["href"]).path.rsplit("/", 1)[1]
        for h in doc.find_all(class_="hit-title")
        for a in h.find_all("a")
    ]


# What the counts asserted below rest on: the tagger's reading of tests/data/articles.jsonl.
EXPECTED_TAGS = {
    "Hà Nội": {"t01", "t02", "t03", "t04", "t05", "t06", "t27"},
    "Bắc Ninh": {"t07", "t08", "t09", "t10", "t11", "t27"},
    "Đà Nẵng": {"t12", "t13", "t14", "t15", "t16", "t28", "t29", "t30"},
    "Cần Thơ": {"t17", "t18", "t19", "t20", "t28"},
}
EXPECTED_OLD_TAGS = {
    "Bắc Giang": {"t08", "t09"},
    "Quảng Nam": {"t13", "t15", "t30"},
    "Hậu Giang": {"t18"},
}


def test_test_articles_are_tagged_as_the_web_tests_assume(client: FlaskClient) -> None:
    """If the province tagger changes its reading of the test articles, this says so first."""
    rows = client.get("/api/search?per_page=100").get_json()["hits"]
    tags: dict[str, set[str]] = {}
    old: dict[str, set[str]] = {}
    for hit in rows:
        for name in hit["provinces"]:
            tags.setdefault(name, set()).add(hit["id"])
        for name in hit["provinces_old"]:
            old.setdefault(name, set()).add(hit["id"])
    assert tags == EXPECTED_TAGS
    assert {k: v for k, v in old.items() if k in EXPECTED_OLD_TAGS} == EXPECTED_OLD_TAGS


# --- the search page ------------------------------------------------------------------------------


def test_home_lists_the_newest_articles_with_pagination(client: FlaskClient) -> None:
    doc = page(client, "/")
    assert doc.one("h1", id="results-heading").text.startswith("30 bài viết")
    assert len(hit_ids(doc)) == 20
    assert hit_ids(doc)[0] == "t28"
    nav = doc.one("nav", class_="pagination")
    assert nav.one("a", rel="next").attrs["href"] == "/?page=2"
    second = page(client, "/?page=2")
    assert len(hit_ids(second)) == 10
    assert second.one("span", class_="page-link", aria_current="page").text == "2"


def test_query_is_kept_and_results_show_count_time_and_hits(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+bu%C3%BDt")
    assert doc.one("input", id="q").attrs["value"] == "xe buýt"
    heading = doc.one("h1", id="results-heading").text
    assert heading.startswith("3 kết quả cho")
    assert re.search(r"\d+ ms|giây", heading)
    assert sorted(hit_ids(doc)) == ["t01", "t02", "t29"]
    hit = doc.find_all("article", class_="hit")[0]
    link = hit.one("h2").one("a")
    assert query_of(link.attrs["href"]) == [("q", "xe buýt")]
    assert hit.find_all("mark")
    assert hit.one(class_="hit-source").text.endswith(".example")
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", hit.one("time").text)
    assert hit.one(class_="hit-category").text == "Xã hội"


def test_dates_say_where_they_come_from(client: FlaskClient) -> None:
    doc = page(client, "/?q=v%E1%BA%A3i+thi%E1%BB%81u")
    assert doc.one(class_="date-note").text == "(ngày lấy từ nội dung)"
    doc = page(client, "/?q=ti%E1%BA%BFt+ki%E1%BB%87m+%C4%91i%E1%BB%87n")
    assert doc.one(class_="date-note").text == "(ngày thu thập)"
    doc = page(client, "/?q=m%C3%B3n+%C4%83n+s%C3%A1ng")
    assert doc.one(class_="undated").text == "Không rõ ngày"


def test_province_badges_link_to_filtered_searches(client: FlaskClient) -> None:
    doc = page(client, "/?q=cao+t%E1%BB%91c")
    badges = {a.text: a.attrs["href"] for a in doc.find_all("a", class_="badge")}
    assert set(badges) == {"Hà Nội", "Bắc Ninh"}
    assert query_of(badges["Bắc Ninh"]) == [("q", "cao tốc"), ("province", "Bắc Ninh")]


def test_badges_follow_the_era_shown(client: FlaskClient) -> None:
    doc = page(client, "/?q=v%E1%BA%A3i+thi%E1%BB%81u&era=old")
    badge = doc.one("a", class_="badge")
    assert badge.text == "Bắc Giang"
    assert query_of(badge.attrs["href"]) == [
        ("q", "vải thiều"),
        ("province_old", "Bắc Giang"),
        ("era", "old"),
    ]


def test_accent_suggestion_is_a_link(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+buyt")
    notice = doc.one("p", class_="notice-suggest")
    assert query_of(notice.one("a").attrs["href"]) == [("q", "xe buýt")]


def test_relaxed_search_is_announced(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+bu%C3%BDt+kh%E1%BB%A7ng+long")
    assert "ít nhất một từ" in doc.one(class_="notice-relaxed").text
    doc = page(client, "/?q=l%C3%AA+h%C3%B4i")
    assert "bỏ qua dấu" in doc.one(class_="notice-relaxed").text


def test_sort_selector_and_sorting(client: FlaskClient) -> None:
    doc = page(client, "/?q=H%C3%A0+N%E1%BB%99i&sort=oldest")
    select = doc.one("select", name="sort")
    assert select.attrs["form"] == "search"
    assert [o.attrs["value"] for o in select.find_all("option")] == [
        "relevance",
        "newest",
        "oldest",
    ]
    assert select.one("option", selected="").attrs["value"] == "oldest"
    assert hit_ids(doc)[:2] == ["t01", "t02"]
    # Without a query there is nothing to rank by relevance.
    browse = page(client, "/").one("select", name="sort")
    options = [(o.attrs["value"], o.text) for o in browse.find_all("option")]
    assert options == [("relevance", "Mới nhất"), ("oldest", "Cũ nhất")]


def test_empty_result_explains_how_to_widen(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+bu%C3%BDt&province=C%E1%BA%A7n+Th%C6%A1&category=the-thao")
    empty = doc.one(class_="empty")
    assert "Không tìm thấy bài viết nào" in empty.text
    assert "xe buýt" in empty.text
    links = {a.text: a.attrs["href"] for a in empty.find_all("a")}
    assert links["Bỏ tất cả bộ lọc"] == "/?q=xe+bu%C3%BDt"
    assert "có 3 kết quả" in empty.text
    assert "Bỏ bộ lọc tỉnh: Cần Thơ" in links
    assert query_of(links["Bỏ bộ lọc tỉnh: Cần Thơ"]) == [
        ("q", "xe buýt"),
        ("category", "the-thao"),
    ]


def test_empty_result_with_a_suggestion(client: FlaskClient) -> None:
    doc = page(client, "/?q=kh%E1%BB%A7ng+long")
    assert "Không tìm thấy" in doc.one(class_="empty").text
    assert doc.one(class_="empty").find_all("li")


def test_facet_sidebar_is_a_get_form_of_checkboxes(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+bu%C3%BDt&source=tinnhanh.example")
    form = doc.one("form", id="search")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/")
    boxes = doc.find_all("input", type="checkbox")
    assert all(b.attrs["form"] == "search" for b in boxes)
    by_value = {(b.attrs["name"], b.attrs["value"]): b for b in boxes}
    assert "checked" in by_value["source", "tinnhanh.example"].attrs
    assert "checked" not in by_value["province", "Hà Nội"].attrs
    # Counts ignore the facet's own selection: the other source still shows its articles.
    other = by_value["source", "baodiaphuong.example"]
    label = next(n for n in doc.find_all("label") if other in n.iter())
    assert label.one(class_="count").text == "2"
    assert {b.attrs["name"] for b in boxes} == {"province", "source", "category"}


def test_long_facet_lists_fold_under_show_more(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_module, "SHOWN_VALUES", 2)
    doc = page(client, "/?era=old&province_old=H%E1%BA%ADu+Giang")
    facet = doc.one("fieldset", id="facet-province_old")
    more = facet.one("details", class_="facet-more")
    assert more.one("summary").text == "Xem thêm 5"
    # A selected value hidden under "more" opens it.
    assert "open" in more.attrs
    assert facet.one("input", class_="facet-filter").attrs["aria-label"].startswith("Lọc danh sách")


def test_era_switch_keeps_the_other_eras_filters(client: FlaskClient) -> None:
    doc = page(client, "/?province=B%E1%BA%AFc+Ninh")
    switch = doc.one("nav", class_="segmented")
    assert query_of(switch.one("a").attrs["href"]) == [("province", "Bắc Ninh"), ("era", "old")]
    old = page(client, "/?province=B%E1%BA%AFc+Ninh&era=old")
    names = {b.attrs["value"] for b in old.find_all("input", name="province_old")}
    assert {"Bắc Giang", "Bắc Ninh"} <= names
    hidden = old.one("input", type="hidden", name="province")
    assert (
        hidden.attrs["value"],
        hidden.attrs["form"] if "form" in hidden.attrs else "search",
    ) == ("Bắc Ninh", "search")
    assert old.one("input", type="hidden", name="era").attrs["value"] == "old"


def test_histogram_bars_filter_by_month(client: FlaskClient) -> None:
    doc = page(client, "/")
    svg = doc.one("svg", class_="histogram")
    bars = svg.find_all("a", class_="bar")
    assert len(bars) == 9  # months with articles; empty months are gaps
    september = next(b for b in bars if "tháng 9/2024" in b.attrs["aria-label"])
    assert september.attrs["aria-label"] == "tháng 9/2024: 3 bài"
    assert query_of(september.attrs["href"]) == [("from", "2024-09-01"), ("to", "2024-09-30")]
    filtered = page(client, september.attrs["href"])
    assert len(hit_ids(filtered)) == 3
    dim = filtered.one("svg", class_="histogram").find_all("a", class_="is-dim")
    assert len(dim) == 8
    assert filtered.one("input", name="from").attrs["value"] == "2024-09-01"


def test_chips_remove_one_filter_or_all(client: FlaskClient) -> None:
    doc = page(
        client,
        "/?q=l%E1%BB%85+h%E1%BB%99i&province=%C4%90%C3%A0+N%E1%BA%B5ng&category=xa-hoi"
        "&from=2024-01-01&to=2024-12-31&page=1",
    )
    chips = {c.text: c.attrs["href"] for c in doc.find_all("a", class_="chip")}
    assert set(chips) == {
        "Tỉnh Đà Nẵng ×",
        "Chuyên mục Xã hội ×",
        "Thời gian 01/01/2024 – 31/12/2024 ×",
    }
    assert query_of(chips["Tỉnh Đà Nẵng ×"]) == [
        ("q", "lễ hội"),
        ("category", "xa-hoi"),
        ("from", "2024-01-01"),
        ("to", "2024-12-31"),
    ]
    assert query_of(chips["Thời gian 01/01/2024 – 31/12/2024 ×"]) == [
        ("q", "lễ hội"),
        ("province", "Đà Nẵng"),
        ("category", "xa-hoi"),
    ]
    assert doc.one("a", class_="chip-clear").attrs["href"] == "/?q=l%E1%BB%85+h%E1%BB%99i"


def test_export_links_carry_the_search(client: FlaskClient) -> None:
    doc = page(client, "/?q=b%C3%B3ng+%C4%91%C3%A1&era=old&page=1&sort=newest")
    links = {a.text: a.attrs["href"] for a in doc.one(class_="export").find_all("a")}
    assert links["CSV"] == "/export.csv?q=b%C3%B3ng+%C4%91%C3%A1&sort=newest"
    assert links["JSON"].startswith("/export.json?")


# --- the map --------------------------------------------------------------------------------------

needs_maps = pytest.mark.skipif(
    not (MAP_34.exists() and MAP_63.exists()),
    reason="../shared/geo maps are absent: map tests need them",
)


@needs_maps
def test_map_colours_provinces_by_count_and_links_them(client: FlaskClient) -> None:
    doc = page(client, "/?province=C%E1%BA%A7n+Th%C6%A1")
    svg = doc.one("svg", class_="vnmap")
    paths = svg.find_all("path", class_="region")
    assert len(paths) == 34
    links = {a.attrs["aria-label"].split(":")[0]: a for a in svg.find_all("a")}
    assert set(links) == {"Hà Nội", "Bắc Ninh", "Đà Nẵng", "Cần Thơ"}
    can_tho = links["Cần Thơ"]
    assert "is-selected" in can_tho.one("path").attrs["class"]
    assert query_of(can_tho.attrs["href"]) == []  # clicking a selected province unselects it
    assert query_of(links["Hà Nội"].attrs["href"]) == [
        ("province", "Cần Thơ"),
        ("province", "Hà Nội"),
    ]
    classes = {p.one("title").text.split(":")[0]: p.attrs["class"] for p in paths}
    assert "m0" in classes["Lào Cai"].split()
    assert f"m{BUCKETS}" in classes["Đà Nẵng"].split()  # the most articles
    for p in paths:
        assert re.fullmatch(r"(M-?\d+ -?\d+(l[-\d ]+z|h\d+v\d+h-\d+z))+", p.attrs["d"]), p.attrs["d"]


@needs_maps
def test_old_era_map_has_63_provinces(client: FlaskClient) -> None:
    doc = page(client, "/?era=old")
    svg = doc.one("svg", class_="vnmap")
    assert len(svg.find_all("path", class_="region")) == 63
    labels = {a.attrs["aria-label"].split(":")[0] for a in svg.find_all("a")}
    assert {"Bắc Giang", "Quảng Nam", "Hậu Giang"} <= labels


def test_no_map_configured_means_no_map(web_index: Path) -> None:
    app = create_app({"TESTING": True, "INDEX": str(web_index), "MAP": None})
    doc = page(app.test_client(), "/")
    assert not doc.find_all("svg", class_="vnmap")
    assert "no-map" in doc.one("div", class_="layout").attrs["class"]


def test_unreadable_map_disables_the_map_only(web_index: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    app = create_app({"TESTING": True, "INDEX": str(web_index), "MAP": str(broken), "MAP_OLD": None})
    doc = page(app.test_client(), "/")
    assert not doc.find_all("svg", class_="vnmap")


def test_map_geometry_is_small_and_cached(tmp_path: Path) -> None:
    geo = tmp_path / "two.geojson"
    square = [[105.0, 21.0], [106.0, 21.0], [106.0, 22.0], [105.0, 22.0], [105.0, 21.0]]
    islet = [[[[109.0, 12.0], [109.0001, 12.0], [109.0001, 12.0001], [109.0, 12.0]]]]
    geo.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "01", "name": "Hà Nội"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    },
                    # Code and name disagree: the name decides; the islet becomes a small square.
                    {
                        "type": "Feature",
                        "properties": {"code": "99", "name": "Khánh Hòa"},
                        "geometry": {"type": "MultiPolygon", "coordinates": islet},
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "Atlantis"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    geometry = load_map(geo, "new")
    assert load_map(geo, "new") is geometry
    assert [r.name for r in geometry.regions] == ["Hà Nội", "Khánh Hòa"]
    assert geometry.width == 1000
    assert geometry.regions[1].d.endswith(f"h{ISLET}v{ISLET}h-{ISLET}z")
    with pytest.raises(MapError):
        load_map(tmp_path / "absent.geojson", "new")


@needs_maps
def test_real_maps_simplify_to_tens_of_kilobytes() -> None:
    for path, era, count in ((MAP_34, "new", 34), (MAP_63, "old", 63)):
        geometry = load_map(path, era)  # type: ignore[arg-type]
        assert len(geometry.regions) == count
        assert sum(len(r.d) for r in geometry.regions) < 60_000


def test_simplify_keeps_corners_and_drops_collinear_points() -> None:
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 5.0), (0.0, 0.0)]
    assert _simplify(line, 0.5) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0), (0.0, 0.0)]


def test_colour_classes_use_a_log_scale() -> None:
    classes = colour_classes({"a": 0, "b": 1, "c": 10, "d": 1000})
    assert classes["a"] == 0
    assert classes["d"] == BUCKETS
    assert 1 <= classes["b"] < classes["c"] < classes["d"]
    assert colour_classes({"x": 1}) == {"x": BUCKETS}
    assert colour_classes({}) == {}


# --- the article page -----------------------------------------------------------------------------


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


# --- escaping, scripts and headers ----------------------------------------------------------------


def test_hostile_article_text_is_escaped(client: FlaskClient) -> None:
    for url in ("/article/t06?q=l%E1%BB%ABa+%C4%91%E1%BA%A3o", "/?q=l%E1%BB%ABa+%C4%91%E1%BA%A3o"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html
        assert "<img src=x" not in html
        assert "{{ 7*7 }}" in html and ">49<" not in html
    doc = page(client, "/article/t06")
    # A javascript: address is shown as text, never as a link.
    assert not doc.one("p", class_="original").find_all("a")
    assert not [a for a in doc.find_all("a") if a.attrs.get("href", "").startswith("javascript:")]


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "{{7*7}}", "{% raw %}"])
def test_hostile_queries_are_escaped(client: FlaskClient, q: str) -> None:
    response = client.get("/", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert q not in html or q in ("{{7*7}}", "{% raw %}")
    doc = parse(html)
    assert doc.one("input", id="q").attrs["value"] == q
    assert not doc.find_all("svg", onload="alert(1)")


def pages_to_check(client: FlaskClient) -> list[str]:
    """The HTML of one page of each kind."""
    urls = [
        "/",
        "/?q=xe+buyt&province=H%C3%A0+N%E1%BB%99i",
        "/?era=old",
        "/article/t06?q=x",
        "/?page=abc",
        "/nope",
        "/?province=Atlantis",
        "/?q=kh%E1%BB%A7ng+long",
    ]
    return [client.get(u).get_data(as_text=True) for u in urls]


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    """The CSP forbids them, so a page that used them would break in browsers."""
    for html in pages_to_check(client):
        for node in parse(html).iter():
            assert "style" not in node.attrs, node
            assert not [a for a in node.attrs if a.startswith("on")], node
            if node.tag == "script":
                assert node.attrs.get("src", "").startswith("/static/") and not node.children
            assert node.tag != "style"
            resource = {"script": "src", "img": "src", "link": "href"}.get(node.tag)
            if resource:
                assert node.attrs[resource].startswith("/static/"), f"external resource {node}"


@pytest.mark.parametrize("url", ["/", "/article/t01", "/nope", "/?sort=up", "/static/style.css", "/export.csv"])
def test_security_headers_on_pages(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_static_files_are_served_locally(client: FlaskClient) -> None:
    for name, kind in (
        ("style.css", "text/css"),
        ("app.js", "text/javascript"),
        ("favicon.svg", "image/svg+xml"),
    ):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.mimetype == kind
    # Nothing fetched from elsewhere: no @import or url() in the CSS, no URL in the script.
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@import" not in css and "url(" not in css
    assert "http" not in client.get("/static/app.js").get_data(as_text=True)


# --- errors ---------------------------------------------------------------------------------------


def test_bad_parameter_page_names_it_and_offers_a_way_out(client: FlaskClient) -> None:
    doc = page(client, "/?q=l%E1%BB%85+h%E1%BB%99i&page=abc", status=400)
    assert doc.one("h1").text == "Yêu cầu không hợp lệ"
    assert "Tham số có vấn đề: page" in doc.one("section").text
    drop = next(a for a in doc.find_all("a", class_="button") if "Bỏ tham số" in a.text)
    assert query_of(drop.attrs["href"]) == [("q", "lễ hội")]
    assert doc.one("input", id="q").attrs["value"] == "lễ hội"


def test_unknown_province_page_suggests_names(client: FlaskClient) -> None:
    doc = page(client, "/?q=x&province=Ha+Nol", status=400)
    fixes = doc.one("ul", class_="fix-list").find_all("a")
    hanoi = next(a for a in fixes if a.text == "Hà Nội")
    assert query_of(hanoi.attrs["href"]) == [("q", "x"), ("province", "Hà Nội")]


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999",
        "page=-1",
        "per_page=-5",
        "per_page=100000",
        "q=" + "a" * 10_000,
        "q=%00%07%1b",
        "q=a&q=b",
        "era=middle",
        "era=old&era=new",
        "from=0000-00-00",
        "&".join(["category=xa-hoi"] * 80),
        "province=%F0%9F%92%A9",
        "source=" + "s" * 500,
    ],
)
def test_hostile_parameters_never_cause_a_500(client: FlaskClient, query: str) -> None:
    for path in ("/", "/export.csv", "/export.json", "/article/t01"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)


def test_other_methods_are_refused(client: FlaskClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Trang này chỉ nhận yêu cầu GET." in response.get_data(as_text=True)


# --- helpers --------------------------------------------------------------------------------------


def test_parse_state_reads_and_writes_canonical_urls() -> None:
    args = MultiDict(
        [
            ("q", " xe buýt "),
            ("province", "Hà Nội"),
            ("province", ""),
            ("province", "Hà Nội"),
            ("from", "2024-01-01"),
            ("sort", "newest"),
            ("page", "3"),
            ("era", "old"),
            ("utm", "ignored"),
        ]
    )
    state = parse_state(args, default_per_page=20, with_era=True)
    assert state.q == "xe buýt"
    assert state.province == ("Hà Nội",)
    assert state.date_from == date(2024, 1, 1)
    assert state.items() == [
        ("q", "xe buýt"),
        ("province", "Hà Nội"),
        ("from", "2024-01-01"),
        ("sort", "newest"),
        ("era", "old"),
        ("page", "3"),
    ]
    assert state.query_string(view=False) == "q=xe+bu%C3%BDt&province=H%C3%A0+N%E1%BB%99i&from=2024-01-01&sort=newest"
    toggled = state.toggled("province", "Hà Nội").toggled("source", "x")
    assert (toggled.province, toggled.source, toggled.page) == ((), ("x",), 1)
    request = state.request(facets=False, per_page=100, page=1)
    assert (request.per_page, request.page, request.facets, request.sort) == (
        100,
        1,
        False,
        "newest",
    )


def test_parse_state_ignores_era_unless_asked() -> None:
    assert parse_state(MultiDict([("era", "nonsense")])).era == "new"
    with pytest.raises(BadRequest) as err:
        parse_state(MultiDict([("era", "nonsense")]), with_era=True)
    assert err.value.param == "era"


def test_toggled_range_sets_or_clears_a_period() -> None:
    first, last = month_range("2024-02")
    assert (first, last) == (date(2024, 2, 1), date(2024, 2, 29))
    state = SearchState().toggled_range(first, last)
    assert (state.date_from, state.date_to) == (first, last)
    assert state.toggled_range(first, last).date_from is None


def test_histogram_fills_gaps_and_falls_back_to_years() -> None:
    dates = {
        "months": [{"value": "2024-11", "count": 2}, {"value": "2025-02", "count": 4}],
        "years": [{"value": "2024", "count": 2}, {"value": "2025", "count": 4}],
    }
    chart = histogram(dates, SearchState(), "/")
    assert chart is not None and chart.unit == "month"
    assert [b.value for b in chart.bars] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [b.count for b in chart.bars] == [2, 0, 0, 4]
    assert chart.bars[3].height == chart.height and chart.bars[1].height == 0
    assert [label for _, label in chart.ticks] == ["2024", "2025"]
    wide = {
        "months": [{"value": "2001-01", "count": 1}, {"value": "2020-06", "count": 3}],
        "years": [{"value": "2001", "count": 1}, {"value": "2020", "count": 3}],
    }
    chart = histogram(wide, SearchState(), "/")
    assert chart is not None and chart.unit == "year" and len(chart.bars) == 20
    assert query_of(chart.bars[-1].href) == [("from", "2020-01-01"), ("to", "2020-12-31")]
    assert histogram({"months": [], "years": [], "undated": 3}, SearchState(), "/") is None


def test_vietnamese_formats() -> None:
    assert number(1234567) == "1.234.567"
    assert vn_date("2021-05-31") == "31/05/2021"
    assert seconds(3.2) == "3 ms" and seconds(1250) == "1,25 giây"
    assert category_label("suc-khoe") == "Sức khỏe"
    assert category_label("bong-da-anh") == "Bong da anh"
    assert category_label("Thế giới") == "Thế giới"


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VNNEWS_INDEX", str(tmp_path / "ix"))
    monkeypatch.setenv("VNNEWS_MAP", "")
    app: Flask = create_app()
    assert app.config["INDEX"] == str(tmp_path / "ix")
    assert app.config["MAP"] == ""
    assert app.extensions["vnnews_maps"] == {"new": None, "old": None}


@needs_maps
def test_old_map_is_found_beside_the_new_one(monkeypatch: pytest.MonkeyPatch, web_index: Path) -> None:
    monkeypatch.setenv("VNNEWS_INDEX", str(web_index))
    monkeypatch.setenv("VNNEWS_MAP", str(MAP_34))
    monkeypatch.delenv("VNNEWS_MAP_OLD", raising=False)
    app = create_app()
    assert app.config["MAP_OLD"] == str(MAP_63)
    assert app.extensions["vnnews_maps"]["old"].era == "old"


def test_toggle_urls_equal_each_toggled_state_s_own_url() -> None:
    args = MultiDict(
        [
            ("q", "bão lũ"),
            ("province", "Huế"),
            ("province", "Quảng Trị"),
            ("source", "VnExpress"),
            ("from", "2020-01-01"),
            ("sort", "newest"),
            ("page", "3"),
        ]
    )
    state = parse_state(args, with_era=True)
    values = {
        "province": ["Huế", "Đà Nẵng"],
        "province_old": ["Quảng Bình"],
        "source": ["VnExpress", "Tuổi Trẻ"],
        "category": ["Thời sự"],
    }
    facets: dict[str, Any] = {f: [{"value": v} for v in vs] for f, vs in values.items()}
    months, years = ["2019-12", "2020-01", "2020-02"], ["2019", "2020"]
    for dated in (state, state.toggled_range(*month_range("2020-01")), state.dates(None, None)):
        facets["date"] = {"months": [{"value": m} for m in months], "years": [{"value": y} for y in years]}
        add_toggle_urls(facets, dated, "/")
        for facet in FILTER_PARAMS:
            for entry in facets[facet]:
                assert entry["toggle_url"] == dated.toggled(facet, entry["value"]).url("/"), (facet, entry)
        for key, span in (("months", month_range), ("years", year_range)):
            for entry in facets["date"][key]:
                want = dated.toggled_range(*span(entry["value"])).url("/")
                assert entry["toggle_url"] == want, (key, entry)
    assert state.date_from == date(2020, 1, 1)
