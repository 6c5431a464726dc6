"""The search page: results, facets, sorting, era, histogram, chips and export links."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support import hit_ids, page, query_of
from webapp import views as views_module

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
    switch = doc.one("nav", class_="segmented-era")
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


def test_scope_switch_counts_every_province_named(client: FlaskClient) -> None:
    doc = page(client, "/?province=Hu%E1%BA%BF")
    switch = doc.one("nav", class_="segmented-scope")
    assert switch.one(class_="is-current").text.strip() == "Bài viết về"
    wide_url = switch.one("a").attrs["href"]
    assert query_of(wide_url) == [("province", "Huế"), ("province_scope", "mentions")]
    wide = page(client, wide_url)
    assert wide.one("nav", class_="segmented-scope").one(class_="is-current").text.strip() == "Có nhắc đến"
    # t29 (about Đà Nẵng) names Huế once: found only when every mention counts, its badges then
    # listing what it mentions.
    assert not any("/article/t29" in h.one("a").attrs["href"] for h in doc.find_all(class_="hit-title"))
    titles = {h.one("a").attrs["href"].split("?")[0]: h for h in wide.find_all(class_="hit-title")}
    assert "/article/t29" in titles
    assert wide.one("input", type="hidden", name="province_scope").attrs["value"] == "mentions"


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


def test_a_query_typed_in_telex_is_read_and_said_so(client: FlaskClient) -> None:
    doc = page(client, "/?q=xe+buyts")
    notice = [p for p in doc.find_all("p", class_="notice") if "Telex" in p.text]
    assert len(notice) == 1 and "xe buýt" in notice[0].text
    assert hit_ids(doc), "the reading found articles"
    back = notice[0].one("a")
    assert query_of(back.attrs["href"]) == [("q", '"xe buyts"')]
    # As typed (quoted), nothing is read.
    quoted = page(client, back.attrs["href"])
    assert not [p for p in quoted.find_all("p", class_="notice") if "Telex" in p.text]
    api = client.get("/api/search?q=xe+buyts").get_json()
    assert (api["relaxed"], api["searched"]) == ("keyboard", "xe buýt") and api["total"] >= 2
