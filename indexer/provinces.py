"""Tag an article with the provinces it is about, in both eras (34 new units and 63 old ones).

One compiled regex finds every surface form (official names, aliases, well-known cities and
places, and stop-phrases such as "Thái Bình Dương") in the title, sapo and body; each hit is then
weighed by its field, its position and the one or two words before it. Provinces are tagged in
the old era and mapped to the new era through the 2025 merger, so the two lists always agree.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from .gazetteer import Gazetteer, Province
from .text import fold

__all__ = ["tag", "Tagger"]

# Where a name appears says more than how often it appears.
TITLE_WEIGHT = 3.0
SAPO_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
BODY_WEIGHT = 1.0
LEAD_CHARS = 400
# A mention in the title or sapo reaches it; the body needs two plain mentions, or one strong one
# in the lead.
THRESHOLD = 2.0
# Provinces not named in the title must also reach this share of the best-scored one: a long
# article about Hà Nội that names three other provinces twice each is not about them.
RELATIVE = 0.3
# "tỉnh X", "TP X", "thành phố X", "(X)": the writer is locating something in X.
STRONG = 1.5
# Football clubs ("CLB Hà Nội") and companies name a province without being about it.
CLUB = 0.3
# Where a person lives or comes from ("trú tại ..., tỉnh X", "quê X") and office titles followed by
# the holder's name ("Bí thư Thành ủy TP.HCM Nguyễn Thiện Nhân") are often incidental.
INCIDENTAL = 0.5
# National bodies and companies named after a city ("ĐH Sư phạm TP.HCM", "Ngân hàng ... Sài Gòn
# Thương Tín") are not news about that city; local authorities ("Sở GD&ĐT Hà Nội") are.
ORG = 0.7
# Two mentions this close that share a province are one locator ("TP Mỹ Tho, tỉnh Tiền Giang",
# "quận Đống Đa (Hà Nội)"): the stronger counts, not the sum.
LOCATOR_GAP = 12
# Body mentions in an enumeration of provinces (weather, lists of localities).
LIST = 0.5

# Aliases that are fine in a search filter but ambiguous in running text: "HN"/"HP" are short,
# "Thành Nam" is a common personal name, bare "Hồ Chí Minh" is usually the president.
_NOT_IN_TEXT = {"HN", "HP", "Hue", "Thành Nam", "Ho Chi Minh"}
_NEEDS_CUE = {"Hồ Chí Minh"}
# Nicknames usually written with a lowercase first word.
_LOWER_FIRST = {"Xứ Thanh", "Xứ Lạng", "Đất Cảng", "Cố đô Huế"}
_PREFIXED = re.compile(r"^(?:Tỉnh|Thành phố|TP\.?|Tp\.?|Thủ đô|Cố đô)\s*\S")


def _pairs(phrases: str) -> set[tuple[str, str]]:
    """Two-word phrases, '|'-separated, as (first, second) word pairs."""
    return {(p.split()[0], p.split()[1]) for p in phrases.split("|")}


# Words before a name that make it a ward, commune, district, street or river of that name, not
# the province: "phường Long An" lies in Tây Ninh, "xã Hòa Bình" exists in many provinces.
_ADMIN_BLOCK = set("xã phường trấn huyện quận thôn ấp xóm p. q. x. h. tx. tt. kp.".split())
# "cao tốc TP HCM – Trung Lương" is a road; "cách Hà Nội 180 km" measures a distance from it.
_STREET_BLOCK = set("đường lộ ngõ hẻm ngách kiệt sông số đ. tốc cách".split())
_BIGRAM_BLOCK = _pairs("nhà hát|công viên|quảng trường|khách sạn|chung cư|khu phố|tổ dân")
_STRONG_PREV = set("tỉnh tp tp. tp: t.p t.p.".split())
_STRONG_BIGRAM = _pairs("thành phố|thủ đô|cố đô|tỉnh lỵ|tỉnh ủy|thành ủy")
_CLUB_PREV = {"CLB", "FC", "clb"}
# Titles before a personal name: "chị Hà Giang", "ông Bình Định", "đồng chí Long An".
_PERSON_PREV = set(
    "ông bà anh chị em cô chú bác cụ cháu cậu bé thầy mợ dì thím chàng nàng hlv ts ths gs pgs bs "
    "ls nsnd nsưt mc vđv đ/c tên".split()
)
_PERSON_BIGRAM = _pairs(
    "đồng chí|ca sĩ|nhạc sĩ|nghệ sĩ|diễn viên|cầu thủ|hoa hậu|á hậu|bác sĩ|luật sư|nhà báo|nhà văn"
    "|nhà thơ|họa sĩ|bị cáo|bị can|nghi phạm|người mẫu|tiền đạo|tiền vệ|hậu vệ|thủ môn|giáo sư"
    "|kỹ sư|thượng tá|đại tá|trung tá|thiếu tá|đại úy|thiếu tướng|trung tướng|đại tướng|nạn nhân"
)
# Surnames and middle names written right before a name make it part of a personal name:
# "Trương Hòa Bình", "Nguyễn Thị Huế". Compared case-sensitively: they are capitalised.
_NAME_PARTS = set(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Trương Lương "
    "Trịnh Đoàn Tạ Mai Lâm Tô Chu Vương Quách Triệu Lưu Thân Kiều Khổng Tăng Phí Phùng Mạc "
    "Hứa Giang Âu Châu Kha Khúc Lục Nghiêm Ông Quan Tôn Trương Thái Văn Thị Hữu Đức Công Quốc "
    "Cường Bầu".split()
)
# Only real surnames announce an office holder after a name: "tỉnh Bắc Ninh Nguyễn Hương Giang".
_SURNAMES = _NAME_PARTS - {"Thái", "Văn", "Thị", "Hữu", "Đức", "Công", "Quốc", "Cường", "Bầu"}
_AFTER_BLOCK = re.compile(r"\W{0,4}Trung Quốc")
_RESIDENCE = re.compile(r"(?<!nội )\b(?:trú|ngụ|quê|sinh ra)\b(?:[^.;()\n]|\.(?=\S))*$")
_HOLDER = re.compile(r" (\w+) ")
# Contact blocks of advertorials: "Địa chỉ: 224 Trần Duy Hưng, Cầu Giấy, Hà Nội".
_ADDRESS = re.compile(
    r"(?:[Đđ]ịa chỉ|ĐC|Hotline|Trụ sở)\s*:[^\n]*$"
    # A street address ending in the province: "43 Nguyễn Chí Thanh, Ba Đình, Hà Nội".
    r"|(?<![\w/.,])\d+[A-Za-z]? [A-ZĐ]\w*(?: [A-ZĐ]\w*){0,4}(?:,| -| –)"
    r"(?: [^,;.:()\n]{2,30}(?:,| -| –)){0,3} $"
)
_ORG = re.compile(
    r"(?:Đại học|ĐH|Học viện|Viện|NXB|Nhà xuất bản|Ngân hàng|Công ty|Tập đoàn|Tổng công ty|CTCP"
    r"|Hiệp hội|Quỹ|Báo|Nhà hát|Trường|Bia|Cảng vụ)"
    r"(?:\s+[^\s,.;:()]+){0,5}\s+(?:TP\.?\s?|Thành phố\s)?$"
)
_PERSON_PAREN = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(_SURNAMES)) + r")(?: [A-ZĐ]\w*){1,3} \($"
)
_ROAD = re.compile(r"(?:tốc|lộ|đường|tuyến)\s+(?:TP\.?\s?)?$", re.IGNORECASE)
_DASHES = {"-", "–", "—"}
_JOINERS = {"", "và", "hay", "hoặc", "tỉnh", "TP", "TP.", "thành phố", "tới", "đến"}
_DIGITS = re.compile(r"\d+[A-Za-z]?")


@dataclass(frozen=True, slots=True)
class _Surface:
    """What one surface form stands for and how much a mention of it counts."""

    olds: tuple[int, ...]
    weight: float
    strong: bool
    needs_cue: bool
    caps: bool
    place: bool


_Trie = dict[str, "_Trie"]


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of words, factored as a trie so that failure is cheap; longest first."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        """The regex for the words below one trie node."""
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional tail: the longer form is tried first, the shorter one on backtrack.
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class Tagger:
    """Compiled surface forms of one gazetteer; call tag() on normalised text."""

    def __init__(self, gazetteer: Gazetteer, extra: list[dict[str, str]]) -> None:
        """Index every surface form of the old units plus the extra places and stop-phrases."""
        self._olds: list[Province] = gazetteer.provinces("old")
        self._new_names = [gazetteer.new_of(p).name for p in self._olds]
        index = {p.name: i for i, p in enumerate(self._olds)}
        self._surfaces: dict[str, _Surface] = {}
        for i, p in enumerate(self._olds):
            forms = [p.name, *(a for a in p.aliases if a not in _NOT_IN_TEXT)]
            forms += [a[0].lower() + a[1:] for a in p.aliases if a in _LOWER_FIRST]
            for form in forms:
                self._add(form, (i,), 1.0, place=False)
        for row in extra:
            olds = tuple(index[n] for n in row["province"].split("|") if n)
            self._add(row["surface"], olds, float(row["weight"]), place=True)
        pattern = _trie_regex(self._surfaces)
        self._regex = re.compile(f"(?:{pattern})(?!\\w)")

    def _add(self, form: str, olds: tuple[int, ...], weight: float, place: bool) -> None:
        """Register one surface form and its all-capitals twin (used in titles only)."""
        strong = bool(_PREFIXED.match(form))
        needs_cue = form in _NEEDS_CUE
        for text, caps in ((form, False), (form.upper(), True)):
            # All-capitals twins of acronyms ("TPHCM") are the acronyms themselves.
            if caps and text == form:
                continue
            known = self._surfaces.get(text)
            if known is not None and known.olds != olds:
                olds = tuple(sorted(set(known.olds) | set(olds)))
            self._surfaces[text] = _Surface(olds, weight, strong, needs_cue, caps, place)

    def _context(self, text: str, start: int, end: int, surface: _Surface) -> float:
        """Multiplier for one mention from the words around it; 0 rejects it."""
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            return 0.0
        if _AFTER_BLOCK.match(text, end):
            return 0.0
        before = text[max(0, start - 24) : start]
        glued = bool(before) and not before[-1].isspace()
        words = before.split()
        w1 = words[-1] if words else ""
        w2 = words[-2] if len(words) > 1 else ""
        l1 = w1.lower().lstrip("(\"'“")
        l2 = w2.lower().lstrip("(\"'“")
        if glued:
            # "(Quảng Ninh)", "TP.Huế": the token touching the name.
            if w1.endswith("(") and _PERSON_PAREN.search(text, max(0, start - 40), start):
                # "thủ môn Đặng Văn Lâm (Hải Phòng)": a player's club or a person's home province.
                return INCIDENTAL
            if w1.endswith("(") or l1.endswith(("tp.", "tp")):
                return STRONG * self._incidence(text, start, end)
            return 0.0 if surface.needs_cue else self._incidence(text, start, end)
        if not w1 or not w1[-1].isalnum() and w1[-1] != ".":
            # Sentence start or after punctuation ("Sơn La, Hòa Bình"): no modifier applies.
            factor = STRONG if surface.strong else 1.0
            if surface.needs_cue and not surface.strong:
                return 0.0
            return factor * self._incidence(text, start, end)
        if l1 in _STREET_BLOCK or (l1 == "phố" and l2 != "thành") or _DIGITS.fullmatch(l1):
            return 0.0
        if (l1 == "cầu" and l2 != "yêu") or (l2, l1) in _BIGRAM_BLOCK:
            return 0.0
        if surface.strong or l1 in _STRONG_PREV or (l2, l1) in _STRONG_BIGRAM:
            return STRONG * self._incidence(text, start, end)
        if surface.needs_cue:
            return 0.0
        if not surface.place and l1 in _ADMIN_BLOCK:
            return 0.0
        # A capitalised title after another capitalised word is part of a name ("Nhà thờ Đức Bà
        # Sài Gòn"), not a title ("bà Hà Giang", or "Bà Hà Giang" opening a sentence).
        in_name = w1.istitle() and w2[:1].isupper()
        if (l1 in _PERSON_PREV and not in_name) or (l2, l1) in _PERSON_BIGRAM or w1 in _NAME_PARTS:
            return 0.0
        if w1 in _CLUB_PREV or l1 == "đội":
            return CLUB
        return self._incidence(text, start, end)

    @staticmethod
    def _incidence(text: str, start: int, end: int) -> float:
        """Down-weight for residence, office titles and organisation names; 0 for addresses."""
        if _ADDRESS.search(text, max(0, start - 120), start):
            return 0.0
        if _RESIDENCE.search(text, max(0, start - 60), start):
            return INCIDENTAL
        if _ORG.search(text, max(0, start - 60), start):
            return ORG
        holder = _HOLDER.match(text, end)
        if holder is not None and holder.group(1) in _SURNAMES:
            return INCIDENTAL
        return 1.0

    def _scan(
        self, text: str, weight_of_field: float, is_body: bool, scores: dict[int, float]
    ) -> None:
        """Add every accepted mention in one field to scores (keyed by old-unit index)."""
        surfaces = self._surfaces
        found: list[tuple[int, int, tuple[int, ...], float]] = []
        prev_end = -1
        road = False
        for m in self._regex.finditer(text):
            surface = surfaces[m.group()]
            if not surface.olds or surface.weight == 0.0:
                continue
            if surface.caps and is_body:
                # Capitals in a body are bylines ("HÀ GIANG") and captions, not emphasis.
                continue
            factor = self._context(text, m.start(), m.end(), surface)
            if road and text[prev_end : m.start()].strip() in _DASHES:
                # The far end of a road name: "cao tốc Hà Nội – Hải Phòng".
                factor = 0.0
            elif factor == 0.0:
                road = _ROAD.search(text, max(0, m.start() - 12), m.start()) is not None
            else:
                road = False
            prev_end = m.end()
            if factor == 0.0:
                continue
            weight = weight_of_field
            if is_body and m.start() < LEAD_CHARS:
                weight = LEAD_WEIGHT
            found.append((m.start(), m.end(), surface.olds, weight * factor * surface.weight))
        last: dict[int, float] = {}
        for k, (_, _, olds, weight) in enumerate(found):
            near_prev = k > 0 and self._adjacent(text, found[k - 1], found[k])
            if is_body and (
                (near_prev and found[k - 1][2] != olds)
                or (
                    k + 1 < len(found)
                    and found[k + 1][2] != olds
                    and self._adjacent(text, found[k], found[k + 1])
                )
            ):
                # An item of an enumeration ("Sơn La, Hòa Bình, Lào Cai"): each counts for less.
                weight *= LIST
            current: dict[int, float] = {}
            for i in olds:
                prior = last.get(i, 0.0) if near_prev else 0.0
                # One locator named twice counts once, at its stronger weight.
                scores[i] = scores.get(i, 0.0) + max(weight - prior, 0.0)
                current[i] = max(weight, prior)
            last = current

    @staticmethod
    def _adjacent(
        text: str,
        first: tuple[int, int, tuple[int, ...], float],
        second: tuple[int, int, tuple[int, ...], float],
    ) -> bool:
        """True when only a separator stands between two mentions."""
        return (
            second[0] - first[1] <= LOCATOR_GAP
            and text[first[1] : second[0]].strip(" ,;()–-") in _JOINERS
        )

    def scores(self, title: str, sapo: str, body: str) -> dict[str, float]:
        """Score of every old unit mentioned acceptably, by official name (for inspection)."""
        head, rest = self._score(title, sapo, body)
        return {self._olds[i].name: rest.get(i, 0.0) + head.get(i, 0.0) for i in head.keys() | rest}

    def _score(self, title: str, sapo: str, body: str) -> tuple[dict[int, float], dict[int, float]]:
        """(title scores, sapo and body scores), keyed by old-unit index."""
        head: dict[int, float] = {}
        rest: dict[int, float] = {}
        if title:
            self._scan(title, TITLE_WEIGHT, False, head)
        if sapo:
            self._scan(sapo, SAPO_WEIGHT, False, rest)
        if body:
            self._scan(body, BODY_WEIGHT, True, rest)
        return head, rest

    def tag(self, title: str, sapo: str, body: str) -> tuple[list[str], list[str]]:
        """(new-unit names, old-unit names) the article is about, each sorted alphabetically."""
        head, rest = self._score(title, sapo, body)
        if not head and not rest:
            return [], []
        total = {i: head.get(i, 0.0) + rest.get(i, 0.0) for i in head.keys() | rest}
        best = max(total.values())
        chosen = [
            i
            for i, score in total.items()
            if score >= THRESHOLD and (head.get(i, 0.0) >= THRESHOLD or score >= RELATIVE * best)
        ]
        old = sorted({self._olds[i].name for i in chosen}, key=_order)
        new = sorted({self._new_names[i] for i in chosen}, key=_order)
        return new, old


def _order(name: str) -> tuple[str, str]:
    """Vietnamese-friendly sort key: 'Đà Nẵng' sorts among the D's, not after Z."""
    return fold(name), name


def _read_extra() -> list[dict[str, str]]:
    """Rows of the places and stop-phrases table shipped with the package."""
    source = resources.files("indexer").joinpath("data", "province_surfaces.csv")
    with source.open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def tagger() -> Tagger:
    """The process-wide tagger, compiled on first use (each worker process builds its own)."""
    return Tagger(Gazetteer.load(), _read_extra())


def tag(title: str, sapo: str, body: str) -> tuple[list[str], list[str]]:
    """(new 34-unit names, old 63-unit names) the normalize()d article is about, sorted."""
    return tagger().tag(title, sapo, body)
