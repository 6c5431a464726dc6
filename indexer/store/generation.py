"""One published generation opened for reading, with everything read from it once for its life."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from ..errors import IndexNotFound
from ..geo.gazetteer import Gazetteer
from ..ingest.article import Article
from .bodies import BodyCodec
from .columns import Columns
from .directory import open_generation
from .document import article_from_stored
from .postings import Postings
from .stories import Stories
from .vocabulary import Vocabulary

__all__ = ["Generation"]


class Generation:
    """A generation folder's index, its long-lived reader, columns, vocabulary and body codec.

    A published generation never changes, so what is read from it here stays valid until the
    generation is dropped; the owner (search.Index) keeps one per index directory.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ix: FileIndex = open_generation(path)
        try:
            # Its own reader: it outlives every per-request searcher, for the generation's life.
            self.postings = Postings(self.ix.reader())
        except OSError as err:
            raise IndexNotFound(f"the index in {path} cannot be read: {err}") from err
        self.bodies = BodyCodec.load(path)
        self._lock = threading.Lock()
        self._columns: Columns | None = None
        self._vocabulary: Vocabulary | None = None

    @property
    def name(self) -> str:
        """The folder's name, e.g. 'gen-000007'."""
        return self.path.name

    @property
    def columns(self) -> Columns:
        """Per-document arrays, read on first use."""
        if self._columns is None:
            with self._lock:
                if self._columns is None:
                    self._columns = Columns.build(self.postings.reader, Gazetteer.load(), Stories.load(self.path))
        return self._columns

    @property
    def vocabulary(self) -> Vocabulary:
        """The saved vocabulary (read from the lexicons when a generation has none)."""
        if self._vocabulary is None:
            with self._lock:
                if self._vocabulary is None:
                    self._vocabulary = Vocabulary.load(self.path) or Vocabulary.build(self.postings.reader)
        return self._vocabulary

    def stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields."""
        return self.postings.stored(docnum)

    def article(self, docnum: int) -> Article:
        """The article stored as a document."""
        return article_from_stored(self.postings.stored(docnum), self.bodies)

    def close(self) -> None:
        """Release the reader's files."""
        self.postings.reader.close()
