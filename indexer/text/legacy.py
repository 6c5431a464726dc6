"""Repair Vietnamese typed in legacy 8-bit encodings (TCVN3/ABC, VNI-Windows) and read as cp1252.

Before Unicode, Vietnamese was typed with font-specific 8-bit encodings. When such a file is opened
as Windows-1252 (or Latin-1) and saved as Unicode, each byte becomes the Latin-1 character with
the same number: TCVN3 "Việt Nam" turns into "ViÖt Nam", VNI "Hà Nội" into "Haø Noäi". Every
Vietnamese byte of both encodings lies in 0xA1-0xFF, where cp1252 and Latin-1 agree, so the
characters give the bytes back and converting needs only the published charts.

Call repair() on raw text, before indexer.text.clean(): TCVN3 stores "ư" as byte 0xAD, which
reads as a soft hyphen, and clean() deletes soft hyphens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final, Literal

__all__ = [
    "Encoding",
    "LegacyEncodingError",
    "detect",
    "convert",
    "repair",
    "is_syllable",
]

Encoding = Literal["tcvn3", "vni"]


class LegacyEncodingError(ValueError):
    """Text that looks like legacy-encoded Vietnamese but cannot be converted with confidence."""


# ---------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993, the VN3 repertoire used by the ABC fonts .VnTime, .VnArial, ...)
#
# One byte per letter. VN3 has the lowercase letters with tone marks and the seven capitals
# Ă Â Ê Ô Ơ Ư Đ; capitals with a tone mark were drawn by separate "H" fonts (.VnTimeH) from the
# lowercase codes, so the bytes cannot tell "Á" from "á". Keys are byte values, which are also the
# code points of the characters a cp1252 or Latin-1 reading produces, as str.translate wants.
_TCVN3: Final[dict[int, str]] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
# Bytes 0xA1-0xDE read as symbols (µ ¸ « ®) or as capitals inside lowercase words (ViÖt): no
# real European word looks like that, so they are what sets TCVN3 apart from French or German.
_TCVN3_STRONG: Final = frozenset(chr(code) for code in _TCVN3 if code <= 0xDE)
# Letters whose case the bytes do record: ASCII and the seven VN3 capitals with their lowercase.
_OWN_CASE: Final = frozenset("ĂÂÊÔƠƯĐăâêôơưđ")

# ---------------------------------------------------------------------------------------------
# VNI-Windows (VNI-Times and the other VNI fonts)
#
# A base letter followed by one mark byte: "a" + 0xF8 is "à", "e" + 0xE4 is "ệ" (one byte holds
# circumflex and tone together). Single bytes stand for ơ, ư, đ, the i-vowels with a tone, and ỵ.
# Capitals use the same layout 0x20 lower: 0xD8 is the grave mark over a capital.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
# Mark byte -> the tone it adds; circumflex and breve bytes -> the tone they carry with them.
_VNI_TONE: Final = {0xF8: _GRAVE, 0xF9: _ACUTE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT}
_VNI_CIRCUMFLEX: Final = {
    0xE2: "", 0xE0: _GRAVE, 0xE1: _ACUTE, 0xE5: _HOOK, 0xE3: _TILDE, 0xE4: _DOT,
}  # fmt: skip
_VNI_BREVE: Final = {0xEA: "", 0xE8: _GRAVE, 0xE9: _ACUTE, 0xFA: _HOOK, 0xFC: _TILDE, 0xEB: _DOT}
# Single bytes that are whole letters.
_VNI_LETTERS: Final = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị",
    0xEE: "ỵ",
}  # fmt: skip


def _both_cases(table: dict[int, str]) -> dict[str, str]:
    """Characters for a lowercase byte table and for its capitals 0x20 lower."""
    out = {chr(code): value for code, value in table.items()}
    out.update({chr(code - 0x20): value.upper() for code, value in table.items()})
    return out


_VNI_TONES: Final = _both_cases(_VNI_TONE)
_VNI_CIRCUMFLEXES: Final = _both_cases(_VNI_CIRCUMFLEX)
_VNI_BREVES: Final = _both_cases(_VNI_BREVE)
_VNI_SINGLE: Final = _both_cases(_VNI_LETTERS)
# Letters that take a following mark: the plain vowels, and ơ ư (single bytes) for their tone.
_VNI_BASES: Final = "aeouyAEOUY" + "ôöÔÖ"
_VNI_MARKS: Final = "".join(sorted(set(_VNI_TONES) | set(_VNI_CIRCUMFLEXES) | set(_VNI_BREVES)))
_VNI_UNIT: Final = re.compile(rf"[{_VNI_BASES}][{re.escape(_VNI_MARKS)}]{{1,2}}|[{''.join(_VNI_SINGLE)}]")


def _vni_unit(match: re.Match[str]) -> str:
    """The Unicode letter for one VNI base-plus-marks unit or single-byte letter."""
    unit = match.group(0)
    head, rest = unit[0], unit[1:]
    if not rest:
        return _VNI_SINGLE[head]
    base = _VNI_SINGLE.get(head, head)  # ô and ö are ơ and ư before they take a tone
    lower = base.lower()
    combining = ""
    toned = False
    if lower in "aeo" and rest[0] in _VNI_CIRCUMFLEXES:
        tone = _VNI_CIRCUMFLEXES[rest[0]]
        combining, rest, toned = _CIRCUMFLEX + tone, rest[1:], bool(tone)
    elif lower == "a" and rest[0] in _VNI_BREVES:
        tone = _VNI_BREVES[rest[0]]
        combining, rest, toned = _BREVE + tone, rest[1:], bool(tone)
    if rest and not toned and rest[0] in _VNI_TONES:
        combining, rest = combining + _VNI_TONES[rest[0]], rest[1:]
    if not combining:
        return base + rest  # a mark this letter cannot take: leave it for the checks to reject
    return unicodedata.normalize("NFC", base + combining) + rest


# ---------------------------------------------------------------------------------------------
# Vietnamese syllables, to judge a conversion

_TONE_MARKS: Final = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))
_ONSETS: Final = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
# Vowel groups that can end a syllable, and those that can take a final consonant.
_OPEN: Final = frozenset(
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uy ưa ưi ưu uơ "
    "iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyu".split()
)
_CLOSED: Final = frozenset("a ă â e ê i o ô ơ u ư iê yê uô ươ oa oă oe uâ uê uy uyê oo".split())
_CODAS: Final = frozenset("c m n ng p t ch nh".split())
_PALATAL_OK: Final = frozenset("a ê i oa uê uy".split())  # the vowel groups that take -ch, -nh
# Spelling of the onsets: k, gh and ngh stand before front vowels; c, g and ng elsewhere.
_FRONT: Final = ("i", "e", "ê", "y")
_ONSET_OK: Final[dict[str, Callable[[str], bool]]] = {
    "c": lambda rime: not rime.startswith(_FRONT),
    "k": lambda rime: rime.startswith(_FRONT),
    "gh": lambda rime: rime.startswith(_FRONT[:3]),
    "ngh": lambda rime: rime.startswith(_FRONT[:3]),
    "ng": lambda rime: not rime.startswith(_FRONT[:3]),
    "g": lambda rime: not rime.startswith(_FRONT[1:3]),
}


def _split_tone(word: str) -> tuple[str, str] | None:
    """(letters without tone mark, tone mark or ''); None when more than one tone is present."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return None
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return bare, tones[0] if tones else ""


def _rime_ok(rime: str, tone: str) -> bool:
    """Whether vowel group plus final consonant form a Vietnamese rime under this tone."""
    for coda_len in (2, 1, 0):
        if coda_len >= len(rime):
            continue
        nucleus, coda = rime[: len(rime) - coda_len], rime[len(rime) - coda_len :]
        if not coda:
            if nucleus in _OPEN:
                return True
            continue
        if nucleus == "ă" and coda == "k":
            return tone in ("", _ACUTE, _DOT)  # Central Highlands names: Đắk Lắk, Đăk Glei
        if coda not in _CODAS or nucleus not in _CLOSED:
            continue
        if coda in ("ch", "nh") and nucleus not in _PALATAL_OK:
            continue
        # A syllable closed by a stop carries only the rising or the heavy tone.
        if coda in ("c", "ch", "p", "t") and tone not in ("", _ACUTE, _DOT):
            continue
        return True
    return False


def is_syllable(word: str) -> bool:
    """Whether word (any case) is a well-formed Vietnamese syllable: 'người' yes, 'cafộ' no."""
    split = _split_tone(word.lower())
    if split is None:
        return False
    bare, tone = split
    for onset in _ONSETS:
        if not bare.startswith(onset) or len(bare) == len(onset):
            continue
        rime = bare[len(onset) :]
        rule = _ONSET_OK.get(onset)
        if (rule is None or rule(rime)) and _rime_ok(rime, tone):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Conversion


def _recapitalise(match: re.Match[str]) -> str:
    """Upper-case a converted word whose letters that record their case are all capitals.

    VN3 has no toned capitals, so "NéI" (capitals typed around a lowercase code) converts to
    "NộI"; with at least two such letters and no lowercase among them, the word was "NỘI".
    """
    word = match.group(0)
    own_case = [c for c in word if c.isalpha() and (c.isascii() or c in _OWN_CASE)]
    if len(own_case) >= 2 and all(c.isupper() for c in own_case):
        return word.upper()
    return word


# A word: letters and the Latin-1 symbols TCVN3 letters read as (µ ¸ « ® and the soft hyphen).
_WORD: Final = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00ff])+")
# A word with two capitals that record their case: without one, no word was typed in capitals
# and the word-by-word pass can be skipped.
_TWO_CAPITALS: Final = re.compile(r"[A-Z\u00a1-\u00a7](?:[^\W\d_]|[\u00a1-\u00ff])*?[A-Z\u00a1-\u00a7]")


def _convert_tcvn3(text: str) -> str:
    """Map TCVN3 bytes read as Latin-1 to Unicode; restore capitals in all-capital words."""
    converted = text.translate(_TCVN3)
    if converted == text or not _TWO_CAPITALS.search(text):
        return converted
    return _WORD.sub(_recapitalise, converted)


def _convert_vni(text: str) -> str:
    """Map VNI-Windows bytes read as Latin-1 to Unicode NFC."""
    return _VNI_UNIT.sub(_vni_unit, text)


_ENCODINGS: Final[tuple[Encoding, ...]] = ("tcvn3", "vni")
_CONVERTERS: Final[dict[str, Callable[[str], str]]] = {
    "tcvn3": _convert_tcvn3,
    "vni": _convert_vni,
}


def convert(text: str, encoding: str) -> str:
    """Text decoded from encoding ('tcvn3' or 'vni') bytes read as cp1252, as Unicode NFC."""
    try:
        converter = _CONVERTERS[encoding.lower()]
    except KeyError:
        expected = " or ".join(repr(name) for name in _ENCODINGS)
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected {expected}") from None
    return unicodedata.normalize("NFC", converter(text))


# ---------------------------------------------------------------------------------------------
# Detection

# Letters Unicode Vietnamese has and no 8-bit reading can produce: seeing them means the text is
# already Unicode (or a mixture).
_VIET_ONLY: Final = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
_HIGH: Final = re.compile(r"[\u00a1-\u00ff]")
# Words with any non-ASCII letter, and words with a letter only Unicode Vietnamese has. The
# second matches from that letter on: one match per such word, and no start tried in between.
_NON_ASCII_WORD: Final = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00ff])*[^\x00-\x7f](?:[^\W\d_]|[\u00a1-\u00ff])*")
_VIET_WORD: Final = re.compile(r"[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9](?:[^\W\d_]|[\u00a1-\u00ff])*+")
# A Latin-1 character Unicode Vietnamese never uses: the leftover of a failed conversion.
_LATIN1_VIET: Final = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ"
_HIGH_LEFT: Final = re.compile(f"[^\\x00-\\xa0{_LATIN1_VIET}\\u0100-\\U0010ffff]")
# Only the start of a long text is scored: enough words to decide, cheap on a 251k-article corpus.
_DETECT_CHARS: Final = 6000
# Conservative thresholds: short of any of them the text is left alone.
_MIN_VALID_WORDS: Final = 2
_MIN_VALID_SHARE: Final = 0.8
_MAX_UNICODE_SHARE: Final = 0.2
_MIN_REPAIRED_SHARE: Final = 0.9


def _is_tcvn3_strong(word: str) -> bool:
    """Whether a word holds a TCVN3 letter that reads as a symbol or a capital: 'Hµ', 'ViÖt'."""
    return any(c in _TCVN3_STRONG for c in word)


# "oà", "oá", "oã" are VNI for ồ ố ỗ but also old-style Unicode Vietnamese ("hoà", "hoá"), so
# they do not count as a VNI mark.
_VNI_AMBIGUOUS: Final = frozenset(base + mark for base in "oO" for mark in "àáãÀÁÃ")


def _is_vni_strong(word: str) -> bool:
    """Whether a word holds a vowel followed by a VNI mark ('Vieät', 'Haø') or an 'ñ' (đ)."""
    return any(c in "ñÑ" for c in word) or any(
        word[i] in _VNI_BASES and word[i + 1] in _VNI_MARKS and word[i : i + 2] not in _VNI_AMBIGUOUS
        for i in range(len(word) - 1)
    )


_STRONG: Final[dict[str, Callable[[str], bool]]] = {
    "tcvn3": _is_tcvn3_strong,
    "vni": _is_vni_strong,
}


def _is_abbreviation(word: str) -> bool:
    """Whether a converted word has no vowel, like 'ĐH' or 'HĐND': no syllable to judge."""
    return not any(c in "aeiouy" for c in unicodedata.normalize("NFD", word.lower()))


def _words(text: str) -> tuple[list[str], int]:
    """Words holding Latin-1 characters, and the number of words in Unicode Vietnamese."""
    candidates: list[str] = []
    unicode_words = 0
    for m in _WORD.finditer(text, 0, _DETECT_CHARS):
        word = m.group(0)
        if _VIET_ONLY.search(word):
            unicode_words += 1
        elif is_syllable(word):
            # "Ông", "hoãn", "áp" use only Latin-1 letters yet are Vietnamese already: they count
            # for Unicode unless a conversion also reads them as a syllable (then they are moot).
            readings = [_CONVERTERS[e](word) for e in _ENCODINGS]
            if not any(r == word or is_syllable(r) for r in readings):
                unicode_words += 1
        elif len(word) >= 2 and _HIGH.search(word):
            candidates.append(word)
    return candidates, unicode_words


def _score(candidates: list[str], encoding: str) -> tuple[int, int, int]:
    """(words the encoding changes, those that become syllables, those showing its marks).

    A word the conversion leaves as it is ("Bí" in VNI, whose í byte is Unicode's í) or turns
    into an abbreviation without vowels ("§H" is "ĐH") says nothing either way and is not counted.
    """
    convert_word = _CONVERTERS[encoding]
    strong_test = _STRONG[encoding]
    changed = valid = strong = 0
    for word in candidates:
        converted = convert_word(word)
        if converted == word or _is_abbreviation(converted):
            continue
        changed += 1
        if is_syllable(converted) and not _HIGH_LEFT.search(converted):
            valid += 1
            strong += strong_test(word)
    return changed, valid, strong


def detect(text: str) -> Encoding | None:
    """'tcvn3' or 'vni' when text reads as that encoding's bytes decoded as cp1252, else None.

    Words of the first 6,000 characters that hold Latin-1 characters are converted both ways. An
    encoding is reported when, among the words it changes, at least 2 and at least 80% become
    Vietnamese syllables, at least one shows a mark no European word has (a symbol such as µ in
    a word for TCVN3; a vowel followed by a VNI mark byte, or ñ, for VNI), and words already in
    Unicode Vietnamese are under a fifth of all words looked at (legacy bytes cannot produce
    ư, ơ, đ or ạ, so genuine Vietnamese is full of them). English, French or German text and
    Vietnamese with a few stray symbols fail these tests and give None; so does a text that
    reads equally well both ways.
    """
    if not _HIGH.search(text, 0, _DETECT_CHARS):
        return None
    # The word-by-word pass below is costly; most texts are plainly Unicode Vietnamese, which
    # it would reject anyway (its Unicode words are at most the non-ASCII ones).
    head = text[:_DETECT_CHARS]
    viet_words = len(_VIET_WORD.findall(head))
    # Each non-ASCII word holds a non-ASCII character: their count bounds the words' from above
    # and settles nearly every text without the costly word pattern.
    non_ascii = len(head) - len(head.encode("ascii", "ignore"))
    if viet_words >= _MAX_UNICODE_SHARE * non_ascii:
        return None
    if viet_words >= _MAX_UNICODE_SHARE * len(_NON_ASCII_WORD.findall(head)):
        return None
    candidates, unicode_words = _words(text)
    total = len(candidates)
    if total == 0 or unicode_words >= _MAX_UNICODE_SHARE * (total + unicode_words):
        return None
    found: list[tuple[int, Encoding]] = []
    for encoding in _ENCODINGS:
        changed, valid, strong = _score(candidates, encoding)
        if valid >= _MIN_VALID_WORDS and strong >= 1 and valid >= _MIN_VALID_SHARE * changed:
            found.append((valid, encoding))
    if not found:
        return None
    found.sort(reverse=True)
    if len(found) == 2 and found[0][0] == found[1][0]:
        return None
    return found[0][1]


def repair(text: str) -> str:
    """Text converted from TCVN3 or VNI mojibake when detect() finds one, else unchanged.

    Raises LegacyEncodingError, naming the suspected encoding, when the text looks legacy-encoded
    but cannot be converted with confidence: it mixes Unicode Vietnamese with the legacy
    characters (no conversion can tell which "ó" is which), or under 90% of the converted words
    that carry diacritics are Vietnamese syllables free of leftover Latin-1 characters.
    """
    encoding = detect(text)
    if encoding is None:
        return text
    if _VIET_ONLY.search(text):
        raise LegacyEncodingError(
            f"text looks {encoding.upper()}-encoded but also holds Unicode Vietnamese letters; "
            "convert each part separately"
        )
    converted = convert(text, encoding)
    words = [w for w in _WORD.findall(converted) if not w.isascii() and not _is_abbreviation(w)]
    good = sum(1 for w in words if is_syllable(w) and not _HIGH_LEFT.search(w))
    if good < _MIN_REPAIRED_SHARE * len(words):
        raise LegacyEncodingError(
            f"text looks {encoding.upper()}-encoded but only {good} of {len(words)} converted "
            "words are Vietnamese syllables"
        )
    return converted
