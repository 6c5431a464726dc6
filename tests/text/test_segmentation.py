"""pyvi segmentation with spans, and the cache of known lines a benchmark may preload."""

from __future__ import annotations

import json

import pytest

from indexer.text import normalize
from indexer.text import segmentation as seg
from tests.support import DATA


def _texts() -> list[str]:
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [normalize(r.get(k) or "") for r in rows for k in ("title", "sapo", "body") if r.get(k)]


@pytest.fixture()
def no_cache():  # type: ignore[no-untyped-def]
    yield
    seg.use_cache(None)


def test_cached_lines_segment_as_pyvi_does(no_cache: None) -> None:
    texts = _texts()
    plain = [seg.segment(t) for t in texts]
    lines = sorted({line for t in texts for line in t.split("\n") if line})
    seg.use_cache(dict(zip(lines, seg.line_labels(lines), strict=True)))
    assert [seg.segment(t) for t in texts] == plain


def test_a_cache_entry_of_another_length_is_not_used(no_cache: None) -> None:
    text = normalize("Ban chỉ đạo phòng, chống khủng bố Bắc Ninh làm việc")
    expected = seg.segment(text)
    seg.use_cache({text: b"B" * 3})  # not this line's units: ignored
    assert seg.segment(text) == expected
    seg.use_cache({text: b"B" * len(seg.units(text))})  # the right length: taken as given
    assert len(seg.segment(text)) == len([u for u in seg.units(text) if seg.has_word(text, *u)])
