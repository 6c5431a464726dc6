"""The province map: regions coloured by count and linked, geometry loading and simplification."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import MAP_34, MAP_63, page, query_of
from webapp import create_app
from webapp.mapping import BUCKETS, ISLET, MapError, _simplify, colour_classes, load_map

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
