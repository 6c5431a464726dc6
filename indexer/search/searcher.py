"""The search core: a request in, a result out (hits, exact total, facets, suggestion); articles, similar."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

import numpy as np

from ..errors import ArticleNotFound, BadRequest
from ..query.parser import ParsedQuery, parse
from ..query.plan import Node, Term, plan
from .execution import Matches, run
from .facets import Filters
from .highlight import Needle, mark_all, snippet
from .request import MAX_RESULTS, SearchRequest
from .result import Hit, SearchResult
from .snapshot import Snapshot
from .suggestion import suggest

__all__ = ["search", "get_article", "similar", "highlight", "MAX_SIMILAR"]

# Most articles similar() returns.
MAX_SIMILAR = 20


def _match(snap: Snapshot, parsed: ParsedQuery, any_word: bool = False, folded: bool = False) -> Matches:
    """Every live match of the query, with its BM25F score."""
    post = snap.postings
    found = run(post, plan(parsed, snap.spell, any_word=any_word, folded=folded, frequency=post.frequency))
    return found.only(snap.live[found.ids])


def _needles(parsed: ParsedQuery, folded: bool) -> list[Needle]:
    out: list[Needle] = []
    for u in parsed.units():
        out.append((u.syllables, False))
        if folded or not u.accented:
            out.append((u.folded, True))
    for variant in parsed.variants:
        # A listed form is marked as a whole ("Ủy ban nhân dân" for UBND), with its diacritics.
        out.extend((tuple(s for u in form for s in u.syllables), False) for form in variant.alternatives)
    return out


def _hit(snap: Snapshot, docnum: int, needles: list[Needle], score: float | None, snippets: bool) -> Hit:
    art = snap.article(docnum)
    title = art.title or _lead(art.sapo or art.body)
    text = " ".join(p for p in (art.sapo, art.body) if p) or art.title
    return Hit(
        id=art.id,
        title=title,
        url=art.url,
        source=art.source,
        category=art.category,
        author=art.author,
        date=art.date.isoformat() if art.date else None,
        date_source=art.date_source,
        provinces=list(art.provinces),
        provinces_old=list(art.provinces_old),
        snippet=snippet(text, needles) if snippets else "",
        score=round(score, 4) if score is not None else None,
    )


def _lead(text: str, limit: int = 120) -> str:
    """A stand-in title for title-less articles: the first sentence, shortened."""
    first = text.split("\n", 1)[0]
    if len(first) <= limit:
        return first
    cut = first.rfind(" ", 0, limit)
    return first[: cut if cut > 0 else limit] + "…"


def _ranked(found: Matches, sel: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """Top documents by score among the selected ones (document numbers); ties keep index order."""
    scores = found.scores[np.searchsorted(found.ids, sel)]
    ids = sel
    if ids.size > limit:
        part = np.argpartition(-scores, limit - 1)[:limit]
        ids, scores = ids[part], scores[part]
    order = np.lexsort((ids, -scores))
    return [(int(ids[i]), float(scores[i])) for i in order]


def _by_date(snap: Snapshot, sel: np.ndarray, limit: int, newest: bool) -> list[tuple[int, None]]:
    """The selected documents newest (or oldest) first, undated last, ties in index order."""
    cols = snap.cols
    if sel.size * 8 > snap.size:
        order = cols.newest if newest else cols.oldest
        mask = np.zeros(snap.size, dtype=bool)
        mask[sel] = True
        picked = order[mask[order]][:limit]
    else:
        days = cols.day[sel].astype(np.int64)
        key = np.where(days >= 0, -days if newest else days, np.iinfo(np.int64).max)
        picked = sel[np.lexsort((sel, key))][:limit]
    return [(int(d), None) for d in picked]


def search(snap: Snapshot, req: SearchRequest) -> SearchResult:
    """Run one search against a snapshot of the index."""
    started = time.perf_counter()
    cols = snap.cols
    filters = Filters.of(cols, req)
    parsed = parse(req.q, snap.vocabulary)
    variants = snap.synonyms.variants(parsed)
    if req.variants == "on":
        parsed.variants = variants
    relaxed: str | None = None
    browse = not parsed.clauses
    sort = "newest" if browse and req.sort == "relevance" else req.sort
    folded = False
    if browse:
        live = np.flatnonzero(snap.live)
        found = Matches(live, np.zeros(live.size, dtype=np.float32))
    else:
        found = _match(snap, parsed)
    sel = filters.combine(found.ids)
    if not browse and parsed.positive and not sel.size:
        # Nothing with every word as typed: first forgive diacritics, then ask for any word.
        if parsed.accented:
            found, folded = _match(snap, parsed, folded=True), True
            sel = filters.combine(found.ids)
            relaxed = "diacritics" if sel.size else None
        if not sel.size and sum(len(c.units) for c in parsed.positive) > 1:
            found, folded = _match(snap, parsed, any_word=True, folded=True), True
            sel = filters.combine(found.ids)
            relaxed = "any_word" if sel.size else None
    total = int(sel.size)
    limit = req.page * req.per_page
    ranked: list[tuple[int, float | None]]
    if limit > MAX_RESULTS:
        ranked = []  # past the deepest reachable result: no hits, and no ranking work
    elif sort == "relevance":
        ranked = list(_ranked(found, sel, limit))
    else:
        ranked = list(_by_date(snap, sel, limit, newest=sort == "newest"))
    needles = _needles(parsed, folded)
    hits = [_hit(snap, d, needles, s, req.snippets) for d, s in ranked[limit - req.per_page : limit]]
    return SearchResult(
        query=req.q,
        total=total,
        page=req.page,
        per_page=req.per_page,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
        suggestion=suggest(snap, parsed, 0 if relaxed else total),
        relaxed=relaxed,
        variants={"on": req.variants == "on", "groups": [{"typed": v.typed, "also": list(v.shown)} for v in variants]},
        hits=hits,
        facets=filters.counts(cols, found.ids) if req.facets else {},
        filters=filters.described(),
        request=filters.canonical(req),
    )


def _docnum(snap: Snapshot, article_id: str) -> int:
    docnum = snap.docnum(article_id)
    if docnum is None:
        raise ArticleNotFound(f"no article with id {article_id!r}")
    return docnum


def get_article(snap: Snapshot, article_id: str) -> dict[str, Any]:
    """Every stored field of one article, JSON-ready."""
    art = snap.article(_docnum(snap, article_id))
    out = asdict(art)
    out["date"] = art.date.isoformat() if art.date else None
    out["display_title"] = art.title or _lead(art.sapo or art.body)
    return out


def highlight(text: str, q: str) -> str:
    """Text escaped for HTML, with the query's words marked (for the article page)."""
    parsed = parse(q)
    return mark_all(text, _needles(parsed, folded=not parsed.accented))


def similar(snap: Snapshot, article_id: str, limit: int = 5) -> list[Hit]:
    """Articles sharing the most distinctive words of this one (more-like-this), at most limit."""
    if not 1 <= limit <= MAX_SIMILAR:
        raise BadRequest("limit", f"limit must be a whole number from 1 to {MAX_SIMILAR}")
    docnum = _docnum(snap, article_id)
    art = snap.article(docnum)
    text = " ".join((art.title, art.sapo, art.body))
    terms = snap.key_terms("body", text[:20_000], 12)
    if not terms:
        return []
    wanted = Node("any", tuple(Term(f, (t,), w) for t, w in terms for f in ("body", "title")))
    found = run(snap.postings, wanted)
    found = found.only(snap.live[found.ids] & (found.ids != docnum))
    ranked = _ranked(found, found.ids, limit)
    return [_hit(snap, d, [], s, True) for d, s in ranked]
