"""Error pages: the parameter named, a way out, suggested provinces, no 500, other methods."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support import page, query_of


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
