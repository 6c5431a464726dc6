"""Districts and wards below the provinces, from the vietnamadminunits package (both eras).

The tagger needs two facts the province tables lack: which old province a district lay in (the
696 districts before July 2025 are gone, yet "huyện Mê Linh" still places a story in Hà Nội), and
which old provinces a post-merger ward or commune was formed from ("xã Ba Tri, tỉnh Vĩnh Long"
is old Bến Tre). Both come from vietnamadminunits (MIT), read through its database query and
its converter's tables, and are named here by this project's gazetteer.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from .gazetteer import Gazetteer

__all__ = ["District", "Units", "units"]

# The package's keys: unaccented, lowercase, letters and digits only ("tinhbentre").
_NOT_KEY = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class District:
    """A district-level unit before July 2025: its short name, its kind and its old province."""

    name: str
    kind: str  # Huyện, Quận, Thị xã, Thành phố
    province_old: str


@dataclass(frozen=True, slots=True)
class Units:
    """The districts whose name is unique in the country, and each new ward's old provinces."""

    districts: tuple[District, ...]
    # (new province, ward or commune short name) → the old provinces it was formed from.
    ward_origins: dict[tuple[str, str], tuple[str, ...]]


def _key(text: str) -> str:
    """The package's key of a name (its own key function does the same, with unidecode)."""
    from unidecode import unidecode

    return _NOT_KEY.sub("", unidecode(text).lower())


@functools.cache
def units() -> Units:
    """The tables, read once per process (importing the package takes about half a second)."""
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.database import query

    gaz = Gazetteer.load()
    rows = query("SELECT DISTINCT province, provinceShort, districtShort, districtType FROM admin_units_legacy")
    old_by_key = {_key(r["province"]): gaz.resolve(r["provinceShort"], "old").name for r in rows}
    seen: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        seen[r["districtShort"]].add(r["provinceShort"])
    districts = tuple(
        District(r["districtShort"], r["districtType"], gaz.resolve(r["provinceShort"], "old").name)
        for r in rows
        if len(seen[r["districtShort"]]) == 1
    )
    wards = query("SELECT DISTINCT provinceShort, provinceKey, wardShort, wardKey FROM admin_units")
    new_by_key = {r["provinceKey"]: gaz.resolve(r["provinceShort"], "new").name for r in wards}
    origins: dict[tuple[str, str], set[str]] = defaultdict(set)
    names = {(r["provinceKey"], r["wardKey"]): r["wardShort"] for r in wards}
    for province_key, by_ward in converter_2025.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for ward_key, old_wards in by_ward.items():
            short = names.get((province_key, ward_key))
            if short is None:
                continue
            for old in old_wards:
                origins[new_by_key[province_key], short].add(old_by_key[old.split("_", 1)[0]])
    # Old wards split between several new ones are listed apart, keyed by the old ward.
    for by_old in converter_2025.DICT_PROVINCE_WARD_DIVIDED.values():
        for old, parts in by_old.items():
            province_old = old_by_key[old.split("_", 1)[0]]
            new = gaz.new_of(gaz.resolve(province_old, "old")).name
            province_key = next(k for k, v in new_by_key.items() if v == new)
            for part in parts:
                short = names.get((province_key, part["newWardKey"]))
                if short is not None:
                    origins[new, short].add(province_old)
    return Units(districts, {k: tuple(sorted(v)) for k, v in origins.items()})
