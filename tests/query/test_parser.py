"""The query parser: clauses, phrases, function words."""

from __future__ import annotations

from indexer.query.parser import parse


def test_bare_function_words_are_optional_and_quoted_ones_required() -> None:
    parsed = parse("vắc xin cho trẻ em")
    optional = {c.units[0].word: c.optional for c in parsed.positive}
    assert optional["cho"] is True and optional["vắc"] is False and optional["trẻ_em"] is False
    quoted = parse('vắc xin "cho trẻ em"')
    assert not any(c.optional for c in quoted.positive)
    # A query of function words only keeps them all required (something must select articles).
    assert not any(c.optional for c in parse("của và").positive)
