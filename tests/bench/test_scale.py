"""The scale corpus: deterministic recombination of real sentences, and a day's crawl of it."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from bench.scale import Template, synthesize, write_day
from bench.scale_bench import _update
from indexer import Snapshot, build
from tests.support import DATA


def _templates() -> list[Template]:
    def one(group: int, n: int, day: str) -> Template:
        sentences = tuple(f"Câu {n}.{i} của bài {n}." for i in range(4))
        return Template(group, f"nguon{group}.vn", "xa-hoi", f"Tiêu đề {n}", f"Sapo {n}", sentences, day, None)

    return [one(n % 2, n, f"2024-0{n % 9 + 1}-15") for n in range(10)]


def test_the_same_seed_gives_the_same_articles_from_real_sentences() -> None:
    templates = _templates()
    first, again = list(synthesize(templates, 30, seed=4)), list(synthesize(templates, 30, seed=4))
    assert first == again and len({a["id"] for a in first}) == 30
    known = {s for t in templates for s in t.sentences}
    for row in first:
        lines = str(row["body"]).split("\n")
        assert lines and all(line in known for line in lines)
        template = next(t for t in templates if t.title == row["title"])
        # Donor sentences come from the template's own group (source and year).
        assert all(any(line in t.sentences for t in templates if t.group == template.group) for line in lines)


def test_a_days_crawl_dates_every_article_that_day(tmp_path: Path) -> None:
    lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in synthesize(_templates(), 5, seed=2)]
    path = write_day(lines, date(2026, 8, 24), tmp_path / "day.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [json.loads(line)["id"] for line in lines]
    assert {(r["published"], r["seen"]) for r in rows} == {("2026-08-24", "2026-08-24")}


def test_the_update_goes_to_a_copy_and_leaves_the_built_index_as_built(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    index = folder / "vnnews"
    build([DATA / "articles.jsonl"], index, jobs=1)
    before = Snapshot.open(index)
    try:
        built, count = before.name, before.doc_count
    finally:
        before.close()
    extra = tmp_path / "extra.jsonl.gz"
    rows = list(synthesize(_templates(), 5, seed=3))
    with gzip.open(extra, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    seconds = _update(index, extra, folder, lambda _: None)
    assert seconds > 0
    for path, name, total in ((index, built, count), (folder / "vnnews-updated", None, count + 5)):
        snap = Snapshot.open(path)
        try:
            assert snap.doc_count == total and (name is None or snap.name == name)
        finally:
            snap.close()
