"""Words typed in Telex or VNI without an input method ("hoaf binhf", "ho2a bi2nh"), read as Vietnamese.

A reading is only a candidate: the search decides whether to use it (the index must know the
syllables it spells, and the typed words must not be common words of their own, like "test").
"""

from __future__ import annotations

import re
import unicodedata

from .normalization import canonical_tones

__all__ = ["telex", "vni", "reading", "to_telex", "to_vni"]

_TONE_MARKS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_DOUBLE = {"aa": "â", "ee": "ê", "oo": "ô", "dd": "đ"}
_WORD = re.compile(r"^[a-z][a-z0-9]*$")
# VNI's letter keys: 6 circumflex, 7 horn, 8 breve, 9 đ.
_VNI_MARKS = {"6": {"a": "â", "e": "ê", "o": "ô"}, "7": {"o": "ơ", "u": "ư"}, "8": {"a": "ă"}, "9": {"d": "đ"}}


def _toned(letters: str, tone: str) -> str | None:
    """letters with the tone mark on a vowel, moved to the modern position; None without a vowel."""
    vowels = [i for i, c in enumerate(letters) if c in _VOWELS]
    if not vowels:
        return None
    if not tone:
        return letters
    i = vowels[0]
    marked = letters[:i] + unicodedata.normalize("NFC", letters[i] + tone) + letters[i + 1 :]
    return canonical_tones(marked)


def telex(word: str) -> str | None:
    """The Telex reading of one lowercase word ("hoaf" → "hòa", "dduowngf" → "đường"); None if none."""
    if not _WORD.match(word) or any(c.isdigit() for c in word):
        return None
    out: list[str] = []
    tone = ""
    seen_vowel = False
    for c in word:
        prev = out[-1] if out else ""
        if seen_vowel and c in _TONE_MARKS:
            tone = _TONE_MARKS[c]  # after the vowel, s f r x j only ever mark a tone
            continue
        if c == "z" and seen_vowel:
            tone = ""
            continue
        if prev + c in _DOUBLE:
            out[-1] = _DOUBLE[prev + c]
        elif c == "w":
            if prev == "a":
                out[-1] = "ă"
            elif prev == "o" and len(out) > 1 and out[-2] == "u":
                out[-2:] = ["ư", "ơ"]
            elif prev in ("o", "u"):
                out[-1] = "ơ" if prev == "o" else "ư"
            elif len(out) > 1 and prev in "cmnptgh" and out[-2] in "ou":
                # the w typed after the final consonant: "muonw" → mươn-, "nguoiw" is rare
                j = len(out) - 2
                if out[j] == "o" and j > 0 and out[j - 1] == "u":
                    out[j - 1 : j + 1] = ["ư", "ơ"]
                else:
                    out[j] = "ơ" if out[j] == "o" else "ư"
            else:
                out.append("ư")
        else:
            out.append(c)
        seen_vowel = seen_vowel or out[-1] in _VOWELS
    return _toned("".join(out), tone)


def vni(word: str) -> str | None:
    """The VNI reading of one lowercase word ("ho2a" → "hòa", "d9uo7ng2" → "đường"); None if none."""
    if not _WORD.match(word) or not any(c.isdigit() for c in word):
        return None
    out: list[str] = []
    tone = ""
    for c in word:
        if c in _VNI_TONES:
            tone = _VNI_TONES[c]
            continue
        if c.isalpha():
            out.append(c)
            continue
        # 6 circumflex, 7 horn, 8 breve, 9 đ: on the nearest letter before it that takes one.
        marks = _VNI_MARKS.get(c)
        if marks is None:
            return None
        takes = "".join(marks)
        for i in range(len(out) - 1, -1, -1):
            if out[i] in takes:
                if c == "7" and out[i] == "o" and i > 0 and out[i - 1] == "u":
                    out[i - 1 : i + 1] = ["ư", "ơ"]
                else:
                    out[i] = _VNI_MARKS[c][out[i]]
                break
        else:
            return None
    return _toned("".join(out), tone)


def reading(word: str) -> str | None:
    """The word as Telex or VNI would have typed it, if it reads as something else; else None."""
    lower = word.lower()
    read = vni(lower) if any(c.isdigit() for c in lower) else telex(lower)
    if read is None or read == lower:
        return None
    return read[0].upper() + read[1:] if word[:1].isupper() else read


# --- the other way, for benchmarks and tests: how a Vietnamese word is typed ---------------------

_BACK_TELEX = {"â": "aa", "ê": "ee", "ô": "oo", "đ": "dd", "ă": "aw", "ơ": "ow", "ư": "uw"}
_BACK_VNI = {"â": "a6", "ê": "e6", "ô": "o6", "đ": "d9", "ă": "a8", "ơ": "o7", "ư": "u7"}
_TONE_KEYS = {v: k for k, v in _TONE_MARKS.items()}
_TONE_DIGITS = {v: k for k, v in _VNI_TONES.items()}


def _typed(word: str, letters: dict[str, str], tones: dict[str, str]) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = "".join(tones.get(c, "") for c in decomposed)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
    return "".join(letters.get(c, c) for c in bare) + tone


def to_telex(word: str) -> str:
    """How one Vietnamese word is typed in Telex, tone key last ("hòa" → "hoaf")."""
    return _typed(word, _BACK_TELEX, _TONE_KEYS)


def to_vni(word: str) -> str:
    """How one Vietnamese word is typed in VNI, tone digit last ("hòa" → "hoa2")."""
    return _typed(word, _BACK_VNI, _TONE_DIGITS)
