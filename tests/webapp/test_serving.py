"""Serving while indexing, at small scale: a live gunicorn answers consistently during an update."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.serve_while_indexing import (
    LoadLoop,
    Observation,
    Params,
    build_summary,
    check_response,
    decreases,
    gunicorn,
    healthz_counts,
    start_build,
)

BASE = 100
UPDATE = 400
# Bounds on waits (boot, build, rounds of the load loop): limits, never measured.
LIMIT = 180.0
PROVINCES = ("Hà Nội", "Đà Nẵng", "Cần Thơ", "Huế", "Bắc Ninh")
TOPICS = (
    ("xe buýt điện", "giao-thong"),
    ("lễ hội mùa xuân", "van-hoa"),
    ("giá lúa gạo", "kinh-te"),
    ("bóng đá học đường", "the-thao"),
)
# Every query matches articles of the base already, so no answer is ever relaxed.
QUERIES: tuple[Params, ...] = (
    (),
    (("q", "xe buýt"),),
    (("q", "lễ hội"), ("province", "Đà Nẵng")),
    (("q", "người dân"), ("from", "2024-03-01"), ("to", "2024-08-31")),
    (("q", "giá lúa"), ("page", "2")),
    (("category", "the-thao"), ("source", "bao.example")),
)


def article(i: int) -> dict[str, Any]:
    """A short generated article; province, topic, source and date cycle with i."""
    province = PROVINCES[i % len(PROVINCES)]
    topic, category = TOPICS[(i // len(PROVINCES)) % len(TOPICS)]
    return {
        "id": f"s{i:04d}",
        "url": f"https://tin.example/{category}/s{i:04d}.html",
        "source": ("tin.example", "bao.example")[i % 2],
        "category": category,
        "title": f"{province}: {topic} thu hút người dân, bài số {i}",
        "sapo": f"Tin về {topic} tại {province} trong tháng {1 + i % 12}.",
        "body": (
            f"Chính quyền {province} cho biết {topic} năm nay được chuẩn bị kỹ.\n"
            f"Người dân địa phương đánh giá cao {topic}, theo ghi nhận của phóng viên.\n"
            f"Đây là bản tin thứ {i} của loạt bài."
        ),
        "author": None,
        "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "seen": None,
    }


def write_jsonl(path: Path, numbers: range) -> Path:
    """Generated articles numbered `numbers`, one JSON object a line."""
    with path.open("w", encoding="utf-8") as fh:
        for i in numbers:
            fh.write(json.dumps(article(i), ensure_ascii=False) + "\n")
    return path


def totals(observations: list[Observation]) -> dict[int, tuple[int | None, int | None]]:
    """Per query: the first and the last total answered."""
    out: dict[int, tuple[int | None, int | None]] = {}
    for o in observations:
        if o.total is not None:
            out[o.query] = (out.get(o.query, (o.total, None))[0], o.total)
    return out


def test_check_response_flags_contradictions() -> None:
    doc = {
        "total": 3,
        "page": 1,
        "per_page": 10,
        "hits": [{"id": "a", "score": 2.0, "date": "2024-01-02", "provinces": ["Huế"]}],
        "facets": {"source": [{"value": "x", "count": 5, "selected": False}]},
        "filters": {"province": ["Hà Nội"]},
        "next_url": None,
    }
    problems = check_response((("q", "a"), ("province", "Hà Nội")), doc)
    assert any("1 hits on page 1 of a total of 3" in p for p in problems)
    assert any("source: x counts 5 > total 3" in p for p in problems)
    assert any("outside filter" in p for p in problems)
    assert check_response((), {"total": "3"}) == ["not a search result (no integer total or no hits list)"]


def test_decreases_compares_only_ordered_answers() -> None:
    # Two overlapping requests may see either generation; a later request may not go back.
    overlapping = [Observation(0, 0, 0.0, 2.0, 200, 500), Observation(0, 1, 1.0, 3.0, 200, 100)]
    assert decreases(overlapping) == []
    ordered = [Observation(0, 0, 0.0, 1.0, 200, 500), Observation(0, 1, 2.0, 3.0, 200, 100)]
    assert decreases(ordered) == ["query 0: total 100 at +2.000 after 500 had been answered"]


@pytest.mark.slow
def test_update_while_serving(tmp_path: Path) -> None:
    from indexer import build

    index = tmp_path / "index"
    report = build([write_jsonl(tmp_path / "base.jsonl", range(BASE))], index, jobs=1)
    assert report.total == BASE, report.summary()
    update = write_jsonl(tmp_path / "update.jsonl", range(BASE, BASE + UPDATE))
    build_log = tmp_path / "build.log"

    with gunicorn(index, tmp_path / "gunicorn.log", workers=2, limit=LIMIT) as server:
        loop = LoadLoop(server, QUERIES, threads=4, max_seconds=LIMIT).start()
        try:
            # Every query answered from the base index first, then the update as a subprocess.
            assert loop.wait_rounds([1] * 4, LIMIT), "the load loop did not complete a round"
            proc = start_build(update, index, build_log, jobs=1)
            assert proc.wait(timeout=LIMIT) == 0, build_log.read_text()
            # Then a whole round per thread begun after the new generation was published.
            rounds = loop.snapshot_rounds()
            assert loop.wait_rounds([r + 2 for r in rounds], LIMIT), "no round after the build"
        finally:
            observations = loop.stop()
        after = healthz_counts(server, 6)

    assert build_summary(build_log).added == UPDATE
    assert [o.error for o in observations if o.error] == []
    assert [(o.query, o.problems) for o in observations if o.problems] == []
    assert [o for o in observations if o.relaxed] == []
    assert decreases(observations) == []
    assert after == [BASE + UPDATE] * 6
    seen = totals(observations)
    assert seen[0] == (BASE, BASE + UPDATE)  # browse: every article, before and after
    for query, (first, last) in seen.items():
        assert first is not None and last is not None and 0 < first < last, (QUERIES[query], first, last)
