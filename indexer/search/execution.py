"""Running a query plan on numpy arrays: every matching document and its BM25F score.

Each term's whole posting list is read as arrays (store.postings), so And/Or/Not are vector
operations over document numbers instead of Whoosh's matcher loops in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..query.plan import Node, Plan, Term
from ..store.postings import Postings
from .scoring import bm25

__all__ = ["Matches", "run", "term_arrays"]


@dataclass
class Matches:
    """A mask over document numbers, and scores (zero wherever the mask is False)."""

    mask: np.ndarray
    scores: np.ndarray


def term_arrays(post: Postings, term: Term) -> tuple[np.ndarray, np.ndarray]:
    """The term's documents and counts; several spellings count as one term."""
    if len(term.texts) == 1:
        return post.term(term.field, term.texts[0])
    return post.merged(term.field, term.texts, lambda: _merge(post, term))


def _merge(post: Postings, term: Term) -> tuple[np.ndarray, np.ndarray]:
    parts = [post.term(term.field, text) for text in term.texts]
    parts = [p for p in parts if p[0].size]
    if not parts:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    if len(parts) == 1:
        return parts[0]
    # A document may hold several spellings: sum their counts per document.
    dense = np.bincount(
        np.concatenate([p[0] for p in parts]),
        weights=np.concatenate([p[1] for p in parts]),
        minlength=post.size,
    )
    ids = np.flatnonzero(dense)
    return ids.astype(np.int32), dense[ids].astype(np.float32)


def run(post: Postings, node: Plan) -> Matches:
    """Documents matching the plan, with their scores."""
    if isinstance(node, Term):
        mask = np.zeros(post.size, dtype=bool)
        scores = np.zeros(post.size, dtype=np.float32)
        ids, counts = term_arrays(post, node)
        mask[ids] = True
        scores[ids] = node.boost * bm25(post, node.field, ids, counts)
        return Matches(mask, scores)
    return _combine(post, node)


def _combine(post: Postings, node: Node) -> Matches:
    if not node.children:
        # An empty conjunction matches everything (browsing), an empty disjunction nothing.
        return Matches(np.full(post.size, node.op == "all"), np.zeros(post.size, dtype=np.float32))
    parts = [run(post, child) for child in node.children]
    first = parts[0]
    mask, scores = first.mask.copy(), first.scores.copy()
    if node.op in ("all", "seq", "phrase"):
        for part in parts[1:]:
            mask &= part.mask
            scores += part.scores
        if node.op != "all":
            scores /= len(parts)
        if node.op == "phrase":
            _verify(post, node, mask)
        scores *= mask
    elif node.op == "any":
        for part in parts[1:]:
            mask |= part.mask
            scores += part.scores
    elif node.op == "maybe":
        scores += parts[1].scores * mask
    elif node.op == "not":
        mask &= ~parts[1].mask
        scores *= mask
    else:
        raise ValueError(f"unknown plan operator {node.op!r}")
    if node.boost != 1.0:
        scores *= node.boost
    return Matches(mask, scores)


def _verify(post: Postings, node: Node, mask: np.ndarray) -> None:
    """Keep the candidates where the children's terms occur at consecutive positions."""
    run_starts: np.ndarray | None = None
    for shift, child in enumerate(node.children):
        assert isinstance(child, Term), "a phrase holds terms"
        keys = []
        for text in child.texts:
            docs, places = post.positions(child.field, text)
            keep = mask[docs] & (places >= shift)
            # One sortable key per occurrence: document, then the position its run would start at.
            keys.append((docs[keep].astype(np.int64) << 32) | (places[keep] - shift))
        if len(keys) == 1:
            found = keys[0]  # documents ascending, positions ascending in each: sorted, unique
        else:
            found = np.unique(np.concatenate(keys)) if keys else np.empty(0, dtype=np.int64)
        if run_starts is None:
            run_starts = found
        elif found.size:
            at = np.minimum(np.searchsorted(found, run_starts), found.size - 1)
            run_starts = run_starts[found[at] == run_starts]
        else:
            run_starts = found
        if not run_starts.size:
            break
    mask[:] = False
    if run_starts is not None:
        mask[run_starts >> 32] = True
