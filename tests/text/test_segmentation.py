"""pyvi segmentation with spans: units, words, paragraphs and CRF sequences."""

from __future__ import annotations

import json

from indexer.text import normalize
from indexer.text import segmentation as seg
from tests.support import DATA


def _texts() -> list[str]:
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [normalize(r.get(k) or "") for r in rows for k in ("title", "sapo", "body") if r.get(k)]


def test_units_are_the_spans_of_pyvis_syllabiser() -> None:
    for text in [*_texts(), "TP.HCM ==> 1.000,5 đồng... e-mail: a.b@c.vn http://x.vn/a?b=1", "  a \n\n b  "]:
        assert seg.units(text) == [m.span() for m in seg._UNITS.finditer(text)]


def test_words_span_their_syllables_and_never_a_line_break() -> None:
    text = normalize("Thủ tướng Chính phủ\nphát biểu tại Hà Nội (TP.HCM)... 1.000 người")
    words = [text[s:e] for s, e in seg.segment(text)]
    assert "Thủ tướng" in words and "Chính phủ" in words and "Hà Nội" in words
    assert all("\n" not in w for w in words)
    assert "..." not in words and "(" not in words  # punctuation alone is no word
    assert seg.segment_all([text, "", text]) == [seg.segment(text), [], seg.segment(text)]


def test_a_paragraph_longer_than_a_crf_sequence_is_cut_into_sequences() -> None:
    pairs = seg._MAX_SEQ // 2 + 10
    text = "Ông " + " ".join(["Hà Nội"] * pairs)
    spans = seg.segment(text)
    assert [text[s:e] for s, e in spans[:3]] == ["Ông", "Hà Nội", "Hà Nội"]
    # Unit 400, a "Nội", opens the second sequence, so a word starts there, as pyvi would have
    # it had it been given the two sequences.
    cut = seg.units(text)[seg._MAX_SEQ][0]
    assert any(s == cut for s, _ in spans) and not any(s < cut < e for s, e in spans)


def test_a_cut_holds_the_words_and_the_syllables_with_their_plainness() -> None:
    texts = [*_texts()[:30], normalize("TP.HCM, __init__ và (UBND) ... https://a.vn/b. Hà Nội"), "", "…"]
    cuts = seg.cut_all(texts)
    for text, cut in zip(texts, cuts, strict=True):
        assert cut.words() == seg.segment(text)
        syllables = [(s, e) for s, e in seg.units(text) if seg.has_word(text, s, e)]
        assert list(zip(cut.syllable_start.tolist(), cut.syllable_end.tolist(), strict=True)) == syllables
        for starts, ends, plain in (
            (cut.word_start, cut.word_end, cut.word_plain),
            (cut.syllable_start, cut.syllable_end, cut.syllable_plain),
        ):
            for s, e, p in zip(starts.tolist(), ends.tolist(), plain.tolist(), strict=True):
                assert p == (text[s].isalnum() and text[e - 1].isalnum())


def test_a_stand_in_segmenter_gives_the_same_cuts() -> None:
    texts = [*_texts()[:30], normalize("TP.HCM, __init__ và (UBND) ... https://a.vn/b. Hà Nội"), ""]
    expected = seg.cut_all(texts)
    seg.use_segmenter(seg.segment_all)
    try:
        with seg.batch(texts):
            found = [seg.cut(t) for t in texts]
    finally:
        seg.use_segmenter(None)
    for a, b in zip(found, expected, strict=True):
        for name in a.__slots__:
            assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
