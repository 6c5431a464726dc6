"""Vietnamese text normalisation: NFC, one tone-mark style, clean whitespace, folding."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalize", "canonical_tones", "fold", "has_diacritics", "clean"]

# Tone marks as combining characters (NFD); the vowel modifiers (circumflex, breve, horn) stay put.
_TONES = {"\u0301", "\u0300", "\u0309", "\u0303", "\u0323"}
_MODIFIED = set("âăêôơư")
_VOWELS = set("aăâeêioôơuưy")
_ONSETS = (
    "ngh",
    "ch",
    "gh",
    "kh",
    "ng",
    "nh",
    "ph",
    "th",
    "tr",
    "qu",
    "gi",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
)
# Invisible or exotic spacing that real feeds carry; newlines and tabs are kept as structure.
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")


def _split_tone(ch: str) -> tuple[str, str]:
    """Return (letter without its tone mark, tone mark or '') for one NFC character."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONES)
    if not tone:
        return ch, ""
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return base, tone


def _tone_index(bases: str) -> int | None:
    """Index in a lowercase syllable (tones removed) where the modern style puts the mark."""
    onset = ""
    for cand in _ONSETS:
        if bases.startswith(cand):
            onset = cand
            break
    # "gi" and "qu" are onsets only when a vowel follows: in "gìn" the i is the vowel.
    if onset in ("gi", "qu") and (len(bases) == 2 or bases[2] not in _VOWELS):
        onset = onset[0]
    start = len(onset)
    end = start
    while end < len(bases) and bases[end] in _VOWELS:
        end += 1
    nucleus = bases[start:end]
    coda = bases[end:]
    if not nucleus or any(c not in "cmnptgh" for c in coda):
        return None
    modified = [i for i, c in enumerate(nucleus) if c in _MODIFIED]
    if modified:
        if nucleus.startswith("ươ") or nucleus.startswith("uô"):
            return start + 1
        return start + modified[-1]
    if coda or len(nucleus) == 1:
        return start + len(nucleus) - 1
    if len(nucleus) == 2:
        # hòa, khỏe, thủy (open syllables) and mái, mùa, kìa all carry the mark on the first vowel.
        return start
    return start + 1


@functools.lru_cache(maxsize=65536)
def _retone_word(word: str) -> str:
    """Move the tone mark of one syllable to its modern position; leave non-syllables alone."""
    parts = [_split_tone(ch) for ch in word]
    marked = [i for i, (_, tone) in enumerate(parts) if tone]
    if len(marked) != 1:
        return word
    bases = "".join(b for b, _ in parts)
    target = _tone_index(bases.lower())
    if target is None or target == marked[0] or bases[target].lower() not in _VOWELS:
        return word
    tone = parts[marked[0]][1]
    chars = [b for b, _ in parts]
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


def _toned_chars() -> str:
    """Every precomposed vowel letter that carries a tone mark, both cases."""
    out = []
    for base in "aăâeêioôơuưy":
        for tone in _TONES:
            ch = unicodedata.normalize("NFC", base + tone)
            out += [ch, ch.upper()]
    return "".join(out)


_TONED = _toned_chars()
_ANY_VOWEL = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" + _TONED
# Only a syllable with a toned vowel next to another vowel can have its mark misplaced; matching
# just those keeps the Python callback off the vast majority of the text. A match starts where a
# word does (the lookbehind), so a word without such a pair is not tried again from each letter.
_CANDIDATE = re.compile(rf"(?<![^\W\d_])[^\W\d_]*(?:[{_TONED}][{_ANY_VOWEL}]|[{_ANY_VOWEL}][{_TONED}])[^\W\d_]*")


def _retone_match(match: re.Match[str]) -> str:
    word = match.group(0)
    end = match.end()
    # A combining mark left after NFC ('ã' + acute) is no letter to the pattern: the syllable
    # goes on past the match, and moving its tone would leave that mark on another letter.
    if end < len(match.string) and unicodedata.combining(match.string[end]):
        return word
    return _retoned(word)


def _retoned(word: str) -> str:
    """A candidate word with its mark moved; words over seven letters are no syllable and stay."""
    return _retone_word(word) if len(word) <= 7 else word


@functools.lru_cache(maxsize=65536)
def _retones(token: str) -> bool:
    """Whether a whitespace-free piece of text holds a syllable whose mark would move."""
    return any(_retoned(word) != word for word in _CANDIDATE.findall(token))


def canonical_tones(text: str) -> str:
    """Rewrite old-style tone placement (hoà, thuỷ, tuý) as modern style (hòa, thủy, túy)."""
    # Nine texts in ten have nothing to move. A match never spans whitespace, so asking each
    # distinct token (mostly cached) says so faster than matching the whole text.
    if not any(map(_retones, set(text.split()))):
        return text
    return _CANDIDATE.sub(_retone_match, text)


def clean(text: str) -> str:
    """Remove control and invisible characters; turn odd spaces into plain ones; unify newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return _ODD_SPACE.sub(" ", text)


def normalize(text: str) -> str:
    """Clean, NFC-normalise and canonicalise tone marks; idempotent."""
    return canonical_tones(unicodedata.normalize("NFC", clean(text)))


_FOLD_TABLE = {ord("đ"): "d", ord("Đ"): "D"}


# Below this code point fold() goes through a per-character table: Latin, Greek, Cyrillic and
# the punctuation news text uses. Anything above (CJK, Hangul...) takes the slow path.
_TABLED = 0x3000


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _fold_chars() -> dict[int, str]:
    """Each tabled character whose folded form differs from it."""
    # NFD decomposes each character on its own and only reorders the combining marks, which
    # folding drops, so folding a text is folding each character in turn.
    table = {}
    for code in range(_TABLED):
        c = chr(code)
        folded = _fold_slow(c)
        if folded != c:
            table[code] = folded
    return table


def fold(text: str) -> str:
    """Lowercase and strip every diacritic, with đ→d: 'Đà Nẵng' → 'da nang'."""
    if not text or max(text) < chr(_TABLED):
        return text.translate(_fold_chars()).lower()
    return _fold_slow(text).lower()


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese diacritic or is đ."""
    return fold(text) != text.lower()
