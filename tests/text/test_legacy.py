"""Tests for indexer.legacy: TCVN3 and VNI mojibake detected and converted; the rest left alone."""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator

import pytest

from indexer.text.legacy import LegacyEncodingError, convert, detect, is_syllable, repair
from tests.support import SHARED

CORPUS = SHARED / "corpus"
CORPORA = ("baomoi-2017", "vietnews-60k", "dantri-unc", "rss-2025-2026")

# ---------------------------------------------------------------------------------------------
# Encoders written for the tests, laid out as vowel x tone grids rather than the module's flat
# byte tables, so that a slip in one does not hide in the other.

_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền, hỏi, ngã, sắc, nặng
_VN3_GRID = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE), "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}  # fmt: skip
_VN3_PLAIN = dict(zip("ĂÂÊÔƠƯĐăâêôơưđ", range(0xA1, 0xAF), strict=True))
# VNI: tone byte after a plain vowel; circumflex/breve bytes carrying a tone; i-vowels alone.
_VNI_TONE = dict(zip(_TONES, (0xF8, 0xFB, 0xF5, 0xF9, 0xEF), strict=True))
_VNI_CIRCUMFLEX = dict(zip(("",) + _TONES, (0xE2, 0xE0, 0xE5, 0xE3, 0xE1, 0xE4), strict=True))
_VNI_BREVE = dict(zip(("",) + _TONES, (0xEA, 0xE8, 0xFA, 0xFC, 0xE9, 0xEB), strict=True))
_VNI_I = dict(zip(_TONES, (0xEC, 0xE6, 0xF3, 0xED, 0xF2), strict=True))


def _split(ch: str) -> tuple[str, str]:
    """(lowercase letter without its tone, tone mark or '')."""
    decomposed = unicodedata.normalize("NFD", ch.lower())
    tone = next((t for t in _TONES if t in decomposed), "")
    return unicodedata.normalize("NFC", decomposed.replace(tone, "")), tone


def to_tcvn3(text: str) -> bytes:
    """TCVN3 (VN3) bytes of text; a capital with a tone mark is stored lowercase, as VN3 must."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        base, tone = _split(ch)
        if ch in _VN3_PLAIN:
            out.append(_VN3_PLAIN[ch])
        elif tone and base in _VN3_GRID:
            out.append(_VN3_GRID[base][_TONES.index(tone)])
        else:
            out += ch.encode("cp1252")  # raises for what a cp1252 file cannot hold
    return bytes(out)


def _ascii_letter(letter: str, like: str) -> bytes:
    """The ASCII letter in the case of the character it stands for."""
    return (letter.upper() if like.isupper() else letter).encode()


def to_vni(text: str) -> bytes:
    """VNI-Windows bytes of text; capitals take the marks 0x20 lower."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        shift = 0x20 if ch.isupper() else 0
        base, tone = _split(ch)
        if base == "đ":
            out.append(0xF1 - shift)
        elif base in ("ơ", "ư"):
            out.append((0xF4 if base == "ơ" else 0xF6) - shift)
            if tone:
                out.append(_VNI_TONE[tone] - shift)
        elif base == "i" and tone:
            out.append(_VNI_I[tone] - shift)
        elif base == "y" and tone == "\u0323":
            out.append(0xEE - shift)
        elif base in ("â", "ê", "ô"):
            out += _ascii_letter({"â": "a", "ê": "e", "ô": "o"}[base], ch)
            out.append(_VNI_CIRCUMFLEX[tone] - shift)
        elif base == "ă":
            out += _ascii_letter("a", ch)
            out.append(_VNI_BREVE[tone] - shift)
        elif tone and base in "aeouy":
            out += _ascii_letter(base, ch)
            out.append(_VNI_TONE[tone] - shift)
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def mojibake(text: str, encoding: str) -> str:
    """What a legacy file of text looks like once read as cp1252 and stored as Unicode."""
    return (to_tcvn3 if encoding == "tcvn3" else to_vni)(text).decode("cp1252")


_OWN_CASE = set("ĂÂÊÔƠƯĐăâêôơưđ")


def vn3_expected(text: str) -> str:
    """What TCVN3 gives back: toned capitals in lowercase, except in all-capital words."""
    # VN3 has no toned capitals; a word counts as typed in capitals when two of its letters that
    # VN3 stores in either case (ASCII, Ă Â Ê Ô Ơ Ư Đ) are capitals.
    words = []
    for word in unicodedata.normalize("NFC", text).split(" "):
        own = [c for c in word if c.isalpha() and (c.isascii() or c in _OWN_CASE)]
        if len(own) >= 2 and word == word.upper():
            words.append(word)
            continue
        words.append("".join(c.lower() if c.isupper() and _split(c)[1] else c for c in word))
    return " ".join(words)


SENTENCES = [
    "Hà Nội là thủ đô của nước Cộng hòa Xã hội Chủ nghĩa Việt Nam.",
    "Người dân Thủ đô đón Tết Nguyên đán trong không khí ấm áp, an toàn.",
    "Chiều 17/1, Bộ Y tế ghi nhận thêm 15 ca mắc mới ở Quảng Ninh và Hải Dương.",
    "Đường sắt Cát Linh – Hà Đông chở hơn 25.000 lượt khách trong ngày đầu tiên.",
    "Thủy điện Hòa Bình xả lũ lần thứ hai; người dân vùng hạ du không được đánh bắt cá.",
    "Kỹ sư trẻ ở Mỹ Tho mua ổ bánh mì giá rẻ, ăn vội rồi đi làm.",
    "Ông bà ngoại ẵm cháu đi dạo, bị trẹo khuỷu tay nên phải nghỉ ngơi.",
    "Những chiếc xuồng nhỏ len lỏi giữa rừng tràm U Minh Thượng, mùa nước nổi năm ấy.",
    "Ấn Độ và Ý ký thỏa thuận hợp tác về năng lượng sạch.",
    "ĐẠI HỘI ĐẠI BIỂU TOÀN QUỐC LẦN THỨ XIII CỦA ĐẢNG",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tcvn3_round_trip(sentence: str) -> None:
    """Hand-written Vietnamese survives Unicode → TCVN3 → cp1252 → detect + convert."""
    broken = mojibake(sentence, "tcvn3")
    assert detect(broken) == "tcvn3"
    assert convert(broken, "tcvn3") == vn3_expected(sentence)
    assert repair(broken) == vn3_expected(sentence)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_vni_round_trip(sentence: str) -> None:
    """Hand-written Vietnamese survives Unicode → VNI → cp1252 → detect + convert, case and all."""
    broken = mojibake(sentence, "vni")
    assert detect(broken) == "vni"
    assert convert(broken, "vni") == unicodedata.normalize("NFC", sentence)
    assert repair(broken) == unicodedata.normalize("NFC", sentence)


def test_textbook_examples() -> None:
    """The examples everyone quotes, typed in by hand rather than produced by the test encoders."""
    assert convert("ViÖt Nam", "tcvn3") == "Việt Nam"
    assert repair("Hµ Néi") == "Hà Nội"
    assert convert("Vieät Nam", "vni") == "Việt Nam"
    assert repair("Haø Noäi") == "Hà Nội"
    assert convert("VIEÄT NAM", "vni") == "VIỆT NAM"
    assert convert("§¹I HéI", "tcvn3") == "ĐẠI HỘI"  # capitals typed around lowercase codes
    # One legacy word is too little evidence: detect() stays conservative.
    assert repair("VIEÄT NAM") == "VIEÄT NAM"
    # 0xAD (ư) reads as a soft hyphen: it must not be lost.
    assert repair("ng\u00adêi d©n") == "người dân"


def test_output_is_nfc() -> None:
    """Converted text is NFC whatever the encoding."""
    for encoding in ("tcvn3", "vni"):
        out = repair(mojibake(SENTENCES[1], encoding))
        assert out == unicodedata.normalize("NFC", out)


def test_convert_rejects_unknown_encoding() -> None:
    """Only 'tcvn3' and 'vni' are known; the error says which ones are."""
    with pytest.raises(ValueError, match="tcvn3"):
        convert("abc", "viscii")
    assert convert("Hµ Néi", "TCVN3") == "Hà Nội"


def test_tcvn3_table_matches_iconv() -> None:
    """Every VN3 letter converts as glibc's TCVN5712-1 decoder (a VN1 superset) decodes it."""
    iconv = shutil.which("iconv")
    if iconv is None:
        pytest.skip("no iconv program to compare the TCVN3 table with")
    codes = sorted(set(_VN3_PLAIN.values()) | {c for row in _VN3_GRID.values() for c in row})
    raw = bytes(codes)
    result = subprocess.run([iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw, capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"iconv has no TCVN5712-1: {result.stderr.decode(errors='replace').strip()}")
    expected = unicodedata.normalize("NFC", result.stdout.decode("utf-8"))
    assert convert(raw.decode("cp1252"), "tcvn3") == expected


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog.",
        "Müller trinkt einen Kaffee im Café in Köln; Grüße aus München!",
        "Où est la gare ? Il a été là, près de l'hôtel « Le Château ».",
        "El niño comió piñata en la playa de Peñíscola año tras año.",
        "Hà Nội là thủ đô của Việt Nam, có lịch sử hơn một nghìn năm.",
        "Thời tiết hôm nay: nhiệt độ 30°C ± 2, giá vàng tăng 0,5% © 2020 ½ µg.",
        "Ha Noi la thu do cua Viet Nam",
        "Hoà bình, thuỷ điện, ma tuý: kiểu bỏ dấu cũ vẫn là Unicode.",
        "Tôi có cá",
        "Café Müller",
        "Giá: 5€ — “Best of” ™ ® ¶ § • …",
        "Lời khai của TikToker 'Tàng keng Ông Trùm'",
        "Choáng ngợp ngôi làng toàn biệt thự giữa cánh đồng quê lúa",
        # Found on the full corpus: "Ông" and "áp" are Latin-1 letters, and Vietnamese already.
        "Ông Kim Jong Un giám sát không quân thi đấu",
        "Ông Trump “ném bom” NATO",
        "Ông Trump lên án CNN trong chuyến công du châu Âu",
        "Ông Trump hoãn áp thuế 50% lên hàng hóa Canada",
    ],
)
def test_no_false_positive_on_samples(text: str) -> None:
    """English, German, French, Spanish, Unicode Vietnamese and stray symbols are left alone."""
    assert detect(text) is None
    assert repair(text) == text


def test_mixture_raises() -> None:
    """Legacy bytes mixed with Unicode Vietnamese raise an error naming the encoding."""
    unicode_part = "Bản tin cập nhật lúc 8 giờ."
    for encoding in ("tcvn3", "vni"):
        legacy_part = " ".join(mojibake(s, encoding) for s in SENTENCES[:6])
        text = f"{unicode_part} {legacy_part}"
        assert detect(text) == encoding
        with pytest.raises(LegacyEncodingError, match=encoding.upper()):
            repair(text)


def test_mostly_unconvertible_raises() -> None:
    """A TCVN3 opening followed by a long tail that converts to non-Vietnamese raises."""
    opening = " ".join(mojibake(s, "tcvn3") for s in SENTENCES[:8])
    opening = (opening + " ") * (6000 // len(opening) + 1)
    tail = "Müller ¶ Köln Grüße » µg ½ " * 400
    with pytest.raises(LegacyEncodingError, match="TCVN3"):
        repair(opening + tail)


@pytest.mark.parametrize(
    "word",
    ["người", "Nguyễn", "khuỷu", "quốc", "gìn", "nghiêng", "oanh", "huých", "xoong", "Đắk", "ác"],
)
def test_syllables(word: str) -> None:
    """Real syllables, including the awkward ones, pass."""
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["cafộ", "Mỹller", "ci", "nge", "àc", "ViƯt", "hoàá", "ộtộ"])
def test_not_syllables(word: str) -> None:
    """Conversions of European words and misspellings fail."""
    assert not is_syllable(word)


# ---------------------------------------------------------------------------------------------
# Real corpus text (needs ../shared)


def _articles(name: str, count: int, stride: int) -> Iterator[dict[str, str | None]]:
    """Every stride-th article of a shared corpus, at most count of them."""
    with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, 0, count * stride, stride):
            yield json.loads(line)


def _need_shared() -> None:
    """Skip when the shared corpora are not beside the project."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpora not found at {CORPUS} (tests need ../shared)")


def _encodable(title: str, encode: Callable[[str], bytes]) -> bool:
    """Whether a legacy file could hold title: no letter foreign to Vietnamese or cp1252."""
    try:
        encode(title)
    except UnicodeEncodeError:
        return False
    foreign = [c for c in title if ord(c) > 0x7F and c.isalpha() and not _split(c)[1]]
    return all(c in _OWN_CASE for c in foreign)


@pytest.mark.shared
def test_corpus_titles_round_trip() -> None:
    """20 real titles (5 per corpus) survive both encodings."""
    _need_shared()
    titles: list[str] = []
    for name in CORPORA:
        picked = 0
        for article in _articles(name, 400, 37):
            title = article["title"]
            if title and len(title.split()) >= 6 and _encodable(title, to_tcvn3) and _encodable(title, to_vni):
                titles.append(title)
                picked += 1
                if picked == 5:
                    break
    assert len(titles) == 20
    for title in titles:
        tcvn3 = mojibake(title, "tcvn3")
        assert detect(tcvn3) == "tcvn3", title
        assert repair(tcvn3) == vn3_expected(title)
        vni = mojibake(title, "vni")
        assert detect(vni) == "vni", title
        assert repair(vni) == unicodedata.normalize("NFC", title)


@pytest.mark.shared
@pytest.mark.slow
def test_no_false_positive_on_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    """2,000 real articles (500 per corpus): no title, sapo or body is taken for legacy text."""
    _need_shared()
    fields = 0
    flagged: list[str] = []
    for name in CORPORA:
        for article in _articles(name, 500, 29):
            for key in ("title", "sapo", "body"):
                text = article[key]
                if not text:
                    continue
                fields += 1
                if detect(text) is not None:
                    flagged.append(f"{article['id']} {key}: {text[:80]}")
                assert repair(text) == text
    with capsys.disabled():
        print(f"\nlegacy false positives: {len(flagged)} of {fields} fields in 2,000 articles")
    assert flagged == []
