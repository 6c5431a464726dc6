"""Building: incremental updates, duplicates, pruning, atomic rebuild swap, the build lock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indexer import IndexBusy, IndexNotFound, IndexWriteError, Snapshot, build
from indexer.indexing import builder as builder_module
from indexer.store import directory as store


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def art(ident: str, title: str, body: str = "Nội dung.") -> dict[str, object]:
    return {"id": ident, "title": title, "body": body, "source": "test", "published": "2024-01-02"}


def titles(index: Path) -> dict[str, str]:
    with Snapshot.open(index) as snap:
        return {f["id"]: f["title"] for f in snap.searcher.all_stored_fields()}


def test_incremental_update_replaces_and_adds(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một"), art("2", "Hai")])
    first = build([corpus], index, jobs=1)
    assert (first.added, first.updated, first.total) == (2, 0, 2)
    write_jsonl(corpus, [art("2", "Hai sửa"), art("3", "Ba")])
    second = build([corpus], index, jobs=1)
    assert (second.added, second.updated, second.removed, second.total) == (1, 1, 0, 3)
    assert titles(index) == {"1": "Một", "2": "Hai sửa", "3": "Ba"}
    assert "added 1; updated 1" in second.summary()
    # Each build says how long its phases took, all within its own time.
    for report in (first, second):
        assert list(report.phases) == ["analysis", "commit", "stories"]
        assert all(s > 0 for s in report.phases.values()) and sum(report.phases.values()) <= report.seconds


def test_prune_removes_ids_gone_from_the_corpus(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một"), art("2", "Hai")])
    build([corpus], index, jobs=1)
    write_jsonl(corpus, [art("2", "Hai")])
    report = build([corpus], index, jobs=1, prune=True)
    assert report.removed == 1
    assert titles(index) == {"2": "Hai"}


def test_duplicate_ids_last_wins_and_are_counted(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Cũ"), art("2", "Hai"), art("1", "Mới")])
    report = build([corpus], tmp_path / "ix", jobs=1)
    assert report.duplicates == 1 and report.total == 2
    assert titles(tmp_path / "ix") == {"1": "Mới", "2": "Hai"}


def test_bad_records_are_counted_and_good_ones_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "a.jsonl"
    corpus.write_text(
        json.dumps(art("1", "Một")) + "\n{oops\n" + json.dumps(art("2", "Hai")) + "\n",
        encoding="utf-8",
    )
    report = build([corpus], tmp_path / "ix", jobs=1)
    assert report.total == 2
    assert report.skipped == {"invalid JSON": 1}
    assert "skipped 1 (invalid JSON: 1)" in report.summary()


def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    rows = [art(str(i), f"Tin số {i} về thủy điện Hòa Bình", "Khủng bố " * (i % 5)) for i in range(40)]
    corpus = write_jsonl(tmp_path / "a.jsonl", rows)
    build([corpus], tmp_path / "one", jobs=1)
    build([corpus], tmp_path / "two", jobs=2)
    assert titles(tmp_path / "one") == titles(tmp_path / "two")
    with Snapshot.open(tmp_path / "one") as a, Snapshot.open(tmp_path / "two") as b:
        for field in ("title", "body", "title_syl"):
            assert list(a.searcher.lexicon(field)) == list(b.searcher.lexicon(field))


def test_rebuild_swaps_generations_and_keeps_readers_working(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một")])
    build([corpus], index, jobs=1)
    gen1 = store.generation_of(index)
    reader = Snapshot.open(index)  # a web worker mid-request on the old generation
    write_jsonl(corpus, [art("9", "Chín")])
    report = build([corpus], index, jobs=1, rebuild=True)
    assert report.total == 1 and store.generation_of(index) != gen1
    assert titles(index) == {"9": "Chín"}
    assert [f["id"] for f in reader.searcher.all_stored_fields()] == ["1"]
    reader.close()
    assert not list(index.glob("building-*"))


def test_failed_build_leaves_previous_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một")])
    build([corpus], index, jobs=1)
    gen = store.generation_of(index)

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(builder_module, "publish", boom)
    write_jsonl(corpus, [art("2", "Hai")])
    with pytest.raises(KeyboardInterrupt):
        build([corpus], index, jobs=1, rebuild=True)
    assert store.generation_of(index) == gen
    assert titles(index) == {"1": "Một"}
    assert not list(index.glob("building-*"))


def test_second_concurrent_build_gets_a_clear_error(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một")])
    with store.build_lock(index):
        with pytest.raises(IndexBusy, match="another build"):
            build([corpus], index, jobs=1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_index_folder(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một")])
    build([corpus], index, jobs=1)
    index.chmod(0o555)
    try:
        with pytest.raises(IndexWriteError):
            build([corpus], index, jobs=1)
    finally:
        index.chmod(0o755)
    assert titles(index) == {"1": "Một"}


def test_opening_a_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="no index"):
        Snapshot.open(tmp_path / "nothing")


def test_disk_full_mid_build_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from whoosh.writing import SegmentWriter

    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một")])
    build([corpus], index, jobs=1)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", full)
    write_jsonl(corpus, [art("2", "Hai")])
    with pytest.raises(IndexWriteError, match="disk full"):
        build([corpus], index, jobs=1)
    assert titles(index) == {"1": "Một"}
    assert not list(index.glob("building-*"))


def test_broken_corpus_indexes_every_good_record(tmp_path: Path) -> None:
    """One corpus with every kind of bad record next to good ones, legacy encodings included."""
    from ..text.test_legacy import mojibake

    folder = tmp_path / "corpus"
    folder.mkdir()
    good = [art(f"g{i}", f"Bài tốt số {i}") for i in range(5)]
    lines = [json.dumps(r, ensure_ascii=False) for r in good]
    lines += [
        "{not json",
        json.dumps({"id": "n1", "title": 7, "body": "x"}),
        json.dumps({"id": "d1", "title": "Ngày sai", "published": "32/13/2021"}),
        json.dumps({"title": "Không có id"}),
        json.dumps({"id": "e1", "title": "", "body": ""}),
        json.dumps({"id": "g0", "title": "Bài tốt số 0 (bản sửa)", "body": "Mới."}, ensure_ascii=False),
        json.dumps(
            {
                "id": "t3",
                "title": mojibake("Thủy điện Hòa Bình xả lũ", "tcvn3"),
                "body": mojibake("Nước về hồ rất lớn.", "tcvn3"),
            }
        ),
        json.dumps(
            {
                "id": "v1",
                "title": mojibake("Người dân miền Trung chống bão", "vni"),
                "body": mojibake("Bão số ba đổ bộ.", "vni"),
            }
        ),
        json.dumps(
            {"id": "big", "title": "Bài rất dài", "body": ("Một đoạn văn dài về kinh tế. " * 40 + "\n") * 18_000}
        ),
    ]
    raw = ("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "u1", "title": "\xff"}\n'
    (folder / "mixed.jsonl").write_bytes(raw)
    (folder / "fake.jsonl.gz").write_bytes(b"not gzip at all")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    report = build([folder], tmp_path / "ix", jobs=2)
    by_kind = dict(report.skipped)
    assert by_kind == {
        "invalid JSON": 1,
        "wrong type": 1,
        "bad date": 1,
        "no id": 1,
        "no text": 1,
        "invalid UTF-8": 1,
        "bad gzip": 1,
        "symlink loop": 1,
    }
    assert report.repaired["legacy encoding"] >= 2 and report.repaired["truncated"] == 1
    assert report.duplicates == 1
    held = titles(tmp_path / "ix")
    assert set(held) == {"g0", "g1", "g2", "g3", "g4", "t3", "v1", "big"}
    assert held["g0"] == "Bài tốt số 0 (bản sửa)"
    assert held["t3"] == "Thủy điện Hòa Bình xả lũ" and held["v1"] == "Người dân miền Trung chống bão"


def test_read_only_index_folder_as_root_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores chmod, so the read-only file system is simulated where the build first writes."""
    import errno

    index = tmp_path / "ix"
    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một")])
    build([corpus], index, jobs=1)
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        if self.name.startswith("building-"):
            raise OSError(errno.EROFS, "Read-only file system")
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(IndexWriteError, match="Read-only file system; the previous index is untouched"):
        build([corpus], index, jobs=1, rebuild=True)
    assert titles(index) == {"1": "Một"}


def test_index_of_an_older_layout_is_refused_then_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.fields import TEXT

    from indexer import IndexOutdated
    from indexer.store import update
    from indexer.store.schema import make_schema

    def older_schema():  # type: ignore[no-untyped-def]
        schema = make_schema()
        schema.add("title_fold", TEXT(phrase=True))  # a field earlier versions had
        return schema

    corpus = write_jsonl(tmp_path / "a.jsonl", [art("1", "Một"), art("2", "Hai")])
    with monkeypatch.context() as m:
        m.setattr(update, "make_schema", older_schema)
        build([corpus], tmp_path / "ix", jobs=1)
    with pytest.raises(IndexOutdated, match="older version"):
        Snapshot.open(tmp_path / "ix")
    report = build([corpus], tmp_path / "ix", jobs=1)
    assert report.reformatted and (report.added, report.total) == (2, 2)
    assert "older format" in report.summary()
    with Snapshot.open(tmp_path / "ix") as snap:
        assert snap.doc_count == 2


def test_counted_vocabulary_equals_the_one_read_from_the_lexicons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.store import update
    from indexer.store.vocabulary import Vocabulary
    from tests.support import DATA as data

    monkeypatch.setattr(update, "SEGMENT_POSTINGS", 2_000)  # several segments, several children
    build([data / "articles.jsonl", data / "search.jsonl", data / "articles.jsonl"], tmp_path / "ix", jobs=2)
    generation = store.current_dir(tmp_path / "ix").resolve()
    saved = Vocabulary.load(generation)
    ix = store.open_generation(generation)
    assert len(ix._segments()) > 2
    with ix.reader() as reader:
        assert saved == Vocabulary.build(reader)
    assert saved is not None and saved.words and saved.syllables and saved.variants


def test_updates_keep_the_term_counts_and_vocabulary_of_a_lexicon_read(tmp_path: Path) -> None:
    from indexer.store.directory import open_generation
    from indexer.store.vocabulary import TermCounts, Vocabulary
    from tests.support import DATA as data

    rows = [json.loads(line) for line in (data / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    index = tmp_path / "ix"
    build([write_jsonl(tmp_path / "a.jsonl", rows[:12])], index, jobs=1)
    # Updates that add, replace (the same ids, other text) and prune.
    build([write_jsonl(tmp_path / "b.jsonl", rows[12:24])], index, jobs=1)
    changed = [dict(r, title=r["title"] + " đã sửa") for r in rows[:5]]
    build([write_jsonl(tmp_path / "c.jsonl", changed)], index, jobs=1)
    build([tmp_path / "b.jsonl", tmp_path / "c.jsonl"], index, jobs=1, prune=True)
    generation = store.current_dir(index).resolve()
    ix = open_generation(generation)
    with ix.reader() as reader:
        assert TermCounts.load(generation) == TermCounts.read(reader)
        assert Vocabulary.load(generation) == Vocabulary.build(reader)
    spelling, df = Vocabulary.load(generation).syllables["sua"]  # type: ignore[union-attr]
    assert spelling == "sửa" and df >= 5
