"""ArrayCodec: packed posting blocks read back the same by Whoosh's matchers and as numpy arrays."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.fields import ID, TEXT, Schema
from whoosh.formats import Existence, Frequency, Positions

from indexer.analysis import plain_terms, syllable_analyzer, word_analyzer
from indexer.store.codec import (
    ARRAYS,
    ARRAYS_RAW,
    POSITIONS,
    POSITIONS_RAW,
    ArrayCodec,
    ArrayLeafMatcher,
    inlined_entry,
    pack,
    pack_positions,
    posting_values,
    unpack,
    unpack_positions,
)
from indexer.store.formats import PackedPositions, VietFrequency
from indexer.store.postings import Postings, walk
from indexer.text import abbreviations
from tests.support import DATA


@given(
    st.lists(st.integers(0, 2**32 - 2), min_size=1, max_size=300, unique=True),
    st.sampled_from(["ones", "small", "large", "float"]),
)
@settings(max_examples=200, deadline=None)
def test_pack_round_trips(raw_ids: list[int], kind: str) -> None:
    ids = np.array(sorted(raw_ids), dtype=np.uint32)
    rng = np.random.default_rng(len(raw_ids))
    weights = {
        "ones": np.ones(ids.size),
        "small": rng.integers(1, 200, ids.size).astype(float),
        "large": rng.integers(1, 60_000, ids.size).astype(float),
        "float": rng.random(ids.size) * 7,
    }[kind].astype(np.float32)
    got_ids, got_weights = unpack(pack(ids, weights), ids.size)
    assert got_ids.tolist() == ids.tolist()
    assert np.array_equal(got_weights, weights)


@given(st.lists(st.lists(st.integers(0, 2**31), min_size=1, max_size=40, unique=True), min_size=1, max_size=50))
@settings(max_examples=200, deadline=None)
def test_positions_pack_round_trips(postings: list[list[int]]) -> None:
    values = [PackedPositions().encode(sorted(p)) for p in postings]
    counts, flat = unpack_positions(pack_positions(values), len(values))
    assert counts.tolist() == [len(p) for p in postings]
    assert flat.tolist() == [x for p in postings for x in sorted(p)]


def _index(tmp_path: Path, docs: list[dict[str, str]], blocklimit: int) -> whoosh_index.FileIndex:
    schema = Schema(
        id=ID(stored=True), text=TEXT(phrase=False), pos=TEXT(phrase=True), tags=ID, packed=TEXT(phrase=True)
    )
    schema["packed"].format = PackedPositions()
    ix = whoosh_index.create_in(str(tmp_path), schema)
    writer = ix.writer(codec=ArrayCodec(blocklimit=blocklimit, inlinelimit=3))
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def test_every_term_reads_the_same_both_ways(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    words = ["alpha", "beta", "gamma", "delta", "rare"]
    docs = []
    for n in range(700):
        picked = [w for w in words[:4] if rng.random() < 0.5] * int(rng.integers(1, 4))
        if n == 5:
            picked.append("rare")
        text = " ".join(picked) or "empty"
        docs.append({"id": str(n), "text": text, "pos": text, "tags": "odd" if n % 2 else "even", "packed": text})
    ix = _index(tmp_path, docs, blocklimit=32)
    packed = 0
    with ix.reader() as reader:
        for fieldname in ("text", "pos", "tags", "packed"):
            for term in reader.lexicon(fieldname):
                expected = list(walk(reader.postings(fieldname, term)))
                # Whoosh's own view: counts match the text, values decode as the format says.
                word = term.decode()
                for docnum, weight, value in expected:
                    if fieldname == "tags":
                        assert (weight, docs[docnum]["tags"]) == (1.0, word)
                        continue
                    count = docs[docnum]["text"].split().count(word)
                    assert weight == count
                    if fieldname in ("text", "packed"):
                        assert reader.schema[fieldname].format.decode_frequency(value) == count
                    if fieldname == "packed":
                        where = reader.schema[fieldname].format.decode_positions(value)
                        assert [docs[docnum]["text"].split()[i] for i in where] == [word] * count
                fresh = reader.postings(fieldname, term)
                if isinstance(fresh, ArrayLeafMatcher):
                    ids, weights = fresh.arrays()
                    assert ids.tolist() == [e[0] for e in expected]
                    assert weights.tolist() == [e[1] for e in expected]
                    fresh.reset()
                    # Counts (text) and presence (tags) are packed, so are PackedPositions; Whoosh's
                    # own positions keep W3 blocks.
                    kind = {"pos": (), "packed": (POSITIONS, POSITIONS_RAW)}.get(fieldname, (ARRAYS, ARRAYS_RAW))
                    assert fresh._compression in kind or (fieldname == "pos" and fresh._compression > 0)
                    packed += fieldname != "pos"
                    if fieldname == "packed":
                        got_ids, counts, flat = reader.postings(fieldname, term).positions()
                        assert got_ids.tolist() == [e[0] for e in expected]
                        decode = reader.schema[fieldname].format.decode_positions
                        assert flat.tolist() == [p for e in expected for p in decode(e[2])]
                        assert counts.tolist() == [len(decode(e[2])) for e in expected]
    assert packed == 12  # text, packed: alpha..delta and "empty" ("rare" is inlined); tags: odd, even


def test_positions_keep_whoosh_blocks_and_phrases_work(tmp_path: Path) -> None:
    from whoosh import query as Q

    docs = [{"id": str(n), "text": "x", "pos": "xa xb xc" if n % 2 else "xb xa xc", "tags": "t"} for n in range(100)]
    ix = _index(tmp_path, docs, blocklimit=16)
    with ix.searcher() as s:
        assert len(s.search(Q.Phrase("pos", ["xa", "xb"]), limit=None)) == 50


def test_postings_concatenate_segments_and_keep_short_lists_inline(tmp_path: Path) -> None:
    schema = Schema(id=ID(stored=True), text=TEXT(phrase=False))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    for start in (0, 40):
        writer = ix.writer(codec=ArrayCodec(blocklimit=8))
        for n in range(start, start + 40):
            writer.add_document(id=str(n), text="common" + (" odd" if n % 2 else "") + (" once" if n == 41 else ""))
        writer.commit(merge=False)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 2
        post = Postings(reader)
        ids, counts = post.term("text", "common")
        assert ids.tolist() == list(range(80))
        assert post.term("text", "odd")[0].tolist() == list(range(1, 80, 2))
        assert post.term("text", "once")[0].tolist() == [41]
        assert post.term("text", "missing")[0].size == 0
        assert post.spellings("text", [["comm", "common"]], "") == ("common",)


ABBREVIATED = (
    "Công an tỉnh Bắc Ninh tổ chức diễn tập phòng, chống khủng bố (PCKB) tại khu công nghiệp. "
    "Lực lượng PCKB gồm 500 cán bộ.\nNgày 12/5, TP.HCM cũng diễn tập; giá 1.000 đồng, e-mail a.b@c.vn"
)


def _whoosh_rows(fmt: object, text: str, analyzer: object, **kwargs: object) -> dict[str, tuple[int, float, object]]:
    return {w: (n, wt, v) for w, n, wt, v in fmt.word_values(text, analyzer, **kwargs)}  # type: ignore[attr-defined]


def test_term_counting_without_tokens_equals_whoosh_s_token_path() -> None:
    texts = [ABBREVIATED, "", "   ", "Khủng bố Bắc Ninh"]
    texts += [json.loads(line)["body"] for line in (DATA / "search.jsonl").read_text(encoding="utf-8").splitlines()]
    assert plain_terms(word_analyzer(), "a") is not None and plain_terms(syllable_analyzer(), "a") is not None
    for text in texts:
        table = abbreviations([text])
        for analyzer in (word_analyzer(), syllable_analyzer()):
            ours = _whoosh_rows(VietFrequency(), text, analyzer, abbreviations=table)
            assert ours == _whoosh_rows(Frequency(), text, analyzer, abbreviations=table), text
        # Positions: ours packed, Whoosh's pickled; compared decoded.
        found = []
        for fmt in (PackedPositions(), Positions()):
            rows = _whoosh_rows(fmt, text, syllable_analyzer(), abbreviations=table)
            found.append({w: (n, wt, fmt.decode_positions(v)) for w, (n, wt, v) in rows.items()})
        assert found[0] == found[1], text
    words = _whoosh_rows(VietFrequency(), ABBREVIATED, word_analyzer(), abbreviations=abbreviations([ABBREVIATED]))
    # Written once, abbreviated twice: each PCKB also counts as its words.
    assert "pckb" in words and words["khủng_bố"][0] == 3


class _Table:
    """Stands in for W3's file of postings: ArrayPostingsWriter only asks it for its position."""

    def tell(self) -> int:
        return 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 1 << 31), min_size=1, max_size=7, unique=True),
    st.sampled_from(["existence", "frequency", "fractional", "positions"]),
    st.data(),
)
def test_inlined_entry_is_what_the_postings_writer_writes(raw_ids: list[int], kind: str, data: st.DataObject) -> None:
    """A short list's term-table entry built directly equals ArrayPostingsWriter's and W3TermInfo's bytes."""
    ids = np.asarray(sorted(raw_ids), dtype=np.uint32)
    n = len(ids)
    counts = positions = None
    fmt = {
        "existence": Existence(),
        "frequency": Frequency(),
        "fractional": Frequency(),
        "positions": PackedPositions(),
    }[kind]
    if kind == "positions":
        counts = np.asarray(data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), dtype=np.int64)
        positions = np.asarray(
            data.draw(st.lists(st.integers(0, 5000), min_size=int(counts.sum()), max_size=int(counts.sum()))),
            dtype=np.uint32,
        )
        weights = counts.astype(np.float32)
    elif kind == "fractional":
        weights = np.asarray(
            data.draw(st.lists(st.floats(0.125, 50.0, width=32), min_size=n, max_size=n)), dtype=np.float32
        )
    else:
        weights = np.asarray(data.draw(st.lists(st.integers(1, 300), min_size=n, max_size=n)), dtype=np.float32)
    writer = ArrayCodec().postings_writer(_Table())
    writer.start_postings(fmt, W3TermInfo())
    writer.add_arrays(ids, weights, counts, positions)
    expected = writer.finish_postings().to_bytes()
    values = posting_values(counts, positions) if counts is not None and positions is not None else []
    assert inlined_entry(fmt, ids.tolist(), weights.tolist(), values) == expected
