"""BM25 over posting arrays: each field scored on its own, fields weighted by the plan (BM25F)."""

from __future__ import annotations

import math

import numpy as np

from ..store.postings import Postings
from .statistics import Statistics

__all__ = ["bm25", "B", "K1"]

# BM25 parameters, as Whoosh's BM25F defaults.
B, K1 = 0.75, 1.2


def bm25(
    post: Postings, stats: Statistics, fieldname: str, ids: np.ndarray, counts: np.ndarray, df: int
) -> np.ndarray:
    """BM25 of one term (or one set of spellings counted as a term) in each listed document of post.

    df is the term's document frequency and stats the index's figures (the whole index's, for a shard).
    """
    if not ids.size:
        return np.empty(0, dtype=np.float32)
    idf = math.log(stats.documents / (df + 1)) + 1.0
    norm = K1 * ((1.0 - B) + B * post.lengths(fieldname)[ids] / stats.average_length(fieldname))
    return (idf * counts * (K1 + 1.0) / (counts + norm)).astype(np.float32)
