"""Tag an article with the provinces it is about, in both eras (34 new units and 63 old ones).

One compiled regex finds every surface form (official names, aliases, well-known cities and
places, and stop-phrases such as "Thái Bình Dương") in the title, sapo and body; each hit is then
weighed by its field, its position and the words around it. The evidence is then judged per
province: a province named only in the body needs a locating cue or a second mention, one named
only in captions counts less, and minor provinces must reach a share of the main one. Provinces
are tagged in the old era and mapped to the new era through the 2025 merger, so the two lists
always agree.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..text.normalization import fold
from .gazetteer import Gazetteer, Province
from .salience import Features, Salience, Signal
from .units import Units, units

__all__ = ["tag", "Tagger", "Tagging", "Evidence"]

# Where a name appears says more than how often it appears.
TITLE_WEIGHT = 3.0
SAPO_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
BODY_WEIGHT = 1.0
LEAD_CHARS = 400
# A mention in the title or sapo reaches it; the body needs two plain mentions, or one strong one
# in the lead. A province named in the body only must also be named twice there, or once with a
# locating cue ("tại X", "Công an tỉnh X", "huyện Y (X)"): one passing mention is not the subject.
THRESHOLD = 2.0
# Provinces not named in the title must also reach this share of the best-scored one: a long
# article about Hà Nội that names three other provinces twice each is not about them.
RELATIVE = 0.4
# "tỉnh X", "TP X", "thành phố X", "(X)": the writer is locating something in X.
STRONG = 1.5
# Football clubs ("CLB Hà Nội") and companies name a province without being about it.
CLUB = 0.3
# Where a person lives ("trú tại ..., tỉnh X") and office titles followed by the holder's name
# ("Bí thư Thành ủy TP.HCM Nguyễn Thiện Nhân") are often incidental.
INCIDENTAL = 0.5
# Where a person comes from ("quê Hà Nam", "đến từ Hà Nội") is rarely where the news happens.
HOMETOWN = 0.25
# Companies and bodies named after a city ("Ngân hàng ... Sài Gòn Thương Tín", "Viện Pasteur
# TP.HCM") are not news about that city; local authorities ("Sở GD&ĐT Hà Nội") are.
ORG = 0.7
# A company's name locates less still ("Công ty CP Sữa Hà Nội lãi lớn" is about the company).
COMPANY = 0.5
# Universities and colleges named after a city ("ĐH Quốc gia Hà Nội", "Trường CĐ Cơ điện Hà Nội")
# recruit and report nationally: their name locates nothing, like a club's.
ACADEMIC = 0.3
# Two mentions this close that share a province are one locator ("TP Mỹ Tho, tỉnh Tiền Giang",
# "quận Đống Đa (Hà Nội)"): the stronger counts, not the sum.
LOCATOR_GAP = 12
# Body mentions in an enumeration of two provinces ("Sơn La, Hòa Bình"): each counts for less.
LIST = 0.5
# Three or more provinces in one enumeration are a statistic or a region ("Hà Nội, TP.HCM, Đà Nẵng
# và Cần Thơ"), in the sapo as in the body; a title enumerates what the article covers.
LONG_LIST = 0.25
# A province named only in photo captions, video blurbs and the closing byline line of the body
# illustrates the story rather than locating it.
CAPTION = 0.5
# The capital hosts national events and stands for the state ("giữa Moscow và Hà Nội"): in an
# article about the central government or diplomacy, Hà Nội named without any local body or
# place ("UBND TP Hà Nội", "quận Cầu Giấy") is a venue, not the subject.
CAPITAL = 0.5
CAPITAL_NAME = "Hà Nội"
# The city most often named in passing (prices, venues, companies' seats): a feature of its own.
LARGEST_CITY = "Hồ Chí Minh"

# Aliases that are fine in a search filter but ambiguous in running text: "HN"/"HP" are short,
# "Thành Nam" is a common personal name, bare "Hồ Chí Minh" is usually the president.
_NOT_IN_TEXT = {"HN", "HP", "Hue", "Thành Nam", "Ho Chi Minh"}
_NEEDS_CUE = {"Hồ Chí Minh"}
# Words, for the salience model's features.
_WORD = re.compile(r"\w+")
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
# "tuyến Quảng Ngãi - Đà Nẵng", "hướng Nha Trang - Đà Lạt" are routes and directions.
# "(giờ Hà Nội)" is a time zone.
_STREET_BLOCK = set("đường lộ ngõ hẻm ngách kiệt sông số đ. giờ".split())
# Distances and routes name the province without locating anything in it.
_ROUTE_BLOCK = set("tốc cách sắt tuyến hướng chặng".split())
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
    "Cường Bầu Hà Lã Thạch Cao Tống Khương Doãn Kim Nông Lò Hầu Sùng Giàng".split()
)
# Only real surnames announce an office holder after a name: "tỉnh Bắc Ninh Nguyễn Hương Giang".
_SURNAMES = _NAME_PARTS - {"Thái", "Văn", "Thị", "Hữu", "Đức", "Công", "Quốc", "Cường", "Bầu"}
# "Hà Nam, Trung Quốc" is Henan; "tính từ Quảng Trị trở vào" draws a boundary, not a location.
_AFTER_BLOCK = re.compile(r"\W{0,4}Trung Quốc|\s+trở\s+(?:ra|vào|lên|xuống)\b")
# Where a person lives or a company sits: "trú tại", "chỗ ở:", "(SN 1982, ở Long Biên, Hà Nội)",
# "Công ty Alibaba (trụ sở tại TP.HCM)".
_RESIDENCE = re.compile(
    r"(?<!nội )\b(?:trú|ngụ|sống (?:tại|ở)|hộ khẩu|chỗ ở|nơi ở|trụ sở (?:chính )?(?:tại|ở)|SN \d{4}\s*,\s*ở)\b"
    r"(?:[^.;()\n]|\.(?=\S))*$"
)
# "(Tuệ Minh, 42 tuổi, Đà Nẵng)" signs a reader's letter with where the reader lives.
_HOMETOWN = re.compile(r"\b(?:quê|nguyên quán|sinh ra|đến từ)\b(?:[^.;()\n]|\.(?=\S))*$|\btuổi\s*,\s*$")
# "Hà Tiên (tỉnh An Giang)", "Phú Quốc, tỉnh An Giang": a place then its post-merger province.
_NEW_LOCATOR = re.compile(r"\s*[,(]\s*(?:tỉnh|TP\.?|thành phố)?\s*")
_HOLDER = re.compile(r" (\w+) ")
# Contact blocks of advertorials: "Địa chỉ: 224 Trần Duy Hưng, Cầu Giấy, Hà Nội".
_ADDRESS = re.compile(
    r"(?:[Đđ]ịa chỉ|ĐC|Hotline|Trụ sở)\s*:[^\n]*$"
    # A street address ending in the province: "43 Nguyễn Chí Thanh, Ba Đình, Hà Nội".
    r"|(?<![\w/.,])\d+[A-Za-z]? [A-ZĐ]\w*(?: [A-ZĐ]\w*){0,4}(?:,| -| –)"
    r"(?: [^,;.:()\n]{2,30}(?:,| -| –)){0,3} $"
)
# Up to five name words between the kind of body and the province, then an optional "TP".
_NAME_TAIL = r"(?:\s+[^\s,.;:()]+){0,5}\s+(?:TP\.?\s?|Thành phố\s)?$"
# "ĐH Bách khoa Hà Nội" names a university after its city; "Trường ĐH Trà Vinh" is the province's
# own university, and "Bệnh viện Đại học Y Hà Nội" a hospital: those weigh as ORG.
_ACADEMIC = re.compile(
    r"(?<!\w)(?<!Bệnh viện )(?<!bệnh viện )(?<!BV )"
    r"(?:Đại học|đại học|ĐH|Học viện|học viện|Cao đẳng|cao đẳng|CĐ)"
    r"(?:\s+[^\s,.;:()]+){1,5}\s+(?:TP\.?\s?|Thành phố\s)?$"
)
# "tại Trường ĐH Nha Trang", "trên sân Trường ĐH Đồng Tháp": the university locates the event.
_AT_ACADEMIC = re.compile(
    r"(?:tại|ở|sân)\s+(?:[Tt]rường\s+)?"
    r"(?:Đại học|đại học|ĐH|Học viện|học viện|Cao đẳng|cao đẳng|CĐ)\s"
)
_COMPANY = re.compile(r"(?:[Nn]gân hàng|[Cc]ông ty|[Tt]ập đoàn|[Tt]ổng công ty|CTCP|Bia)" + _NAME_TAIL)
_ORG = re.compile(
    r"(?:Viện|NXB|Nhà xuất bản|[Nn]gân hàng|[Cc]ông ty|[Tt]ập đoàn|[Tt]ổng công ty|CTCP"
    r"|Hiệp hội|Quỹ|Báo|Đài|Nhà hát|Trường|Bia|Cảng vụ)" + _NAME_TAIL
)
# "P.Hoàng Liệt (Hà Nội)" is a ward, not a person: the surname must start a word.
_PERSON_PAREN = re.compile(r"(?<![\w.])(?:" + "|".join(sorted(_SURNAMES)) + r")(?: [A-ZĐ]\w*){1,3} \($")
# Roads, railways and air routes name their ends: "đường sắt Lào Cai - Hà Nội - Hải Phòng".
_ROAD = re.compile(r"(?:tốc|lộ|đường|tuyến|sắt|bay|hướng|chặng)\s+(?:TP\.?\s?)?$", re.IGNORECASE)
_DASHES = {"-", "–", "—"}
_JOINERS = {"", "và", "hay", "hoặc", "tỉnh", "TP", "TP.", "thành phố", "tới", "đến"}
# Words that locate what follows in the province rather than merely naming it: a preposition of
# place, a local authority ("Công an tỉnh X", "UBND TP X", "Sở Y tế X"), a parenthesised locator
# ("huyện Trảng Bom (tỉnh Đồng Nai)") or the last link of an address chain ("huyện Thạch Thất, Hà
# Nội").
_PREFIX = r"(?:(?:tỉnh|TP\.?|Tp\.?|thành phố|Thành phố|thủ đô|Thủ đô)\s*)?"
_CUE = re.compile(
    r"(?:(?<!\w)(?:tại|Tại|ở|Ở|địa bàn|sân)(?:\s+[^\s,.;:()]+){0,2}\s+"
    r"|(?<!\w)(?:UBND|HĐND|Ủy ban nhân dân|Công an|CA|Sở|Tỉnh ủy|Thành ủy|TAND|VKSND|Viện KSND"
    r"|Bộ Chỉ huy|Ban Chỉ đạo|Ban chỉ đạo|Cục Thuế|Chi cục|Bộ đội Biên phòng|[Cc]ảnh sát"
    r"|[Cc]ơ quan (?:điều tra|CSĐT|chức năng)|[Ll]ực lượng chức năng|[Cc]hính quyền"
    r"|[Bb]ệnh viện|BV|Trung tâm Y tế)(?:\s+[^\s,.;:()]+){0,5}\s+"
    r"|\(\s*"
    r"|(?<!\w)(?:xã|huyện|quận|phường|thị xã|thị trấn|TP\.?|thành phố|TX\.?|P\.|Q\.|H\.|đường|phố"
    r"|[Bb]ệnh viện|BV|Trường|[Cc]hợ|KCN|[Kk]hu công nghiệp|[Cc]ông ty|[Nn]hà máy|[Ss]ân bay"
    r"|[Nn]hà hát|[Kk]hách sạn|[Bb]ảo tàng|[Cc]ông viên|[Tt]rung tâm)\s*[A-ZĐ0-9]"
    r"[^,;()\n]{0,30},\s*)" + _PREFIX + "$"
)
# Football and league vocabulary: in such an article a bare province name is a club, and only the
# venue ("tại", "ở", "sân X", "(X)") locates anything.
_SPORTS = re.compile(
    r"V-League|V\.League|CLB|HLV|đội bóng|cầu thủ|bàn thắng|vòng đấu|bảng xếp hạng|hạng Nhất"
    r"|đội khách|chủ nhà|tiền đạo|thủ môn|trận đấu|sân nhà|bán kết|tứ kết"
)
_SPORTS_SPAN = 2000
_VENUE_PREV = {"tại", "ở", "sân", "svđ"}
# Photo captions and video blurbs: a line that credits a photo or opens on a video.
_CAPTION = re.compile(r"\(Ảnh|Ảnh:|Ảnh minh họa|Nguồn ảnh|^\s*(?:Video|Clip|Xem)\b")
# In a flattened body a caption is a sentence followed by its credit: "... Bến Tre. Ảnh: TTXVN".
_CREDIT = re.compile(r"\(Ảnh|Ảnh:|Ảnh minh họa|Nguồn ảnh")
_CAPTION_LINE = 300
_CAPTION_SPAN = 240
# Central government, diplomacy and national events; two different ones make an article national.
_NATIONAL = re.compile(
    r"Thủ tướng|Chủ tịch nước|Tổng Bí thư|Quốc hội|Bộ Chính trị|Chính phủ|[Nn]goại giao|Đại sứ"
    r"|Tổng thống|thượng đỉnh|Trung ương|[Hh]ội nghị|quốc gia|quốc tế|Bộ trưởng|Liên hợp quốc"
    r"|ASEAN|APEC|Ngoại trưởng|Bộ Công an|Bộ Quốc phòng"
)
# What makes a mention of the capital local: its own bodies, people or districts just before it.
_LOCAL = re.compile(
    r"(?<!\w)(?:UBND|HĐND|Ủy ban nhân dân|Công an|CA|Sở|Thành ủy|TAND|VKSND|Chủ tịch|lãnh đạo"
    r"|[Cc]ơ quan chức năng|[Ll]ực lượng chức năng|[Cc]hính quyền|[Nn]gười dân|[Hh]ọc sinh|[Tt]rên"
    r" địa bàn)(?:\s+[^\s,.;:()]+){0,5}\s+(?:TP\.?\s*|thành phố\s+)?$"
    r"|(?<!\w)(?:xã|huyện|quận|phường|thị xã|thị trấn|P\.|Q\.|H\.)\s*[A-ZĐ0-9][^,;()\n]{0,30}"
    r"[,(]\s*(?:TP\.?\s*|thành phố\s+)?$"
)
# District-level units are named with their kind: "huyện Mê Linh", "TP Thủ Đức", "thị xã Sơn Tây".
_DISTRICT_PREFIXES = (
    "huyện ",
    "Huyện ",
    "quận ",
    "Quận ",
    "thị xã ",
    "Thị xã ",
    "TP ",
    "TP.",
    "TP. ",
    "thành phố ",
    "Thành phố ",
)
_KIND_PREFIXES = {
    "Huyện": {"huyện"},
    "Quận": {"quận"},
    "Thị xã": {"thị xã"},
    "Thành phố": {"tp", "thành phố"},
}
# A post-merger ward or commune just before its province: "xã Ba Tri, tỉnh Vĩnh Long",
# "phường Quy Nhơn Nam (Gia Lai)".
_WARD_BEFORE = re.compile(
    r"(?<!\w)(?:xã|phường|đặc khu|Xã|Phường|Đặc khu)\s+([A-ZĐ0-9][^\s,;.()]*(?:\s[A-ZĐ0-9][^\s,;.()]*){0,3})"
    r"\s*[,(]\s*(?:tỉnh|TP\.?|thành phố|Tỉnh|Thành phố)?\s*$"
)
# "tỉnh Đắk Lắk (Phú Yên cũ)": the old unit is named with "cũ" after it.
_FORMER = re.compile(r"\s*\(?\s*cũ\b")
# The body's last line is a byline or a "related video" blurb when it is this short.
_TRAILER_CHARS = 100
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
    # A stadium ("sân Lạch Tray"): the venue of a match, never a club.
    venue: bool


@dataclass(slots=True)
class _Evidence:
    """What one article says about one old unit, field by field."""

    title: float = 0.0
    sapo: float = 0.0
    body: float = 0.0
    # Distinct body locators (a name and its parenthesised province count once).
    mentions: int = 0
    # A body mention locates something in the unit ("tại X", "Công an tỉnh X", "(X)").
    cue: bool = False
    # A body mention stands outside captions and the closing line.
    prose: bool = False
    # A mention is followed by "cũ": the article names the old unit in the new era.
    former: bool = False
    # A mention of the capital names a local body, person or district (see CAPITAL).
    local: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one article says about one old unit, as a reader can check it: the score by field."""

    province: str  # the new unit it lies in
    province_old: str
    about: bool
    score: float
    title: float
    sapo: float
    body: float
    # Distinct body mentions, whether one locates something there ("tại X", "UBND tỉnh X"), and
    # whether the body names it only in captions and the closing line.
    mentions: int
    cue: bool
    captions_only: bool
    # The salience model's probability that the article is about it, and what weighed most.
    probability: float = 0.0
    signals: tuple[Signal, ...] = ()


@dataclass(frozen=True, slots=True)
class Tagging:
    """The provinces an article is about and those it mentions (a superset), in both eras."""

    about: tuple[str, ...]
    about_old: tuple[str, ...]
    mentioned: tuple[str, ...]
    mentioned_old: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class _Found:
    """What one pass over an article found: evidence per old unit mentioned acceptably, the old
    units it names at all, and the words around each unit's forms."""

    evidence: dict[int, _Evidence]
    named: set[int]
    contexts: dict[int, set[str]]


# One accepted mention: start, end, old units, weight, locating cue, caption, former, local.
_Mention = tuple[int, int, tuple[int, ...], float, bool, bool, bool, bool]


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

    def __init__(
        self,
        gazetteer: Gazetteer,
        extra: list[dict[str, str]],
        below: Units | None = None,
        salience: Salience | None = None,
    ) -> None:
        """Index every surface form of the old units, their districts (below), the extra places and
        stop-phrases; with a salience model, "about" is its decision rather than the score rules'."""
        self.salience = salience
        self._olds: list[Province] = gazetteer.provinces("old")
        self._new_names = [gazetteer.new_of(p).name for p in self._olds]
        index = {p.name: i for i, p in enumerate(self._olds)}
        self._capital = index[CAPITAL_NAME]
        self._largest = index[LARGEST_CITY]
        # The old unit that shares its name with the new unit it merged into, when there is one:
        # "Đắk Lắk" in a post-merger text is that unit unless the text says which old part.
        self._namesake = {i: index.get(self._new_names[i], i) for i in range(len(self._olds))}
        self._surfaces: dict[str, _Surface] = {}
        for i, p in enumerate(self._olds):
            forms = [p.name, *(a for a in p.aliases if a not in _NOT_IN_TEXT)]
            forms += [a[0].lower() + a[1:] for a in p.aliases if a in _LOWER_FIRST]
            for form in forms:
                self._add(form, (i,), 1.0, place=False)
        for row in extra:
            olds = tuple(index[n] for n in row["province"].split("|") if n)
            self._add(row["surface"], olds, float(row["weight"]), place=True)
        self._ward_origins: dict[tuple[str, str], tuple[int, ...]] = {}
        if below is not None:
            provinces = {p.name.lower() for p in self._olds}
            for d in below.districts:
                if d.name.lower() in provinces:
                    continue
                for prefix in _DISTRICT_PREFIXES:
                    # Its own kind, and "huyện" for every kind: a district that became a town or a
                    # city is still written "huyện X" in older articles.
                    if prefix.strip(" .").lower() in _KIND_PREFIXES[d.kind] or prefix.lower().startswith("huyện"):
                        self._add(prefix + d.name, (index[d.province_old],), 1.0, place=True)
                # A bare name of three syllables or more ("Hoàng Su Phì") is rarely anything else;
                # shorter ones are often given names ("Đức Linh", "Gia Bình") and need the prefix.
                if len(d.name.split()) >= 3 and d.name not in self._surfaces:
                    self._add(d.name, (index[d.province_old],), 1.0, place=True)
            self._ward_origins = {key: tuple(index[n] for n in olds) for key, olds in below.ward_origins.items()}
        pattern = _trie_regex(self._surfaces)
        self._regex = re.compile(f"(?:{pattern})(?!\\w)")

    def _add(self, form: str, olds: tuple[int, ...], weight: float, place: bool) -> None:
        """Register one surface form and its all-capitals twin (used in titles only)."""
        strong = bool(_PREFIXED.match(form))
        needs_cue = form in _NEEDS_CUE
        venue = form.lower().startswith(("sân ", "svđ "))
        for text, caps in ((form, False), (form.upper(), True)):
            # All-capitals twins of acronyms ("TPHCM") are the acronyms themselves.
            if caps and text == form:
                continue
            known = self._surfaces.get(text)
            if known is not None and known.olds != olds:
                olds = tuple(sorted(set(known.olds) | set(olds)))
            self._surfaces[text] = _Surface(olds, weight, strong, needs_cue, caps, place, venue)

    def _context(self, text: str, start: int, end: int, surface: _Surface, sports: bool) -> tuple[float, bool]:
        """(multiplier, named) for one mention from the words around it.

        The multiplier weighs the mention as evidence of what the article is about (0 rejects
        it); named says whether the text names the province at all (a route's end, an address or
        a hometown does; a club, a company, a street, a person or the Pacific does not).
        """
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            return 0.0, False
        after = _AFTER_BLOCK.match(text, end)
        if after:
            # "Hà Nam, Trung Quốc" is Henan; "từ Quảng Trị trở vào" names the province as a bound.
            return 0.0, "Trung Quốc" not in after.group()
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
                return INCIDENTAL, True
            if w1.endswith("("):
                return self._weighed(STRONG, text, start, end)
            if l1.endswith(("tp.", "tp")):
                return self._weighed(STRONG, text, start, end, self._sport(sports, l2, True))
            if surface.needs_cue:
                return 0.0, False
            return self._weighed(1.0, text, start, end)
        if not w1 or not w1[-1].isalnum() and w1[-1] != ".":
            # Sentence start or after punctuation ("Sơn La, Hòa Bình"): no modifier applies.
            factor = STRONG if surface.strong else 1.0
            if surface.needs_cue and not surface.strong:
                return 0.0, False
            prev = "sân" if surface.venue else ""
            return self._weighed(factor, text, start, end, self._sport(sports, prev, False))
        if l1 in _ROUTE_BLOCK:
            # "cách Hà Nội 180 km", "cao tốc TP HCM – Trung Lương": named as a distance or a route.
            return 0.0, True
        if l1 in _STREET_BLOCK or (l1 == "phố" and l2 != "thành") or _DIGITS.fullmatch(l1):
            return 0.0, False
        if (l1 == "cầu" and l2 != "yêu") or (l2, l1) in _BIGRAM_BLOCK:
            return 0.0, False
        if surface.strong or l1 in _STRONG_PREV or (l2, l1) in _STRONG_BIGRAM:
            # "tại TP.HCM", "sân Thanh Hóa": the venue; "CLB TP.HCM", "Becamex TP.HCM": the club;
            # "tỉnh Hải Dương", "thành phố Huế": never a club.
            if l1 == "tỉnh" or (l2, l1) == ("thành", "phố"):
                return self._weighed(STRONG, text, start, end)
            prev = l2 if l1 in _STRONG_PREV else l1
            return self._weighed(STRONG, text, start, end, self._sport(sports, prev, True))
        if surface.needs_cue:
            return 0.0, False
        if not surface.place and l1 in _ADMIN_BLOCK:
            return 0.0, False
        # A capitalised title after another capitalised word is part of a name ("Nhà thờ Đức Bà
        # Sài Gòn"), not a title ("bà Hà Giang", or "Bà Hà Giang" opening a sentence).
        in_name = w1.istitle() and w2[:1].isupper()
        if (l1 in _PERSON_PREV and not in_name) or (l2, l1) in _PERSON_BIGRAM or w1 in _NAME_PARTS:
            return 0.0, False
        if w1 in _CLUB_PREV or l1 == "đội":
            return CLUB, False
        prev = "sân" if surface.venue else l1
        return self._weighed(1.0, text, start, end, self._sport(sports, prev, False))

    def _weighed(self, factor: float, text: str, start: int, end: int, sport: float = 1.0) -> tuple[float, bool]:
        """A mention's factor times its incidence and sport factors; a club's name names nothing."""
        incidence, named = self._incidence(text, start, end)
        if incidence < 1.0:
            # "Đài PT-TH TP.HCM", "trú tại xã A, tỉnh X": a prefix makes a name or an address no
            # more the article's place.
            factor = min(factor, 1.0)
        return factor * incidence * sport, named and sport != CLUB

    @staticmethod
    def _sport(sports: bool, prev: str, strong: bool) -> float:
        """In a football article, CLUB for a bare name and STRONG for the venue; else 1."""
        if not sports:
            return 1.0
        if prev in _VENUE_PREV:
            # "trên sân Nha Trang", "tại Thanh Hóa": the one place a match report locates.
            return 1.0 if strong else STRONG
        return CLUB

    @staticmethod
    def _incidence(text: str, start: int, end: int) -> tuple[float, bool]:
        """(down-weight, named) for residence, origin, office titles and names; 0 for addresses."""
        if _ADDRESS.search(text, max(0, start - 120), start):
            return 0.0, True
        lo = max(0, start - 60)
        if _HOMETOWN.search(text, lo, start):
            return HOMETOWN, True
        if _RESIDENCE.search(text, lo, start):
            return INCIDENTAL, True
        if _ACADEMIC.search(text, lo, start):
            return (ORG if _AT_ACADEMIC.search(text, lo, start) else ACADEMIC), True
        if _ORG.search(text, lo, start):
            # A company's name ("Công ty ... Hà Nội") names no place; an institution's does.
            if _COMPANY.search(text, lo, start):
                return COMPANY, False
            return ORG, True
        holder = _HOLDER.match(text, end)
        if holder is not None and holder.group(1) in _SURNAMES:
            return INCIDENTAL, True
        return 1.0, True

    @staticmethod
    def _cue(text: str, start: int) -> bool:
        """True when the words just before a mention locate something in the province."""
        return _CUE.search(text, max(0, start - 64), start) is not None

    @staticmethod
    def _local(text: str, start: int, form: str, surface: _Surface) -> bool:
        """True when a mention of the capital names the city itself, not the seat of the state."""
        if surface.place or form.startswith(("TP", "Tp", "Thành phố", "THÀNH PHỐ")):
            return True
        return _LOCAL.search(text, max(0, start - 64), start) is not None

    @staticmethod
    def _caption(text: str, start: int, end: int) -> bool:
        """True when a body mention sits in a photo caption, a video blurb or the closing line."""
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if line_end < 0:
            if len(text) - line_start <= _TRAILER_CHARS:
                # The last line: a byline ("Hoàng Quy/VOV-Đông Bắc") or a related-video blurb.
                return True
            line_end = len(text)
        if line_end - line_start <= _CAPTION_LINE:
            return _CAPTION.search(text, line_start, line_end) is not None
        # A flattened body is one long line: look for a credit closing the mention's sentence.
        stop = text.find(". ", end, end + _CAPTION_SPAN)
        limit = stop + 16 if stop >= 0 else end + _CAPTION_SPAN
        return _CREDIT.search(text, end, min(limit, line_end)) is not None

    def _scan(
        self,
        text: str,
        field: int,
        sports: bool,
        evidence: dict[int, _Evidence],
        named: set[int],
        contexts: dict[int, set[str]],
    ) -> None:
        """Add every accepted mention in one field (0 title, 1 sapo, 2 body) to evidence, every
        old unit the field names at all to named, and the words around every form of a unit,
        accepted or not, to contexts (the salience model's reading of how it is named)."""
        surfaces = self._surfaces
        is_body = field == 2
        weight_of_field = (TITLE_WEIGHT, SAPO_WEIGHT, BODY_WEIGHT)[field]
        found: list[_Mention] = []
        prev_end = -1
        prev_place = False
        road = False
        for m in self._regex.finditer(text):
            surface = surfaces[m.group()]
            if not surface.olds or surface.weight == 0.0:
                continue
            words = _context_words(text, m.start(), m.end(), field)
            for i in surface.olds:
                contexts.setdefault(i, set()).update(words)
            if surface.caps and is_body:
                # Capitals in a body are bylines ("HÀ GIANG") and captions, not emphasis.
                continue
            start, end = m.start(), m.end()
            factor, names = self._context(text, start, end, surface, sports)
            if road and text[prev_end:start].strip() in _DASHES:
                # The far end of a road name: "cao tốc Hà Nội – Hải Phòng".
                factor, names = 0.0, True
            elif factor == 0.0:
                road = _ROAD.search(text, max(0, start - 12), start) is not None
            else:
                road = False
            prev_end = end
            if factor == 0.0:
                if names:
                    named.update(surface.olds)
                continue
            weight = weight_of_field
            cue = caption = False
            if is_body:
                if start < LEAD_CHARS:
                    weight = LEAD_WEIGHT
                cue = self._cue(text, start)
                caption = self._caption(text, start, end)
            former = _FORMER.match(text, end) is not None
            local = self._capital in surface.olds and self._local(text, start, m.group(), surface)
            weight *= factor * surface.weight
            olds = surface.olds
            if prev_place and found:
                olds = self._renamed(text, found[-1], start, olds)
            olds = self._ward_origin(text, start, olds)
            if names:
                named.update(olds)
            found.append((start, end, olds, weight, cue, caption, former, local))
            prev_place = surface.place
        if not found:
            return
        listed = self._enumerated(text, found) if field else [1.0] * len(found)
        last: dict[int, float] = {}
        for k, (_, _, olds, weight, cue, caption, former, local) in enumerate(found):
            near_prev = k > 0 and self._adjacent(text, found[k - 1], found[k])
            weight *= listed[k] if is_body or listed[k] == LONG_LIST else 1.0
            current: dict[int, float] = {}
            for i in olds:
                prior = last.get(i, 0.0) if near_prev else 0.0
                ev = evidence.get(i)
                if ev is None:
                    ev = evidence[i] = _Evidence()
                # One locator named twice counts once, at its stronger weight.
                gain = max(weight - prior, 0.0)
                if field == 0:
                    ev.title += gain
                elif field == 1:
                    ev.sapo += gain
                else:
                    ev.body += gain
                    if not (near_prev and i in last):
                        ev.mentions += 1
                    ev.cue = ev.cue or cue
                    ev.prose = ev.prose or not caption
                ev.former = ev.former or former
                ev.local = ev.local or local
                current[i] = max(weight, prior)
            last = current

    def _renamed(self, text: str, place: _Mention, start: int, olds: tuple[int, ...]) -> tuple[int, ...]:
        """The old units of a mention that follows a place as its post-merger province."""
        if len(olds) != 1 or len(place[2]) != 1:
            return olds
        old, new = place[2][0], olds[0]
        if old == new or self._namesake[new] != new or self._new_names[old] != self._new_names[new]:
            return olds
        if _NEW_LOCATOR.fullmatch(text, place[1], start) is None:
            return olds
        # "Hà Tiên (tỉnh An Giang)" names post-merger An Giang, whose old part here is Kiên Giang.
        return place[2]

    def _ward_origin(self, text: str, start: int, olds: tuple[int, ...]) -> tuple[int, ...]:
        """The old units of a province named after a post-merger ward or commune of it.

        "xã Ba Tri, tỉnh Vĩnh Long": Ba Tri was formed from wards of old Bến Tre, so the old unit
        is Bến Tre, not Vĩnh Long. A ward that kept its old province (its sources include it)
        changes nothing, which also leaves pre-merger texts alone.
        """
        if len(olds) != 1 or not self._ward_origins:
            return olds
        ward = _WARD_BEFORE.search(text, max(0, start - 64), start)
        if ward is None:
            return olds
        origins = self._ward_origins.get((self._new_names[olds[0]], ward.group(1)))
        if not origins or olds[0] in origins:
            return olds
        return origins

    def _enumerated(self, text: str, found: list[_Mention]) -> list[float]:
        """Per mention, the weight factor of the enumeration of provinces it belongs to."""
        factors = [1.0] * len(found)
        run_start = 0
        for k in range(1, len(found) + 1):
            if k < len(found) and self._adjacent(text, found[k - 1], found[k]):
                continue
            # found[run_start:k] are joined by separators only; name them by their units.
            units = {olds for _, _, olds, *_ in found[run_start:k]}
            if len(units) > 1:
                factor = LIST if len(units) == 2 else LONG_LIST
                factors[run_start:k] = [factor] * (k - run_start)
            run_start = k
        return factors

    @staticmethod
    def _adjacent(text: str, first: _Mention, second: _Mention) -> bool:
        """True when only a separator stands between two mentions."""
        return second[0] - first[1] <= LOCATOR_GAP and text[first[1] : second[0]].strip(" ,;()–-") in _JOINERS

    def _evidence(self, title: str, sapo: str, body: str) -> _Found:
        """Evidence for every old unit mentioned acceptably, keyed by old-unit index, the old
        units the text names at all, and the words around each unit's forms."""
        evidence: dict[int, _Evidence] = {}
        named: set[int] = set()
        contexts: dict[int, set[str]] = {}
        head = f"{title}\n{sapo}\n{body[:_SPORTS_SPAN]}"
        sports = len(set(_SPORTS.findall(head))) >= 2
        for field, text in enumerate((title, sapo, body)):
            if text:
                self._scan(text, field, sports, evidence, named, contexts)
        for i in [i for i, ev in evidence.items() if ev.former]:
            # "Đắk Lắk (Phú Yên cũ)": the new unit's namesake is that old part, not the old unit.
            j = self._namesake[i]
            if j != i and j in evidence and not evidence[j].former:
                self._merge(evidence[i], evidence.pop(j))
                named.discard(j)
                named.add(i)
        capital = evidence.get(self._capital)
        if capital is not None and not capital.local and len(set(_NATIONAL.findall(head))) >= 2:
            capital.title *= CAPITAL
            capital.sapo *= CAPITAL
            capital.body *= CAPITAL
        return _Found(evidence, named, contexts)

    @staticmethod
    def _merge(into: _Evidence, other: _Evidence) -> None:
        """Add the evidence for one unit to another's."""
        into.title += other.title
        into.sapo += other.sapo
        into.body += other.body
        into.mentions += other.mentions
        into.cue = into.cue or other.cue
        into.prose = into.prose or other.prose
        into.local = into.local or other.local

    @staticmethod
    def _score(ev: _Evidence) -> float:
        """One unit's total score, its body part discounted when it stands only in captions."""
        head = ev.title + ev.sapo
        if not head and not ev.prose:
            return ev.body * CAPTION
        return head + ev.body

    @staticmethod
    def _eligible(ev: _Evidence) -> bool:
        """False for a unit named in the body only, once, with no locating cue."""
        return bool(ev.title or ev.sapo or ev.mentions > 1 or ev.cue)

    def scores(self, title: str, sapo: str, body: str) -> dict[str, float]:
        """Score of every old unit mentioned acceptably, by official name (for inspection)."""
        evidence = self._evidence(title, sapo, body).evidence
        return {self._olds[i].name: self._score(ev) for i, ev in evidence.items()}

    def features(self, title: str, sapo: str, body: str) -> dict[str, Features]:
        """The salience model's features of every old unit mentioned acceptably, by official name."""
        article, found = self._features(title, sapo, body, self._evidence(title, sapo, body))
        return {self._olds[i].name: article | f for i, f in found.items()}

    def _features(self, title: str, sapo: str, body: str, scan: _Found) -> tuple[Features, dict[int, Features]]:
        """The article's features (its title's and sapo's words, how many units it names), and
        per unit with evidence its own: the rules' evidence and verdict, its rank among the units
        and the words around its mentions."""
        evidence, contexts = scan.evidence, scan.contexts
        ruled = self._ruled(evidence)
        scores = {i: self._score(ev) for i, ev in evidence.items()}
        best = max(scores.values(), default=0.0)
        article: Features = {"candidates": math.log1p(len(evidence)), "named": math.log1p(len(scan.named))}
        if body:
            article |= {"has_body": 1.0, "body_length": math.log1p(len(body)) / 10}
        for prefix, text in (("T:", title), ("S:", sapo)):
            article |= {prefix + w: 1.0 for w in _WORD.findall(text.lower())}
        found: dict[int, Features] = {}
        for i, ev in evidence.items():
            score = scores[i]
            # Units of equal score share a rank: a tie says nothing about which one is the place.
            rank = sum(other > score for other in scores.values())
            f = {
                "title": math.log1p(ev.title),
                "sapo": math.log1p(ev.sapo),
                "body": math.log1p(ev.body),
                "score": math.log1p(score),
                "mentions": min(ev.mentions, 10) / 10,
                "share": score / best if best else 0.0,
                "rank": rank / len(scores),
            }
            flags = {
                "cue": ev.cue,
                "captions_only": bool(ev.body) and not ev.prose,
                "former": ev.former,
                "local": ev.local,
                "eligible": self._eligible(ev),
                "top": rank == 0,
                "rules": i in ruled,
                "in_title": ev.title > 0,
                "in_sapo": ev.sapo > 0,
                "capital": i == self._capital,
                "largest_city": i == self._largest,
            }
            f |= {name: 1.0 for name, on in flags.items() if on}
            f |= {word: 1.0 for word in contexts.get(i, ())}
            found[i] = f
        return article, found

    def _ruled(self, evidence: dict[int, _Evidence]) -> set[int]:
        """The old units the score rules make the article about."""
        total = {i: self._score(ev) for i, ev in evidence.items() if self._eligible(ev)}
        if not total:
            return set()
        best = max(total.values())
        return {
            i
            for i, score in total.items()
            if score >= THRESHOLD and (evidence[i].title >= THRESHOLD or score >= RELATIVE * best)
        }

    def read(self, title: str, sapo: str, body: str, explain: bool = False) -> Tagging:
        """What the normalize()d article is about and what it mentions, in both eras, with the
        evidence (and, with explain, the salience model's strongest signals per province)."""
        scan = self._evidence(title, sapo, body)
        evidence, named = scan.evidence, scan.named
        model = self.salience
        if model is not None:
            article, found = self._features(title, sapo, body, scan)
            # The article's own features weigh the same for every unit: weighed once.
            base = model.logit(article)
            probabilities = {i: model.logistic(base + model.weigh(f)) for i, f in found.items()}
            chosen = {i for i, p in probabilities.items() if p >= model.threshold}
        else:
            chosen = self._ruled(evidence)
        named |= chosen
        shown = []
        for i, ev in evidence.items():
            judged: dict[str, Any] = {}
            if model is not None:
                judged["probability"] = round(probabilities[i], 3)
                if explain:
                    judged["signals"] = model.signals(article | found[i])
            shown.append(
                Evidence(
                    province=self._new_names[i],
                    province_old=self._olds[i].name,
                    about=i in chosen,
                    score=round(self._score(ev), 2),
                    title=round(ev.title, 2),
                    sapo=round(ev.sapo, 2),
                    body=round(ev.body, 2),
                    mentions=ev.mentions,
                    cue=ev.cue,
                    captions_only=bool(ev.body) and not ev.prose,
                    **judged,
                )
            )
        shown.sort(key=lambda e: (not e.about, -e.score, _order(e.province_old)))
        return Tagging(
            about=self._names(chosen, new=True),
            about_old=self._names(chosen, new=False),
            mentioned=self._names(named, new=True),
            mentioned_old=self._names(named, new=False),
            evidence=tuple(shown),
        )

    def _names(self, units: set[int], new: bool) -> tuple[str, ...]:
        """The units' names in one era, deduplicated and sorted."""
        names = {self._new_names[i] if new else self._olds[i].name for i in units}
        return tuple(sorted(names, key=_order))

    def tag(self, title: str, sapo: str, body: str) -> tuple[list[str], list[str]]:
        """(new-unit names, old-unit names) the article is about, each sorted alphabetically."""
        reading = self.read(title, sapo, body)
        return list(reading.about), list(reading.about_old)


def _context_words(text: str, start: int, end: int, field: int) -> set[str]:
    """The words around one mention as features: the three before (by distance, and as a bag),
    the last two before as a pair, the two after, and the field it stands in."""
    before = _WORD.findall(text[max(0, start - 40) : start].lower())[-3:]
    after = _WORD.findall(text[end : end + 25].lower())[:2]
    words = {f"field:{'tsb'[field]}"}
    for k, w in enumerate(reversed(before)):
        words |= {f"b{k}:{w}", f"B:{w}"}
    if before:
        words.add("bb:" + " ".join(before[-2:]))
    words |= {f"a{k}:{w}" for k, w in enumerate(after)}
    return words


def _order(name: str) -> tuple[str, str]:
    """Vietnamese-friendly sort key: 'Đà Nẵng' sorts among the D's, not after Z."""
    return fold(name), name


def _read_extra() -> list[dict[str, str]]:
    """Rows of the places and stop-phrases table shipped with the package."""
    source = resources.files("indexer.geo").joinpath("data", "province_surfaces.csv")
    with source.open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def tagger() -> Tagger:
    """The process-wide tagger, compiled on first use (each worker process builds its own)."""
    return Tagger(Gazetteer.load(), _read_extra(), units(), Salience.shipped())


def tag(title: str, sapo: str, body: str) -> tuple[list[str], list[str]]:
    """(new 34-unit names, old 63-unit names) the normalize()d article is about, sorted."""
    return tagger().tag(title, sapo, body)
