"""The numpy plan runner against Whoosh's own matchers, and quoted phrases against the texts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import SearchRequest, Snapshot, search
from indexer.query import parse, plan
from indexer.search.execution import DocSet, Matches, _common, _union, keys_in, run
from indexer.store.schema import TEXT_FIELDS
from indexer.text import fold

QUERIES = [
    "khủng bố",
    "khung bo bac ninh",
    "thủy điện xả lũ",
    "mua",
    "mưa",
    "hoà bình",
    "bác sĩ OR thủy điện",
    "khủng bố -ninh",
    "title:thủy điện",
    "body:mưa",
    "ma tuy",
    "Bắc",
    '"thủy điện"',
    '"mùa mưa"',
    '"khung bo"',
    'thủy điện "xả lũ"',
    '"phòng chống khủng bố"',
]


@pytest.mark.parametrize("q", QUERIES)
def test_numpy_matches_what_whoosh_matches(snapshot: Snapshot, q: str) -> None:
    parsed = parse(q, snapshot.vocabulary)
    for folded in (False, True):
        wanted = plan(parsed, snapshot.spell, folded=folded)
        found = run(snapshot.postings, wanted)
        ours = set(found.ids[snapshot.live[found.ids]].tolist())
        theirs = snapshot.whoosh_docnums(wanted)
        assert ours == theirs, (q, folded)
    assert ours, q  # every query above finds something


def _texts(snap: Snapshot) -> dict[str, str]:
    out = {}
    for docnum in np.flatnonzero(snap.live).tolist():
        art = snap.article(docnum)
        out[art.id] = "\n".join(getattr(art, f) for f in TEXT_FIELDS).lower()
    return out


@pytest.mark.parametrize("phrase", ["thủy điện", "xả lũ", "mùa mưa", "phòng chống khủng bố", "Bắc Ninh"])
def test_quoted_phrase_finds_exactly_the_articles_holding_it(snapshot: Snapshot, phrase: str) -> None:
    words = phrase.lower().split()
    pattern = re.compile(r"(?<!\w)" + r"[\W_]+".join(map(re.escape, words)) + r"(?!\w)")
    expected = {i for i, text in _texts(snapshot).items() if pattern.search(text)}
    got = {h.id for h in search(snapshot, SearchRequest(q=f'"{phrase}"', per_page=100)).hits}
    assert expected and got == expected
    # Typed without diacritics, the phrase also matches any spelling of its letters.
    folded_words = [fold(w) for w in words]
    loose_pattern = re.compile(r"(?<!\w)" + r"[\W_]+".join(folded_words) + r"(?!\w)")
    loose = {i for i, text in _texts(snapshot).items() if loose_pattern.search(fold(text))}
    request = SearchRequest(q='"' + " ".join(folded_words) + '"', per_page=100)
    got_loose = {h.id for h in search(snapshot, request).hits}
    assert got_loose == loose and loose >= expected


def test_words_apart_are_not_a_phrase(snapshot: Snapshot) -> None:
    # Articles holding "mưa" and "xả" apart (hydropower: rain, then release) do not match "mưa xả".
    texts = _texts(snapshot)
    apart = {i for i, t in texts.items() if "mưa" in t and "xả" in t and not re.search(r"mưa[\W_]+xả", t)}
    assert apart
    got = {h.id for h in search(snapshot, SearchRequest(q='"mưa xả"', per_page=100)).hits}
    assert not got & apart


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30)), unique=True),
    st.sets(st.integers(0, 40)),
)
def test_keys_in_keeps_the_occurrences_of_the_documents_asked(pairs: list[tuple[int, int]], wanted: set[int]) -> None:
    # Both ways (a pass over every key, binary searches per document) give the same keys.
    keys = np.array(sorted((d << 32) | p for d, p in pairs), dtype=np.int64)
    docs = np.array(sorted(wanted), dtype=np.int64)
    expected = [k for k in keys.tolist() if k >> 32 in wanted]
    assert keys_in(keys, DocSet(docs, 41)).tolist() == expected
    # Many keys per document asked take the binary searches.
    many = np.repeat(keys, 20) if keys.size else keys
    first = [k for k in expected if docs.size and k >> 32 == docs[0]]
    assert np.unique(keys_in(many, DocSet(docs[:1], 41))).tolist() == first


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 60)), st.sets(st.integers(0, 60)))
def test_both_ways_of_intersecting_find_the_shared_documents(a: set[int], b: set[int]) -> None:
    left, right = np.array(sorted(a), dtype=np.int64), np.array(sorted(b), dtype=np.int64)
    shared = sorted(a & b)
    # An index of 61 documents takes the index-sized array; one of a million, binary searches.
    for size in (61, 1_000_000):
        mine, theirs = _common(left, right, size)
        assert left[mine].tolist() == right[theirs].tolist() == shared


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.integers(0, 60), st.integers(1, 50), max_size=30), max_size=6))
def test_both_ways_of_joining_find_every_document_with_its_summed_score(parts: list[dict[int, int]]) -> None:
    # Scores in quarters add exactly in float32, so both ways must give the very same sums. An
    # index of 61 documents takes the dense arrays past a tenth of it; one of a million, the sort.
    matches = [
        Matches(np.array(sorted(p), dtype=np.int64), np.array([p[d] / 4 for d in sorted(p)], dtype=np.float32))
        for p in parts
    ]
    expected: dict[int, float] = {}
    for p in parts:
        for d, score in p.items():
            expected[d] = expected.get(d, 0.0) + score / 4
    for size in (61, 1_000_000):
        found = _union(matches, size)
        assert found.ids.dtype == np.int64 and found.scores.dtype == np.float32
        assert dict(zip(found.ids.tolist(), found.scores.tolist(), strict=True)) == dict(sorted(expected.items()))
        assert found.ids.tolist() == sorted(expected)


def test_a_union_adds_each_document_s_scores_in_the_same_order_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    # A shard's shorter lists may take the sparse way where the whole index takes the dense one:
    # the sums must agree to the last bit, or a sharded index ranks ties differently.
    from indexer.search import execution

    rng = np.random.default_rng(7)
    parts = []
    for _ in range(5):
        ids = np.unique(rng.integers(0, 5_000, 2_000)).astype(np.int64)
        parts.append(Matches(ids, (rng.random(ids.size) * 60).astype(np.float32)))
    sparse = _union(parts, 10**9)
    monkeypatch.setattr(execution, "UNION_DENSE_SHARE", 0.0)
    dense = _union(parts, 5_000)
    assert np.array_equal(sparse.ids, dense.ids)
    assert np.array_equal(sparse.scores, dense.scores)
