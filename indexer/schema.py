"""The Whoosh schema: each text field indexed as pyvi words and as syllables with their pairs."""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Existence, Frequency
from whoosh.system import emptybytes, pack_uint

from . import compression
from .analysis import abbreviations, syllable_analyzer, syllable_pairs_analyzer, word_analyzer
from .article import Article
from .codec import PackedPositions, VietFrequency

__all__ = [
    "TEXT_FIELDS",
    "VARIANTS",
    "PAIRED",
    "CHAINED",
    "Analyzed",
    "VietText",
    "make_schema",
    "signature",
    "document",
    "analyzed_document",
    "article_from_stored",
    "stored_text",
]

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


class Analyzed:
    """A field value already run through its field's analyzer (in a worker), held as columns.

    Columns pickle as a few byte strings where (bytes, freq, weight, value) rows pickled as
    hundreds of tuples, and the writer appends them to its arrays without a loop per row.
    Iterating gives the rows back, as Whoosh's own writers expect them.
    """

    __slots__ = ("texts", "freqs", "weights", "counts", "positions", "kind")

    def __init__(self, rows: Any, kind: str) -> None:
        rows = list(rows)
        self.kind = kind  # "positions", "frequency" or "existence": what the value bytes hold
        self.texts: list[bytes] = [r[0] for r in rows]
        self.freqs = array("I", [r[1] for r in rows])
        self.weights = array("f", [r[2] for r in rows])
        self.counts = array("I", [len(r[3]) >> 2 for r in rows] if kind == "positions" else [])
        self.positions = b"".join([r[3] for r in rows]) if kind == "positions" else b""

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            setattr(self, name, value)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def length(self) -> int:
        """Tokens in the field (the sum of the frequencies)."""
        return sum(self.freqs)

    def __iter__(self) -> Iterator[tuple[bytes, int, float, bytes]]:
        start = 0
        for i, text in enumerate(self.texts):
            freq = self.freqs[i]
            if self.kind == "positions":
                end = start + 4 * self.counts[i]
                value, start = self.positions[start:end], end
            else:
                value = pack_uint(freq) if self.kind == "frequency" else emptybytes
            yield text, freq, self.weights[i], value


def _kind(fmt: Any) -> str:
    if isinstance(fmt, PackedPositions):
        return "positions"
    if isinstance(fmt, Frequency):
        return "frequency"
    if isinstance(fmt, Existence):
        return "existence"
    raise TypeError(f"postings format {type(fmt).__name__} cannot be carried as columns")


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
        # Facet counts and filters read these fields' postings (facets.Columns), not columns.
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
        "provinces": KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        "provinces_old": KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        "origin": STORED(),
    }
    for name in TEXT_FIELDS:
        # No positions anywhere: phrases are matched as chains of syllable pairs, which keeps the
        # postings small and lets whole posting lists be read as arrays (codec.ArrayCodec).
        # Field weights are applied at query time (query.FIELD_WEIGHTS): index-time boosts would
        # make Whoosh store a float weight with every posting.
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
    """What an index's layout depends on: each field's kind, postings format and analyzer parts."""
    out = []
    for name in sorted(schema.names()):
        f = schema[name]
        analyzer = getattr(f, "analyzer", None)
        parts = [type(p).__name__ for p in getattr(analyzer, "items", [analyzer] if analyzer else [])]
        out.append((name, type(f).__name__, type(getattr(f, "format", None)).__name__, *parts))
    return out


_EPOCH = date(1970, 1, 1)


def document(article: Article) -> dict[str, Any]:
    """The keyword arguments for writer.update_document()."""
    doc: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "source": article.source or "",
        "category": article.category or "",
        "published": article.published,
        "seen": article.seen,
        "date_source": article.date_source,
        "day": (article.date - _EPOCH).days if article.date else -1,
        "provinces": ",".join(article.provinces),
        "provinces_old": ",".join(article.provinces_old),
        "origin": article.origin,
    }
    if article.author:
        doc["author"] = article.author
    if article.date:
        doc["date"] = datetime.combine(article.date, time())
    for name in TEXT_FIELDS:
        text = getattr(article, name)
        if text:
            for suffix in VARIANTS:
                doc[name + suffix] = text
    if article.body:
        # Bodies are most of the stored bytes (compression.py).
        doc["_stored_body"] = compression.compress(article.body)
    return doc


_SCHEMA: Schema | None = None


def analyzed_document(article: Article) -> dict[str, Any]:
    """document(), with every text field already analyzed by its own field (the costly part)."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = make_schema()
    doc = document(article)
    # Abbreviations defined in one part of the article (often the lead) are used in the others.
    table = abbreviations([getattr(article, name) for name in TEXT_FIELDS])
    for name in [n for n in doc if not n.startswith("_")]:
        field = _SCHEMA[name]
        value = doc[name]
        if isinstance(field, VietText) and isinstance(value, str):
            doc[name] = Analyzed(field.index(value, abbreviations=table), _kind(field.format))
            if field.stored:
                doc.setdefault("_stored_" + name, value)
    doc["_stored_blob"] = stored_blob(doc)
    return doc


def stored_blob(doc: dict[str, Any]) -> bytes:
    """A document's stored fields as Whoosh's stored column holds them (pickled, then zlib).

    Made in the worker that analyses the article, so the single writing process only copies it.
    """
    stored = {}
    for name in sorted(n for n in doc if not n.startswith("_")):
        if doc[name] is None or not _SCHEMA[name].stored:
            continue
        value = doc.get("_stored_" + name, doc[name])
        if value is not None:
            stored[name] = value
    # Level 1: the body, most of the bytes, is compressed already (compression.py).
    return zlib.compress(pickle.dumps(stored, 2), 1)


def stored_text(value: str | bytes, dictionary: bytes = b"") -> str:
    """A stored text field, compressed (with its generation's dictionary) or not."""
    return compression.decompress(value, dictionary) if isinstance(value, bytes) else value


def article_from_stored(stored: dict[str, Any], dictionary: bytes = b"") -> Article:
    """Rebuild an Article from a document's stored fields (dictionary: see compression.py)."""
    when = stored.get("date")
    return Article(
        id=stored["id"],
        title=stored.get("title", ""),
        sapo=stored.get("sapo", ""),
        body=stored_text(stored.get("body", ""), dictionary),
        url=stored.get("url"),
        source=stored.get("source") or None,
        category=stored.get("category") or None,
        author=stored.get("author"),
        published=stored.get("published"),
        seen=stored.get("seen"),
        origin=stored.get("origin", ""),
        date=when.date() if when else None,
        date_source=stored.get("date_source", "none"),
        provinces=tuple(p for p in stored.get("provinces", "").split(",") if p),
        provinces_old=tuple(p for p in stored.get("provinces_old", "").split(",") if p),
    )
