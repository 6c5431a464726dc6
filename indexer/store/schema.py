"""The Whoosh schema: which fields an index has, how each is analysed and what its postings hold."""

from __future__ import annotations

from typing import Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from ..analysis.analyzers import syllable_analyzer, syllable_pairs_analyzer, word_analyzer
from .analyzed import Analyzed
from .formats import PackedPositions, VietFrequency

__all__ = ["TEXT_FIELDS", "VARIANTS", "PAIRED", "CHAINED", "VietText", "make_schema", "signature"]

TEXT_FIELDS = ("title", "sapo", "body")
# Suffix of each analysed variant; the bare name holds pyvi words and the stored text, "_syl" its
# syllables (and, in the short fields, adjacent syllable pairs). Text typed without diacritics
# matches through the spellings the index holds ("bac" → bắc, bác, bạc...), so no folded copy is
# indexed.
VARIANTS = ("", "_syl")
# Fields whose syllable pairs are indexed (short ones). The others keep syllable positions: pairs
# of longer text dominate the term dictionary (most occur once: on the full corpus 1.06 M distinct
# pairs in sapos; titles' 0.97 M pair entries were 40% of all terms).
PAIRED = ("author",)
# Text fields where a multi-syllable word also matches as its syllables in a row; in bodies it
# matches as a pyvi word (positions of common syllables run to millions), quoted phrases aside.
CHAINED = ("title", "sapo", "author")


class VietText(TEXT):
    """TEXT that also accepts an Analyzed value, so analysis can run in another process."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        """Postings of value; an Analyzed value is passed through as computed."""
        if isinstance(value, Analyzed):
            return iter(value)
        return super().index(value, **kwargs)


def make_schema() -> Schema:
    """A fresh schema; text is stored once, in the word field."""
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        "url": STORED(),
        # Facet counts and filters read these fields' postings (store.columns), not Whoosh columns.
        "source": ID(stored=True),
        "category": ID(stored=True),
        "author": VietText(analyzer=syllable_pairs_analyzer(), stored=True, phrase=False),
        "published": STORED(),
        "seen": STORED(),
        # Stored only: dates are filtered, sorted and counted on the day column. Indexing them
        # cost eight trie terms per document for each of two fields, and nothing read them.
        "date": STORED(),
        # Days since 1970-01-01 in Vietnam; -1 when unknown.
        "day": COLUMN(NumericColumn("i", default=-1)),
        "date_source": ID(stored=True),
        # The order articles were indexed in, counted over the whole index (over every shard of a
        # sharded one): equal scores rank the earlier-indexed article first, wherever it is stored.
        "seq": COLUMN(NumericColumn("i", default=-1)),
        "provinces": KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        "provinces_old": KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        # Every province the text names (the "mentions" scope of the province filters).
        "provinces_mentioned": KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        "provinces_old_mentioned": KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        "origin": STORED(),
    }
    for name in TEXT_FIELDS:
        # Words keep no positions (phrases are checked on syllable positions), which keeps their
        # postings small; whole posting lists are read as arrays (codec.ArrayCodec). Field weights
        # are applied at query time (query.plan.FIELD_WEIGHTS): index-time boosts would make
        # Whoosh store a float weight with every posting.
        fields[name] = VietText(analyzer=word_analyzer(), stored=True, phrase=False)
        fields[name].format = VietFrequency()
        if name in PAIRED:
            fields[name + "_syl"] = VietText(analyzer=syllable_pairs_analyzer(), phrase=False)
        else:
            # Syllables keep their positions instead, read only to check quoted phrases.
            fields[name + "_syl"] = VietText(analyzer=syllable_analyzer(), phrase=True)
            fields[name + "_syl"].format = PackedPositions()
    return Schema(**fields)


def signature(schema: Schema) -> list[tuple[str, ...]]:
    """What an index's layout depends on: each field's kind, postings format and analyzer parts.

    Classes are named with their modules: Whoosh pickles them by path, so a class that moves
    makes older indexes unreadable, and they are rebuilt rather than half-opened.
    """
    out = []
    for name in sorted(schema.names()):
        f = schema[name]
        analyzer = getattr(f, "analyzer", None)
        parts = [_path(p) for p in getattr(analyzer, "items", [analyzer] if analyzer else [])]
        out.append((name, _path(f), _path(getattr(f, "format", None)), *parts))
    return out


def _path(obj: object) -> str:
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"
