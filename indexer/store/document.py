"""Documents as the writer takes them (analysed in a worker) and articles back from stored fields."""

from __future__ import annotations

import pickle
import zlib
from datetime import date, datetime, time
from typing import Any

from whoosh.fields import Schema

from ..analysis.analyzers import lowered_terms
from ..ingest.article import Article
from ..text.abbreviation import Abbreviations, abbreviations
from ..text.segmentation import batch
from .analyzed import Analyzed, kind_of
from .bodies import BodyCodec
from .schema import TEXT_FIELDS, VARIANTS, VietText

__all__ = ["Documents", "analyze", "article_from_stored"]

_EPOCH = date(1970, 1, 1)


class Documents:
    """Turns articles into one index's documents: its schema's fields, its bodies' dictionary."""

    def __init__(self, schema: Schema, bodies: BodyCodec) -> None:
        self.schema = schema
        self.bodies = bodies

    def fields(self, article: Article) -> dict[str, Any]:
        """The keyword arguments for writer.update_document(), text not yet analysed."""
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
            "provinces_mentioned": ",".join(article.provinces_mentioned),
            "provinces_old_mentioned": ",".join(article.provinces_old_mentioned),
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
            # Bodies are most of the stored bytes (bodies.py).
            doc["_stored_body"] = self.bodies.compress(article.body)
        return doc

    def analyzed(self, article: Article) -> dict[str, Any]:
        """fields(), every text field analysed by its own field (the costly part), stored fields packed."""
        doc = self.fields(article)
        # Abbreviations defined in one part of the article (often the lead) are used in the others.
        table = abbreviations([getattr(article, name) for name in TEXT_FIELDS])
        for name in [n for n in doc if not n.startswith("_")]:
            field = self.schema[name]
            value = doc[name]
            if isinstance(field, VietText) and isinstance(value, str):
                # An Article's texts are normalised (ingest.validation), as analysis would leave them.
                doc[name] = analyze(field, value, table, normalized=True)
                if field.stored:
                    doc.setdefault("_stored_" + name, value)
        doc["_stored_blob"] = self._stored_blob(doc)
        return doc

    def analyzed_all(self, articles: list[Article]) -> list[dict[str, Any]]:
        """analyzed() of several articles, their texts segmented in one go (much faster than one by one)."""
        # Articles' texts are normalised already, as the word tokenizer's normalize() leaves them
        # (it is idempotent), so they are the keys its segment() calls look up.
        with batch(t for a in articles for t in (getattr(a, name) for name in TEXT_FIELDS) if t):
            return [self.analyzed(a) for a in articles]

    def _stored_blob(self, doc: dict[str, Any]) -> bytes:
        """A document's stored fields as Whoosh's stored column holds them (pickled, then zlib).

        Made in the worker that analyses the article, so the single writing process only copies it.
        """
        stored = {}
        for name in sorted(n for n in doc if not n.startswith("_")):
            if doc[name] is None or not self.schema[name].stored:
                continue
            value = doc.get("_stored_" + name, doc[name])
            if value is not None:
                stored[name] = value
        # Level 1: the body, most of the bytes, is compressed already (bodies.py).
        return zlib.compress(pickle.dumps(stored, 2), 1)


def analyze(field: VietText, value: str, table: Abbreviations, normalized: bool = False) -> Analyzed:
    """What field.index(value) gives, as columns; this package's analyzers make it a text at a
    time (analysis.lowered_terms), any other analyzer through Whoosh, a token at a time.
    normalized: value is normalised already, so analysis need not do it again."""
    kind = kind_of(field.format)
    found = None
    if kind != "existence":
        found = lowered_terms(field.analyzer, value, abbreviations=table, normalized=normalized)
    if found is None:
        return Analyzed(field.index(value, abbreviations=table), kind)
    return Analyzed.of_terms(*found, kind, field.format.field_boost)


def article_from_stored(stored: dict[str, Any], bodies: BodyCodec) -> Article:
    """Rebuild an Article from a document's stored fields, with its generation's body codec."""
    when = stored.get("date")
    body = stored.get("body", "")
    return Article(
        id=stored["id"],
        title=stored.get("title", ""),
        sapo=stored.get("sapo", ""),
        body=bodies.decompress(body) if isinstance(body, bytes) else body,
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
        provinces_mentioned=tuple(p for p in stored.get("provinces_mentioned", "").split(",") if p),
        provinces_old_mentioned=tuple(p for p in stored.get("provinces_old_mentioned", "").split(",") if p),
    )
