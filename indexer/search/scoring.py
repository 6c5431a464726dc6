"""BM25 over posting arrays: one term in one field, or a word's weighted counts over its fields (BM25F)."""

from __future__ import annotations

import math

import numpy as np

from ..store.postings import Postings
from .statistics import Statistics

__all__ = ["bm25", "bm25f", "length_norm", "B", "K1"]

# BM25 parameters, as Whoosh's BM25F defaults.
B, K1 = 0.75, 1.2


def bm25(post: Postings, stats: Statistics, fieldname: str, ids: np.ndarray, counts: np.ndarray, df: int) -> np.ndarray:
    """BM25 of one term (or one set of spellings counted as a term) in each listed document of post.

    df is the term's document frequency and stats the index's figures (the whole index's, for a shard).
    """
    if not ids.size:
        return np.empty(0, dtype=np.float32)
    norm = K1 * length_norm(post, stats, fieldname, ids, np.float32)
    return (_idf(stats, df) * counts * (K1 + 1.0) / (counts + norm)).astype(np.float32)


def length_norm(
    post: Postings, stats: Statistics, fieldname: str, ids: np.ndarray, dtype: type = np.float64
) -> np.ndarray:
    """BM25's length normalisation of each listed document's field (1 at the average length)."""
    return (1.0 - B) + B * post.lengths(fieldname)[ids].astype(dtype, copy=False) / stats.average_length(fieldname)


def bm25f(weighted: np.ndarray, df: int, stats: Statistics) -> np.ndarray:
    """BM25 of counts already weighted by field and divided by length_norm, summed over fields.

    Saturated once (Robertson, Zaragoza and Taylor, 2004): however many fields repeat a word, it
    scores at most idf × (K1 + 1).
    """
    return (_idf(stats, df) * (K1 + 1.0) * weighted / (weighted + K1)).astype(np.float32)


def _idf(stats: Statistics, df: int) -> float:
    """Whoosh's BM25 idf of a term held by df documents of the index."""
    return math.log(stats.documents / (df + 1)) + 1.0
