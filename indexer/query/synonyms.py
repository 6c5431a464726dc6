"""Spelling variants and abbreviations: which other forms a query's words also match.

The list shipped beside this module (synonyms.txt, curated and versioned) and an archive's own
file (the web app's instance/synonyms.txt) hold groups of forms that mean the same: "ô tô |
ôtô", "UBND | Ủy ban nhân dân". A run of typed words that spells one form of a group also
matches the group's other forms, with a lower weight (query.plan.VARIANT_WEIGHT).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..analysis.analyzers import folded_analyzer, syllable_analyzer
from ..errors import BadRequest
from ..text.normalization import normalize
from .parser import Clause, ParsedQuery, Unit, Variant, words

__all__ = ["Form", "Synonyms", "SynonymsError", "shipped", "SHIPPED", "MAX_FORM_SYLLABLES"]

SHIPPED = Path(__file__).with_name("synonyms.txt")
# Longest form, in syllables (the CPTPP spelt out has 13).
MAX_FORM_SYLLABLES = 16
_NUMBER = re.compile(r"[\d.,:/\-]+")

_syllable = syllable_analyzer()
_folded = folded_analyzer()


class SynonymsError(BadRequest):
    """A synonyms file that cannot be read as groups of forms; names the file and line."""

    code = "bad_synonyms_file"

    def __init__(self, path: str | os.PathLike[str], line: int, message: str) -> None:
        super().__init__("synonyms", f"{path}, line {line}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True)
class Form:
    """One way of writing a group's meaning."""

    text: str
    syllables: tuple[str, ...]
    folded: tuple[str, ...]
    # Written "=AI": recognised only when typed exactly so, never searched for on its own.
    exact_case: bool

    @property
    def units(self) -> tuple[Unit, ...]:
        """The form as query words (pyvi segments it as it segments what users type)."""
        return _form_units(self.text)


@cache
def _form_units(text: str) -> tuple[Unit, ...]:
    return tuple(words(text))


def _form(text: str) -> Form | None:
    exact = text.startswith("=")
    text = normalize(text[1:] if exact else text).strip()
    syllables = tuple(t.text for t in _syllable(text))
    if not syllables:
        return None
    return Form(text, syllables, tuple(t.text for t in _folded(text)), exact)


def _read(path: Path) -> Iterable[tuple[int, list[Form]]]:
    """Each group of a file, with its line number; a malformed line raises SynonymsError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise SynonymsError(path, 0, f"cannot be read as UTF-8 text ({err})") from err
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        forms: list[Form] = []
        for raw in line.split("|"):
            raw = raw.strip()
            if not raw:
                raise SynonymsError(path, number, "an empty form (two '|' in a row, or one at an end)")
            if _NUMBER.fullmatch(raw.lstrip("=")):
                raise SynonymsError(path, number, f"{raw!r} is a number; numbers and years are never expanded")
            form = _form(raw)
            if form is None:
                raise SynonymsError(path, number, f"{raw!r} holds no word")
            if len(form.syllables) > MAX_FORM_SYLLABLES:
                raise SynonymsError(path, number, f"{raw!r} is longer than {MAX_FORM_SYLLABLES} syllables")
            forms.append(form)
        if len(forms) < 2:
            raise SynonymsError(path, number, "a group needs at least two forms separated by ' | '")
        yield number, forms


class Synonyms:
    """Groups of equivalent forms, looked up by the syllables a query spells."""

    def __init__(self, groups: Iterable[list[Form]] = ()) -> None:
        self.groups: list[tuple[Form, ...]] = []
        # Folded syllables → (group, form) pairs; matching then checks diacritics and case.
        self._by_folded: dict[tuple[str, ...], list[tuple[int, Form]]] = {}
        self.longest = 0
        for group in groups:
            self.add(group)

    @classmethod
    def load(cls, *extra: str | os.PathLike[str], shipped: bool = True) -> Synonyms:
        """The shipped list (unless shipped=False), then each extra file's groups."""
        out = cls()
        for path in ([SHIPPED] if shipped else []) + [Path(p) for p in extra]:
            for _, forms in _read(Path(path)):
                out.add(forms)
        return out

    def add(self, forms: list[Form]) -> None:
        """One more group (a form already listed joins the groups it is in)."""
        index = len(self.groups)
        self.groups.append(tuple(forms))
        for form in forms:
            self._by_folded.setdefault(form.folded, []).append((index, form))
            self.longest = max(self.longest, len(form.folded))

    def __len__(self) -> int:
        return len(self.groups)

    def variants(self, parsed: ParsedQuery) -> list[Variant]:
        """The runs of typed words that spell a listed form, longest first, with the other forms."""
        out: list[Variant] = []
        clauses = parsed.clauses
        i = 0
        while i < len(clauses):
            found = None
            if _expandable(clauses[i]):
                for stop in range(min(len(clauses), i + self.longest), i, -1):
                    run = clauses[i:stop]
                    if all(_expandable(c) and _same(c, clauses[i]) for c in run) and not all(c.optional for c in run):
                        found = self._variant(i, stop, [c.units[0] for c in run])
                        if found is not None:
                            break
            if found is None:
                i += 1
            else:
                out.append(found)
                i = found.stop
        return out

    def _variant(self, start: int, stop: int, units: list[Unit]) -> Variant | None:
        folded = tuple(s for u in units for s in u.folded)
        if len(folded) > self.longest or all(_NUMBER.fullmatch(s) for s in folded):
            return None
        typed = tuple(s for u in units for s in u.syllables)
        groups = [g for g, form in self._by_folded.get(folded, ()) if _spells(form, units)]
        if not groups:
            return None
        seen = {typed}
        alternatives: list[Form] = []
        for g in dict.fromkeys(groups):
            for form in self.groups[g]:
                # The index keeps no case, so "=AI" would also find every "ai" ("who"); a form that
                # holds the typed one ("Covid-19" for "Covid") finds nothing it does not.
                if form.exact_case or form.syllables in seen or _contains(form.syllables, typed):
                    continue
                seen.add(form.syllables)
                alternatives.append(form)
        if not alternatives:
            return None
        shown = " ".join(u.surface or u.text for u in units)
        return Variant(start, stop, shown, tuple(f.units for f in alternatives), tuple(f.text for f in alternatives))


def _expandable(clause: Clause) -> bool:
    """A clause of one bare word (not quoted, not one of several OR alternatives)."""
    return len(clause.units) == 1 and not clause.units[0].phrase


def _same(a: Clause, b: Clause) -> bool:
    return a.negated == b.negated and a.fields == b.fields


def _spells(form: Form, units: list[Unit]) -> bool:
    """Whether typed words spell the form: with its diacritics where typed with any, its case if marked."""
    if form.exact_case:
        typed = "".join(u.surface for u in units)
        return re.sub(r"\W", "", typed) == re.sub(r"\W", "", form.text)
    syllables = [(s, u.accented) for u in units for s in u.syllables]
    if len(form.syllables) != len(syllables):
        return False
    if not all(accented for _, accented in syllables) and len(form.syllables) == 1:
        # One syllable typed without diacritics ("gon") could be any of its spellings: too loose.
        return form.syllables[0] == syllables[0][0]
    return all(s == f for (s, accented), f in zip(syllables, form.syllables, strict=True) if accented)


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return len(outer) > n and any(outer[k : k + n] == inner for k in range(len(outer) - n + 1))


@cache
def shipped() -> Synonyms:
    """The list shipped with the project, read once."""
    return Synonyms.load()
