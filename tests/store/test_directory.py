"""Generations on disk: an index written by an earlier version is refused with the rebuild message, then rebuilt."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from indexer import IndexOutdated, Snapshot, build, get_article
from tests.support import DATA, write_jsonl
from webapp import create_app

# Made by commit cc18e0b (the flat indexer/ package, before the move to subpackages) from the
# first three articles of tests/data/articles.jsonl: its schema and segments name classes such
# as indexer.codec.ArrayCodec, which no longer exist.
LEGACY = DATA / "index-cc18e0b.tar.gz"


@pytest.fixture()
def legacy_index(tmp_path: Path) -> Path:
    index = tmp_path / "ix"
    index.mkdir()
    with tarfile.open(LEGACY) as tar:
        tar.extractall(index, filter="tar")
    assert (index / "current").is_symlink()
    return index


def test_an_index_of_the_previous_layout_is_refused_with_the_rebuild_message(legacy_index: Path) -> None:
    with pytest.raises(IndexOutdated, match="built by an older version of vnnews-search; rebuild it"):
        Snapshot.open(legacy_index)


def test_the_web_answers_503_for_it_not_a_500(legacy_index: Path) -> None:
    client = create_app({"TESTING": True, "INDEX": str(legacy_index)}).test_client()
    api = client.get("/api/search?q=xe")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "index_outdated"
    assert "rebuild" in api.get_json()["error"]["message"]
    assert client.get("/").status_code == 503
    assert client.get("/healthz").status_code == 503


def test_the_next_build_rebuilds_it(legacy_index: Path, tmp_path: Path) -> None:
    rows = [line for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()][:3]
    corpus = tmp_path / "a.jsonl"
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = build([corpus], legacy_index, jobs=1)
    assert report.reformatted and (report.added, report.total) == (3, 3)
    with Snapshot.open(legacy_index) as snap:
        assert snap.doc_count == 3
        assert get_article(snap, "t01")["id"] == "t01"


def test_a_half_copied_generation_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "title": "Một"}])], index, jobs=1)
    generation = (index / "current").resolve()
    for segment_file in generation.glob("*.trm"):
        segment_file.unlink()
    client = create_app({"TESTING": True, "INDEX": str(index)}).test_client()
    assert client.get("/api/search?q=một").status_code == 503
    shutil.rmtree(generation)
    assert client.get("/api/search").status_code == 503
