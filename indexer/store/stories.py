"""Stories: the articles of one generation that report the same event, grouped once at commit.

An article joins the story of the article dated within WINDOW_DAYS of it that the pair model
(pair_model: a logistic regression over their TF-IDF cosine, title twice, sapo and the body's
lead, by syllable; the days between them; one outlet or two; their titles' shared words and
slots; their numbers) finds likeliest to report the same event, from its threshold up, when the
story began at most SPAN_DAYS before, the article resembles the story's first one (FOUNDER), and
their titles name no conflicting slot (another round, day or draw: slots()), and the story holds
no article of the same outlet from another day unlike it (SAME_SOURCE); otherwise it starts a
story of its own. A digest of several events joins none. Articles are taken in date order, so a reprint joins its
original, and an article joins one story rather than bridging two. Undated articles stay alone.
An update assigns only its new articles, against those already grouped in their window, over
every shard of a sharded index at once (a story spans shards as it would one index); the
window was chosen on bench/story_pairs.jsonl, the pair model is trained on it and two more sets
(bench/story_model.py), and bench/stories.py measures the grouping.

A story's key is the place in indexing order (seq) of the article that started it; the table
maps every live document's seq to its story's key and is saved beside the generation.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..geo.salience import Salience
from .numeric import numeric_column

__all__ = [
    "Stories",
    "Part",
    "assign",
    "story_text",
    "pair_features",
    "pair_model",
    "WINDOW_DAYS",
    "SPAN_DAYS",
]

WINDOW_DAYS = 4
# A story spans at most this many days from its first article: a daily column ("Giá vàng hôm
# nay") or a long-running subject must not chain into one story for a whole year.
SPAN_DAYS = 7
# An article must also resemble the story's first article this much: each match of a tournament
# resembles the previous one, and the chain would make the tournament one story.
FOUNDER = 0.25
# One outlet reports an event once; its articles of another day on the same subject are the next
# installment of a series (a daily market report, a tournament's next round) unless nearly alike.
SAME_SOURCE = 0.55
LEAD_CHARS = 300
# Candidates for the pair model: articles this alike at least (below, hand labels found almost
# no reports of one event: 14 of 145 pairs between 0.20 and 0.32).
CANDIDATE = 0.2
FILE = "stories.npz"
# A news digest ("Xem nhanh 12h: Bão Bualoi... | SJC bị xử phạt") lists several events: it joins no
# story and no story joins it.
_DIGEST = re.compile(r"\s\|\s|^(?:Xem nhanh|Toàn cảnh|Bản tin|Điểm tin|Tin sáng|Tin tối|Tin nóng|Tin nhanh)\b", re.I)
# Syllables and numbers as tokens; one-letter words ("ô", "A") count too.
_TOKENS = r"(?u)\b\w+\b"


def story_text(title: str, sapo: str, body: str) -> str:
    """What two articles are compared on: the title weighs twice, then the sapo and the body's lead
    (nothing for a digest, which then stays a story of its own)."""
    if _DIGEST.search(title):
        return ""
    # The title's first copy ends its line: slots() reads the title alone from there.
    return f"{title}\n{title} {sapo} {body[:LEAD_CHARS]}".lower()


# What tells two reports of one subject apart when their words agree: a round of a competition,
# a day written in the title, a long number (a lottery draw, a ticket). Two titles that both
# name slots of one kind and share none report different events.
_SLOTS = {
    "round": re.compile(
        r"vòng (?:\d+|1/\d+|loại|bảng|knock-out|tứ kết|bán kết)|tứ kết|bán kết|chung kết|lượt (?:đi|về)"
        r"|ngày thi đấu thứ \d+"
    ),
    "date": re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])|ngày (\d{1,2}) tháng (\d{1,2})"),
    "number": re.compile(r"(?<![\d.,])\d{5,}(?![\d.,])"),
}


def slots(text: str) -> dict[str, frozenset[str]]:
    """The title's slots by kind (a story_text's first line is its title)."""
    title = text.split("\n", 1)[0]
    out = {}
    for kind, pattern in _SLOTS.items():
        found = frozenset(
            "/".join(str(int(g)) for g in m.groups() if g) if kind == "date" else m.group()
            for m in pattern.finditer(title)
        )
        if found:
            out[kind] = found
    return out


def _conflict(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> bool:
    """True when two titles name slots of one kind and share none of them."""
    return any(kind in b and not (values & b[kind]) for kind, values in a.items())


_WORDS = re.compile(r"\w+")
_NUMBERS = re.compile(r"\d[\d.,/]*\d|\d")


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the pair model reads of one story_text besides the cosine: its title's words, its
    numbers and its slots."""

    words: frozenset[str]
    numbers: frozenset[str]
    slots: dict[str, frozenset[str]]

    @classmethod
    def of(cls, text: str) -> _Shape:
        """The shape of one story_text."""
        title = text.split("\n", 1)[0]
        # A build holds a shape for every article: words met again are the same string objects,
        # and no numbers the one empty set (half the shapes' memory on the full corpus).
        numbers = _NUMBERS.findall(text)
        return cls(
            frozenset(map(sys.intern, _WORDS.findall(title))),
            frozenset(map(sys.intern, numbers)) if numbers else _NONE,
            slots(text),
        )


_NONE: frozenset[str] = frozenset()


# The pair model's features, in the order _pair_values gives them.
_PAIR_NAMES = (
    "cos",
    "cos2",
    "gap",
    "same_outlet",
    "conflict",
    "title_jaccard",
    "title_ratio",
    "numbers_shared",
    "numbers_apart",
)
_CONFLICT = _PAIR_NAMES.index("conflict")


def _pair_values(cosine: float, gap: int, same_outlet: bool, a: _Shape, b: _Shape) -> tuple[float, ...]:
    """pair_features' values, in _PAIR_NAMES' order."""
    union = len(a.words | b.words)
    shared_numbers = len(a.numbers & b.numbers)
    return (
        cosine,
        cosine * cosine,
        gap / 4,
        float(same_outlet),
        float(bool(a.slots and b.slots and _conflict(a.slots, b.slots))),
        len(a.words & b.words) / union if union else 0.0,
        min(len(a.words), len(b.words)) / max(1, len(a.words), len(b.words)),
        min(shared_numbers, 5) / 5,
        float(bool(a.numbers and b.numbers and not shared_numbers)),
    )


def pair_features(cosine: float, gap: int, same_outlet: bool, a: _Shape, b: _Shape) -> dict[str, float]:
    """The pair model's features of two articles: their cosine, days apart, one outlet, clashing
    slots, how much their titles share, and their numbers shared or apart."""
    return dict(zip(_PAIR_NAMES, _pair_values(cosine, gap, same_outlet, a, b), strict=True))


class _Screen:
    """The pair model's log-odds from a pair's values alone, to pass over the many candidates far
    below its threshold without building their feature dicts (the model decides the rest)."""

    # Well above the rounding between the two computations, far below any weight.
    MARGIN = 1e-6

    def __init__(self, model: Salience) -> None:
        self.weights = tuple(model.weights.get(name, 0.0) for name in _PAIR_NAMES)
        t = model.threshold
        self.floor = model.intercept - math.log(t / (1.0 - t)) + self.MARGIN

    def below(self, values: tuple[float, ...]) -> bool:
        """True when the pair's probability is surely under the threshold."""
        return sum(map(operator.mul, self.weights, values)) + self.floor < 0.0

    def possible(
        self, cosine: np.ndarray, gap: np.ndarray, same_outlet: np.ndarray, a: _Counts, b: _Counts
    ) -> np.ndarray:
        """Which of one article's candidates may reach the threshold, from arrays alone.

        A pair's values are bounded by what counts say: the title's Jaccard by the titles' size
        ratio, the numbers shared by the fewer numbers; a clash of slots is skipped anyway.
        Those whose log-odds bound is below zero would all be screened out one by one.
        """
        words = np.minimum(a.words, b.words) / np.maximum(1, np.maximum(a.words, b.words))
        numbers = np.minimum(np.minimum(a.numbers, b.numbers), 5) / 5
        both = ((a.numbers > 0) & (b.numbers > 0)).astype(float)
        zero = np.zeros_like(cosine)
        # Each feature's lowest and highest value (a KeyError if _pair_values gains one unbounded).
        ranges = {
            "cos": (cosine, cosine),
            "cos2": (cosine * cosine, cosine * cosine),
            "gap": (gap / 4, gap / 4),
            "same_outlet": (same_outlet.astype(float),) * 2,
            "conflict": (zero, zero),
            "title_jaccard": (zero, words),
            "title_ratio": (words, words),
            "numbers_shared": (zero, numbers),
            "numbers_apart": (zero, both),
        }
        # A second margin: this sum and below()'s add the same terms in another order.
        bound = np.full_like(cosine, self.floor + self.MARGIN)
        for name, weight in zip(_PAIR_NAMES, self.weights, strict=True):
            low, high = ranges[name]
            bound += np.maximum(weight * low, weight * high)
        return bound >= 0.0


@dataclass(frozen=True)
class _Counts:
    """Title words and numbers per article (or per candidate), for _Screen.possible."""

    words: np.ndarray
    numbers: np.ndarray

    @classmethod
    def of(cls, shapes: Sequence[_Shape | None]) -> _Counts:
        """The counts of each shape (none for an article without one)."""
        words = np.fromiter((len(s.words) if s else 0 for s in shapes), dtype=np.int64, count=len(shapes))
        numbers = np.fromiter((len(s.numbers) if s else 0 for s in shapes), dtype=np.int64, count=len(shapes))
        return cls(words, numbers)

    def __getitem__(self, at: Any) -> _Counts:
        return _Counts(self.words[at], self.numbers[at])


class _RowDot:
    """The dot product of two rows of a CSR matrix, as scipy's row.multiply(other).sum() gives it
    (the products in column order, summed by numpy) without building two matrices per pair."""

    def __init__(self, matrix: Any) -> None:
        self.indptr, self.indices, self.data = matrix.indptr, matrix.indices, matrix.data

    def __call__(self, i: int, k: int) -> float:
        a, b = slice(self.indptr[i], self.indptr[i + 1]), slice(self.indptr[k], self.indptr[k + 1])
        _, ia, ib = np.intersect1d(self.indices[a], self.indices[b], assume_unique=True, return_indices=True)
        return float(np.sum(self.data[a][ia] * self.data[b][ib])) if ia.size else 0.0


@functools.cache
def pair_model() -> Salience:
    """The probability that two articles report one event: a logistic regression over
    pair_features, trained on the hand-labelled pairs (python -m bench.story_model)."""
    text = resources.files("indexer.store").joinpath("data", "story_pairs.json").read_text(encoding="utf-8")
    return Salience.from_json(text)


def assign(
    days: np.ndarray,
    seqs: np.ndarray,
    texts: Sequence[str],
    known: np.ndarray,
    sources: Sequence[str] | None = None,
) -> np.ndarray:
    """Each document's story key: known[i] when it is not -1, else the key of the story it joins
    (or its own seq). days are days since 1970 (-1 undated); all arrays align with texts, and
    with sources (each article's outlet) when given."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys = known.astype(np.int64, copy=True)
    # Undated articles and those with nothing to compare (a digest) are stories of their own.
    alone = (keys < 0) & ((days < 0) | np.array([not t for t in texts], dtype=bool))
    keys[alone] = seqs[alone]
    todo = keys < 0
    if not todo.any():
        return keys
    dated = days >= 0
    vectors = TfidfVectorizer(token_pattern=_TOKENS, sublinear_tf=True, min_df=1).fit_transform(
        [t if d else "" for t, d in zip(texts, dated.tolist(), strict=True)]
    )
    order = np.lexsort((seqs, days))
    order = order[dated[order]]
    day_of = days[order]
    # Each story's first day and first document (grouped() gives every live article of the known
    # stories it meets, so these are theirs, unless that first article was deleted).
    first: dict[int, int] = {}
    founder: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for i, key, day in zip(order.tolist(), keys[order].tolist(), day_of.tolist(), strict=True):
        if key >= 0 and key not in first:
            first[key], founder[key] = day, i
        if key >= 0:
            members.setdefault(key, []).append(i)
    shapes = [_Shape.of(t) if t else None for t in texts]
    counts = _Counts.of(shapes)
    # Outlets as numbers, to compare a day's candidates at once.
    outlet = np.unique(np.asarray(sources), return_inverse=True)[1] if sources is not None else None
    model = pair_model()
    screen = _Screen(model)
    dot = _RowDot(vectors)

    def self_series(i: int, story: list[int]) -> bool:
        """True when the story holds an article of i's outlet from another day that i is not nearly alike:
        i is then that outlet's next installment of a series, not another report of the event."""
        assert sources is not None
        mine = [k for k in story if sources[k] == sources[i] and days[k] != days[i]]
        return bool(mine) and max(dot(i, k) for k in mine) < SAME_SOURCE

    for day in np.unique(days[todo]).tolist():
        lo, hi = np.searchsorted(day_of, [day - WINDOW_DAYS, day + WINDOW_DAYS + 1])
        window = order[lo:hi]
        new = window[(days[window] == day) & (keys[window] < 0)]
        # Those grouped already (earlier days, known articles of any day in the window): fixed now.
        ready = window[keys[window] >= 0]
        ready = ready[[first[k] >= day - SPAN_DAYS for k in keys[ready].tolist()]] if ready.size else ready
        before = (vectors[new] @ vectors[ready].T).toarray() if ready.size else np.zeros((new.size, 0))
        among = (vectors[new] @ vectors[new].T).toarray()
        # An aggregator's corpus names one source for every outlet: the rule below needs several.
        outlets = sources is not None and len({sources[k] for k in window.tolist()}) > 1
        # Each new article's candidates, from those grouped and from the day's earlier new ones, by
        # row then column as a row's scan meets them; those the bound rules out are dropped at once.
        candidates = []
        for matrix, others in ((before, ready), (np.tril(among, -1), new)):
            row, col = np.nonzero(matrix >= CANDIDATE)
            cosine, other, mine = matrix[row, col], others[col], new[row]
            same = outlet[other] == outlet[mine] if outlets and outlet is not None else np.zeros(row.size, dtype=bool)
            keep = screen.possible(cosine, np.abs(day - days[other]), same, counts[mine], counts[other])
            row, cosine, other = row[keep], cosine[keep].tolist(), other[keep].tolist()
            bounds = np.searchsorted(row, np.arange(new.size + 1)).tolist()
            candidates.append((cosine, other, bounds))
        for j, i in enumerate(new.tolist()):
            best = -1
            found = []
            for cosine, other, bounds in candidates:
                lo, hi = bounds[j], bounds[j + 1]
                found += zip(cosine[lo:hi], other[lo:hi], strict=True)
            # The likeliest report of the same event (by the pair model) whose title names no
            # conflicting slot and that is no installment of one outlet's series.
            scored = []
            for cosine, other in found:
                a, b = shapes[i], shapes[other]
                assert a is not None and b is not None  # texts compared are never empty
                same_outlet = outlets and sources is not None and sources[i] == sources[other]
                values = _pair_values(cosine, abs(day - int(days[other])), same_outlet, a, b)
                if values[_CONFLICT] or screen.below(values):
                    continue
                features = dict(zip(_PAIR_NAMES, values, strict=True))
                p = model.probability(features)
                if p >= model.threshold:
                    scored.append((p, cosine, other))
            for _, _, other in sorted(scored, reverse=True):
                if outlets and self_series(i, members[int(keys[other])]):
                    continue
                best = other
                break
            if best >= 0 and founder[int(keys[best])] != best:
                lead = founder[int(keys[best])]
                if dot(i, lead) < FOUNDER:
                    best = -1
            keys[i] = keys[best] if best >= 0 else seqs[i]
            first.setdefault(int(keys[i]), day)
            founder.setdefault(int(keys[i]), i)
            members.setdefault(int(keys[i]), []).append(i)
    return keys


# One part's reader, its previous table (None when fresh) and how to read a document's
# (story_text, source): what Stories.grouped() groups.
Part = tuple[Any, "Stories | None", Callable[[int], tuple[str, str]]]


@dataclass
class Stories:
    """Story key per document, by seq (both int64, sorted by seq)."""

    seqs: np.ndarray
    keys: np.ndarray

    @classmethod
    def load(cls, folder: Path) -> Stories | None:
        """The table saved in a generation folder, or None when it has none."""
        path = folder / FILE
        if not path.is_file():
            return None
        with np.load(path) as data:
            return cls(data["seqs"], data["keys"])

    def save(self, folder: Path) -> None:
        """Write the table into a work folder (published with it)."""
        tmp = folder / (FILE + ".tmp")
        with tmp.open("wb") as f:
            np.savez(f, seqs=self.seqs, keys=self.keys)
        tmp.replace(folder / FILE)

    def of(self, seqs: np.ndarray) -> np.ndarray:
        """The story key of each seq; an article the table lacks is a story of its own."""
        if not self.seqs.size:
            return seqs.astype(np.int64, copy=True)
        at = np.minimum(np.searchsorted(self.seqs, seqs), self.seqs.size - 1)
        return np.where(self.seqs[at] == seqs, self.keys[at], seqs).astype(np.int64)

    @classmethod
    def grouped(cls, parts: Sequence[Part]) -> list[Stories]:
        """The tables of several readers' live documents (the shards of one index, or one index),
        grouped together: previous keys kept, new documents assigned, a story free to span parts.

        Each part is (reader, its previous table or None, read): read(docnum) gives a document's
        (story_text, source); only documents dated within the window of a new one, and the other
        articles of the stories they meet, are read. Seqs (and so keys) are unique over the parts.
        """
        lives, days, seqs, knowns, freshes = [], [], [], [], []
        for reader, previous, _ in parts:
            size = reader.doc_count_all()
            # An empty index (a shard no article was routed to) has no columns to read.
            live = np.fromiter(reader.all_doc_ids(), dtype=np.int64) if size else np.zeros(0, np.int64)
            day = numeric_column(reader, "day", np.int32)[live] if size else live
            seq = numeric_column(reader, "seq", np.int64)[live] if size else live
            known = previous.of(seq) if previous is not None else seq
            if previous is not None and previous.seqs.size:
                # of() gives an unknown seq itself: mark those new.
                at = np.minimum(np.searchsorted(previous.seqs, seq), previous.seqs.size - 1)
                fresh = previous.seqs[at] != seq
            else:
                fresh = np.ones(seq.size, dtype=bool)
            lives.append(live)
            days.append(day.astype(np.int64))
            seqs.append(seq)
            knowns.append(np.where(fresh, -1, known))
            freshes.append(fresh)
        part = np.concatenate([np.full(live.size, n, dtype=np.int64) for n, live in enumerate(lives)])
        live, day, seq = np.concatenate(lives), np.concatenate(days), np.concatenate(seqs)
        known, fresh = np.concatenate(knowns), np.concatenate(freshes)
        new_days = np.unique(day[fresh & (day >= 0)])
        # Documents whose day lies within the window of a new document's day are compared.
        near = np.zeros(seq.size, dtype=bool)
        if new_days.size:
            lo = np.searchsorted(new_days, day - WINDOW_DAYS)
            near = (lo < new_days.size) & (new_days[np.minimum(lo, new_days.size - 1)] <= day + WINDOW_DAYS)
        near &= day >= 0
        # Every article of the stories met in the window too: a story's real first day and first
        # article decide whether it may grow (SPAN_DAYS, FOUNDER), not its part in the window.
        met = np.unique(known[near & (known >= 0)])
        near |= np.isin(known, met) & (day >= 0)
        keys = known.copy()
        undated_new = fresh & (day < 0)
        keys[undated_new] = seq[undated_new]
        picked = np.flatnonzero(near)
        if picked.size:
            read = [r for _, _, r in parts]
            found = [read[p](d) for p, d in zip(part[picked].tolist(), live[picked].tolist(), strict=True)]
            texts, sources = zip(*found, strict=True)
            keys[picked] = assign(day[picked], seq[picked], texts, known[picked], sources)
        out = []
        for n in range(len(parts)):
            mine = part == n
            order = np.argsort(seq[mine])
            out.append(cls(seq[mine][order], keys[mine][order]))
        return out
