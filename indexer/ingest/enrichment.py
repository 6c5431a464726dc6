"""What an article gets at index time besides its own fields: its date and its provinces."""

from __future__ import annotations

from ..geo.tagger import Tagger, tagger
from .article import Article
from .dates import resolve_date

__all__ = ["Enricher"]


class Enricher:
    """Dates an article and tags its provinces (in both eras); one per process that prepares articles."""

    def __init__(self, province_tagger: Tagger | None = None) -> None:
        self._tagger = province_tagger or tagger()

    def dated(self, article: Article) -> Article:
        """The article with its date and where that date comes from (see dates.resolve_date)."""
        day, source = resolve_date(article.published, article.seen, article.title, article.sapo, article.body)
        return article.with_(date=day, date_source=source)

    def tagged(self, article: Article) -> Article:
        """The article with the provinces it is about and those it mentions, in both eras."""
        reading = self._tagger.read(article.title, article.sapo, article.body)
        return article.with_(
            provinces=reading.about,
            provinces_old=reading.about_old,
            provinces_mentioned=reading.mentioned,
            provinces_old_mentioned=reading.mentioned_old,
        )

    def __call__(self, article: Article) -> Article:
        """Dated and tagged."""
        return self.tagged(self.dated(article))
