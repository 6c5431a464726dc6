"""Districts and post-merger wards from vietnamadminunits, and its data against ../shared/geo."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from indexer.geo import Gazetteer
from indexer.geo.units import units
from tests.support import SHARED

GEO = SHARED / "geo"


def test_districts_are_unique_names_with_their_old_province() -> None:
    districts = {d.name: d for d in units().districts}
    assert districts["Mê Linh"].province_old == "Hà Nội"
    assert districts["Hoàng Su Phì"].province_old == "Hà Giang"
    assert (districts["Thủ Đức"].kind, districts["Thủ Đức"].province_old) == ("Thành phố", "Hồ Chí Minh")
    # Châu Thành is a district of several provinces: its name alone places nothing.
    assert "Châu Thành" not in districts
    assert len(districts) == len(units().districts) > 600


def test_each_new_ward_knows_the_old_provinces_it_came_from() -> None:
    origins = units().ward_origins
    assert origins["Vĩnh Long", "Ba Tri"] == ("Bến Tre",)
    assert origins["Gia Lai", "Quy Nhơn Nam"] == ("Bình Định",)
    assert origins["Hà Nội", "Mê Linh"] == ("Hà Nội",)
    gaz = Gazetteer.load()
    # Every ward lies in a new unit that its old provinces merged into.
    for (new, _), olds in origins.items():
        assert {gaz.new_of(gaz.resolve(o, "old")).name for o in olds} == {new}
    assert len(origins) == 3321


@pytest.mark.shared
def test_package_agrees_with_the_shared_merger_table() -> None:
    """The package's 34 units are formed from the same old units as ../shared/geo's merger table."""
    if not (GEO / "merger_2025.csv").is_file():
        pytest.skip(f"{GEO} not present (the shared gazetteer lives beside the repository)")
    from vietnamadminunits.database import query

    gaz = Gazetteer.load()
    shared: dict[str, set[str]] = defaultdict(set)
    with (GEO / "merger_2025.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            shared[row["new_name"]].add(row["old_name"])
    package: dict[str, set[str]] = defaultdict(set)
    for (new, _), olds in units().ward_origins.items():
        package[new].update(olds)
    assert package == shared
    # Province names: the package's short names are the gazetteer's, in both eras.
    for table, era in (("admin_units", "new"), ("admin_units_legacy", "old")):
        names = {r["provinceShort"] for r in query(f"SELECT DISTINCT provinceShort FROM {table}")}
        assert {gaz.resolve(n, era).name for n in names} == names


@pytest.mark.shared
def test_package_types_are_those_of_july_2025() -> None:
    """The recorded disagreement (docs/provinces.md): the package knows the six centrally-run
    cities of 1 July 2025, not the three provinces upgraded since."""
    if not (GEO / "provinces_34.csv").is_file():
        pytest.skip(f"{GEO} not present (the shared gazetteer lives beside the repository)")
    from vietnamadminunits.database import query

    cities = {
        r["provinceShort"]
        for r in query("SELECT DISTINCT province, provinceShort FROM admin_units")
        if r["province"].startswith("Thành phố")
    }
    with (GEO / "provinces_34.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert cities == {r["name"] for r in rows if r["type_2025_07_01"] == "thanh pho"}
    upgraded = {r["name"] for r in rows if r["type"] == "thanh pho"} - cities
    assert upgraded == {"Quảng Ninh", "Bắc Ninh", "Đồng Nai"}
