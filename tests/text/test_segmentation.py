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
