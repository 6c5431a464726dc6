"""From what a user typed to clauses of words: phrases, -exclusions, OR, field prefixes.

Bare words are segmented as a run by the same pyvi analyzer as documents; each resulting word is
a Unit with its syllables and their folded forms. Syllables typed without diacritics are grouped
into words the index's vocabulary knows ("bac ninh" → one unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..analysis.analyzers import folded_analyzer, syllable_analyzer, word_analyzer
from ..store.schema import TEXT_FIELDS
from ..store.vocabulary import Vocabulary
from ..text.normalization import has_diacritics, normalize
from .stopwords import is_function_word

__all__ = ["Unit", "Clause", "Variant", "ParsedQuery", "parse", "words", "FIELDS", "MAX_QUERY_CHARS", "MAX_UNITS"]

# Field prefixes a user may type; author is searched only when asked for.
FIELDS = {"title": ("title",), "sapo": ("sapo",), "body": ("body",), "author": ("author",)}
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
    # As typed, letter case kept ("AI"), for forms that only count when typed so.
    surface: str = ""

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
    # A function word typed outside quotes: it scores but is not required.
    optional: bool = False


@dataclass(frozen=True)
class Variant:
    """Clauses start..stop (bare words in a row) also match any one of these other forms."""

    start: int
    stop: int
    typed: str
    alternatives: tuple[tuple[Unit, ...], ...]
    shown: tuple[str, ...]


@dataclass
class ParsedQuery:
    """The clauses of a query; empty means browse everything."""

    clauses: list[Clause] = field(default_factory=list)
    text: str = ""
    # Spelling variants and abbreviations the clauses also match (query.synonyms).
    variants: list[Variant] = field(default_factory=list)

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
                    out.append(Unit("_".join(syls), syls, folded, False, surface=" ".join(u.surface for u in run)))
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
        return [Unit("_".join(syls), syls, folded, has_diacritics(text), phrase=True, surface=text)]
    out = []
    for tok in _word(text, chars=True):
        surface = text[tok.startchar : tok.endchar]
        syls = tuple(t.text for t in _syllable(surface))
        folded = tuple(t.text for t in _folded(surface))
        if syls:
            out.append(Unit(tok.text, syls, folded, has_diacritics(surface), surface=surface))
    return _group(out, vocabulary) if vocabulary else out


def words(text: str) -> list[Unit]:
    """Bare text as the units a query makes of it (pyvi's words)."""
    return _units_of(text, phrase=False)


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
    _mark_function_words(result)
    return result


def _mark_function_words(parsed: ParsedQuery) -> None:
    """Make bare function words optional, when something else in the query is required."""
    candidates = [
        c for c in parsed.positive if len(c.units) == 1 and not c.units[0].phrase and is_function_word(c.units[0].word)
    ]
    if len(candidates) < len(parsed.positive):
        for clause in candidates:
            clause.optional = True
