"""Vietnam's provinces before (63) and after (34) the 1 July 2025 merger, and name resolution."""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal, cast

from ..errors import UnknownProvince
from ..text.normalization import fold, normalize

__all__ = ["Era", "ERAS", "Province", "Gazetteer", "lookup_key", "slugify"]

Era = Literal["old", "new"]
ERAS: tuple[Era, ...] = ("old", "new")

_FILES: dict[Era, str] = {"old": "provinces_63.csv", "new": "provinces_34.csv"}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Administrative prefixes a user may type before a name; the folded, space-joined forms.
_PREFIXES = ("thanh pho ", "tinh ", "tp ")


@dataclass(frozen=True, slots=True)
class Province:
    """One province-level unit of one era; (era, code) identifies it, code alone does not."""

    code: str
    name: str
    era: Era
    slug: str
    aliases: tuple[str, ...]
    name_ascii: str
    type: str
    full_name: str


def slugify(name: str) -> str:
    """URL-safe folded name: 'Bà Rịa - Vũng Tàu' → 'ba-ria-vung-tau'."""
    return _NON_ALNUM.sub("-", fold(normalize(name))).strip("-")


def lookup_key(text: str) -> str:
    """Folded, punctuation-free form used to compare names: 'TP.Hồ Chí Minh' → 'tp ho chi minh'."""
    return _NON_ALNUM.sub(" ", fold(normalize(text))).strip()


def _strip_prefix(key: str) -> str:
    """Drop one leading 'tỉnh'/'thành phố'/'TP' from a lookup key."""
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    # "TPHCM", "tp.hcm" typed without a space after the prefix.
    if key.startswith("tp") and len(key) > 2 and " " not in key:
        return key[2:]
    return key


def _read_csv(filename: str) -> list[dict[str, str]]:
    """Rows of one of the package's data files."""
    source = resources.files("indexer.geo").joinpath("data", filename)
    with source.open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Gazetteer:
    """Both eras' units, the merger mapping between them, and lenient name resolution."""

    def __init__(
        self,
        units: dict[Era, list[Province]],
        mapping: dict[str, str],
    ) -> None:
        """Build from each era's units and the old-code → new-code merger mapping."""
        self._units = {era: sorted(units[era], key=lambda p: p.code) for era in ERAS}
        self._by_code: dict[tuple[Era, str], Province] = {(p.era, p.code): p for era in ERAS for p in self._units[era]}
        self._new_of = {old: self._by_code["new", new] for old, new in mapping.items()}
        self._old_of: dict[str, list[Province]] = {p.code: [] for p in self._units["new"]}
        for old_code, new in self._new_of.items():
            self._old_of[new.code].append(self._by_code["old", old_code])
        missing = {p.code for p in self._units["old"]} - set(mapping)
        if missing:
            raise ValueError(f"merger mapping lacks old codes {sorted(missing)}")
        self._keys = {era: self._index(era) for era in ERAS}

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer built from the package's data files, loaded once per process."""
        return _default()

    def _index(self, era: Era) -> dict[str, Province]:
        """Every lookup key (name, ASCII name, slug, aliases; spaced and compact) of one era."""
        keys: dict[str, Province] = {}
        clashes: set[str] = set()
        for p in self._units[era]:
            forms = (p.name, p.name_ascii, p.slug, p.full_name, *p.aliases)
            for form in forms:
                key = lookup_key(form)
                for k in {key, _strip_prefix(key), key.replace(" ", "")}:
                    if keys.get(k, p) is not p:
                        clashes.add(k)
                    keys[k] = p
        # A key shared by two units would resolve arbitrarily: better to ask the user.
        for k in clashes:
            del keys[k]
        return keys

    def provinces(self, era: Era) -> list[Province]:
        """All units of one era (63 old, 34 new), by code."""
        return list(self._units[_check_era(era)])

    def get(self, code: str, era: Era) -> Province:
        """The unit with this code in this era; KeyError if there is none."""
        return self._by_code[_check_era(era), code]

    def new_of(self, old: Province) -> Province:
        """The post-merger unit an old unit became part of."""
        if old.era != "old":
            raise ValueError(f"{old.name} is not an old (63-unit) province")
        return self._new_of[old.code]

    def old_of(self, new: Province) -> list[Province]:
        """The old units merged into a new unit, by code."""
        if new.era != "new":
            raise ValueError(f"{new.name} is not a new (34-unit) province")
        return list(self._old_of[new.code])

    def resolve(self, text: str, era: Era) -> Province:
        """The unit of `era` text names: any case, accents, tone style, prefix, alias or slug."""
        era = _check_era(era)
        key = lookup_key(text)
        keys = self._keys[era]
        for k in (
            key,
            _strip_prefix(key),
            key.replace(" ", ""),
            _strip_prefix(key).replace(" ", ""),
        ):
            if k in keys:
                return keys[k]
        raise UnknownProvince(text, era, self.suggest(text, era))

    def suggest(self, text: str, era: Era) -> list[str]:
        """Up to five names of `era` close to text, best first."""
        era = _check_era(era)
        key = _strip_prefix(lookup_key(text))
        names: list[str] = []
        # A name of the other era points to its counterpart: 'Bắc Giang' in the new era → Bắc Ninh.
        other = self._keys["new" if era == "old" else "old"].get(key)
        if other is not None:
            if era == "new":
                names.append(self.new_of(other).name)
            else:
                names += [p.name for p in self.old_of(other)]
        # Compare against names and spelled-out aliases only: compact and ASCII duplicates would
        # crowd the list with one unit.
        by_key: dict[str, str] = {}
        for p in self._units[era]:
            for form in (p.name, *p.aliases):
                k = _strip_prefix(lookup_key(form))
                if len(k) > 3:
                    by_key.setdefault(k, p.name)
        for k in difflib.get_close_matches(key, list(by_key), n=10, cutoff=0.7):
            names.append(by_key[k])
        return list(dict.fromkeys(names))[:5]


def _check_era(era: str) -> Era:
    """The era itself, or ValueError for anything but 'old' and 'new'."""
    if era not in ERAS:
        raise ValueError(f"era must be 'old' or 'new', not {era!r}")
    return cast(Era, era)


def _province(row: dict[str, str], era: Era) -> Province:
    """One Province from a CSV row."""
    name = normalize(row["name"])
    # Aliases stay as written (old-style tones included): lookups normalise them anyway.
    aliases = tuple(dict.fromkeys(a.strip() for a in row["aliases"].split("|") if a.strip()))
    return Province(
        code=row["code"],
        name=name,
        era=era,
        slug=slugify(name),
        aliases=aliases,
        name_ascii=row["name_ascii"],
        type=row["type"],
        full_name=normalize(row["full_name"]),
    )


@functools.cache
def _default() -> Gazetteer:
    """Read the package's CSV files once."""
    units: dict[Era, list[Province]] = {era: [_province(row, era) for row in _read_csv(_FILES[era])] for era in ERAS}
    mapping = {row["old_code"]: row["new_code"] for row in _read_csv("merger_2025.csv")}
    return Gazetteer(units, mapping)
