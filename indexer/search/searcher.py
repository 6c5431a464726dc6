"""The search core: a request in, a result out (hits, exact total, facets, suggestion); articles, similar."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from ..errors import ArticleNotFound, BadRequest, ShardUnavailable
from ..geo.tagger import tagger
from ..query.parser import ParsedQuery, parse
from ..query.plan import Node, Term
from ..store.vocabulary import MIN_DF, Vocabulary
from ..text.keyboard import reading
from ..text.normalization import fold
from .coordinator import Coordinator, Merged
from .facets import Filters
from .highlight import Needle, mark_all, snippet
from .request import MAX_RESULTS, SearchRequest
from .result import Hit, SearchResult
from .shard import Job
from .snapshot import Searchable, Snapshot
from .suggestion import suggest

__all__ = ["search", "get_article", "similar", "highlight", "hit", "MAX_SIMILAR"]

# Most articles similar() returns.
MAX_SIMILAR = 20


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


def hit(snap: Snapshot, docnum: int, needles: list[Needle], score: float | None, snippets: bool) -> Hit:
    """One document as a hit: stored fields, a snippet around the words when asked, its score."""
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
        provinces_mentioned=list(art.provinces_mentioned),
        provinces_old_mentioned=list(art.provinces_old_mentioned),
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


def search(snap: Searchable, req: SearchRequest) -> SearchResult:
    """Run one search against a snapshot of the index (a whole one, or the shards of one)."""
    started = time.perf_counter()
    co = snap.coordinator()
    chosen = Filters.resolved(co.values, req)
    parsed = parse(req.q, co.vocabulary)
    variants = co.synonyms.variants(parsed)
    if req.variants == "on":
        parsed.variants = variants
    relaxed: str | None = None
    browse = not parsed.clauses
    sort = "newest" if browse and req.sort == "relevance" else req.sort
    limit = req.page * req.per_page
    # Past the deepest reachable result: no hits, and no ranking work.
    depth = limit if limit <= MAX_RESULTS else 0
    collapse = req.collapse == "story"

    def attempt(any_word: bool = False, folded: bool = False) -> Merged:
        found, stats = (None, co.stats) if browse else co.plan(parsed, any_word=any_word, folded=folded)
        return co.execute(Job(found, stats, chosen, sort, depth, req.facets, collapse))

    folded = False
    merged = attempt()
    searched: str | None = None
    if not browse:
        # Typed in Telex or VNI without an input method ("hoaf binhf"): search the reading when
        # the index knows its words, and use it when it finds anything.
        read = keyboard_reading(co.vocabulary, req.q)
        if read is not None:
            typed = (parsed, merged)
            parsed = parse(read, co.vocabulary)
            variants = co.synonyms.variants(parsed)
            if req.variants == "on":
                parsed.variants = variants
            merged = attempt()
            if merged.total:
                searched, relaxed = read, "keyboard"
            else:
                parsed, merged = typed
                variants = co.synonyms.variants(parsed)
    if not browse and parsed.positive and not merged.total:
        # Nothing with every word as typed: first forgive diacritics, then ask for any word.
        if parsed.accented:
            merged, folded = attempt(folded=True), True
            relaxed = "diacritics" if merged.total else None
        if not merged.total and sum(len(c.units) for c in parsed.positive) > 1:
            merged, folded = attempt(any_word=True, folded=True), True
            relaxed = "any_word" if merged.total else None
    needles = _needles(parsed, folded)
    hits = co.hits(merged.ranked[limit - req.per_page : limit], needles, req.snippets, collapse)
    selection = Filters(chosen)
    return SearchResult(
        query=req.q,
        total=merged.total,
        page=req.page,
        per_page=req.per_page,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
        suggestion=None if searched else suggest(co, parsed, 0 if relaxed else merged.total),
        relaxed=relaxed,
        searched=searched,
        variants={"on": req.variants == "on", "groups": [{"typed": v.typed, "also": list(v.shown)} for v in variants]},
        hits=hits,
        stories=merged.stories,
        facets=merged.facets if req.facets else {},
        filters=selection.described(),
        request=selection.canonical(req),
        shards=co.shards(),
    )


def keyboard_reading(vocabulary: Vocabulary, q: str) -> str | None:
    """The query with its Telex or VNI words read as Vietnamese, or None when it has none.

    A word is read when it is no word of the index and its reading is a syllable the index
    knows. Once one is, the query was typed that way, and a word of the index is read too when
    its reading is twenty times as common ("nhoms binh six" → "nhóm binh sĩ"); alone, a word of
    the index stays what it is ("test", "sex").
    """
    tokens = q.split()
    strong: list[str | None] = []
    weak: list[str | None] = []
    for token in tokens:
        read = reading(token) if token.isascii() else None
        known = vocabulary.syllables.get(fold(read.lower())) if read else None
        if (
            read is None
            or known is None
            or known[1] < MIN_DF
            or read.lower() not in vocabulary.spellings(fold(read.lower()))
        ):
            strong.append(None)
            weak.append(None)
            continue
        own = vocabulary.syllables.get(token.lower())
        own_df = own[1] if own is not None and own[0] == token.lower() else 0
        strong.append(read if own_df < MIN_DF else None)
        weak.append(read if own_df >= MIN_DF and known[1] >= 20 * own_df else None)
    if not any(strong):
        return None
    return " ".join(s or w or t for s, w, t in zip(strong, weak, tokens, strict=True))


def _located(co: Coordinator, article_id: str) -> tuple[int, int]:
    found = co.locate(article_id)
    if found is None:
        if co.failed:
            raise ShardUnavailable(f"the shard holding {article_id!r} is unavailable; try again")
        raise ArticleNotFound(f"no article with id {article_id!r}")
    return found


def get_article(snap: Searchable, article_id: str) -> dict[str, Any]:
    """Every stored field of one article, JSON-ready."""
    co = snap.coordinator()
    part, docnum = _located(co, article_id)
    art = co.call(part, "article", docnum)
    if art is None:
        raise ShardUnavailable(f"the shard holding {article_id!r} is unavailable; try again")
    out = asdict(art)
    out["date"] = art.date.isoformat() if art.date else None
    out["display_title"] = art.title or _lead(art.sapo or art.body)
    # What each province tag rests on, read again from the stored (normalised) text by the tagger.
    out["province_evidence"] = [asdict(e) for e in tagger().read(art.title, art.sapo, art.body, explain=True).evidence]
    return out


def get_story(snap: Searchable, article_id: str) -> dict[str, Any]:
    """The story an article belongs to: its id (its first article's), size, outlets, first and
    last days, and its articles as hits, earliest first."""
    co = snap.coordinator()
    part, docnum = _located(co, article_id)
    members = co.story_members(part, docnum)
    if members is None:
        raise ShardUnavailable(f"a shard holding the story of {article_id!r} is unavailable; try again")
    hits = co.hits([(n, d, None) for n, d in members], [], False, True)
    if len(hits) != len(members):
        raise ShardUnavailable(f"the shard holding {article_id!r} stopped answering; try again")
    dates = [h.date for h in hits if h.date]
    story = hits[0].story or {}
    return {
        "id": story.get("id", article_id),
        "size": len(hits),
        "sources": story.get("sources", []),
        "first": min(dates) if dates else None,
        "last": max(dates) if dates else None,
        "articles": [h.to_dict() for h in hits],
    }


def highlight(text: str, q: str) -> str:
    """Text escaped for HTML, with the query's words marked (for the article page)."""
    parsed = parse(q)
    return mark_all(text, _needles(parsed, folded=not parsed.accented))


def similar(snap: Searchable, article_id: str, limit: int = 5) -> list[Hit]:
    """Articles sharing the most distinctive words of this one (more-like-this), at most limit.

    The words are those most distinctive in the shard holding the article; articles of every
    shard are then scored on them with the whole index's statistics.
    """
    if not 1 <= limit <= MAX_SIMILAR:
        raise BadRequest("limit", f"limit must be a whole number from 1 to {MAX_SIMILAR}")
    co = snap.coordinator()
    part, docnum = _located(co, article_id)
    art = co.call(part, "article", docnum)
    terms = co.call(part, "key_terms", "body", " ".join((art.title, art.sapo, art.body))[:20_000], 12) if art else []
    if not terms:
        return []
    wanted = Node("any", tuple(Term(f, (t,), w) for t, w in terms for f in ("body", "title")))
    chosen = Filters.resolved(co.values, SearchRequest())
    stats = None if co.stats is None else co.statistics(wanted)
    merged = co.execute(Job(wanted, stats, chosen, "relevance", limit + 1, False))
    ranked = [r for r in merged.ranked if (r[0], r[1]) != (part, docnum)][:limit]
    return co.hits(ranked, [], True)
