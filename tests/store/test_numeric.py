"""Numeric columns read in bulk: the values Whoosh's own column readers give, one by one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

from indexer import build
from indexer.store.directory import current_dir, open_generation
from indexer.store.numeric import column_values, numeric_column
from tests.support import DATA, write_jsonl


def test_bulk_columns_equal_whooshs_one_by_one(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    index = tmp_path / "ix"
    build([DATA / "articles.jsonl"], index, jobs=1)
    # A second segment, holding an undated article (the column's default, -1) last and an article
    # replaced (its old copy deleted, still numbered).
    undated = {**rows[1], "id": "undated-one", "published": None, "seen": None}
    for key in ("body", "sapo"):
        undated[key] = "Không có ngày tháng. " + (undated.get(key) or "")
    build([write_jsonl(tmp_path / "more.jsonl", [{**rows[0], "title": "Sửa lại"}, undated])], index, jobs=1)
    ix = open_generation(current_dir(index).resolve())
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) >= 2 and reader.doc_count() < reader.doc_count_all()
        for name, dtype in (("day", np.int32), ("seq", np.int64)):
            slow = np.fromiter(reader.column_reader(name, translate=False), dtype=dtype, count=reader.doc_count_all())
            fast = numeric_column(reader, name, dtype)
            assert fast.dtype == dtype and fast.tolist() == slow.tolist()
        assert -1 in numeric_column(reader, "day", np.int32).tolist()
        # The per-document field lengths Whoosh keeps, one byte each, read the same way.
        for leaf, _ in reader.leaf_readers():
            column = leaf._perdoc.column_reader(_lenfield("body"), LENGTHS_COLUMN)
            count = leaf.doc_count_all()
            assert column_values(column, count).tolist() == list(column) and count > 0
