"""One generation's term lookups over several segments: frequencies remembered, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import MergePolicy, Snapshot, build
from indexer.store import postings as postings_module
from tests.support import DATA, write_jsonl

ROWS = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
NEVER = MergePolicy(factor=1_000)


def _segmented(tmp_path: Path, parts: int) -> Path:
    index = tmp_path / "ix"
    for i in range(parts):
        build([write_jsonl(tmp_path / f"p{i}.jsonl", ROWS[i * 10 : (i + 1) * 10])], index, jobs=1, policy=NEVER)
    return index


def _by_segment(snap: Snapshot, fieldname: str) -> dict[str, int]:
    """Each term's document frequency, summed over the segments' own dictionaries."""
    out: dict[str, int] = {}
    for leaf, _ in snap.postings.reader.leaf_readers():
        if fieldname not in leaf.schema:
            continue
        for term, info in leaf.iter_field(fieldname):
            text = term.decode("utf-8")
            out[text] = out.get(text, 0) + info.doc_frequency()
    return out


@pytest.mark.parametrize("fieldname", ["body_syl", "title"])
def test_frequency_sums_every_segment_and_stays_so_when_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fieldname: str
) -> None:
    # A memo of three entries starts afresh many times over the vocabulary.
    monkeypatch.setattr(postings_module, "FREQUENCY_ENTRIES", 3)
    with Snapshot.open(_segmented(tmp_path, 3)) as snap:
        assert len(snap.postings.reader.leaf_readers()) == 3
        expected = _by_segment(snap, fieldname)
        assert any(n > 1 for n in expected.values())
        for _ in range(2):
            got = {t: snap.postings.frequency(fieldname, t) for t in expected}
            assert got == expected
        assert snap.postings.frequency(fieldname, "không-có-từ-này") == 0
        assert snap.postings.frequency(fieldname, "không-có-từ-này") == 0


def test_a_new_generation_counts_the_new_articles(tmp_path: Path) -> None:
    index = _segmented(tmp_path, 1)
    with Snapshot.open(index) as before:
        word = max(_by_segment(before, "body_syl").items(), key=lambda kv: kv[1])[0]
        old = before.postings.frequency("body_syl", word)
    build([write_jsonl(tmp_path / "more.jsonl", ROWS[10:20])], index, jobs=1, policy=NEVER)
    with Snapshot.open(index) as after:
        assert after.postings.frequency("body_syl", word) == _by_segment(after, "body_syl")[word]
        assert after.postings.frequency("body_syl", word) > old
