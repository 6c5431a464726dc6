"""pyvi's labels of every real line a scale corpus is made of, computed once and saved.

    python -m bench.segcache --out var/scale/segcache.pickle [--shared ../shared] [--jobs 2]

A scale corpus (bench.scale) recombines real titles, leads and body sentences, one per line, and
pyvi segments each line on its own: so the labels of each distinct real line, keyed by the line
as the indexer sees it (tidied), give every synthetic article's segmentation exactly. A build
given the file through BENCH_SEGMENT_CACHE (bench.worker) takes known lines from it and runs pyvi
on the others: this is how a 2 M-article index is built within the time a benchmark may take.
"""

from __future__ import annotations

import multiprocessing
import pickle
import time
from collections.abc import Iterator
from pathlib import Path

import click

from indexer.ingest import tidy
from indexer.text import warm_up
from indexer.text.segmentation import line_labels

from .scale import load_templates

_BATCH = 2_000


def _lines(shared: Path) -> list[str]:
    """Every distinct line of the shared corpora's titles, leads and body sentences, tidied."""
    seen: set[str] = set()
    for t in load_templates(shared):
        for text in (t.title, t.sapo, *t.sentences):
            for line in tidy(text).split("\n"):
                if line:
                    seen.add(line)
    return sorted(seen)


def _batches(lines: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(lines), _BATCH):
        yield lines[i : i + _BATCH]


def _labels(batch: list[str]) -> list[bytes]:
    return line_labels(batch)


@click.command()
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared"))
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
def main(out: Path, shared: Path, jobs: int) -> None:
    """Segment every real line once and save the labels."""
    started = time.perf_counter()
    lines = _lines(shared)
    click.echo(f"{len(lines):,} distinct lines in {time.perf_counter() - started:.0f} s", err=True)
    warm_up()
    labels: list[bytes] = []
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for done in pool.imap(_labels, _batches(lines), chunksize=1):
            labels.extend(done)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(dict(zip(lines, labels, strict=True)), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(out)
    click.echo(f"wrote {out} in {time.perf_counter() - started:.0f} s", err=True)


if __name__ == "__main__":
    main()
