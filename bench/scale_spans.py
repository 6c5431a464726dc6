"""Word spans cached once per real sentence, for building the scale corpora without segmenting them.

    python -m bench.scale_spans --out var/scale/spans [--shared ../shared] [--jobs 2]
    python -m bench.scale_spans --out var/scale/spans --check var/scale/c250000.jsonl.gz

A scale corpus (bench.scale) writes every body sentence of a real article on a line of its own,
and the segmenter cuts its CRF sequences at line breaks, so the spans of a synthetic text are the
spans of its lines, each shifted by where the line starts. This segments every distinct line the
synthesis can write (titles, leads, sentences, normalised as validation does) once, with the
project's segmenter, and keeps them in three arrays: the sorted 64-bit hashes of the lines, where
each line's spans begin, and the spans (start, end pairs, relative to the line). `SpanCache.spans`
then answers as `segment_all` would, segmenting only the lines it does not hold; `--check`
compares the two on a corpus's articles and reports how many lines were found.

The 2 M search figures of `make bench-scale` are built this way (the issue's time budget: pyvi
alone would take hours there); build times from this path are not build times of the product.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import multiprocessing
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import click
import numpy as np

from indexer.ingest.article import tidy
from indexer.text.legacy import repair
from indexer.text.segmentation import Span, segment_all

from .scale import load_templates

__all__ = ["SpanCache", "line_key", "write_cache", "lines_of"]

_HASHES, _STARTS, _SPANS = "hashes.npy", "starts.npy", "spans.npy"
_CHUNK = 2_000  # lines per task
# Offsets are kept as uint16: a longer line is left out (and segmented when met).
_LONGEST = np.iinfo(np.uint16).max


def line_key(line: str) -> int:
    """A line's 64-bit key, the same in every process (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "little")


def lines_of(shared: Path) -> Iterator[str]:
    """Every line the synthesis can write, as validation leaves it (repeats included)."""
    for t in load_templates(shared):
        for text in (t.title, t.sapo, *t.sentences):
            if text:
                yield from tidy(repair(text)).split("\n")


def _segment(lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Span counts per line and the spans, flat, of a chunk of lines."""
    spans = segment_all(lines)
    counts = np.fromiter(map(len, spans), dtype=np.int64, count=len(spans))
    flat = np.array([x for one in spans for pair in one for x in pair], dtype=np.uint16)
    return counts, flat


def write_cache(lines_in: Iterable[str], out: Path, jobs: int) -> dict[str, float]:
    """Segment every distinct line once and write the three arrays to out."""
    started = time.perf_counter()
    keys: dict[int, str] = {}
    for line in lines_in:
        if line.strip() and len(line) <= _LONGEST:
            keys.setdefault(line_key(line), line)
    read_s = time.perf_counter() - started
    order = sorted(keys)
    lines = [keys[k] for k in order]
    del keys
    chunks = [lines[i : i + _CHUNK] for i in range(0, len(lines), _CHUNK)]
    counts: list[np.ndarray] = []
    flats: list[np.ndarray] = []
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for n, (count, flat) in enumerate(pool.imap(_segment, chunks, chunksize=4), 1):
            counts.append(count)
            flats.append(flat)
            if n % 200 == 0:
                click.echo(f"  {n * _CHUNK:,} of {len(lines):,} lines", err=True)
    out.mkdir(parents=True, exist_ok=True)
    starts = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts) * 2, out=starts[1:])
    np.save(out / _HASHES, np.array(order, dtype=np.uint64))
    np.save(out / _STARTS, starts)
    np.save(out / _SPANS, np.concatenate(flats))
    return {"lines": len(lines), "read_s": round(read_s, 1), "seconds": round(time.perf_counter() - started, 1)}


class SpanCache:
    """segment_all's stand-in: the spans of known lines looked up, the others segmented."""

    def __init__(self, folder: Path) -> None:
        # Memory-mapped: forked build workers share the pages instead of copying the arrays.
        self.hashes = np.load(folder / _HASHES, mmap_mode="r")
        self.starts = np.load(folder / _STARTS, mmap_mode="r")
        self.flat = np.load(folder / _SPANS, mmap_mode="r")
        self.found = 0
        self.missed = 0

    def _find(self, lines: list[str]) -> np.ndarray:
        """Each line's row in the cache, or -1."""
        wanted = np.fromiter(map(line_key, lines), dtype=np.uint64, count=len(lines))
        rows = np.searchsorted(self.hashes, wanted)
        rows[rows >= len(self.hashes)] = 0
        return np.where(self.hashes[rows] == wanted, rows, -1)

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """What segment_all(texts) answers."""
        split = [text.split("\n") for text in texts]
        lines = [line for parts in split for line in parts]
        rows = self._find(lines).tolist() if lines else []
        missing = list(dict.fromkeys(line for line, row in zip(lines, rows, strict=True) if row < 0 and line.strip()))
        segmented = dict(zip(missing, segment_all(missing), strict=True)) if missing else {}
        self.missed += len(missing)
        self.found += sum(row >= 0 for row in rows)
        out: list[list[Span]] = []
        at = 0
        for parts in split:
            spans: list[Span] = []
            offset = 0
            for line in parts:
                row = rows[at]
                at += 1
                if row >= 0:
                    pairs = self.flat[self.starts[row] : self.starts[row + 1]].astype(np.int64) + offset
                    spans.extend(zip(pairs[0::2].tolist(), pairs[1::2].tolist(), strict=True))
                elif line in segmented:
                    spans.extend((s + offset, e + offset) for s, e in segmented[line])
                offset += len(line) + 1
            out.append(spans)
        return out


def _check(cache: SpanCache, corpus: Path, articles: int) -> dict[str, float]:
    """The cache against segment_all on the first articles of a corpus: equal, and how often found."""
    differing = 0
    texts: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, articles):
            row = json.loads(line)
            texts += [tidy(repair(row.get(k) or "")) for k in ("title", "sapo", "body")]
    texts = [t for t in texts if t]
    for i in range(0, len(texts), 300):
        part = texts[i : i + 300]
        differing += sum(a != b for a, b in zip(cache.spans(part), segment_all(part), strict=True))
    total = max(cache.found + cache.missed, 1)
    return {"texts": len(texts), "differing": differing, "lines_found": round(cache.found / total, 4)}


@click.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="The cache folder.")
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared"))
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--check", "check", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--articles", type=click.IntRange(min=1), default=2_000, show_default=True, help="With --check.")
def main(out: Path, shared: Path, jobs: int, check: Path | None, articles: int) -> None:
    """Write the span cache of the scale corpora, or check one against the segmenter."""
    if check is not None:
        click.echo(json.dumps(_check(SpanCache(out), check, articles)))
        return
    if not (shared / "corpus").is_dir():
        raise click.ClickException(f"{shared / 'corpus'} is absent: the span cache is made from it")
    click.echo(json.dumps(write_cache(lines_of(shared), out, jobs)))


if __name__ == "__main__":
    main()
