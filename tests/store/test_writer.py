"""BulkWriter writes the same segment contents as Whoosh's own SegmentWriter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.indexing import Preparer
from indexer.ingest import Record
from indexer.ingest.article import Article
from indexer.store.codec import ArrayCodec
from indexer.store.postings import walk
from indexer.store.schema import make_schema
from indexer.store.writer import BulkWriter
from tests.support import DATA


def _docs() -> list[dict[str, object]]:
    out = []
    prepare = Preparer()
    for n, line in enumerate((DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()):
        article, _, doc = prepare(Record(json.loads(line), "articles.jsonl", n + 1))
        assert isinstance(article, Article)
        out.append(doc)
    return out


def _everything(path: Path) -> dict[str, object]:
    ix = whoosh_index.open_dir(str(path))
    out: dict[str, object] = {}
    with ix.reader() as reader:
        for fieldname in sorted(reader.indexed_field_names()):
            for term in reader.lexicon(fieldname):
                out[f"{fieldname}:{term!r}"] = list(walk(reader.postings(fieldname, term)))
            out[f"{fieldname}:length"] = reader.field_length(fieldname)
            # A document without the field has length None or 0, depending on its segment.
            lengths = [reader.doc_field_length(d, fieldname) or 0 for d in range(reader.doc_count_all())]
            out[f"{fieldname}:lengths"] = lengths
        out["stored"] = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
    return out


@pytest.mark.parametrize(("segment_postings", "rotate"), [(10**9, False), (700, False), (700, True)])
def test_bulk_segments_hold_what_whoosh_writes(tmp_path: Path, segment_postings: int, rotate: bool) -> None:
    docs = _docs()
    whoosh_dir, bulk_dir = tmp_path / "whoosh", tmp_path / "bulk"
    for folder in (whoosh_dir, bulk_dir):
        folder.mkdir()
        whoosh_index.create_in(str(folder), make_schema())
    ix = whoosh_index.open_dir(str(whoosh_dir))
    writer = ix.writer(codec=ArrayCodec())
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    ix = whoosh_index.open_dir(str(bulk_dir))
    writer = BulkWriter(ix)
    for doc in docs:
        writer.add_document(**doc)
        if writer.pool.postings >= segment_postings:
            if rotate:  # postings written by forked children, one commit at the end
                writer.rotate()
            else:
                writer.commit(merge=False)
                writer = BulkWriter(ix)
    writer.commit(merge=False)
    segments = len(whoosh_index.open_dir(str(bulk_dir))._segments())
    assert segments > 2 if segment_postings == 700 else segments == 1
    assert _everything(bulk_dir) == _everything(whoosh_dir)


def test_a_segment_whose_child_fails_fails_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer import IndexWriteError
    from indexer.store.writer import BulkPool

    docs = _docs()
    whoosh_index.create_in(str(tmp_path), make_schema())
    writer = BulkWriter(whoosh_index.open_dir(str(tmp_path)))
    for doc in docs[:3]:
        writer.add_document(**doc)

    def broken(self: BulkPool, fieldwriter: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(BulkPool, "write", broken)  # inherited by the forked child
    writer.rotate()
    monkeypatch.undo()
    for doc in docs[3:6]:
        writer.add_document(**doc)
    with pytest.raises(IndexWriteError, match="failed"):
        writer.commit(merge=False)
