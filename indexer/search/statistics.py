"""What BM25 knows of the whole index beyond a term's own postings: documents, field lengths, frequencies.

One index scores with its own figures. A shard scores with the whole index's, summed over every
shard (Elasticsearch's dfs_query_then_fetch): an article's score then does not depend on the
shard it was routed to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..store.postings import Postings

__all__ = ["Statistics", "TermKey"]

# A term of a plan as its statistics are looked up: (field, its spellings).
TermKey = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Statistics:
    """Document count and field lengths of the whole index, and the document frequencies of a query's terms.

    Without frequencies (one index) a term's frequency is its own posting list's length (live
    documents: Whoosh leaves deleted ones out of postings); a shard is given every frequency its
    plan needs (strict: a missing one is a bug, not a guess).
    """

    documents: int
    lengths: Mapping[str, int]  # field → tokens in it over every document
    # What the scores cached with a generation's posting lists were computed with.
    token: str = ""
    frequencies: Mapping[TermKey, int] | None = field(default=None, compare=False)
    # Term dictionary counts of single spellings (deleted documents included), as near nodes use them.
    counts: Mapping[tuple[str, str], int] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, post: Postings) -> Statistics:
        """One index's own figures."""
        return cls(post.size, post.field_lengths)

    def average_length(self, fieldname: str) -> float:
        """Mean tokens per document in the field (1 when it is empty everywhere)."""
        return (self.lengths.get(fieldname, 0) / self.documents if self.documents else 0.0) or 1.0

    def df(self, fieldname: str, texts: tuple[str, ...], local: int) -> int:
        """Documents holding any of the spellings, over the whole index (local: this index's count)."""
        if self.frequencies is None:
            return local
        return self.frequencies[(fieldname, texts)]

    def count(self, fieldname: str, text: str, local: int) -> int:
        """The term dictionary's count of one spelling, over the whole index (local: this index's)."""
        if self.counts is None:
            return local
        return self.counts.get((fieldname, text), 0)

    def with_frequencies(self, frequencies: Mapping[TermKey, int], counts: Mapping[tuple[str, str], int]) -> Statistics:
        """The same figures with a query's term frequencies and dictionary counts."""
        return replace(self, frequencies=frequencies, counts=counts)
