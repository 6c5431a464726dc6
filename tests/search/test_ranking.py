"""Ranking rules on a tiny index (tests/data/ranking.jsonl): variants, function words, proximity."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from indexer import SearchRequest, Snapshot, Synonyms, search
from indexer.query import parse, plan
from indexer.search.execution import run


@pytest.fixture()
def snap(ranking_index: Path):  # type: ignore[no-untyped-def]
    with Snapshot.open(ranking_index) as s:
        yield s


def ids(snap: Snapshot, q: str, **kw: object) -> list[str]:
    return [h.id for h in search(snap, SearchRequest(q=q, per_page=100, **kw)).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "own", "other"),
    [
        ("ô tô", "r-oto-spaced", "r-oto-joined"),
        ("ôtô", "r-oto-joined", "r-oto-spaced"),
        ("vắc xin", "r-vacxin", "r-vaccine"),
        ("vaccine", "r-vaccine", "r-vacxin"),
        ("UBND", "r-ubnd", "r-uyban"),
        ("Ủy ban nhân dân", "r-uyban", "r-ubnd"),
        ("uy ban nhan dan", "r-uyban", "r-ubnd"),
    ],
)
def test_a_variant_finds_the_other_spelling_below_the_typed_one(
    snap: Snapshot, typed: str, own: str, other: str
) -> None:
    found = ids(snap, typed)
    assert found.index(own) < found.index(other), found
    assert other not in ids(snap, typed, variants="off")


def test_the_result_says_what_else_was_searched_and_off_says_it_is_not(snap: Snapshot) -> None:
    on = search(snap, SearchRequest(q="ôtô nhập khẩu"))
    assert on.variants == {"on": True, "groups": [{"typed": "ôtô", "also": ["ô tô"]}]}
    off = search(snap, SearchRequest(q="ôtô nhập khẩu", variants="off"))
    assert off.variants == {"on": False, "groups": [{"typed": "ôtô", "also": ["ô tô"]}]}
    assert off.to_dict()["variants"] == off.variants


def test_the_other_spelling_is_marked_in_snippets(snap: Snapshot) -> None:
    hits = {h.id: h for h in search(snap, SearchRequest(q="vaccine")).hits}
    assert "<mark>vắc-xin</mark>" in hits["r-vacxin"].snippet


def test_an_abbreviation_that_is_a_word_counts_only_in_capitals(snap: Snapshot) -> None:
    # "ai" is "who": lower case is the word, never artificial intelligence.
    assert "r-ai" not in ids(snap, "ai")
    assert "r-ai" in ids(snap, "AI")
    # ...and "trí tuệ nhân tạo" never searches "ai", which the index cannot tell from "who".
    assert "r-ai-who" not in ids(snap, "trí tuệ nhân tạo")
    assert search(snap, SearchRequest(q="trí tuệ nhân tạo")).variants["groups"] == []


def test_a_numeral_is_never_expanded(snap: Snapshot, tmp_path: Path) -> None:
    # "19" of Covid-19 is in the list only inside a form: the number alone stays a number.
    assert search(snap, SearchRequest(q="19")).variants["groups"] == []
    assert search(snap, SearchRequest(q="2019")).variants["groups"] == []
    assert set(ids(snap, "19")) == {"r-covid-2019"}


def test_an_excluded_word_excludes_its_variants(snap: Snapshot) -> None:
    assert not {"r-oto-joined", "r-oto-spaced"} & set(ids(snap, "giá -ôtô"))
    assert "r-oto-spaced" in ids(snap, "giá -ôtô", variants="off")


def test_a_quoted_form_is_not_expanded(snap: Snapshot) -> None:
    assert ids(snap, '"ô tô"') == ["r-oto-spaced"]


def test_an_archives_own_file_adds_groups(snap: Snapshot, ranking_index: Path, tmp_path: Path) -> None:
    own = tmp_path / "synonyms.txt"
    own.write_text("# our newsroom's words\nthanh tra | kiểm tra viên\n", encoding="utf-8")
    from indexer import Index

    with Index(ranking_index, synonyms=Synonyms.load(own)).snapshot() as s:
        assert search(s, SearchRequest(q="kiểm tra viên")).variants["groups"] == [
            {"typed": "kiểm tra viên", "also": ["thanh tra"]}
        ]
        assert "r-near" in [h.id for h in search(s, SearchRequest(q="kiểm tra viên")).hits]
        # The shipped list is still there.
        assert "r-oto-joined" in [h.id for h in search(s, SearchRequest(q="ô tô")).hits]


def test_a_function_word_in_quotes_is_required(snap: Snapshot) -> None:
    assert set(ids(snap, "vắc xin cho trẻ em")) >= {"r-cho-tre", "r-tre-no-cho"}
    assert ids(snap, "vắc xin cho trẻ em")[0] == "r-cho-tre"
    assert set(ids(snap, 'vắc xin "cho" trẻ em')) == {"r-cho-tre"}


def test_words_close_together_rank_above_words_far_apart(snap: Snapshot) -> None:
    parsed = parse("tham nhũng đất đai", snap.vocabulary)
    post = snap.postings
    plain = run(post, plan(parsed, snap.spell, frequency=post.frequency, near=False))
    near = run(post, plan(parsed, snap.spell, frequency=post.frequency))
    num = {snap.article(int(d)).id: i for i, d in enumerate(plain.ids)}
    far_id, near_id = num["r-far"], num["r-near"]
    assert set(num) == {"r-far", "r-near"}
    # Without proximity the two score within a few percent (same words, once each, similar
    # lengths); proximity adds twice that to the article where the words touch, nothing to the
    # other (a small share of the words' own scores, as windows weigh in the dependence model).
    gap = abs(plain.scores[far_id] - plain.scores[near_id])
    assert gap < 0.05 * plain.scores[far_id]
    assert near.scores[near_id] - plain.scores[near_id] > 2 * gap
    assert near.scores[far_id] == pytest.approx(plain.scores[far_id])
    assert ids(snap, "tham nhũng đất đai") == ["r-near", "r-far"]


def test_near_finds_the_documents_whoosh_finds(snap: Snapshot) -> None:
    from indexer.query import Node, Term

    for window in (1, 3, 8, 40):
        node = Node("near", (Term("body_syl", ("nhũng",)), Term("body_syl", ("đai",))), 1.0, window)
        mine = {int(d) for d in run(snap.postings, node).ids}
        assert mine == snap.whoosh_docnums(node), window
    wide = Node("near", (Term("body_syl", ("nhũng",)), Term("body_syl", ("đai",))), 1.0, 200)
    assert {snap.article(int(d)).id for d in run(snap.postings, wide).ids} == {"r-near", "r-far"}


def test_a_word_repeated_in_every_field_gains_little_over_the_same_word_in_a_body(snap: Snapshot) -> None:
    from indexer.query.plan import UNIT_WEIGHT, unit_plan
    from indexer.search.scoring import K1

    # r-drought-title says "hạn hán" in its title, its lead (twice) and its body (three times);
    # r-drought-coffee twice in its body. Summed field by field (title 3, lead 1.5, body 1, each
    # as a word and as syllables), the first scored several times the second; scored as one
    # BM25F term the counts saturate together: a body that says it twice already has over
    # 1 / (K1 + 1) of the most a word can score.
    unit = parse("hạn hán", snap.vocabulary).units()[0]
    found = run(snap.postings, unit_plan(unit, ("title", "sapo", "body"), None))
    score = {snap.article(int(d)).id: float(s) for d, s in zip(found.ids, found.scores, strict=True)}
    assert set(score) == {"r-drought-title", "r-drought-coffee"}
    assert score["r-drought-coffee"] < score["r-drought-title"] < (K1 + 1) * score["r-drought-coffee"]
    # The ceiling of one word: idf × (K1 + 1) × its weight, with an idf of at most log(N) + 1.
    ceiling = (math.log(snap.postings.size) + 1) * (K1 + 1) * UNIT_WEIGHT
    assert max(score.values()) < ceiling


def test_words_that_all_stand_in_the_lead_rank_above_the_same_words_in_the_body(snap: Snapshot) -> None:
    # The same sentences, swapped between lead and body; the title and lead bonus decides.
    assert ids(snap, "sầu riêng xuất khẩu") == ["r-lead-both", "r-body-both"]
