"""One part of an index answering a coordinator: a whole index, or one shard of a sharded one.

Each method answers one round of a search (search.coordinator): which spellings and how many
documents the part holds for the query's words, which of its documents match and how they rank
by the whole index's statistics, what its facets count, and the page's hits it holds. Arguments
and answers are plain data, so a part can live in another process or on another machine (a Ray
actor in indexer.cluster) as well as here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..query.plan import Node, Plan, Term, syllable_run
from .execution import Matches, run, term_arrays
from .facets import Filters, Listing
from .highlight import Needle
from .result import Hit
from .statistics import Statistics, TermKey

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["Shard", "Job", "Answer", "SpellAsk", "Sample", "StoryDoc", "StoryPart", "story_summary", "UNDATED"]

# A spelling asked for: (field, the options of each position, joiner), as Postings.spellings takes it.
SpellAsk = tuple[str, tuple[tuple[str, ...], ...], str]
# An article's place in indexing order, title and sapo (how suggestions learn a word's capitals).
Sample = tuple[int, str, str]

# Undated members of a story come after the dated ones (as store.columns orders them).
UNDATED = np.iinfo(np.int64).max
# A story's member in one part: (day or UNDATED, seq, document number); and what a part holds of a
# story: its first article's id and each member's (day or UNDATED, seq, outlet), earliest first.
StoryDoc = tuple[int, int, int]
StoryPart = tuple[str, list[tuple[int, int, str]]]


def story_summary(parts: list[StoryPart]) -> dict[str, Any]:
    """{id, size, sources} of a story from what each part holds of it: the id is its first article's,
    the outlets in the order of their first article."""
    members = sorted(m for _, held in parts for m in held)
    first = min((held[0][:2], ident) for ident, held in parts)[1]
    return {"id": first, "size": len(members), "sources": list(dict.fromkeys(src for _, _, src in members if src))}


@dataclass(frozen=True)
class Job:
    """One query for one part: its plan (None to browse), statistics, selections, order and depth."""

    plan: Plan | None
    stats: Statistics | None  # the whole index's, for a shard; None for a whole index
    chosen: dict[str, Any]  # each facet's resolved selection
    sort: str  # "relevance", "newest" or "oldest"
    limit: int  # how many of its best documents a part returns (0: none)
    facets: bool
    # One document per story: the best of each, limit of them; the answer counts stories too.
    collapse: bool = False


@dataclass
class Answer:
    """A part's answer to a Job: its exact total, its best documents in order, its facet counts."""

    total: int
    docnums: np.ndarray  # int64, best first
    scores: np.ndarray  # float32 (zeros when sorted by date)
    keys: np.ndarray  # the order's primary key, ascending (-score, or the day's key), float64
    seq: np.ndarray  # int64, places in indexing order: ties go to the smaller
    facets: dict[str, Listing]
    # With collapse: each returned document's story key, and every selected story's key (sorted).
    story: np.ndarray | None = None
    stories: np.ndarray | None = None


_UNDATED = float(np.iinfo(np.int64).max)


class Shard:
    """A snapshot of one index, or of one shard, answering a coordinator's rounds."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    # --- round 1: the words' spellings and frequencies -----------------------------------------

    def lexicon(
        self, spells: list[SpellAsk], texts: list[tuple[str, str]]
    ) -> tuple[list[tuple[str, ...]], dict[tuple[str, str], int], dict[tuple[str, str], int], list[int | None]]:
        """For each ask, the spellings this part holds; for each of them and of texts, the term
        dictionary's count (deleted documents included) and the live documents holding it; for each
        ask but those of body syllables (read only near other words), the live documents holding any
        of its spellings."""
        post = self.snap.postings
        found = [post.spellings(field, [list(o) for o in options], joiner) for field, options, joiner in spells]
        keys = [(field, text) for (field, _, _), spelled in zip(spells, found, strict=True) for text in spelled]
        counts = {k: post.frequency(*k) for k in [*keys, *texts]}
        # Postings leave deleted documents out: only a part with deletions must read them to count.
        deletions = self.snap.doc_count < self.snap.size
        sizes = {k: int(post.term(*k)[0].size) if deletions else n for k, n in counts.items()}
        unions: list[int | None] = []
        for (field, _, _), spelled in zip(spells, found, strict=True):
            if len(spelled) > 1 and field != "body_syl":
                unions.append(int(term_arrays(post, Term(field, spelled))[0].size))
            elif len(spelled) == 1:
                unions.append(sizes[(field, spelled[0])])
            else:
                unions.append(None if spelled else 0)
        return found, counts, sizes, unions

    def frequencies(self, terms: list[TermKey]) -> list[int]:
        """Documents holding any spelling of each term (a document with two counts once)."""
        post = self.snap.postings
        return [int(term_arrays(post, Term(field, texts))[0].size) for field, texts in terms]

    # --- round 2: matches, ranking and facets ---------------------------------------------------

    def _selected(self, job: Job) -> tuple[Filters, Matches, np.ndarray]:
        """The job's selections, its plan's live matches, and those the selections keep."""
        snap = self.snap
        filters = Filters.masked(snap.cols, job.chosen)
        if job.plan is None:
            live = np.flatnonzero(snap.live)
            found = Matches(live, np.zeros(live.size, dtype=np.float32))
        else:
            found = run(snap.postings, job.plan, job.stats)
            if not snap.cols.all_live:
                found = found.only(snap.live[found.ids])
        return filters, found, filters.combine(found.ids)

    def execute(self, job: Job) -> Answer:
        """Every live match of the job's plan kept by its selections: total, best job.limit, facets."""
        snap = self.snap
        cols = snap.cols
        filters, found, sel = self._selected(job)
        # Collapsed, every match is ranked: the best of each story may lie anywhere in the order.
        depth = int(sel.size) if job.collapse and job.limit else job.limit
        if job.sort == "relevance":
            docnums, scores, keys = _best(found, sel, cols.seq, depth)
        else:
            docnums, keys = _dated(snap, sel, depth, newest=job.sort == "newest")
            scores = np.zeros(docnums.size, dtype=np.float32)
        story = stories = None
        if job.collapse:
            _, first = np.unique(cols.story[docnums], return_index=True)
            lead = np.sort(first)[: job.limit]
            docnums, scores, keys = docnums[lead], scores[lead], keys[lead]
            story, stories = cols.story[docnums], np.unique(cols.story[sel])
        return Answer(
            total=int(sel.size),
            docnums=docnums,
            scores=scores,
            keys=keys,
            seq=cols.seq[docnums],
            facets=filters.counts(cols, found.ids) if job.facets else {},
            story=story,
            stories=stories,
        )

    def days(self, job: Job) -> tuple[int, np.ndarray, int]:
        """The selected matches per day: (first day, counts from it, undated matches)."""
        _, _, sel = self._selected(job)
        days = self.snap.cols.day[sel].astype(np.int64)
        dated = days[days >= 0]
        if not dated.size:
            return 0, np.zeros(0, dtype=np.int64), int(days.size)
        first = int(dated.min())
        return first, np.bincount(dated - first), int(days.size - dated.size)

    # --- round 3: the page ------------------------------------------------------------------

    def hits(
        self,
        docnums: list[int],
        scores: list[float | None],
        needles: list[Needle],
        snippets: bool,
        stories: bool = False,
    ) -> list[Hit]:
        """The hits of these documents, with snippets when asked, and their stories when asked."""
        from .searcher import hit  # the page's one way to show an article

        out = [hit(self.snap, d, needles, s, snippets) for d, s in zip(docnums, scores, strict=True)]
        if stories:
            for h, d in zip(out, docnums, strict=True):
                h.story = self.story_of(d)
        return out

    # --- stories ------------------------------------------------------------------------------

    def story_of(self, docnum: int) -> dict[str, Any]:
        """A document's story as this part knows it: {key, id, size, sources} (story_summary); the
        coordinator completes it from the other parts and drops the key."""
        key = self.story_key(docnum)
        return {"key": key, **story_summary([self.story_parts([key])[key]])}

    def story_key(self, docnum: int) -> int:
        """The key of a document's story (its first article's seq, unique over every shard)."""
        return int(self.snap.cols.story[docnum])

    def story_docs(self, key: int) -> list[StoryDoc]:
        """The live documents of a story held here, earliest first, with what orders them over parts."""
        cols = self.snap.cols
        docs = cols.story_members(key)
        day = np.where(cols.day[docs] >= 0, cols.day[docs].astype(np.int64), UNDATED)
        return list(zip(day.tolist(), cols.seq[docs].tolist(), docs.tolist(), strict=True))

    def story_parts(self, keys: list[int]) -> dict[int, StoryPart]:
        """For each story: the id of its first article held here and its members' order and outlet."""
        cols = self.snap.cols
        names = cols.values["source"]
        out: dict[int, StoryPart] = {}
        for key in keys:
            found = self.story_docs(key)
            if found:
                codes = cols.codes["source"][[d for _, _, d in found]].tolist()
                first = self.snap.stored(found[0][2])["id"]
                out[key] = (first, [(day, seq, names[c]) for (day, seq, _), c in zip(found, codes, strict=True)])
        return out

    # --- suggestions ----------------------------------------------------------------------------

    def evidence(
        self, syllables: list[str], words: list[tuple[str, ...]], size: int, alone: bool
    ) -> tuple[int, list[list[Sample]]]:
        """Live articles holding every syllable in any text field, and each word's first size samples.

        alone (the whole index is this part): no samples are read when no article holds the syllables,
        as nothing will be suggested; a shard reads them anyway, since another may hold some.
        """
        count = self._count(syllables)
        return count, self._samples(words, size) if count or not alone else [[] for _ in words]

    def spelling(self, syllables: list[str]) -> list[tuple[int, list[tuple[str, int]]]]:
        """Each body syllable's document frequency here, and where it is 0, the terms one edit away."""
        snap = self.snap
        out = []
        for syl in syllables:
            df = snap.doc_frequency("body_syl", syl)
            near = [] if df else [(t, snap.doc_frequency("body_syl", t)) for t in snap.terms_within("body_syl", syl, 1)]
            out.append((df, near))
        return out

    def _count(self, syllables: list[str]) -> int:
        if not syllables:
            return 0
        # Only a count: the documents as index-sized masks, not scored unions and intersections
        # (evidence, this count with its samples, took 28 ms a call at 2 M articles before).
        held = self.snap.live.copy()
        for syl in syllables:
            mine = np.zeros(held.size, dtype=bool)
            for fieldname in ("title_syl", "sapo_syl", "body_syl"):
                mine[term_arrays(self.snap.postings, Term(fieldname, (syl,)))[0]] = True
            held &= mine
        return int(np.count_nonzero(held))

    def _samples(self, words: list[tuple[str, ...]], size: int) -> list[list[Sample]]:
        snap = self.snap
        out = []
        for syllables in words:
            wanted = Node("any", tuple(syllable_run(f, syllables, 1.0) for f in ("title", "sapo")))
            ids = run(snap.postings, wanted).ids
            ids = ids[snap.live[ids]]
            ids = ids[np.argsort(snap.cols.seq[ids], kind="stable")][:size]
            rows = []
            for docnum in ids.tolist():
                stored = snap.stored(docnum)
                rows.append((int(snap.cols.seq[docnum]), stored.get("title") or "", stored.get("sapo") or ""))
            out.append(rows)
        return out

    # --- articles and values -------------------------------------------------------------------

    def values(self) -> dict[str, list[str]]:
        """The part's coded values by field, "" first."""
        return self.snap.values

    def docnum(self, article_id: str) -> int | None:
        """The live document holding this article id, or None."""
        return self.snap.docnum(article_id)

    def article(self, docnum: int) -> Any:
        """The stored article."""
        return self.snap.article(docnum)

    def key_terms(self, fieldname: str, text: str, count: int) -> list[tuple[str, float]]:
        """The terms of text most distinctive against this part's field."""
        return self.snap.key_terms(fieldname, text, count)

    def close(self) -> None:
        """Release the snapshot."""
        self.snap.close()


def _best(found: Matches, sel: np.ndarray, seq: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The limit best selected documents: highest score first, then earliest indexed, exactly."""
    # sel is a subset of found's documents: of the same size, it is all of them.
    scores = found.scores if sel.size == found.ids.size else found.scores[np.searchsorted(found.ids, sel)]
    ids = sel
    if limit <= 0:
        ids, scores = ids[:0], scores[:0]
    elif ids.size > limit:
        part = np.argpartition(-scores, limit - 1)[:limit]
        # Every document tied with the last one picked competes on its place in indexing order,
        # so which of them make the cut does not depend on how the partition fell.
        keep = scores >= scores[part].min()
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((seq[ids], -scores))[: max(limit, 0)]
    ids, scores = ids[order].astype(np.int64), scores[order]
    return ids, scores, -scores.astype(np.float64)


def _dated(snap: Snapshot, sel: np.ndarray, limit: int, newest: bool) -> tuple[np.ndarray, np.ndarray]:
    """The selected documents newest (or oldest) first, undated last, ties in indexing order."""
    cols = snap.cols
    if limit <= 0:
        picked = sel[:0].astype(np.int64)
    elif sel.size * 8 > snap.size:
        order = cols.newest if newest else cols.oldest
        mask = np.zeros(snap.size, dtype=bool)
        mask[sel] = True
        picked = order[mask[order]][:limit].astype(np.int64)
    else:
        days = cols.day[sel].astype(np.int64)
        key = np.where(days >= 0, -days if newest else days, np.iinfo(np.int64).max)
        picked = sel[np.lexsort((cols.seq[sel], key))][:limit].astype(np.int64)
    days = cols.day[picked].astype(np.float64)
    keys = np.where(days >= 0, -days if newest else days, _UNDATED)
    return picked, keys
