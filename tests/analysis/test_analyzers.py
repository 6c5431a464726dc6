"""The Whoosh analyzers: pyvi words, syllables, folded syllables, offsets and positions."""

import pickle
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import folded_analyzer, syllable_analyzer, word_analyzer
from indexer.store.schema import make_schema
from indexer.text import normalize

SENTENCE = "Ban chỉ đạo phòng, chống khủng bố Quốc gia kiểm tra công tác tại tỉnh Bắc Ninh."


def texts(analyzer, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.text for t in analyzer(text)]


def test_pyvi_compounds_are_single_words() -> None:
    words = texts(word_analyzer(), SENTENCE)
    assert "khủng_bố" in words
    assert "bắc_ninh" in words
    assert "chỉ_đạo" in words
    assert all(w == w.lower() for w in words)
    assert "," not in words and "." not in words


def test_cased_text_is_segmented_before_lowercasing() -> None:
    # pyvi joins names by their capitals: the analyzer must see the cased text.
    assert "hồ_chí_minh" in texts(word_analyzer(), "Thành phố Hồ Chí Minh mưa lớn")


def test_syllables_and_folded() -> None:
    assert texts(syllable_analyzer(), "Khủng bố Bắc Ninh") == ["khủng", "bố", "bắc", "ninh"]
    assert texts(folded_analyzer(), "Khủng bố Bắc Ninh, Đà Nẵng") == [
        "khung",
        "bo",
        "bac",
        "ninh",
        "da",
        "nang",
    ]


def test_nfc_and_nfd_give_the_same_tokens() -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    for make in (word_analyzer, syllable_analyzer, folded_analyzer):
        assert texts(make(), nfd) == texts(make(), SENTENCE)


def test_both_tone_styles_give_the_same_tokens() -> None:
    for make in (word_analyzer, syllable_analyzer, folded_analyzer):
        assert texts(make(), "Thuỷ điện Hoà Bình xả lũ, ma tuý") == texts(make(), "Thủy điện Hòa Bình xả lũ, ma túy")


def test_offsets_map_back_to_the_text() -> None:
    text = normalize("Ngày 7/6, đoàn kiểm tra công tác PCKB tại TP.HCM và tỉnh Bắc Ninh (2.500.000 đồng).")
    for make in (word_analyzer, syllable_analyzer):
        toks = [(t.text, t.startchar, t.endchar, t.pos) for t in make()(text, positions=True, chars=True)]
        assert [p for *_, p in toks] == list(range(len(toks)))
        for word, start, end, _ in toks:
            assert text[start:end].lower().replace(" ", "_") == word
    assert ("2.500.000", text.index("2.500.000")) in [(t.text, t.startchar) for t in word_analyzer()(text, chars=True)]


def test_start_char_and_pos_offsets_are_applied() -> None:
    toks = list(word_analyzer()("khủng bố", positions=True, chars=True, start_pos=10, start_char=100))
    assert (toks[0].pos, toks[0].startchar, toks[0].endchar) == (10, 100, 108)


def test_schema_pickles() -> None:
    # Whoosh stores the schema pickled in the index: every component must round-trip.
    schema = make_schema()
    again = pickle.loads(pickle.dumps(schema))
    assert texts(again["title"].analyzer, "khủng bố") == ["khủng_bố"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_tokenizes_inside_its_bounds(value: str) -> None:
    text = normalize(value)
    assert normalize(text) == text
    for make in (word_analyzer, syllable_analyzer, folded_analyzer):
        for tok in make()(text, positions=True, chars=True):
            assert 0 <= tok.startchar < tok.endchar <= len(text)
            assert tok.text


def test_abbreviations_defined_in_one_part_expand_everywhere() -> None:
    from indexer.text import abbreviations

    lead = normalize("Ban chỉ đạo phòng, chống khủng bố (PCKB) và Ủy ban nhân dân (UBND) tỉnh họp.")
    body = normalize("Công tác PCKB được UBND tỉnh chỉ đạo. Khu công nghiệp (KCN) mới. WHO (Tổ chức Y tế).")
    table = abbreviations([lead, body])
    assert set(table) == {"PCKB", "UBND", "KCN"}  # "WHO" does not spell "Tổ chức Y tế"
    toks = [(t.text, t.pos) for t in word_analyzer()(body, positions=True, abbreviations=table)]
    assert toks[:6] == [("công_tác", 0), ("pckb", 1), ("phòng", 1), ("chống", 2), ("khủng_bố", 3), ("được", 4)]
    syls = [t.text for t in syllable_analyzer()(body, abbreviations=table)]
    assert syls[:7] == ["công", "tác", "pckb", "phòng", "chống", "khủng", "bố"]
    # Without the document's table (a query), nothing is expanded.
    assert texts(word_analyzer(), "PCKB") == ["pckb"]
