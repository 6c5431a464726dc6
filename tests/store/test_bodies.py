"""Stored bodies: a per-index zlib dictionary, kept across incremental builds."""

from __future__ import annotations

import functools
import json
import zlib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from indexer import Snapshot, build, get_article
from indexer.store.bodies import FILENAME, BodyCodec, make_dictionary
from tests.support import DATA


def _bodies() -> list[str]:
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["body"] for r in rows if r.get("body")]


@functools.cache
def _dictionary() -> bytes:
    return make_dictionary(_bodies())


def test_dictionary_round_trips_and_shrinks_short_bodies() -> None:
    bodies = _bodies()
    train, test = bodies[: len(bodies) // 2], bodies[len(bodies) // 2 :]
    dictionary = make_dictionary(train)
    assert 0 < len(dictionary) <= 32 * 1024
    packed = [BodyCodec(dictionary).compress(b) for b in test]
    assert [BodyCodec(dictionary).decompress(p) for p in packed] == test
    plain = sum(len(zlib.compress(b.encode(), 6)) for b in test)
    assert sum(map(len, packed)) < plain


@given(st.text(st.characters(codec="utf-8"), max_size=400), st.integers(0, 120), st.booleans())
def test_a_lead_is_the_body_s_first_characters(body: str, chars: int, with_dictionary: bool) -> None:
    # Story grouping reads only a body's lead: it must be what slicing the whole body gives,
    # whatever the characters' widths (one to four bytes) and where the cut falls.
    codec = BodyCodec(_dictionary() if with_dictionary else b"")
    assert codec.lead(codec.compress(body), chars) == body[:chars]


def test_bodies_survive_an_incremental_build(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:20]), encoding="utf-8")
    build([first], tmp_path / "ix", jobs=1)
    made = (tmp_path / "ix" / "current" / FILENAME).read_bytes()
    assert made
    second.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[20:]), encoding="utf-8")
    build([first, second], tmp_path / "ix", jobs=2)
    assert (tmp_path / "ix" / "current" / FILENAME).read_bytes() == made
    with Snapshot.open(tmp_path / "ix") as snap:
        for r in rows:
            if r.get("body"):
                assert get_article(snap, r["id"])["body"].split() == r["body"].split()
