"""Known-item evaluation: search 1,000 sampled titles, as typed and without diacritics.

    python -m bench.eval --shared ../shared [--index var/full] [--sample 1000]

Builds the index of every corpus in ../shared/corpus (plus the seed) when --index has none yet.
Prints success@1 and MRR@10 for both forms of the query.
"""

from __future__ import annotations

import gzip
import json
import random
import statistics
import sys
import time
from pathlib import Path

import click

from indexer import Index, IndexNotFound, SearchRequest, Snapshot, build, search
from indexer.text import fold, normalize

SEED = 20261128


def sample_titles(corpus: Path, size: int) -> list[tuple[str, str]]:
    """(id, title) of `size` articles drawn uniformly from the JSONL corpora that have titles."""
    rows: list[tuple[str, str]] = []
    for path in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                title = (rec.get("title") or "").strip()
                if len(title.split()) >= 3:
                    rows.append((rec["id"], title))
    rng = random.Random(SEED)
    return rng.sample(rows, size)


def rank_of(snap: Snapshot, query: str, wanted: str) -> int | None:
    """1-based rank of the wanted id in the top 10, or None."""
    res = search(snap, SearchRequest(q=query, per_page=10, facets=False, snippets=False))
    for i, hit in enumerate(res.hits, start=1):
        if hit.id == wanted:
            return i
    return None


@click.command()
@click.option("--shared", type=click.Path(path_type=Path), default=Path("../shared"))
@click.option("--index", type=click.Path(path_type=Path), default=Path("var/full"))
@click.option("--sample", type=int, default=1000)
@click.option("--show-misses", type=int, default=10)
@click.option(
    "--form",
    "forms",
    type=click.Choice(["typed", "folded"]),
    multiple=True,
    help="Which query forms to run [default: both].",
)
def main(shared: Path, index: Path, sample: int, show_misses: int, forms: tuple[str, ...]) -> None:
    """Known-item search evaluation over the whole shared corpus."""
    corpus = shared / "corpus"
    if not corpus.is_dir():
        raise click.ClickException(f"{corpus} is absent: the evaluation needs the shared corpora")
    try:
        Index(index).snapshot().close()
    except IndexNotFound:  # absent, or in an older layout (IndexOutdated): build() rebuilds it
        click.echo(f"building {index} from {corpus} (this takes a while) ...", err=True)
        report = build([corpus], index)
        click.echo(report.summary(), err=True)
    items = sample_titles(corpus, sample)
    with Snapshot.open(index) as snap:
        chosen = [
            f
            for f in (("typed", "as typed", normalize), ("folded", "without diacritics", fold))
            if not forms or f[0] in forms
        ]
        for _, label, form in chosen:
            ranks: list[int | None] = []
            misses = []
            started = time.perf_counter()
            for ident, title in items:
                r = rank_of(snap, form(title), ident)
                ranks.append(r)
                if r != 1 and len(misses) < show_misses:
                    misses.append((r, form(title)))
                if len(ranks) % 100 == 0:
                    click.echo(f"  {label}: {len(ranks)} titles searched", err=True)
            took = time.perf_counter() - started
            s1 = sum(1 for r in ranks if r == 1) / len(ranks)
            mrr = statistics.fmean(1 / r if r else 0.0 for r in ranks)
            click.echo(
                f"{label:>20}: success@1 {s1:.3f}  MRR@10 {mrr:.3f}  "
                f"({len(ranks)} titles, {took / len(ranks) * 1000:.0f} ms/query)"
            )
            for r, q in misses:
                click.echo(f"    miss (rank {r}): {q}", err=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
