"""`make bench-scale`: the benchmark at several corpus sizes, on scale corpora (bench.scale).

    python -m bench.scale_bench --sizes 250000,1000000 [--shared ../shared] [--work var/scale] [--json FILE]
    python -m bench.scale_bench --sizes 250000,1000000,2000000 --cached-from 1000000

With --cached-from N, sizes from N up are built over spans cached once per real sentence
(bench.scale_spans): nothing segments those corpora, so their search figures are the index's
and their build times are not the product's (the table says which rows these are).

Per size: the whole `make bench` (vnnews, SQLite FTS5 and Tantivy on the same pyvi tokens, built
one after the other, then the committed query set with and without facets), then one
incremental update of 1,000 further articles dated the day after the newest (a day's crawl; a
fresh `python -m indexer build` process), then
gunicorn with two workers on the index, warmed with the query set, and the resident memory of
each worker. One table across sizes at the end; ratios are to the peers of the same size's run.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click

from indexer import index_stats

from .harness import REUSE, run_benchmark
from .load import memory_of, worker_pids
from .report import document, notes, table
from .scale import write_day
from .serve_while_indexing import gunicorn

UPDATE = 1_000


def _corpus(path: Path, shared: Path, size: int, seed: int) -> Path:
    """The scale corpus of this size and seed, made once (in a process of its own: the real
    articles it reads would otherwise sit in this process's memory, shared with every stage)."""
    if not path.exists():
        command = [sys.executable, "-m", "bench.scale", "--size", str(size), "--seed", str(seed)]
        subprocess.run([*command, "--out", str(path), "--shared", str(shared)], check=True)
    return path


def _spans(folder: Path, shared: Path) -> Path:
    """The sentence span cache, made once (in a process of its own, like the corpora)."""
    if not (folder / "hashes.npy").exists():
        command = [sys.executable, "-m", "bench.scale_spans", "--out", str(folder), "--shared", str(shared)]
        subprocess.run(command, check=True)
    return folder


def _serving_memory(index: Path, queries: list[Any], log: Path) -> dict[str, Any]:
    """Resident and proportional memory of each of two gunicorn workers after the query set."""
    with gunicorn(index, log, workers=2) as server:
        for _ in range(2):  # each worker answers some: the kernel spreads the connections
            for q in queries:
                request = q.request(True)
                params: list[tuple[str, str]] = [("q", request.q)]
                params += [("province", p) for p in request.province]
                params += [("source", s) for s in request.source]
                if request.date_from:
                    params.append(("from", request.date_from.isoformat()))
                if request.date_to:
                    params.append(("to", request.date_to.isoformat()))
                params += [("page", str(request.page))]
                with urllib.request.urlopen(f"{server.url}/api/search?{urlencode(params)}", timeout=120) as r:
                    r.read()
        workers = [m for m in (memory_of(pid) for pid in worker_pids(server.pid)) if m]
    rss, pss = [round(r, 1) for r, _ in workers], [round(p, 1) for _, p in workers]
    return {"workers": len(workers), "rss_mb": rss, "pss_mb": pss}


def _update(index: Path, extra: Path, folder: Path, log: Callable[[str], None]) -> float:
    """Seconds to add a day's crawl of UPDATE articles, to a copy of the built index.

    The copy (hard links: a generation's files never change) keeps the index as built, so a
    later `--reuse all` measures the same index as the peers'.
    """
    updated = folder / "vnnews-updated"
    shutil.rmtree(updated, ignore_errors=True)
    subprocess.run(["cp", "-al", str(index), str(updated)], check=True)
    # A day's crawl, dated the day after the archive's newest article, as a daily `make index`
    # brings it (the synthetic articles' own dates are spread over the archive's years).
    with gzip.open(extra, "rt", encoding="utf-8") as fh:
        day = date.fromisoformat(index_stats(updated)["date_max"]) + timedelta(days=1)
        daily = write_day(fh.readlines(), day, folder / "update.jsonl")
    started = time.perf_counter()
    command = [sys.executable, "-m", "indexer", "build", "--corpus", str(daily), "--index", str(updated), "-q"]
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise click.ClickException(f"the update failed: {done.stderr.strip()[-2000:]}")
    log(f"update of {UPDATE:,} articles: {seconds:.1f} s: {done.stdout.strip()}")
    return seconds


@click.command()
@click.option("--sizes", default="250000,1000000", show_default=True, help="Corpus sizes, comma-separated.")
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared"))
@click.option("--work", type=click.Path(path_type=Path, file_okay=False), default=Path("var/scale"))
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--cached-from",
    type=click.IntRange(min=1),
    help="Sizes from this one up take their spans from the sentence cache (bench.scale_spans).",
)
@click.option(
    "--reuse",
    type=click.Choice(REUSE),
    default="none",
    show_default=True,
    help="Keep what an earlier run left for the same corpus: the passes and the peers' indexes (peers), "
    "or every index (all: measure again, no update).",
)
def main(
    sizes: str,
    shared: Path,
    work: Path,
    repeat: int,
    jobs: int,
    json_path: Path | None,
    cached_from: int | None,
    reuse: str,
) -> None:
    """Benchmark vnnews against SQLite FTS5 and Tantivy at several sizes of a scale corpus."""
    if not (shared / "corpus").is_dir():
        raise click.ClickException(f"{shared / 'corpus'} is absent: the scale corpora are made from it")
    rows = []
    for size in [int(s) for s in sizes.split(",")]:
        spans = _spans(work / "spans", shared) if cached_from is not None and size >= cached_from else None
        log = lambda m, size=size: click.echo(f"[{size:,}] {m}", err=True)  # noqa: E731
        corpus = _corpus(work / f"c{size}.jsonl.gz", shared, size, seed=1)
        # Further articles, with ids of their own (seed 2), for the incremental update.
        extra = _corpus(work / f"u{size}.jsonl.gz", shared, UPDATE, seed=2 + size)
        folder = work / f"w{size}"
        result = run_benchmark([corpus], folder, repeat, jobs, log, spans, reuse)
        click.echo(table(result))
        click.echo(notes(result))
        index = folder / "vnnews"
        update_s = _update(index, extra, folder, log) if reuse != "all" else None
        memory = _serving_memory(index, result.queries, folder / "gunicorn.log")
        log(f"serving: {memory}")
        # The curve's other axis: how many articles the query set matches at this size.
        matches = sum(o.total for o in result.engines["vnnews"].outcomes.values())
        rows.append(
            {
                "size": size,
                "spans": "cached" if spans else "segmented",
                "matches": matches,
                "bench": document(result),
                "update_s": round(update_s, 1) if update_s is not None else None,
                "serving": memory,
            }
        )
        if json_path is not None:
            json_path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    click.echo(summary(rows))


def _seconds(value: float | None) -> str:
    """A time in the summary, or "-" for a step this run did not take."""
    return "-" if value is None else f"{value:.1f}"


def summary(rows: list[dict[str, Any]]) -> str:
    """One line per size: vnnews's figures and their ratios to the peers of the same run."""
    head = (
        f"{'size':>10} {'spans':>9} {'build s':>8} {'×pyvi':>6} {'peak MB':>8} {'index MB':>9} {'×tantivy':>8} "
        f"{'matches':>10} {'fac p50':>8} {'p95':>7} {'p99':>7} {'p50×tan':>8} {'p95×tan':>8} {'p95×sql':>8} "
        f"{'worker MB':>10} {'update s':>9}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        engines = row["bench"]["engines"]
        v, t, s = engines["vnnews"], engines["tantivy"], engines["sqlite"]
        cached = row.get("spans") == "cached"
        # Over cached spans nothing was segmented: a ratio to a pass that did not run means nothing.
        pyvi = "-" if cached else f"{v['build_s'] / row['bench']['corpus']['pyvi_only_s']:.2f}"
        lines.append(
            f"{row['size']:>10,} {row.get('spans', 'segmented'):>9} {v['build_s']:>8.0f} {pyvi:>6} "
            f"{v['peak_mb']:>8.0f} {v['index_mb']:>9.0f} {v['index_mb'] / t['index_mb']:>8.2f} "
            f"{row.get('matches', 0):>10,} {v['facets_p50_ms']:>8.1f} {v['facets_p95_ms']:>7.1f} "
            f"{v['facets_p99_ms']:>7.1f} {v['facets_p50_ms'] / t['facets_p50_ms']:>8.2f} "
            f"{v['facets_p95_ms'] / t['facets_p95_ms']:>8.2f} {v['facets_p95_ms'] / s['facets_p95_ms']:>8.2f} "
            f"{max(row['serving']['rss_mb'] or [0]):>10.0f} {_seconds(row['update_s']):>9}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
