"""Reading articles: both formats, every kind of bad record reported with file, line and reason."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from indexer.ingest import Record, read_article, records
from indexer.ingest.article import MAX_TEXT_CHARS, Article, Problem
from tests.support import SEED


def read_all(*paths: Path) -> tuple[list[Article], list[Problem]]:
    """Articles and problems from paths, as the builder sees them."""
    articles, problems = [], []
    for item in records(paths):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        article, found = read_article(item)
        problems += found
        if article:
            articles.append(article)
    return articles, problems


def line(**fields: object) -> str:
    base: dict[str, object] = {"id": "a1", "title": "Tiêu đề", "body": "Nội dung bài báo."}
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...}, ensure_ascii=False)


def test_seed_text_article() -> None:
    articles, problems = read_all(SEED)
    assert problems == []
    (art,) = articles
    assert art.id == "seed-bac-ninh-pckb"
    assert art.title.startswith("Ban chỉ đạo phòng, chống khủng bố Quốc gia")
    assert art.author == "NHƯ QUỲNH"
    assert "NHƯ QUỲNH" not in art.body
    assert art.sapo.startswith("Ngày 7/6, Đoàn công tác Ban chỉ đạo phòng, chống khủng bố")
    assert art.body.startswith("Làm việc với đoàn kiểm tra")
    assert art.date is None and art.date_source == "none"


def test_text_front_matter_and_nested_ids(tmp_path: Path) -> None:
    sub = tmp_path / "2024" / "bac-ninh"
    sub.mkdir(parents=True)
    (sub / "tin.txt").write_text("Tiêu đề một\n\nĐoạn một.\n", encoding="utf-8")
    (sub / "meta.txt").write_text(
        "---\nid: custom-7\nsource: baobacninh.vn\npublished: 2024-06-07\n---\nTiêu đề hai\nĐoạn.\n",
        encoding="utf-8",
    )
    articles, problems = read_all(tmp_path)
    assert problems == []
    by_id = {a.id: a for a in articles}
    assert set(by_id) == {"2024-bac-ninh-tin", "custom-7"}
    assert by_id["custom-7"].source == "baobacninh.vn"
    assert by_id["custom-7"].date_source == "published"


def test_jsonl_plain_and_gzip_mixed_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(line(id="x1", extra="ignored") + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(line(id="x2", sapo=None, url=...) + "\n")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    articles, problems = read_all(tmp_path)
    assert [a.id for a in articles] == ["x1", "x2"]
    assert problems == []


def test_text_is_normalised_on_reading(tmp_path: Path) -> None:
    import unicodedata

    body = unicodedata.normalize("NFD", "Thuỷ điện  Hoà Bình\u00a0xả lũ\n\n\nđoạn hai ")
    (tmp_path / "a.jsonl").write_text(line(body=body) + "\n", encoding="utf-8")
    (art,), _ = read_all(tmp_path)
    assert art.body == "Thủy điện Hòa Bình xả lũ\nđoạn hai"


BAD_LINES = [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "not an object"),
    (line(id=...), "no id"),
    (line(id=""), "no id"),
    (line(title="", body="", sapo=None), "no text"),
    (line(title=42), "wrong type"),
    (line(body=["a"]), "wrong type"),
    (line(id=12), "wrong type"),
    (line(published="32/13/2021"), "bad date"),
    (line(seen="2021-02-30"), "bad date"),
    (line(id="../../etc/passwd"), "bad id"),
    (line(id="tab\tinside"), "bad id"),
    (line(id="a" * 513), "bad id"),
]


@pytest.mark.parametrize(("text", "kind"), BAD_LINES)
def test_each_bad_record_is_reported_and_the_rest_kept(tmp_path: Path, text: str, kind: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(line(id="good1") + "\n" + text + "\n" + line(id="good2") + "\n", encoding="utf-8")
    articles, problems = read_all(path)
    assert [a.id for a in articles] == ["good1", "good2"]
    (problem,) = problems
    assert (problem.path, problem.line, problem.kind) == (str(path), 2, kind)
    assert str(problem).startswith(f"{path}:2: skipped: ")


def test_invalid_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(line(id="g1").encode() + b'\n{"id": "b", "title": "\xff\xfe"}\n' + line(id="g2").encode() + b"\n")
    articles, problems = read_all(path)
    assert [a.id for a in articles] == ["g1", "g2"]
    assert [(p.line, p.kind) for p in problems] == [(2, "invalid UTF-8")]


def test_gz_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "fake.jsonl.gz"
    path.write_text(line() + "\n", encoding="utf-8")
    (tmp_path / "ok.jsonl").write_text(line(id="ok") + "\n", encoding="utf-8")
    articles, problems = read_all(tmp_path)
    assert [a.id for a in articles] == ["ok"]
    assert [(p.path, p.kind) for p in problems] == [(str(path), "bad gzip")]


def test_truncated_gzip_keeps_the_lines_before(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress("".join(line(id=f"n{i}", body="chữ " * 200) + "\n" for i in range(50)).encode())
    path.write_bytes(data[: len(data) // 2])
    articles, problems = read_all(path)
    assert 0 < len(articles) < 50
    assert [p.kind for p in problems] == ["bad gzip"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.jsonl"
    path.write_text(line() + "\n", encoding="utf-8")
    path.chmod(0)
    _, problems = read_all(tmp_path)
    assert [p.kind for p in problems] == ["unreadable file"]


def test_unreadable_path_is_reported(tmp_path: Path) -> None:
    # A dangling symlink fails to open whoever runs the test, root included.
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    (tmp_path / "ok.jsonl").write_text(line(id="ok") + "\n", encoding="utf-8")
    articles, problems = read_all(tmp_path)
    assert [a.id for a in articles] == ["ok"]
    assert [p.kind for p in problems] == ["unreadable file"]
    assert "gone.jsonl" in problems[0].path


def test_symlink_loop_is_reported_not_followed_forever(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.jsonl").write_text(line(id="only") + "\n", encoding="utf-8")
    (sub / "loop").symlink_to(tmp_path, target_is_directory=True)
    articles, problems = read_all(tmp_path)
    assert [a.id for a in articles] == ["only"]
    assert [p.kind for p in problems] == ["symlink loop"]


def test_huge_body_is_truncated_and_reported(tmp_path: Path) -> None:
    para = "Đây là một đoạn văn rất dài về thủy điện. " * 50
    body = "\n".join([para] * (MAX_TEXT_CHARS // len(para) + 20))
    rec = Record({"id": "big", "title": "Bài dài", "body": body}, "big.jsonl", 1)
    art, problems = read_article(rec)
    assert art is not None and len(art.body) <= MAX_TEXT_CHARS
    assert art.body.endswith("thủy điện.")
    assert [(p.kind, p.skipped) for p in problems] == [("truncated", False)]


def test_title_less_and_body_less_articles_are_kept() -> None:
    art, problems = read_article(Record({"id": "t", "title": None, "body": "Chỉ có thân bài."}, "f", 1))
    assert art is not None and art.title == "" and problems == []
    art, problems = read_article(Record({"id": "b", "title": "Chỉ có tiêu đề", "body": ""}, "f", 2))
    assert art is not None and art.body == "" and problems == []


def test_missing_path(tmp_path: Path) -> None:
    _, problems = read_all(tmp_path / "nope")
    assert [p.kind for p in problems] == ["unreadable file"]
