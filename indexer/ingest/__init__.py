"""From corpus files to articles: sources, validation, the id rule, dates and enrichment."""

from __future__ import annotations

from .article import MAX_TEXT_CHARS, Article, Problem, tidy
from .enrichment import Enricher
from .ids import MAX_ID_LENGTH, id_problem, valid_id
from .source import Record, discover, records
from .validation import validate

__all__ = [
    "MAX_TEXT_CHARS",
    "Article",
    "Problem",
    "tidy",
    "Enricher",
    "MAX_ID_LENGTH",
    "id_problem",
    "valid_id",
    "Record",
    "discover",
    "records",
    "validate",
    "read_article",
]


def read_article(record: Record, enricher: Enricher | None = None) -> tuple[Article | None, list[Problem]]:
    """A record validated and enriched (dated, tagged), or None, with any problems."""
    article, problems = validate(record)
    if article is not None:
        article = (enricher or Enricher())(article)
    return article, problems
