"""From what a user typed to a query plan: words, phrases, -exclusions, OR, field prefixes.

Bare words are segmented as a run by the same pyvi analyzer as documents. Each resulting word
("unit") matches if it matches as a pyvi word, as a run of syllables (a chain of indexed syllable
pairs), or (only when typed without diacritics, or when the search is relaxed) as any spelling of
its folded syllables; the three carry decreasing weight. A plan runs on numpy arrays
(matching.py) or, as the same Whoosh query (to_whoosh), on Whoosh's own matchers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from whoosh import query as Q

from .analysis import folded_analyzer, pair, syllable_analyzer, word_analyzer
from .schema import CHAINED, PAIRED, TEXT_FIELDS
from .text import has_diacritics, normalize
from .vocabulary import Vocabulary

__all__ = [
    "Unit",
    "Clause",
    "ParsedQuery",
    "Term",
    "Node",
    "Plan",
    "Speller",
    "parse",
    "plan",
    "unit_plan",
    "sequence",
    "syllable_run",
    "to_whoosh",
    "FIELDS",
]

# Field prefixes a user may type; author is searched only when asked for.
FIELDS = {"title": ("title",), "sapo": ("sapo",), "body": ("body",), "author": ("author",)}
WORD_WEIGHT, SYLLABLE_WEIGHT, FOLDED_WEIGHT, FOLDED_WEIGHT_RELAXED = 1.0, 0.6, 1.0, 0.2
FIELD_WEIGHTS = {"title": 3.0, "sapo": 1.5, "body": 1.0, "author": 1.0}
# Longest accepted query text; the rest is ignored so one request's work stays bounded.
MAX_QUERY_CHARS = 500
MAX_UNITS = 32

# A minus before a number is its sign or a model's dash ("-5 độ", "S -300"), not an exclusion.
_TOKEN = re.compile(r'(?P<neg>-(?!\d))?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))|"')

_word = word_analyzer()
_syllable = syllable_analyzer()
_folded = folded_analyzer()


@dataclass(frozen=True)
class Unit:
    """One word to match: its pyvi form, its syllables and their folded forms."""

    word: str
    syllables: tuple[str, ...]
    folded: tuple[str, ...]
    accented: bool
    phrase: bool = False

    @property
    def text(self) -> str:
        """The unit as a reader would write it."""
        return " ".join(self.syllables)


@dataclass
class Clause:
    """A group of alternative units (a OR b), possibly negated or limited to some fields."""

    units: list[Unit]
    negated: bool = False
    fields: tuple[str, ...] = TEXT_FIELDS


@dataclass
class ParsedQuery:
    """The clauses of a query; empty means browse everything."""

    clauses: list[Clause] = field(default_factory=list)
    text: str = ""

    @property
    def positive(self) -> list[Clause]:
        """Clauses that select documents."""
        return [c for c in self.clauses if not c.negated]

    @property
    def accented(self) -> bool:
        """True when any word was typed with diacritics."""
        return any(u.accented for c in self.clauses for u in c.units)

    def units(self) -> list[Unit]:
        """Every positive unit, in order."""
        return [u for c in self.positive for u in c.units]


def _group(units: list[Unit], vocabulary: Vocabulary) -> list[Unit]:
    """Join syllables typed without diacritics that spell a known word ("bac ninh" → one unit).

    pyvi cannot join unaccented syllables; the index's vocabulary can, so "bac ninh" is matched as
    adjacent syllables rather than as "bác ... Ninh" anywhere in the text.
    """
    out: list[Unit] = []
    i = 0
    while i < len(units):
        for n in (4, 3, 2):
            run = units[i : i + n]
            if len(run) == n and all(not u.accented and len(u.syllables) == 1 for u in run):
                folded = tuple(u.folded[0] for u in run)
                if vocabulary.is_word(folded):
                    syls = tuple(u.syllables[0] for u in run)
                    out.append(Unit("_".join(syls), syls, folded, False))
                    i += n
                    break
        else:
            out.append(units[i])
            i += 1
    return out


def _units_of(text: str, phrase: bool, vocabulary: Vocabulary | None = None) -> list[Unit]:
    """Segment a run of text into units (a quoted phrase becomes a single unit)."""
    # pyvi joins syllables with "_": a user copying that form means the spaced words.
    text = normalize(text).replace("_", " ")
    if phrase:
        syls = tuple(t.text for t in _syllable(text))
        if not syls:
            return []
        folded = tuple(t.text for t in _folded(text))
        return [Unit("_".join(syls), syls, folded, has_diacritics(text), phrase=True)]
    out = []
    for tok in _word(text, chars=True):
        surface = text[tok.startchar : tok.endchar]
        syls = tuple(t.text for t in _syllable(surface))
        folded = tuple(t.text for t in _folded(surface))
        if syls:
            out.append(Unit(tok.text, syls, folded, has_diacritics(surface)))
    return _group(out, vocabulary) if vocabulary else out


def parse(text: str, vocabulary: Vocabulary | None = None) -> ParsedQuery:
    """Parse a query; anything malformed (stray quote, lone OR, odd prefix) is taken as plain words."""
    text = normalize(text or "")[:MAX_QUERY_CHARS].strip()
    result = ParsedQuery(text=text)
    pending_or = False
    run: list[str] = []

    def flush_run() -> None:
        if run:
            units = _units_of(" ".join(run), phrase=False, vocabulary=vocabulary)
            run.clear()
            for u in units:
                _add(Clause([u]))

    def _add(clause: Clause) -> None:
        nonlocal pending_or
        if not clause.units:
            return
        prev = result.clauses[-1] if result.clauses else None
        if pending_or and prev and not prev.negated and not clause.negated and prev.fields == clause.fields:
            prev.units.extend(clause.units)
        else:
            result.clauses.append(clause)
        pending_or = False

    for m in _TOKEN.finditer(text):
        if m.group(0) == '"':
            continue  # an unbalanced quote: ignore it, keep the words
        word, phrase, fld, neg = (
            m.group("word"),
            m.group("phrase"),
            m.group("field"),
            m.group("neg"),
        )
        if word == "OR" and not fld and not neg:
            if result.clauses or run:
                flush_run()
                pending_or = bool(result.clauses)
            continue
        fields = FIELDS.get(fld.lower()) if fld else None
        if fld and fields is None:
            # Not a known field: "covid:19" or "a:b" are words, not a prefix.
            word = f"{fld}:{word}" if word is not None else f"{fld}: {phrase}"
            fields, phrase = None, None
        if word is not None and not neg and fields is None:
            # Bare words gather into a run segmented as a whole; after OR, the run's first
            # word joins the previous clause as an alternative.
            run.append(word)
            continue
        flush_run()
        if phrase is not None:
            units = _units_of(phrase, phrase=True)
        else:
            units = _units_of(word or "", phrase=False)
        if neg:
            for u in units:
                _add(Clause([u], negated=True, fields=fields or TEXT_FIELDS))
        else:
            for u in units:
                _add(Clause([u], fields=fields or TEXT_FIELDS))
    flush_run()
    # Bound the work of one request: at most MAX_UNITS units in all.
    budget = MAX_UNITS
    kept = []
    for clause in result.clauses:
        clause.units = clause.units[:budget]
        budget -= len(clause.units)
        if clause.units:
            kept.append(clause)
    result.clauses = kept
    return result


# --- plans ---------------------------------------------------------------------------------------


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
    for clause in parsed.positive:
        alts = [unit_plan(u, clause.fields, speller(u)) for u in clause.units]
        positives.append(alts[0] if len(alts) == 1 else Node("any", tuple(alts)))
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
    negatives = [unit_plan(u, c.fields, None) for c in parsed.clauses if c.negated for u in c.units]
    if negatives:
        core = Node("not", (core, Node("any", tuple(negatives))))
    return core


def to_whoosh(node: Plan) -> Q.Query:
    """The same plan as a Whoosh query: the same documents match (scores differ)."""
    if isinstance(node, Term):
        if len(node.texts) == 1:
            return Q.Term(node.field, node.texts[0], boost=node.boost)
        terms = [Q.Term(node.field, t) for t in node.texts]
        return Q.Or(terms, boost=node.boost) if terms else Q.NullQuery
    kids = [to_whoosh(c) for c in node.children]
    if node.op == "phrase":
        return Q.Sequence(kids, boost=node.boost)
    if node.op in ("all", "seq"):
        return Q.And(kids, boost=node.boost) if kids else Q.Every()
    if node.op == "any":
        return Q.Or(kids, boost=node.boost)
    if node.op == "maybe":
        return Q.AndMaybe(kids[0], kids[1])
    return Q.AndNot(kids[0], kids[1])
