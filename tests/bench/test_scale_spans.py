"""The scale benchmark's span cache answers exactly as the segmenter does."""

from __future__ import annotations

import json
from pathlib import Path

from bench.scale_spans import SpanCache, write_cache
from indexer.ingest.article import tidy
from indexer.text.segmentation import _MAX_SEQ, segment, segment_all, use_segmenter
from tests.support import DATA


def _texts() -> list[str]:
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [tidy(r.get(k) or "") for r in rows for k in ("title", "sapo", "body") if r.get(k)]


def test_cached_and_missing_lines_give_segment_alls_spans(tmp_path: Path) -> None:
    texts = _texts()
    long_line = "Ông " + " ".join(["Hà Nội"] * _MAX_SEQ)
    texts += [f"Đà Nẵng mưa to.\n\n  {long_line}\nTP.HCM ==> 1.000,5 đồng...\n", "\n", "...\n!"]
    lines = [line for t in texts for line in t.split("\n")]
    assert sum("\n" in t for t in texts) >= 10  # texts of several lines, or this proves little
    # Every other line is cached: the rest must be segmented in place.
    info = write_cache(lines[::2], tmp_path / "spans", jobs=1)
    assert info["lines"] > 0
    cache = SpanCache(tmp_path / "spans")
    assert cache.spans(texts) == segment_all(texts)
    assert cache.found > 0 and cache.missed > 0


def test_a_stand_in_segmenter_is_what_segment_uses(tmp_path: Path) -> None:
    seen: list[list[str]] = []

    def stand_in(texts: list[str]) -> list[list[tuple[int, int]]]:
        seen.append(list(texts))
        return segment_all(texts)

    use_segmenter(stand_in)
    try:
        assert segment("Hà Nội mưa") == segment_all(["Hà Nội mưa"])[0]
    finally:
        use_segmenter(None)
    assert seen == [["Hà Nội mưa"]]
