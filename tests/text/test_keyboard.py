"""Telex and VNI readings of words typed without an input method."""

from __future__ import annotations

import pytest

from indexer.text.keyboard import reading, telex, to_telex, to_vni, vni

WORDS = "đường người hòa bình khủng bố quốc giáo thủy trường ưu khỏe việt nam tiếng mưa điện phố chợ hạ long".split()


@pytest.mark.parametrize("word", WORDS)
def test_typed_words_read_back(word: str) -> None:
    typed, digits = to_telex(word), to_vni(word)
    assert telex(typed) == word
    assert vni(digits) == word or digits == word  # "nam" needs no key at all


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hoaf", "hòa"),
        ("binhf", "bình"),
        ("khungr", "khủng"),
        ("boos", "bố"),
        ("dduowngf", "đường"),
        ("truwowngf", "trường"),
        ("ho2a", "hòa"),  # VNI's tone digit right after the vowel
        ("bi2nh", "bình"),
        ("d9u7o7ng2", "đường"),
        ("Hoaf", "Hòa"),  # a capital stays
    ],
)
def test_readings(typed: str, read: str) -> None:
    assert reading(typed) == read


@pytest.mark.parametrize("typed", ["nam", "ha", "noi", "123", "bão", "e-mail", ""])
def test_no_reading(typed: str) -> None:
    # Nothing to read (no tone key, no doubled or marked letter), not ASCII, or not a word.
    assert reading(typed) is None
