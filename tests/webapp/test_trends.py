"""The trends page, its API and its CSV: lines drawn server-side, readable without JavaScript."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient

from tests.support import page, query_of

URL = "/trends?q=ch%C3%A1y&q=b%C3%A3o&interval=month&normalize=share"


def test_page_draws_one_line_per_query_with_an_accessible_alternative(stories_client: FlaskClient) -> None:
    doc = page(stories_client, URL)
    svg = doc.one("svg", class_="trend-chart")
    assert svg.attrs["role"] == "img"
    assert "cháy: 5 bài; bão: 3 bài" in svg.one("desc").text
    lines = svg.find_all("g", class_="trend-line")
    assert len(lines) == 2
    points = lines[1].find_all("circle")
    assert len(points) == 6 and all(p.attrs["tabindex"] == "0" for p in points)
    assert points[4].one("title").text == "bão, tháng 7/2025: 2 bài (66,67% số bài của kỳ)"
    # Periods with too few articles are shaded and said to be so.
    assert len(svg.find_all("rect", class_="trend-sparse")) == 6
    assert "dưới 20 bài" in doc.one("figcaption").text and "1 bài không có ngày" in doc.one("figcaption").text
    legend = {a.text: a.attrs["href"] for a in doc.one("ul", class_="trend-legend").find_all("a")}
    assert query_of(legend["cháy"]) == [("q", "cháy")]
    rows = doc.one("details", class_="trend-table").find_all("tr")
    assert rows[1].one("th").text == "2025-03"
    assert [c.text for c in rows[1].find_all("td")] == ["4", "4 (100%)", "0 (0%)"]


def test_form_keeps_the_state_and_the_links_share_it(stories_client: FlaskClient) -> None:
    doc = page(stories_client, URL + "&source=thoisu.example")
    form = doc.one("form", class_="trends-form")
    values = [i.attrs.get("value", "") for i in form.find_all("input", name="q")]
    assert values == ["cháy", "bão", "", ""]
    assert form.one("input", type="hidden", name="source").attrs["value"] == "thoisu.example"
    csv_link = doc.one("p", class_="trends-downloads").find_all("a")[0].attrs["href"]
    assert query_of(csv_link) == [
        ("q", "cháy"),
        ("q", "bão"),
        ("interval", "month"),
        ("normalize", "share"),
        ("source", "thoisu.example"),
    ]


def test_api_and_csv_give_the_series(stories_client: FlaskClient) -> None:
    data = stories_client.get("/api/trends?q=ch%C3%A1y&interval=week").get_json()
    assert data["interval"] == "week" and data["periods"][0] == "2025-03-10"
    assert data["series"][0]["counts"][0] == 4 and data["min_articles"] == 20
    response = stories_client.get("/trends.csv?q=ch%C3%A1y&q=b%C3%A3o")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["period", "articles", "sparse", "cháy count", "cháy share", "bão count", "bão share"]
    assert rows[1] == ["2025-03", "4", "1", "4", "1.000000", "0", "0.000000"]
    assert rows[2][4] == ""  # no article that month: no share


def test_bad_parameters_are_400s_naming_them(stories_client: FlaskClient) -> None:
    for url, param in (
        ("/api/trends?interval=year", "interval"),
        ("/api/trends?normalize=x", "normalize"),
        ("/api/trends?interval=%0D", "interval"),  # not empty: not the default either (CI's seed 1191…714)
        ("/api/trends?interval=month+", "interval"),
        ("/api/trends?q=a&q=b&q=c&q=d&q=e", "q"),
        ("/api/trends?q=&q=&q=&q=&q=", "q"),  # five given, even blank
        ("/api/trends?province=Ha+Noii", "province"),
    ):
        response = stories_client.get(url)
        assert response.status_code == 400 and response.get_json()["error"]["param"] == param, url
    assert stories_client.get("/trends?interval=year").status_code == 400


def test_search_page_links_to_the_trend_of_its_query(stories_client: FlaskClient) -> None:
    doc = page(stories_client, "/?q=ch%C3%A1y&source=thoisu.example")
    link = doc.one("a", title="Số bài khớp theo thời gian, so sánh được với truy vấn khác")
    assert link.attrs["href"].startswith("/trends?")
    assert query_of(link.attrs["href"]) == [("q", "cháy"), ("source", "thoisu.example")]


def test_without_queries_the_chart_draws_every_article(stories_client: FlaskClient) -> None:
    doc = page(stories_client, "/trends")
    lines = doc.one("svg", class_="trend-chart").find_all("g", class_="trend-line")
    assert len(lines) == 1
    assert doc.one("ul", class_="trend-legend").text.split() == ["Tất", "cả", "bài", "—", "8", "bài"]


def test_count_axis_steps_are_whole_numbers(stories_client: FlaskClient) -> None:
    doc = page(stories_client, "/trends?q=b%C3%A3o&interval=week")
    ticks = [t.text for t in doc.one("svg", class_="trend-chart").find_all("text", class_="trend-tick")][:5]
    assert ticks == ["0", "1", "2", "3", "4"]
