"""The pyvi-only pass: read, normalise, tag provinces and segment each article once, for the peers.

The same pass with the project's segmenter instead of pyvi's code (run_pass(pyvi=False)) must
write the same tokens: the benchmark compares the two files.

Its output, `tokens.jsonl`, holds one JSON object per article (pyvi words space-joined per field,
plus the metadata the peers filter and count on); `tokens.meta.json` lists lines that a later
record with the same id supersedes, since vnnews keeps the last copy of a repeated id.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from indexer import Problem
from indexer.analysis import word_analyzer
from indexer.ingest import Enricher, Record, records, validate
from indexer.ingest.article import Article
from indexer.text import warm_up
from indexer.text.segmentation import batch as segment_batch
from indexer.text.segmentation import use_pyvi

__all__ = ["PassReport", "TokenDoc", "run_pass", "read_docs", "TOKENS", "META"]

TOKENS = "tokens.jsonl"
META = "tokens.meta.json"
_BATCH = 64
_EPOCH = date(1970, 1, 1)

# One prepared article, JSON-ready: pyvi words per field plus what the peers filter and count on.
TokenDoc = dict[str, Any]


@dataclass
class PassReport:
    """What the pyvi-only pass did and how long it took."""

    records: int = 0
    articles: int = 0
    skipped: int = 0
    duplicates: int = 0
    chars: int = 0
    seconds: float = 0.0
    # CPU seconds summed over the workers, to show where the pass spends its time.
    normalise_cpu_s: float = 0.0
    tag_cpu_s: float = 0.0
    segment_cpu_s: float = 0.0  # segmentation alone (the CRF and pyvi's guard)
    words_cpu_s: float = 0.0  # then the word analyzer over the segmented texts
    sources: list[tuple[str, int]] = field(default_factory=list)


_word = word_analyzer()
# Made by run_pass before the pool forks, so every worker shares the compiled province tagger.
_enricher: Enricher | None = None


def _words(text: str) -> str:
    """pyvi words of one field, lowercase, space-joined (a word never contains a space)."""
    return " ".join(t.text for t in _word(text)) if text else ""


def _lead(text: str, limit: int = 120) -> str:
    """A display title for title-less articles: the start of the first line."""
    first = text.split("\n", 1)[0]
    return first if len(first) <= limit else first[:limit] + "…"


def _prepare_batch(batch: list[Record]) -> tuple[list[TokenDoc | None], float, float, float, float]:
    """Prepare a batch in a worker; returns the documents and the CPU time of each step."""
    norm = tag = 0.0
    articles: list[Article | None] = []
    enricher = _enricher or Enricher()  # forked workers inherit the parent's
    for record in batch:
        t0 = time.process_time()
        article, _ = validate(record)
        if article is not None:
            article = enricher.dated(article)
        t1 = time.process_time()
        norm += t1 - t0
        if article is not None:
            article = enricher.tagged(article)
            tag += time.process_time() - t1
        articles.append(article)
    t2 = time.process_time()
    out: list[TokenDoc | None] = []
    # The texts of the batch segmented together, as the build's workers do.
    with segment_batch(t for a in articles if a for t in (a.title, a.sapo, a.body) if t):
        t3 = time.process_time()  # the segmentation itself is done: what follows is analysis
        for article in articles:
            if article is None:
                out.append(None)
                continue
            out.append(
                {
                    "id": article.id,
                    "display": article.title or _lead(article.sapo or article.body),
                    "url": article.url or "",
                    "source": article.source or "",
                    "day": (article.date - _EPOCH).days if article.date else -1,
                    "ym": article.date.strftime("%Y-%m") if article.date else "",
                    "provinces": list(article.provinces),
                    "title": _words(article.title),
                    "sapo": _words(article.sapo),
                    "body": _words(article.body),
                    "chars": len(article.title) + len(article.sapo) + len(article.body),
                }
            )
    return out, norm, tag, t3 - t2, time.process_time() - t3


def _batches(items: Iterator[Record | Problem]) -> Iterator[list[Record]]:
    """Records in groups for the pool; reading problems (bad JSON, bad gzip) are dropped here."""
    batch: list[Record] = []
    for item in items:
        if isinstance(item, Problem):
            continue
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def run_pass(corpus: Sequence[Path], out_dir: Path, jobs: int, pyvi: bool = True) -> PassReport:
    """Segment every article of corpus with `jobs` processes into out_dir/tokens.jsonl; timed.

    With pyvi, pyvi's own code labels the syllables (the pass every pyvi-based engine pays);
    without, the project's segmenter does (the same tokens, as the check of the bench shows).
    """
    report = PassReport()
    out_dir.mkdir(parents=True, exist_ok=True)
    use_pyvi(pyvi)
    started = time.perf_counter()
    # Load pyvi's model and compile the province tagger before forking, so workers share them.
    warm_up()
    global _enricher
    _enricher = Enricher()  # the province tagger compiled once, before the pool forks
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Line of the last copy of each id, with its source and length, for the kept articles' totals.
    last: dict[str, tuple[int, str, int]] = {}
    lines = 0
    skipped_records = 0
    prepared = _batches(records(corpus))
    with (out_dir / TOKENS).open("w", encoding="utf-8") as fh, ctx.Pool(jobs) as pool:
        for docs, norm, tag, seg, words in pool.imap(_prepare_batch, prepared, chunksize=1):
            report.normalise_cpu_s += norm
            report.tag_cpu_s += tag
            report.segment_cpu_s += seg
            report.words_cpu_s += words
            for doc in docs:
                report.records += 1
                if doc is None:
                    skipped_records += 1
                    continue
                if doc["id"] in last:
                    report.duplicates += 1
                last[doc["id"]] = (lines, doc["source"], doc["chars"])
                fh.write(json.dumps(doc, ensure_ascii=False))
                fh.write("\n")
                lines += 1
    superseded = sorted(set(range(lines)) - {line for line, _, _ in last.values()})
    (out_dir / META).write_text(json.dumps({"superseded": superseded}), encoding="utf-8")
    report.seconds = time.perf_counter() - started
    report.skipped = skipped_records
    report.articles = len(last)
    # Sources (most frequent first, for '#N' source queries) and size of the kept articles.
    counts: Counter[str] = Counter(source for _, source, _ in last.values())
    report.sources = [(s, n) for s, n in counts.most_common() if s]
    report.chars = sum(chars for _, _, chars in last.values())
    return report


def read_docs(work: Path) -> Iterator[TokenDoc]:
    """The kept documents of a pass, in corpus order (earlier copies of repeated ids left out)."""
    superseded = set(json.loads((work / META).read_text(encoding="utf-8"))["superseded"])
    with (work / TOKENS).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh):
            if lineno not in superseded:
                yield json.loads(line)
