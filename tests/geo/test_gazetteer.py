"""The province gazetteer: both eras, the merger mapping, lenient resolution, helpful errors."""

from __future__ import annotations

import csv
import unicodedata

import pytest

from indexer import UnknownProvince, VnnewsError
from indexer.geo.gazetteer import Gazetteer, Province, lookup_key
from tests.support import SHARED

SHARED_GEO = SHARED / "geo"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The packaged gazetteer."""
    return Gazetteer.load()


def test_load_is_cached(gaz: Gazetteer) -> None:
    """Worker processes call load() per article: it must not re-read the CSV files."""
    assert Gazetteer.load() is gaz


def test_counts_and_names(gaz: Gazetteer) -> None:
    """63 units before the merger, 34 after, names unique within an era."""
    old, new = gaz.provinces("old"), gaz.provinces("new")
    assert len(old) == 63 and len(new) == 34
    assert len({p.name for p in old}) == 63 and len({p.name for p in new}) == 34
    assert all(p.era == "old" for p in old) and all(p.era == "new" for p in new)
    assert all(isinstance(p, Province) for p in old + new)


def test_names_are_nfc_modern_style(gaz: Gazetteer) -> None:
    """Official names are NFC with modern tone marks (Hòa, not Hoà)."""
    names = {p.name for era in ("old", "new") for p in gaz.provinces(era)}
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert "Hòa Bình" in names and "Khánh Hòa" in names and "Thanh Hóa" in names
    assert "Khánh Hoà" not in names


def test_slugs(gaz: Gazetteer) -> None:
    """Slugs are folded, hyphenated names."""
    assert gaz.resolve("Bắc Ninh", "new").slug == "bac-ninh"
    assert gaz.resolve("Hồ Chí Minh", "new").slug == "ho-chi-minh"
    assert gaz.resolve("Đắk Lắk", "old").slug == "dak-lak"
    assert gaz.resolve("Bà Rịa - Vũng Tàu", "old").slug == "ba-ria-vung-tau"
    for era in ("old", "new"):
        slugs = [p.slug for p in gaz.provinces(era)]
        assert len(set(slugs)) == len(slugs)


def test_province_is_frozen(gaz: Gazetteer) -> None:
    """Provinces are shared between threads and processes: immutable."""
    p = gaz.provinces("new")[0]
    with pytest.raises(AttributeError):
        p.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "Khánh Hòa",
        "Khánh Hoà",  # old-style tone mark
        "khánh hòa",
        "KHÁNH HÒA",
        "Khanh Hoa",
        "khanh hoa",
        "khanh-hoa",
        "Tỉnh Khánh Hòa",
        "tinh khanh hoa",
        "  Khánh   Hòa ",
    ],
)
def test_resolve_spellings(gaz: Gazetteer, text: str) -> None:
    """Any case, accents or not, either tone style, slug, prefix, stray spaces."""
    assert gaz.resolve(text, "old").name == "Khánh Hòa"
    assert gaz.resolve(text, "new").name == "Khánh Hòa"


def test_resolve_nfd(gaz: Gazetteer) -> None:
    """Decomposed input (typed on some keyboards, pasted from macOS) resolves like NFC."""
    for name in ("Hòa Bình", "Đắk Lắk", "Thừa Thiên Huế"):
        nfd = unicodedata.normalize("NFD", name)
        assert nfd != name
        assert gaz.resolve(nfd, "old").name == gaz.resolve(name, "old").name


@pytest.mark.parametrize(
    "text",
    [
        "Hồ Chí Minh",
        "TP.HCM",
        "TP HCM",
        "TPHCM",
        "tp.hcm",
        "HCM",
        "hcm",
        "Sài Gòn",
        "sai gon",
        "Saigon",
        "Thành phố Hồ Chí Minh",
        "thanh pho ho chi minh",
        "TP. Hồ Chí Minh",
        "ho-chi-minh",
    ],
)
def test_resolve_ho_chi_minh_aliases(gaz: Gazetteer, text: str) -> None:
    """The many ways of writing Hồ Chí Minh City, in both eras."""
    assert gaz.resolve(text, "new").name == "Hồ Chí Minh"
    assert gaz.resolve(text, "old").name == "Hồ Chí Minh"


def test_resolve_hue_and_short_aliases(gaz: Gazetteer) -> None:
    """Huế under its old provincial name; HN and HP are accepted in explicit filters."""
    for text in ("Huế", "hue", "Thừa Thiên Huế", "Thừa Thiên - Huế", "TT-Huế", "TP. Huế"):
        assert gaz.resolve(text, "old").name == "Huế"
        assert gaz.resolve(text, "new").name == "Huế"
    assert gaz.resolve("HN", "new").name == "Hà Nội"
    assert gaz.resolve("hn", "old").name == "Hà Nội"
    assert gaz.resolve("HP", "new").name == "Hải Phòng"
    assert gaz.resolve("Thủ đô Hà Nội", "new").name == "Hà Nội"


def test_resolve_new_units_with_city_prefix(gaz: Gazetteer) -> None:
    """Units that became cities in 2026 resolve with either prefix."""
    for text in ("Thành phố Bắc Ninh", "Tỉnh Bắc Ninh", "TP Bắc Ninh", "bac ninh"):
        assert gaz.resolve(text, "new").name == "Bắc Ninh"


def test_merger_mapping(gaz: Gazetteer) -> None:
    """Every old unit maps to exactly one new unit, and old_of inverts new_of."""
    bac_giang = gaz.resolve("Bắc Giang", "old")
    assert gaz.new_of(bac_giang).name == "Bắc Ninh"
    bac_ninh = gaz.resolve("Bắc Ninh", "new")
    assert [p.name for p in gaz.old_of(bac_ninh)] == ["Bắc Giang", "Bắc Ninh"]
    hcm = gaz.resolve("Hồ Chí Minh", "new")
    assert {p.name for p in gaz.old_of(hcm)} == {"Bình Dương", "Bà Rịa - Vũng Tàu", "Hồ Chí Minh"}
    assert gaz.new_of(gaz.resolve("Hòa Bình", "old")).name == "Phú Thọ"
    assert gaz.new_of(gaz.resolve("Kiên Giang", "old")).name == "An Giang"
    covered = [old for new in gaz.provinces("new") for old in gaz.old_of(new)]
    assert sorted(p.code for p in covered) == sorted(p.code for p in gaz.provinces("old"))
    for new in gaz.provinces("new"):
        assert all(gaz.new_of(old) == new for old in gaz.old_of(new))
        # Every new unit is named after one of the units merged into it.
        assert new.name in {old.name for old in gaz.old_of(new)}


def test_codes_differ_between_eras(gaz: Gazetteer) -> None:
    """Seven codes name a different unit in each era: (era, code) is the key, not code alone."""
    old = {p.code: p.name for p in gaz.provinces("old")}
    new = {p.code: p.name for p in gaz.provinces("new")}
    clashes = {code for code in old.keys() & new.keys() if old[code] != new[code]}
    assert clashes == {"15", "24", "44", "52", "80", "82", "91"}
    assert gaz.get("24", "old").name == "Bắc Giang"
    assert gaz.get("24", "new").name == "Bắc Ninh"
    assert gaz.get("24", "old") != gaz.get("24", "new")


def test_wrong_era_arguments(gaz: Gazetteer) -> None:
    """Mixing eras is a programming error, reported as such."""
    with pytest.raises(ValueError):
        gaz.new_of(gaz.resolve("Bắc Ninh", "new"))
    with pytest.raises(ValueError):
        gaz.old_of(gaz.resolve("Bắc Giang", "old"))
    with pytest.raises(ValueError):
        gaz.provinces("2025")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        gaz.resolve("Hà Nội", "current")  # type: ignore[arg-type]


def test_unknown_province_suggestions(gaz: Gazetteer) -> None:
    """A typo gets close matches; the error says which query parameter was wrong."""
    with pytest.raises(UnknownProvince) as info:
        gaz.resolve("Quang Nom", "old")
    err = info.value
    assert isinstance(err, VnnewsError)
    assert err.param == "province_old" and err.era == "old" and err.name == "Quang Nom"
    assert err.suggestions[0] == "Quảng Nam"
    assert 1 <= len(err.suggestions) <= 5
    assert "Quảng Nam" in str(err) and "Quang Nom" in str(err)


def test_unknown_province_points_across_eras(gaz: Gazetteer) -> None:
    """An old unit asked for in the new era suggests the unit it became part of."""
    with pytest.raises(UnknownProvince) as info:
        gaz.resolve("Bắc Giang", "new")
    assert info.value.param == "province"
    assert info.value.suggestions[0] == "Bắc Ninh"
    with pytest.raises(UnknownProvince) as info:
        gaz.resolve("Hòa Bình", "new")
    assert info.value.suggestions[0] == "Phú Thọ"


def test_unknown_province_without_suggestions(gaz: Gazetteer) -> None:
    """Nonsense gets no suggestions, and still a readable message."""
    for text in ("xyzzy", "", "   "):
        with pytest.raises(UnknownProvince) as info:
            gaz.resolve(text, "new")
        assert info.value.suggestions == []
        assert "unknown province" in str(info.value)


def test_lookup_key() -> None:
    """Lookup keys fold case, accents, tone style and punctuation."""
    assert lookup_key("TP.Hồ Chí Minh") == "tp ho chi minh"
    assert lookup_key("Bà Rịa–Vũng Tàu") == "ba ria vung tau"
    assert lookup_key("Khánh Hoà") == lookup_key("khanh hoa")


@pytest.mark.shared
def test_package_data_matches_shared_geo(gaz: Gazetteer) -> None:
    """The project's own copy of the unit lists agrees with ../shared/geo."""
    if not SHARED_GEO.is_dir():
        pytest.skip(f"{SHARED_GEO} not present (the shared data lives beside the repository)")
    for era, filename in (("old", "provinces_63.csv"), ("new", "provinces_34.csv")):
        with (SHARED_GEO / filename).open(encoding="utf-8", newline="") as f:
            rows = {row["code"]: row["name"] for row in csv.DictReader(f)}
        assert {p.code: p.name for p in gaz.provinces(era)} == {
            code: unicodedata.normalize("NFC", name) for code, name in rows.items()
        }
    with (SHARED_GEO / "merger_2025.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            assert gaz.new_of(gaz.get(row["old_code"], "old")).code == row["new_code"]
