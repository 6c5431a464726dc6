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
from ..store.schema import CHAINED, PAIRED, TEXT_FIELDS
from .parser import Clause, ParsedQuery, Unit, Variant

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
    "VARIANT_WEIGHT",
    "PROXIMITY_WEIGHT",
    "PROXIMITY_WINDOW",
    "Frequency",
    "proximity",
    "UNIT_WEIGHT",
    "LEAD_WEIGHT",
]

WORD_WEIGHT, SYLLABLE_WEIGHT, FOLDED_WEIGHT, FOLDED_WEIGHT_RELAXED = 1.0, 0.6, 1.0, 0.2
FIELD_WEIGHTS = {"title": 3.0, "sapo": 1.5, "body": 1.0, "author": 1.0}
# A word's fields and forms are scored as one BM25F term (their weighted counts saturate together,
# so a word repeated in title, lead and body cannot outweigh the query's other words); this scale
# makes a word found in every field score about what the three fields' own BM25s summed to.
UNIT_WEIGHT = sum(FIELD_WEIGHTS[f] for f in ("title", "sapo", "body"))
# Documents whose title or sapo holds every plain word of the query score those words again, at
# this weight: a topic named in the lead is what the article is about, one in the body may be a
# passing mention.
LEAD_FIELDS, LEAD_WEIGHT = ("title", "sapo"), 0.5
# A spelling variant or abbreviation of what was typed counts less than the typed form itself.
VARIANT_WEIGHT = 0.9
# Consecutive query words found within PROXIMITY_WINDOW syllables of each other in a body add a
# score, as the sequential dependence model's unordered windows do; pairs of the first
# PROXIMITY_WORDS required words only, and only words whose rarest syllable is in at most
# PROXIMITY_MAX_DOCS bodies, so that the positions read stay few (bench.versions measures it).
PROXIMITY_WEIGHT, PROXIMITY_WINDOW, PROXIMITY_WORDS = 1.0, 8, 6
PROXIMITY_MAX_DOCS = 5_000


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
    positional field) occur at consecutive positions; fields: any child, scored as one BM25F term
    (each child's count, times its boost, over its field's length norm, summed, then saturated
    once with the most common child's document frequency); near: two terms of one positional field
    within window positions of each other, scored as a term counting such occurrences; maybe: the
    first child, plus the second's score where it also matches; not: the first child without the
    second's documents.
    """

    op: str
    children: tuple[Plan, ...]
    boost: float = 1.0
    window: int = 0


Plan = Term | Node


class Speller(Protocol):
    """The index's spellings of folded syllables, as terms of a field."""

    def __call__(self, fieldname: str, folded: tuple[str, ...], joiner: str) -> tuple[str, ...]: ...


class Frequency(Protocol):
    """How many documents hold a term of a field."""

    def __call__(self, fieldname: str, text: str) -> int: ...


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
    return Node("fields", tuple(alts), UNIT_WEIGHT)


def proximity(units: list[tuple[Unit, Speller | None]], frequency: Frequency | None) -> list[Plan]:
    """Near nodes for each pair of consecutive words found within PROXIMITY_WINDOW body syllables.

    A word stands for its rarest syllable (its positions are the fewest to read, and a word's
    syllables sit together anyway); a pair is left out when that syllable is in more than
    PROXIMITY_MAX_DOCS bodies: its positions would cost more to read than the rest of the query.
    """
    out: list[Plan] = []
    terms: list[Term | None] = []
    for unit, spell in units[:PROXIMITY_WORDS]:
        sources = unit.folded if spell else unit.syllables
        options = [spell("body_syl", (s,), "") if spell else (s,) for s in sources]
        options = [o for o in options if o]
        if not options or frequency is None:
            terms.append(None)
            continue
        counts = [sum(frequency("body_syl", t) for t in o) for o in options]
        best = min(range(len(options)), key=counts.__getitem__)
        terms.append(Term("body_syl", tuple(options[best])) if counts[best] <= PROXIMITY_MAX_DOCS else None)
    # A small share of a word's own score (UNIT_WEIGHT times more), as in the sequential
    # dependence model, where windows weigh a tenth or less of the words.
    weight = PROXIMITY_WEIGHT * FIELD_WEIGHTS["body"]
    for a, b in zip(terms, terms[1:], strict=False):
        if a is not None and b is not None:
            out.append(Node("near", (a, b), weight, PROXIMITY_WINDOW))
    return out


def plan(
    parsed: ParsedQuery,
    spell: Speller | None,
    any_word: bool = False,
    folded: bool = False,
    frequency: Frequency | None = None,
    near: bool = True,
) -> Plan:
    """What to match and how to score it: all clauses required (or any, when relaxed), exclusions removed.

    Syllables typed without diacritics, or all syllables when folded, also match every spelling
    of them the index holds (spell). Documents where consecutive words occur close together
    score more (near; frequency picks the syllables that stand for the words).
    """

    def speller(unit: Unit) -> Speller | None:
        return spell if (folded or not unit.accented) else None

    def clause_plan(clause: Clause) -> Plan:
        alts = [unit_plan(u, clause.fields, speller(u)) for u in clause.units]
        return alts[0] if len(alts) == 1 else Node("any", tuple(alts))

    def variant_plans(variant: Variant, fields: tuple[str, ...]) -> list[Plan]:
        # Listed forms are matched as written: their diacritics are part of the form. A form of
        # several words scores their mean (seq), as one word: "Ủy ban nhân dân" for "UBND" is
        # one more spelling, not four words that would outscore the one typed.
        return [
            Node("seq", tuple(unit_plan(u, fields, None) for u in form), VARIANT_WEIGHT)
            for form in variant.alternatives
        ]

    starts = {v.start: v for v in parsed.variants}
    positives: list[Plan] = []
    optional: list[Plan] = []
    negatives: list[Plan] = []
    clauses = parsed.clauses
    i = 0
    while i < len(clauses):
        clause, variant = clauses[i], starts.get(i)
        run = clauses[i : variant.stop] if variant else [clause]
        i += len(run)
        if clause.negated:
            negatives.extend(unit_plan(u, c.fields, None) for c in run for u in c.units)
            if variant:
                negatives.extend(variant_plans(variant, clause.fields))
            continue
        optional.extend(clause_plan(c) for c in run if c.optional)
        required = [clause_plan(c) for c in run if not c.optional]
        if variant and required:
            typed = required[0] if len(required) == 1 else Node("all", tuple(required))
            positives.append(Node("any", (typed, *variant_plans(variant, clause.fields))))
        else:
            positives.extend(required)
    if not positives:
        return Node("all", ())
    core: Plan = positives[0] if len(positives) == 1 else Node("any" if any_word else "all", tuple(positives))
    # Reward documents whose title holds the typed words in order (known-item searches).
    units = parsed.units()
    bonus: list[Plan] = []
    if len(units) > 1:
        syls = tuple(s for u in units for s in u.syllables)
        bonus.append(syllable_run("title", syls, 2.0 * FIELD_WEIGHTS["title"]))
        if spell and (not parsed.accented or folded):
            folds = tuple(s for u in units for s in u.folded)
            bonus.append(syllable_run("title", folds, 2.0 * FIELD_WEIGHTS["title"], spell))
    # Words typed as plain words, in order; alternatives (a OR b) and function words aside.
    plain = [
        (c.units[0], speller(c.units[0]))
        for c in parsed.positive
        if len(c.units) == 1 and not c.optional and not c.units[0].phrase and c.fields == TEXT_FIELDS
    ]
    if len(plain) > 1:
        # Every word in the title or lead: the article is likely about all of them together.
        bonus.append(Node("all", tuple(unit_plan(u, LEAD_FIELDS, spelling) for u, spelling in plain), LEAD_WEIGHT))
        if near:
            bonus.extend(proximity(plain, frequency))
    if bonus:
        core = Node("maybe", (core, Node("any", tuple(bonus))))
    if optional:
        # Function words add their scores where they occur and select nothing.
        core = Node("maybe", (core, Node("any", tuple(optional))))
    if negatives:
        core = Node("not", (core, Node("any", tuple(negatives))))
    return core
