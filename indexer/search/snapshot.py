"""An index opened for searching (Index) and one consistent view of it per request (Snapshot).

Index owns what is read from the current generation once (postings reader, columns,
vocabulary, body codec) and moves to a new generation when a build publishes one; a Snapshot
holds one generation for the length of a request, so a build publishing meanwhile never mixes
two generations in one answer. Only this module, besides store and analysis, touches Whoosh.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from whoosh import query as Q
from whoosh import scoring
from whoosh.searching import Searcher

from ..errors import IndexNotFound
from ..ingest.article import Article
from ..query.plan import Node, Plan, Term
from ..query.synonyms import Synonyms, shipped
from ..store.columns import Columns
from ..store.directory import current_dir
from ..store.generation import Generation
from ..store.lexicon import Lexicon
from ..store.manifest import Manifest, is_sharded, shard_of
from ..store.postings import Postings
from ..store.vocabulary import Vocabulary
from .coordinator import Coordinator, LocalParts, Parts
from .shard import Shard
from .statistics import Statistics

__all__ = ["Index", "Snapshot", "ShardedSnapshot", "Searchable", "Published"]


class Searchable(Protocol):
    """What the search pipeline runs on: a snapshot of a whole index, or of a sharded one."""

    def coordinator(self) -> Coordinator: ...


class Index:
    """An index directory opened for searching, for as long as the process serves it.

    snapshot() reads the `current` link each time: a rebuilt index is picked up on the next
    request, without a restart. The previous generation is dropped once no snapshot holds it.
    A sharded index is opened shard by shard in this process (indexer.cluster serves one on Ray).
    """

    def __init__(self, path: str | os.PathLike[str], synonyms: Synonyms | None = None) -> None:
        self.path = Path(path)
        # The variants and abbreviations queries also match: the shipped list unless told otherwise.
        self.synonyms = shipped() if synonyms is None else synonyms
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._sharded: Published | None = None

    def snapshot(self) -> Snapshot | ShardedSnapshot:
        """A view of the current generation; IndexNotFound or IndexOutdated when there is none."""
        if is_sharded(self.path):
            return self._sharded_snapshot()
        # Read `current` once: a build publishing in between must not pair one generation's
        # arrays with another's files.
        path = current_dir(self.path).resolve()
        with self._lock:
            gen = self._generation
            if gen is None or gen.path != path:
                gen = self._generation = Generation(path)
        return Snapshot(gen, self.synonyms)

    def _sharded_snapshot(self) -> ShardedSnapshot:
        def opened(manifest: Manifest) -> list[Generation]:
            return [Generation(manifest.shard_path(self.path, n)) for n in range(manifest.shards)]

        with self._lock:
            held = self._sharded = Published.current(self.path, self._sharded, opened)
        return ShardedSnapshot(
            held, LocalParts([Shard(Snapshot(g, self.synonyms)) for g in held.shards]), self.synonyms
        )


@dataclass
class Published:
    """One published manifest generation of a sharded index, with what is read from it once.

    shards is what the owner keeps per shard for that generation: open generations (Index) or
    shard actors (indexer.cluster); memo, what is asked of the shards once per generation.
    """

    folder: Path
    manifest: Manifest
    vocabulary: Vocabulary
    lexicon: Lexicon | None
    shards: Any
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def current(cls, index: Path, held: Published | None, shards: Callable[[Manifest], Any]) -> Published:
        """The published generation: held when it still is, else read afresh (shards(manifest) for its shards)."""
        # `current` is read once: a build publishing meanwhile must not pair two generations.
        folder = Manifest.folder(index)
        if held is not None and held.folder == folder:
            return held
        manifest = Manifest.read(folder)
        vocabulary = Vocabulary.load(folder)
        if vocabulary is None:
            raise IndexNotFound(f"the manifest of {index} has no vocabulary; rebuild the index")
        return cls(folder, manifest, vocabulary, Lexicon.load(folder), shards(manifest))


class ShardedSnapshot:
    """One manifest generation of a sharded index for the length of a request: its shards as parts."""

    def __init__(self, published: Published, parts: Parts, synonyms: Synonyms) -> None:
        self.manifest = published.manifest
        self.vocabulary = published.vocabulary
        self.lexicon = published.lexicon
        self.parts = parts
        self.synonyms = synonyms
        self._memo = published.memo
        self._coordinator: Coordinator | None = None

    @property
    def name(self) -> str:
        """The manifest generation's name."""
        return self.manifest.name

    @property
    def doc_count(self) -> int:
        """Live articles over every shard."""
        return self.manifest.live

    @property
    def values(self) -> dict[str, list[str]]:
        """Every shard's coded values by field, "" first."""
        values: dict[str, list[str]] | None = self._memo.get("values")
        if values is None:
            answers = self.parts.each("values")
            merged: dict[str, set[str]] = {}
            for answer in answers:
                for fieldname, names in (answer or {}).items():
                    merged.setdefault(fieldname, set()).update(names[1:])
            values = {f: ["", *sorted(v)] for f, v in merged.items()}
            if all(a is not None for a in answers):
                self._memo["values"] = values  # a shard that failed is asked again next time
        return values

    def coordinator(self) -> Coordinator:
        """The pipeline's view: the shards, the whole vocabulary, the manifest's statistics."""
        if self._coordinator is None:
            m = self.manifest
            self._coordinator = Coordinator(
                parts=self.parts,
                vocabulary=self.vocabulary,
                synonyms=self.synonyms,
                values=self.values,
                stats=Statistics(m.documents, m.lengths, token=m.name),
                route=lambda article_id: shard_of(article_id, m.shards),
                memo=self._memo.setdefault("answers", {}),
                lexicon=self.lexicon,
                deletions=m.documents > m.live,
            )
        return self._coordinator

    def close(self) -> None:
        """Release each shard's searcher (the shards' generations stay open with the Index)."""
        if isinstance(self.parts, LocalParts):
            self.parts.close()

    def __enter__(self) -> ShardedSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Snapshot:
    """One generation for the length of a request; close() it after use."""

    def __init__(self, generation: Generation, synonyms: Synonyms | None = None) -> None:
        self.generation = generation
        self.synonyms = shipped() if synonyms is None else synonyms
        self._searcher: Searcher | None = None

    @classmethod
    def open(cls, index: str | os.PathLike[str]) -> Snapshot | ShardedSnapshot:
        """A snapshot of an index directory opened just for it (one-off use: CLI, scripts, tests)."""
        return Index(index).snapshot()

    # --- what the generation holds -------------------------------------------------------------

    @property
    def cols(self) -> Columns:
        """Per-document arrays (filters, facets, date order)."""
        return self.generation.columns

    @property
    def postings(self) -> Postings:
        """Posting lists as arrays."""
        return self.generation.postings

    @property
    def vocabulary(self) -> Vocabulary:
        """Folded forms and their spellings (diacritics restored, unaccented syllables grouped)."""
        return self.generation.vocabulary

    @property
    def name(self) -> str:
        """The generation's name, e.g. 'gen-000007'."""
        return self.generation.name

    @property
    def size(self) -> int:
        """Documents, live or deleted (the length of every per-document array)."""
        return self.postings.size

    @property
    def live(self) -> np.ndarray:
        """Which documents are live (not deleted)."""
        return self.cols.live

    @property
    def doc_count(self) -> int:
        """Live articles."""
        return int(np.count_nonzero(self.live))

    @property
    def values(self) -> dict[str, list[str]]:
        """Coded values by field, "" first."""
        return self.cols.values

    def coordinator(self) -> Coordinator:
        """The pipeline's view of this one index: one part, planned with its own words."""
        return Coordinator(
            parts=LocalParts([Shard(self)]),
            vocabulary=self.vocabulary,
            synonyms=self.synonyms,
            values=self.cols.values,
            stats=None,
            route=lambda article_id: 0,
            local=self,
        )

    def article(self, docnum: int) -> Article:
        """The article stored as a document."""
        return self.generation.article(docnum)

    def stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields, as stored."""
        return self.generation.stored(docnum)

    def spell(self, fieldname: str, folded: tuple[str, ...], joiner: str) -> tuple[str, ...]:
        """Terms of a field spelling these folded syllables ('body', ('bac', 'ninh'), '_' → bắc_ninh)."""
        vocab = self.vocabulary
        return self.postings.spellings(fieldname, [vocab.spellings(s) for s in folded], joiner)

    # --- what needs a Whoosh searcher ---------------------------------------------------------------

    @property
    def searcher(self) -> Searcher:
        """A Whoosh searcher on the generation, opened on first use.

        Most searches need none (postings and stored fields come through the generation's
        long-lived reader), and opening one reads every segment's term index: 2 ms a request.
        """
        if self._searcher is None:
            self._searcher = self.generation.ix.searcher(weighting=scoring.BM25F())
        return self._searcher

    def docnum(self, article_id: str) -> int | None:
        """The live document holding this article id, or None."""
        return self.searcher.document_number(id=article_id)

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """Documents holding the term."""
        # The searcher's own reader: the long-lived one is shared by every request's thread.
        return int(self.searcher.reader().doc_frequency(fieldname, text))

    def terms_within(self, fieldname: str, text: str, distance: int) -> list[str]:
        """Terms of a field within an edit distance of text."""
        return list(self.searcher.reader().terms_within(fieldname, text, distance))

    def key_terms(self, fieldname: str, text: str, count: int) -> list[tuple[str, float]]:
        """The terms of text most distinctive against this index's field (more-like-this)."""
        return list(self.searcher.key_terms_from_text(fieldname, text, numterms=count))

    def whoosh_docnums(self, plan: Plan) -> set[int]:
        """The documents Whoosh's own matchers find for a plan (a check on search.execution)."""
        return {hit.docnum for hit in self.searcher.search(_to_whoosh(plan), limit=None)}

    def close(self) -> None:
        """Release the searcher's files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _to_whoosh(node: Plan) -> Q.Query:
    """The same plan as a Whoosh query: the same documents match (scores differ)."""
    if isinstance(node, Term):
        if len(node.texts) == 1:
            return Q.Term(node.field, node.texts[0], boost=node.boost)
        terms = [Q.Term(node.field, t) for t in node.texts]
        return Q.Or(terms, boost=node.boost) if terms else Q.NullQuery
    assert isinstance(node, Node)
    kids = [_to_whoosh(c) for c in node.children]
    if node.op == "phrase":
        return Q.Sequence(kids, boost=node.boost)
    if node.op == "near":
        return Q.Sequence(kids, slop=node.window, ordered=False, boost=node.boost)
    if node.op in ("all", "seq"):
        return Q.And(kids, boost=node.boost) if kids else Q.Every()
    if node.op in ("any", "fields"):
        return Q.Or(kids, boost=node.boost)
    if node.op == "maybe":
        return Q.AndMaybe(kids[0], kids[1])
    return Q.AndNot(kids[0], kids[1])
