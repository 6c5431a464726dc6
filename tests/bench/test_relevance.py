"""The relevance scorer: nDCG@10 and P@10 as defined, judgments read strictly, topics well formed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click
import pytest

from bench.relevance import DEPTH, SECOND, TOPICS, agreement, held_out, load_judgments, load_topics, ndcg, precision


def test_ndcg_is_one_for_the_ideal_order_and_lower_otherwise() -> None:
    known = [2, 1, 0, 2]
    assert ndcg([2, 2, 1, 0], known) == pytest.approx(1.0)
    worse = ndcg([0, 1, 2, 2], known)
    ideal = 3 + 3 / math.log2(3) + 1 / 2
    assert worse == pytest.approx((0 + 1 / math.log2(3) + 3 / 2 + 3 / math.log2(5)) / ideal)
    assert ndcg([0, 0], [0, 0]) == 0.0  # nothing relevant is known: no credit, no division by zero


def test_precision_counts_empty_places_as_misses() -> None:
    assert precision([2, 1, 0]) == pytest.approx(2 / DEPTH)
    assert precision([1] * 12) == 1.0


def test_a_bad_grade_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "judgments.jsonl"
    path.write_text('{"query": "a", "id": "x", "grade": 2}\n\n{"query": "a", "id": "y", "grade": 3}\n')
    with pytest.raises(click.ClickException, match=r"judgments.jsonl:3: grade must be 0, 1 or 2, not 3"):
        load_judgments(path)
    path.write_text('{"query": "a", "id": "x", "grade": 2}\n')
    assert load_judgments(path) == {("a", "x"): 2}


def test_the_topics_have_unique_ids_needs_and_at_least_sixty_queries() -> None:
    topics = load_topics()
    ids = [q.id for q, _ in topics]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    assert all(need.strip() and q.q.strip() for q, need in topics)
    kinds = {q.kind for q, _ in topics}
    assert {"topic", "nodiac", "name", "place", "variant", "function"} <= kinds
    assert json.loads(TOPICS.read_text(encoding="utf-8"))["about"]


def test_the_second_reading_reads_pairs_the_first_judged_with_the_grades_they_were_given() -> None:
    judged = load_judgments()
    rows = [json.loads(line) for line in SECOND.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows and all(judged[(r["query"], r["id"])] == r["first"] for r in rows)
    read, same, relevant = agreement()
    assert read == len(rows) and same <= relevant <= read


def test_held_out_queries_are_some_of_the_topics() -> None:
    later = held_out()
    assert later and later < {q.id for q, _ in load_topics()}
