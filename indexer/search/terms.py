"""The words most characteristic of a result set against the whole archive (keyness).

The titles of the first SAMPLE results are segmented by pyvi; each word's share of them is
compared with its share of all the index's titles by log-likelihood (G², Dunning 1993), and
the words far more frequent in the results than in the archive are listed, function words,
numbers and the query's own words aside.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..query.parser import parse
from ..query.stopwords import is_function_word
from ..text.segmentation import tokenize_all
from .request import SearchRequest
from .searcher import search
from .snapshot import Searchable

__all__ = ["KeyTerm", "key_terms", "SAMPLE", "MAX_TERMS"]

# Results whose titles are read; and most terms listed.
SAMPLE = 100
MAX_TERMS = 50
_WORD = re.compile(r"^[^\W\d_]+(?:_[^\W\d_]+)*$")


@dataclass(frozen=True)
class KeyTerm:
    """A word of the results: in how many sampled titles, its share of all titles, its G² score."""

    term: str  # as written, syllables joined by spaces
    count: int
    share: float  # of the sampled titles
    archive_share: float  # of all the index's titles
    score: float


def _g2(a: int, b: int, c: int, d: int) -> float:
    """Log-likelihood of a word found in a of c sampled titles and b of d titles in all."""
    out = 0.0
    for observed, total in ((a, c), (b, d)):
        expected = total * (a + b) / (c + d)
        if observed:
            out += observed * math.log(observed / expected)
    return 2 * out


def key_terms(snap: Searchable, req: SearchRequest, limit: int = 20) -> dict[str, Any]:
    """The limit words most characteristic of the request's results, and how they were counted."""
    found = search(snap, req.with_(page=1, per_page=SAMPLE, facets=False, snippets=False))
    titles = [h.title for h in found.hits]
    typed = {u.word.lower() for u in parse(found.searched or req.q).units()}
    seen: dict[str, dict[str, int]] = {}  # word lowercased → spellings as written, counted
    per_title: list[set[str]] = []
    for line in tokenize_all(titles) if titles else []:
        words = set()
        for token in line.split():
            lower = token.lower()
            if _WORD.match(token) and len(lower) > 1 and not is_function_word(lower) and lower not in typed:
                words.add(lower)
                forms = seen.setdefault(lower, {})
                forms[token] = forms.get(token, 0) + 1
        per_title.append(words)
    counts: dict[str, int] = {}
    for words in per_title:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    co = snap.coordinator()
    candidates = sorted(w for w, n in counts.items() if n >= 2)
    archive = co.title_frequencies(candidates)
    documents = co.documents()
    c = len(titles)
    terms = []
    for w in candidates:
        a, b = counts[w], max(archive.get(w, 0), counts[w])
        if c and a / c > b / documents:
            written = max(seen[w].items(), key=lambda kv: (kv[1], kv[0]))[0]
            terms.append(KeyTerm(written.replace("_", " "), a, a / c, b / documents, _g2(a, b, c, documents)))
    terms.sort(key=lambda t: (-t.score, t.term))
    return {
        "query": req.q,
        "searched": found.searched,
        "total": found.total,
        "sample": c,
        "sampled": found.total > c,
        "terms": terms[:limit],
    }
