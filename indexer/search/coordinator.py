"""A search over the parts of an index, as one index would answer it (scatter-gather).

A whole index is one part and answers from its own figures. A sharded one is several, and a
query takes rounds, as Elasticsearch's dfs_query_then_fetch does: (1) the plan is made once from
the whole index's words: from the term dictionary kept beside the manifest, or, while shards
hold deleted documents, from what every part says of the spellings it holds and how many
documents hold each (kept per manifest generation); (2) for terms of several spellings, how many
documents hold any; (3) every part runs the plan with the whole index's statistics and returns
its exact total, its best documents and its facet counts, which are merged; (4) the parts holding
the page's hits show them. Parts that fail are named in the answer, never silently left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..query.parser import ParsedQuery
from ..query.plan import Plan, Term, plan
from ..query.synonyms import Synonyms
from ..store.vocabulary import Vocabulary
from .facets import Filters, Listing, Values
from .highlight import Needle
from .result import Hit
from .shard import Answer, Job, Sample, SpellAsk, story_summary
from .statistics import Statistics, TermKey

__all__ = ["Coordinator", "Parts", "LocalParts", "Merged", "plan_terms", "LEXICON_ENTRIES"]

# Lexicon answers kept per manifest generation before the memo starts afresh.
LEXICON_ENTRIES = 200_000


class Parts(Protocol):
    """The parts of an index, called by method name: every part at once, or some."""

    def __len__(self) -> int: ...

    def each(self, method: str, *args: Any) -> list[Any]:
        """Every part's answer, by part number; None from a part that failed (named in failed)."""
        ...

    def some(self, calls: dict[int, tuple[Any, ...]], method: str) -> dict[int, Any]:
        """The answers of the listed parts, each called with its own arguments (failures left out)."""
        ...

    @property
    def failed(self) -> list[int]:
        """Parts that failed during this request, by number."""
        ...


class LocalParts:
    """Parts in this process (a whole index, or the shards of one opened here), called in turn."""

    def __init__(self, parts: list[Any]) -> None:
        self.parts = parts

    def __len__(self) -> int:
        return len(self.parts)

    def each(self, method: str, *args: Any) -> list[Any]:
        """Every part's answer."""
        return [getattr(p, method)(*args) for p in self.parts]

    def some(self, calls: dict[int, tuple[Any, ...]], method: str) -> dict[int, Any]:
        """The listed parts' answers."""
        return {n: getattr(self.parts[n], method)(*args) for n, args in calls.items()}

    @property
    def failed(self) -> list[int]:
        """None: a part in this process fails by raising."""
        return []

    def close(self) -> None:
        """Close every part."""
        for p in self.parts:
            p.close()


@dataclass
class Merged:
    """The parts' answers to one Job as one: total, the best documents (part, docnum, score), facets."""

    total: int
    ranked: list[tuple[int, int, float | None]]
    facets: dict[str, Listing]
    # With collapse: the stories the matches form (ranked then holds one document per story).
    stories: int | None = None


def plan_terms(node: Plan, scored: bool = False) -> Iterator[Term]:
    """Every term of a plan, depth first; with scored, only those scored as terms (not a near
    node's, which are counted as one term with their dictionary counts)."""
    if isinstance(node, Term):
        yield node
        return
    if scored and node.op == "near":
        return
    for child in node.children:
        yield from plan_terms(child, scored)


@dataclass
class Coordinator:
    """The whole index as the search pipeline sees it: its parts, words, facet values and figures.

    local, for an index of one part in this process, is that part's snapshot: planning then
    asks it directly, with no rounds.
    """

    parts: Parts
    vocabulary: Vocabulary
    synonyms: Synonyms
    values: Values
    stats: Statistics | None  # the whole index's figures, for shards; None for one index
    route: Callable[[str], int]  # the part an article id is stored in
    local: Any = None  # search.Snapshot, for a whole index
    failed: set[int] = field(default_factory=set)
    # The shards' answers to lexicon asks, kept for one manifest generation (the index owns it):
    # as one index keeps its spellings and posting lists, a word asked again needs no round.
    memo: dict[Any, Any] = field(default_factory=dict)
    # The whole index's term dictionary (store.Lexicon), for a sharded index that has one: while no
    # shard holds deleted documents its counts are the live ones, and a plan needs no lexicon round.
    lexicon: Any = None
    deletions: bool = True

    # --- planning ---------------------------------------------------------------------------

    def plan(self, parsed: ParsedQuery, any_word: bool = False, folded: bool = False) -> tuple[Plan, Statistics | None]:
        """The query's plan from the whole index's words, and the statistics its parts score with."""
        if self.local is not None:
            post = self.local.postings
            return plan(parsed, self.local.spell, any_word=any_word, folded=folded, frequency=post.frequency), None
        if self.lexicon is not None and not self.deletions:
            return self._planned_here(parsed, any_word, folded)
        recorder = _Recorder(self.vocabulary)
        recorded = plan(parsed, recorder.spell, any_word=any_word, folded=folded, frequency=recorder.frequency)
        literal = {(t.field, t.texts[0]) for t in plan_terms(recorded) if len(t.texts) == 1}
        known = _Known()
        # Kept entries are copied out at once: another thread may clear the memo meanwhile.
        asks = {k: a for k, a in recorder.asks.items() if not known.kept(self.memo, ("ask", k))}
        texts = [k for k in sorted(literal | set(recorder.texts)) if not known.kept(self.memo, ("text", k))]
        if asks or texts:
            fresh = _Lexicon(asks)
            before = len(self.failed)
            for answer in self._each("lexicon", list(asks.values()), texts):
                if answer is not None:
                    fresh.add(*answer)
            entries = fresh.entries(texts)
            known.fresh.update(entries)
            if len(self.failed) == before:  # a partial answer is not kept
                if len(self.memo) + len(entries) > LEXICON_ENTRIES:
                    self.memo.clear()
                self.memo.update(entries)
        known.take(recorder.asks, literal | set(recorder.texts))
        final = plan(parsed, known.spell, any_word=any_word, folded=folded, frequency=known.frequency)
        return final, self.statistics(final, known.counts, known.sizes, known.unions)

    def _planned_here(self, parsed: ParsedQuery, any_word: bool, folded: bool) -> tuple[Plan, Statistics]:
        """The plan and statistics from the whole index's term dictionary (no round to the shards)."""
        lexicon, vocabulary = self.lexicon, self.vocabulary

        def spell(fieldname: str, folded_: tuple[str, ...], joiner: str) -> tuple[str, ...]:
            return lexicon.spellings(fieldname, [vocabulary.spellings(s) for s in folded_], joiner)

        final = plan(parsed, spell, any_word=any_word, folded=folded, frequency=lexicon.frequency)
        return final, self.statistics(final)

    def statistics(
        self,
        node: Plan,
        counts: dict[tuple[str, str], int] | None = None,
        sizes: dict[tuple[str, str], int] | None = None,
        unions: dict[TermKey, int] | None = None,
    ) -> Statistics:
        """The whole index's figures with the frequency of every term of the plan (one more round
        for terms of several spellings, whose documents may hold two of them)."""
        assert self.stats is not None, "a whole index scores with its own figures"
        counts = counts if counts is not None else {}
        sizes = sizes if sizes is not None else {}
        unions = unions or {}
        singles = {(t.field, x) for t in plan_terms(node) for x in t.texts}
        missing = sorted(k for k in singles if k not in sizes)
        if missing and self.lexicon is not None and not self.deletions:
            # No deleted documents anywhere: the dictionary's counts are the live ones.
            for key in missing:
                counts[key] = sizes[key] = self.lexicon.frequency(*key)
        elif missing:
            for answer in self._each("lexicon", [], missing):
                if answer is None:
                    continue
                for got, into in ((answer[1], counts), (answer[2], sizes)):
                    for key, n in got.items():
                        into[key] = into.get(key, 0) + n
        frequencies: dict[TermKey, int] = {}
        wanted: list[TermKey] = []
        for t in plan_terms(node, scored=True):
            if len(t.texts) > 1:
                if (t.field, t.texts) in unions:
                    frequencies[(t.field, t.texts)] = unions[(t.field, t.texts)]
                else:
                    wanted.append((t.field, t.texts))
            else:
                frequencies[(t.field, t.texts)] = sizes.get((t.field, t.texts[0]), 0) if t.texts else 0
        several = []
        for key in sorted(set(wanted)):
            kept = self.memo.get(("union", key))
            if kept is None:
                several.append(key)
            else:
                frequencies[key] = kept
        if several:
            summed = np.zeros(len(several), dtype=np.int64)
            before = len(self.failed)
            for answer in self._each("frequencies", several):
                if answer is not None:
                    summed += np.asarray(answer, dtype=np.int64)
            found = dict(zip(several, summed.tolist(), strict=True))
            frequencies.update(found)
            if len(self.failed) == before:
                self.memo.update({("union", k): n for k, n in found.items()})
        return self.stats.with_frequencies(frequencies, counts)

    def title_frequencies(self, words: list[str]) -> dict[str, int]:
        """Documents whose title holds each pyvi word (lowercase), over the whole index."""
        if self.local is not None:
            post = self.local.postings
            return {w: post.frequency("title", w) for w in words}
        if self.lexicon is not None:
            return {w: self.lexicon.frequency("title", w) for w in words}
        out: dict[str, int] = {}
        for answer in self._each("lexicon", [], [("title", w) for w in words]):
            for (_, w), n in (answer[1] if answer else {}).items():
                out[w] = out.get(w, 0) + n
        return out

    def documents(self) -> int:
        """Documents of the whole index, live or deleted (BM25's N)."""
        return self.local.size if self.local is not None else self.stats.documents  # type: ignore[union-attr]

    # --- matching ---------------------------------------------------------------------------

    def execute(self, job: Job) -> Merged:
        """Every part's answer to the job, merged: totals summed, best documents in one order."""
        answers: list[tuple[int, Answer]] = [(n, a) for n, a in enumerate(self._each("execute", job)) if a]
        if len(answers) == 1:
            n, a = answers[0]
            ranked = [(n, int(d), _score(job, s)) for d, s in zip(a.docnums.tolist(), a.scores.tolist(), strict=True)]
            return Merged(a.total, ranked, a.facets, _stories(job, [a]))
        total = sum(a.total for _, a in answers)
        if not answers:
            return Merged(0, [], {}, 0 if job.collapse else None)
        part = np.concatenate([np.full(a.docnums.size, n, dtype=np.int64) for n, a in answers])
        docnums = np.concatenate([a.docnums for _, a in answers])
        scores = np.concatenate([a.scores for _, a in answers])
        keys = np.concatenate([a.keys for _, a in answers])
        seq = np.concatenate([a.seq for _, a in answers])
        order = np.lexsort((seq, keys))
        if job.collapse:
            # Keys are global (a founder's seq) and a story may span shards (store.update.group_stories):
            # one met in two answers is led by its better article. Each part's best `limit` stories
            # hold the whole index's: a story's best article ranks in its own part behind the
            # best articles of better stories only.
            story = np.concatenate([a.story for _, a in answers if a.story is not None])[order]
            _, first = np.unique(story, return_index=True)
            order = order[np.sort(first)]
        order = order[: job.limit]
        ranked = [(int(part[i]), int(docnums[i]), _score(job, float(scores[i]))) for i in order]
        facets = Filters.merged([a.facets for _, a in answers], job.chosen) if job.facets else {}
        return Merged(total, ranked, facets, _stories(job, [a for _, a in answers]))

    def days(self, job: Job) -> tuple[int, np.ndarray, int]:
        """Every part's matches per day, summed: (first day, counts from it, undated matches)."""
        answers = [a for a in self._each("days", job) if a]
        dated = [(first, counts) for first, counts, _ in answers if counts.size]
        undated = sum(a[2] for a in answers)
        if not dated:
            return 0, np.zeros(0, dtype=np.int64), undated
        lo = min(first for first, _ in dated)
        hi = max(first + counts.size for first, counts in dated)
        out = np.zeros(hi - lo, dtype=np.int64)
        for first, counts in dated:
            out[first - lo : first - lo + counts.size] += counts
        return lo, out, undated

    def hits(
        self, page: list[tuple[int, int, float | None]], needles: list[Needle], snippets: bool, stories: bool = False
    ) -> list[Hit]:
        """The page's hits, each from the part holding it, in the page's order (with their stories when asked)."""
        calls: dict[int, tuple[list[int], list[float | None]]] = {}
        for n, d, s in page:
            docs, scores = calls.setdefault(n, ([], []))
            docs.append(d)
            scores.append(s)
        shown = self._some({n: (d, s, needles, snippets, stories) for n, (d, s) in calls.items()}, "hits")
        out = []
        taken = {n: 0 for n in shown}
        for n, _, _ in page:
            if n in shown:
                out.append(shown[n][taken[n]])
                taken[n] += 1
        if stories:
            self._whole_stories(out)
        return out

    def _whole_stories(self, hits: list[Hit]) -> None:
        """Each hit's story as the whole index holds it: a story may span shards (store.stories)."""
        keys = [h.story.pop("key") if h.story else None for h in hits]
        wanted = sorted({k for k in keys if k is not None})
        if len(self.parts) == 1 or not wanted:
            return
        answers = [a for a in self._each("story_parts", wanted) if a is not None]
        whole = {k: story_summary([a[k] for a in answers if k in a]) for k in wanted}
        for h, k in zip(hits, keys, strict=True):
            if k is not None:
                h.story = whole[k]

    def story_members(self, part: int, docnum: int) -> list[tuple[int, int]] | None:
        """(part, document number) of every live article of a document's story, earliest first
        over every part; None when a part holding some of them did not answer."""
        key = self.call(part, "story_key", docnum)
        if key is None:
            return None
        found = self._each("story_docs", key)
        if any(f is None for f in found):
            return None
        return [(n, d) for _, _, n, d in sorted((day, seq, n, d) for n, f in enumerate(found) for day, seq, d in f)]

    # --- articles -----------------------------------------------------------------------------

    def locate(self, article_id: str) -> tuple[int, int] | None:
        """(part, document number) of the live article with this id, or None."""
        n = self.route(article_id)
        found = self._some({n: (article_id,)}, "docnum").get(n)
        return None if found is None else (n, found)

    def call(self, number: int, method: str, *args: Any) -> Any:
        """One part's answer (None when it failed)."""
        return self._some({number: args}, method).get(number)

    # --- suggestions --------------------------------------------------------------------------

    def evidence(self, syllables: list[str], words: list[list[str]], size: int) -> tuple[int, list[list[Sample]]]:
        """Live articles holding every syllable, and for each word the first size articles (in
        indexing order) with it in title or sapo: one round."""
        alone = len(self.parts) == 1
        answers = [a for a in self._each("evidence", syllables, [tuple(w) for w in words], size, alone) if a]
        count = sum(a[0] for a in answers)
        samples = [sorted((r for a in answers for r in a[1][i]), key=lambda r: r[0])[:size] for i in range(len(words))]
        return count, samples

    def spelling(self, syllables: list[str]) -> list[tuple[int, list[tuple[str, int]]]]:
        """For each body syllable: its document frequency and, when no shard holds it, the terms one
        edit away with theirs (one round)."""
        answers = [a for a in self._each("spelling", syllables) if a is not None]
        out = []
        for i in range(len(syllables)):
            df = sum(a[i][0] for a in answers)
            near: dict[str, int] = {}
            if df == 0:
                for a in answers:
                    for t, n in a[i][1]:
                        near[t] = near.get(t, 0) + n
            out.append((df, sorted(near.items())))
        return out

    # --- calls ------------------------------------------------------------------------------

    def _each(self, method: str, *args: Any) -> list[Any]:
        answers = self.parts.each(method, *args)
        self.failed.update(self.parts.failed)
        return answers

    def _some(self, calls: dict[int, tuple[Any, ...]], method: str) -> dict[int, Any]:
        answers = self.parts.some(calls, method)
        self.failed.update(self.parts.failed)
        return answers

    def shards(self) -> dict[str, Any] | None:
        """{"total": parts, "failed": [numbers]} for a sharded index, None for one index."""
        if self.local is not None:
            return None
        return {"total": len(self.parts), "failed": sorted(self.failed)}


def _score(job: Job, score: float) -> float | None:
    return score if job.sort == "relevance" else None


class _Recorder:
    """Stands in for the index's spellings and frequencies while a plan is made, noting what it asks."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.asks: dict[tuple[str, tuple[str, ...], str], SpellAsk] = {}
        self.texts: dict[tuple[str, str], None] = {}

    def spell(self, fieldname: str, folded: tuple[str, ...], joiner: str) -> tuple[str, ...]:
        options = tuple(tuple(self.vocabulary.spellings(s)) for s in folded)
        self.asks.setdefault((fieldname, folded, joiner), (fieldname, options, joiner))
        return ()

    def frequency(self, fieldname: str, text: str) -> int:
        self.texts[(fieldname, text)] = None
        return 0


class _Lexicon:
    """The parts' answers to one lexicon round as the whole index's: spellings united, counts summed."""

    def __init__(self, asks: dict[tuple[str, tuple[str, ...], str], SpellAsk]) -> None:
        self.keys = list(asks)
        self.asks = list(asks.values())
        self.found: list[set[str]] = [set() for _ in self.asks]
        self.counts: dict[tuple[str, str], int] = {}
        self.sizes: dict[tuple[str, str], int] = {}
        # Per ask, the live documents holding any of its spellings, summed (None: not counted).
        self.union: list[int | None] = [0] * len(self.asks)

    def add(
        self,
        spelled: list[tuple[str, ...]],
        counts: dict[tuple[str, str], int],
        sizes: dict[tuple[str, str], int],
        unions: list[int | None],
    ) -> None:
        for got, texts in zip(self.found, spelled, strict=True):
            got.update(texts)
        for i, n in enumerate(unions):
            held = self.union[i]
            self.union[i] = None if held is None or n is None else held + n
        for into, got in ((self.counts, counts), (self.sizes, sizes)):
            for key, n in got.items():
                into[key] = into.get(key, 0) + n

    def entries(self, texts: list[tuple[str, str]]) -> dict[Any, Any]:
        """Each ask's spellings (in one index's order) with their counts, and each text's counts."""
        out: dict[Any, Any] = {}
        for i, (key, (field_, options, joiner)) in enumerate(zip(self.keys, self.asks, strict=True)):
            spelled = _ordered(self.found[i], options, joiner)
            counted = {t: (self.counts.get((field_, t), 0), self.sizes.get((field_, t), 0)) for t in spelled}
            out[("ask", key)] = (spelled, counted, self.union[i])
        for key in texts:
            out[("text", key)] = (self.counts.get(key, 0), self.sizes.get(key, 0))
        return out


def _ordered(found: set[str], options: tuple[tuple[str, ...], ...], joiner: str) -> tuple[str, ...]:
    """Spellings in the order one index lists them: by their options' order (Postings.spellings)."""
    places = [{o: k for k, o in enumerate(opts)} for opts in options]

    def rank(text: str) -> tuple[int, ...]:
        pieces = text.split(joiner) if joiner else [text]
        return tuple(p.get(x, len(p)) for p, x in zip(places, pieces, strict=False))

    return tuple(sorted(found, key=lambda t: (rank(t), t)))


class _Known:
    """What one plan needs of the lexicon: this round's answers and the kept ones it copied."""

    def __init__(self) -> None:
        self.fresh: dict[Any, Any] = {}
        self.spelled: dict[tuple[str, tuple[str, ...], str], tuple[str, ...]] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.sizes: dict[tuple[str, str], int] = {}
        self.unions: dict[TermKey, int] = {}

    def kept(self, memo: dict[Any, Any], key: Any) -> bool:
        """Copy the memo's entry for key, if it has one; whether it had."""
        entry = memo.get(key)
        if entry is not None:
            self.fresh[key] = entry
        return entry is not None

    def take(self, asks: dict[tuple[str, tuple[str, ...], str], SpellAsk], texts: set[tuple[str, str]]) -> None:
        """Gather the entries of these asks and texts."""
        for key in asks:
            spelled, counted, union = self.fresh[("ask", key)]
            self.spelled[key] = spelled
            for t, (count, size) in counted.items():
                self.counts[(key[0], t)] = count
                self.sizes[(key[0], t)] = size
            if union is not None:
                self.unions[(key[0], spelled)] = union
        for key in texts:
            self.counts[key], self.sizes[key] = self.fresh[("text", key)]

    def spell(self, fieldname: str, folded: tuple[str, ...], joiner: str) -> tuple[str, ...]:
        return self.spelled[(fieldname, folded, joiner)]

    def frequency(self, fieldname: str, text: str) -> int:
        return self.counts.get((fieldname, text), 0)


def _stories(job: Job, answers: list[Answer]) -> int | None:
    """With collapse, the stories the parts' matches form (a key in two answers counts once)."""
    if not job.collapse:
        return None
    keys = [a.stories for a in answers if a.stories is not None]
    return int(np.unique(np.concatenate(keys)).size) if keys else 0
