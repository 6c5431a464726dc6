"""Query plans: what each unit of a parsed query matches in which field, and how it scores.

Each unit matches as a pyvi word, as a run of syllables (in the fields that chain them), or, when
typed without diacritics or when a search is relaxed, as any spelling of its folded syllables;
the three carry decreasing weight. A plan is a small tree of Terms and Nodes that search.execution
runs on numpy arrays (and search.Snapshot on Whoosh's own matchers, for checking).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..analysis.filters import pair
from ..store.schema import CHAINED, PAIRED
from .parser import ParsedQuery, Unit

__all__ = [
    "Term",
    "Node",
    "Plan",
    "Speller",
    "plan",
    "unit_plan",
    "sequence",
    "syllable_run",
    "WORD_WEIGHT",
    "SYLLABLE_WEIGHT",
    "FOLDED_WEIGHT",
    "FOLDED_WEIGHT_RELAXED",
    "FIELD_WEIGHTS",
]

WORD_WEIGHT, SYLLABLE_WEIGHT, FOLDED_WEIGHT, FOLDED_WEIGHT_RELAXED = 1.0, 0.6, 1.0, 0.2
FIELD_WEIGHTS = {"title": 3.0, "sapo": 1.5, "body": 1.0, "author": 1.0}



@dataclass(frozen=True)
class Term:
    """One indexed term, or several spellings of it counted as one (folded matching)."""

    field: str
    texts: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Node:
    """An operator over sub-plans.

    all: every child, scores summed; any: at least one, scores summed; seq: every child, mean
    score (the syllable pairs of one phrase); phrase: as seq, where the children (terms of one
    positional field) occur at consecutive positions; maybe: the first child, plus the second's
    score where it also matches; not: the first child without the second's documents.
    """

    op: str
    children: tuple[Plan, ...]
    boost: float = 1.0


Plan = Term | Node


class Speller(Protocol):
    """The index's spellings of folded syllables, as terms of a field."""

    def __call__(self, fieldname: str, folded: tuple[str, ...], joiner: str) -> tuple[str, ...]: ...


def sequence(fieldname: str, syllables: tuple[str, ...], boost: float, spell: Speller | None = None) -> Plan:
    """Syllables in order: one syllable is a term, more are a chain of adjacent pairs."""
    if len(syllables) == 1:
        texts = spell(fieldname, syllables, "") if spell else syllables
        return Term(fieldname, texts, boost)
    pairs = []
    for a, b in zip(syllables, syllables[1:], strict=False):
        texts = spell(fieldname, (a, b), " ") if spell else (pair(a, b),)
        pairs.append(Term(fieldname, texts))
    return Node("seq", tuple(pairs), boost)


def syllable_run(fieldname: str, syllables: tuple[str, ...], boost: float, spell: Speller | None = None) -> Plan:
    """Syllables in a row in a text field: by its pairs where they are indexed, else by positions."""
    syl = fieldname + "_syl"
    if fieldname in PAIRED or len(syllables) == 1:
        return sequence(syl, syllables, boost, spell)
    return Node("phrase", tuple(Term(syl, spell(syl, (s,), "") if spell else (s,)) for s in syllables), boost)


def unit_plan(unit: Unit, fields: tuple[str, ...], spell: Speller | None) -> Plan:
    """Any field, any allowed variant, of one unit; spell enables matching the folded syllables."""
    alts: list[Plan] = []
    fold_boost = FOLDED_WEIGHT if not unit.accented else FOLDED_WEIGHT_RELAXED
    for f in fields:
        w = FIELD_WEIGHTS[f]
        if f == "author":
            alts.append(sequence("author", unit.syllables, w * SYLLABLE_WEIGHT))
            if spell is not None:
                alts.append(sequence("author", unit.folded, w * fold_boost, spell))
            continue
        if not unit.phrase:
            alts.append(Term(f, (unit.word,), w * WORD_WEIGHT))
        # Outside CHAINED fields a word of several syllables matches as a pyvi word only (body
        # positions are read for quoted phrases alone: common syllables have millions of them).
        by_syllables = f in CHAINED or len(unit.syllables) == 1 or unit.phrase
        if by_syllables:
            alts.append(syllable_run(f, unit.syllables, w * SYLLABLE_WEIGHT))
        if spell is None:
            continue
        if by_syllables:
            alts.append(syllable_run(f, unit.folded, w * fold_boost, spell))
        else:
            alts.append(Term(f, spell(f, unit.folded, "_"), w * fold_boost))
    return Node("any", tuple(alts))


def plan(parsed: ParsedQuery, spell: Speller | None, any_word: bool = False, folded: bool = False) -> Plan:
    """What to match and how to score it: all clauses required (or any, when relaxed), exclusions removed.

    Syllables typed without diacritics, or all syllables when folded, also match every spelling
    of them the index holds (spell).
    """

    def speller(unit: Unit) -> Speller | None:
        return spell if (folded or not unit.accented) else None

    positives: list[Plan] = []
    optional: list[Plan] = []
    for clause in parsed.positive:
        alts = [unit_plan(u, clause.fields, speller(u)) for u in clause.units]
        (optional if clause.optional else positives).append(alts[0] if len(alts) == 1 else Node("any", tuple(alts)))
    if not positives:
        return Node("all", ())
    core: Plan = positives[0] if len(positives) == 1 else Node("any" if any_word else "all", tuple(positives))
    # Reward documents whose title holds the typed words in order (known-item searches).
    units = parsed.units()
    if len(units) > 1:
        syls = tuple(s for u in units for s in u.syllables)
        bonus: list[Plan] = [syllable_run("title", syls, 2.0 * FIELD_WEIGHTS["title"])]
        if spell and (not parsed.accented or folded):
            folds = tuple(s for u in units for s in u.folded)
            bonus.append(syllable_run("title", folds, 2.0 * FIELD_WEIGHTS["title"], spell))
        core = Node("maybe", (core, Node("any", tuple(bonus))))
    if optional:
        # Function words add their scores where they occur and select nothing.
        core = Node("maybe", (core, Node("any", tuple(optional))))
    negatives = [unit_plan(u, c.fields, None) for c in parsed.clauses if c.negated for u in c.units]
    if negatives:
        core = Node("not", (core, Node("any", tuple(negatives))))
    return core
