"""The whole index's term dictionary, merged from its shards, is the one index's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Index, build
from indexer.store.lexicon import LEXICON_FIELDS, Lexicon
from indexer.store.manifest import Manifest
from tests.support import DATA, SEED, WEB_ARTICLES


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("lexicon")
    corpus = [DATA / "search.jsonl", DATA / "ranking.jsonl", WEB_ARTICLES, SEED]
    build(corpus, root / "one", jobs=1)
    build(corpus, root / "three", jobs=1, shards=3)
    return root / "one", root / "three"


def test_merged_dictionary_counts_every_term_as_one_index(pair: tuple[Path, Path]) -> None:
    lexicon = Lexicon.load(Manifest.folder(pair[1]))
    assert lexicon is not None
    snap = Index(pair[0]).snapshot()
    reader = snap.postings.reader
    checked = 0
    for fieldname in LEXICON_FIELDS:
        if fieldname not in reader.schema:
            continue
        for term, info in reader.iter_field(fieldname):
            assert lexicon.frequency(fieldname, term.decode("utf-8")) == info.doc_frequency(), (fieldname, term)
            checked += 1
    assert checked > 1000
    assert lexicon.frequency("body", "không-có-từ-này") == 0
    assert lexicon.frequency("no_such_field", "bão") == 0
    snap.close()


def test_spellings_and_prefixes_as_one_index(pair: tuple[Path, Path]) -> None:
    lexicon = Lexicon.load(Manifest.folder(pair[1]))
    assert lexicon is not None
    snap = Index(pair[0]).snapshot()
    vocab = snap.vocabulary
    asks = [
        ("body", ("khung", "bo"), "_"),
        ("title_syl", ("bac",), ""),
        ("sapo_syl", ("bac",), ""),
        ("author", ("nguyen", "van"), " "),
        ("body_syl", ("tinh",), ""),
        ("title", ("xyz", "abc"), "_"),
    ]
    found = 0
    for fieldname, folded, joiner in asks:
        options = [vocab.spellings(s) for s in folded]
        mine = lexicon.spellings(fieldname, options, joiner)
        assert mine == snap.postings.spellings(fieldname, options, joiner), (fieldname, folded)
        found += len(mine)
    assert found >= 4
    assert lexicon.has_prefix("body", "khủng") and not lexicon.has_prefix("body", "zzzz")
    snap.close()
