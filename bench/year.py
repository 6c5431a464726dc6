"""A year of daily updates: does the 365th cost what the first did, and does search stay as fast?

    python -m bench.year --base var/scale/c1000000.jsonl.gz [--updates 365] [--batch 500] [--compare-only]
                         [--every 30] [--work var/year] [--shared ../shared] [--json FILE]
                         [--spans var/scale/spans]

Builds (or reuses) an index of the base corpus, then applies `--updates` incremental updates of
`--batch` new articles each (a scale corpus of their own, seed 3), each as `make index` runs it: a
fresh `python -m indexer build` process. Update k is dated the k-th day after the base's newest
article, as a day's crawl is. Every `--every` updates it reports the update's time,
the segment count and the latency (p50/p95) of the committed query set with facets. At the end
it rebuilds an index of everything from scratch and compares it with the updated one: totals and
facet counts of every query must be equal; latencies are measured in turns, in one process.
With --spans, the base and the rebuild are built over spans cached per sentence (bench.scale_spans);
the daily updates always segment their articles, as `make index` does.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import numpy as np

from indexer import Snapshot, index_stats, search
from indexer.store.directory import current_dir, open_generation

from .queries import load_queries
from .scale import dated, write_day

SEGMENTS = re.compile(r"(\d+) segment\(s\)")


def _indexer(*args: str) -> tuple[float, str]:
    """Run python -m indexer with these arguments; (seconds, its summary line)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "indexer", *args], capture_output=True, text=True)
    if done.returncode not in (0, 3):
        raise click.ClickException(f"indexer {' '.join(args)} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stdout.strip()


def _full_build(corpora: list[Path], index: Path, spans: Path | None) -> tuple[float, str]:
    """A build from scratch: `python -m indexer build --rebuild`, or, with spans, the same build
    over spans cached per sentence (bench.worker vnnews --spans: the 1 M base in minutes, not hours)."""
    if spans is None:
        return _indexer(
            "build", *[a for p in corpora for a in ("--corpus", str(p))], "--index", str(index), "--rebuild", "-q"
        )
    command = [sys.executable, "-m", "bench.worker", "vnnews", "--dest", str(index), "--spans", str(spans)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, *[a for p in corpora for a in ("--corpus", str(p))]], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise click.ClickException(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    docs = json.loads(done.stdout.strip().splitlines()[-1])["docs"]
    return time.perf_counter() - started, f"{docs:,} in index (spans cached per sentence)"


def _latency(index: Path, queries: list[Any], repeat: int = 2) -> dict[str, float]:
    """p50 and p95 of the query set with facets, after a warm-up run."""
    times: list[float] = []
    with Snapshot.open(index) as snap:
        for r in range(repeat + 1):
            for q in queries:
                started = time.perf_counter()
                search(snap, q.request(True))
                if r:
                    times.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return {"p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2)}


def compare_latency(updated: Path, rebuilt: Path, queries: list[Any], rounds: int = 5) -> dict[str, Any]:
    """Per-query latency of two indexes, both open, each query timed on one then the other
    (the order alternating by round), so that a busy spell or a cold cache lands on both alike.
    Timing the whole set on one index and then on the other (blocks) put +29% at p95 on an
    updated 250k index that per-query turns measured at +1.2% two minutes later."""
    times: dict[str, list[list[float]]] = {"updated": [[] for _ in queries], "rebuilt": [[] for _ in queries]}
    with Snapshot.open(updated) as a, Snapshot.open(rebuilt) as b:
        snaps = {"updated": a, "rebuilt": b}
        for snap in snaps.values():  # warm-up: postings read once into the page cache and the decode cache
            for q in queries:
                search(snap, q.request(True))
        for r in range(rounds):
            order = ("updated", "rebuilt") if r % 2 == 0 else ("rebuilt", "updated")
            for i, q in enumerate(queries):
                for name in order:
                    started = time.perf_counter()
                    search(snaps[name], q.request(True))
                    times[name][i].append((time.perf_counter() - started) * 1000)
    # Each query's median over the rounds, then the set's p50/p95 of those medians.
    medians = {name: np.array([statistics.median(t) for t in per]) for name, per in times.items()}
    out: dict[str, Any] = {"rounds": rounds}
    for name, m in medians.items():
        p50, p95 = np.percentile(m, [50, 95])
        out[f"{name}_p50_p95"] = [round(float(p50), 2), round(float(p95), 2)]
        every = np.percentile([t for per in times[name] for t in per], [50, 95])
        out[f"{name}_p50_p95_all_samples"] = [round(float(x), 2) for x in every]
    ratios = medians["updated"] / medians["rebuilt"]
    out["p95_gap"] = round(out["updated_p50_p95"][1] / out["rebuilt_p50_p95"][1] - 1, 4)
    out["p50_gap"] = round(out["updated_p50_p95"][0] / out["rebuilt_p50_p95"][0] - 1, 4)
    out["per_query_ratio_median_max"] = [round(float(np.median(ratios)), 3), round(float(ratios.max()), 3)]
    return out


def _answers(index: Path, queries: list[Any]) -> dict[str, Any]:
    """Total and facet counts of every query."""
    with Snapshot.open(index) as snap:
        out = {}
        for q in queries:
            res = search(snap, q.request(True))
            facets = {k: v for k, v in res.facets.items() if k != "date"}
            out[q.id] = (res.total, json.dumps(facets, sort_keys=True), json.dumps(res.facets["date"], sort_keys=True))
        return out


def segment_count(index: Path) -> int:
    return len(open_generation(current_dir(index).resolve())._segments())


@click.command()
@click.option("--base", type=click.Path(path_type=Path, dir_okay=False, exists=True), required=True)
@click.option("--updates", type=click.IntRange(min=1), default=365, show_default=True)
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--every", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--work", type=click.Path(path_type=Path, file_okay=False), default=Path("var/year"))
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared"))
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--no-rebuild", is_flag=True, help="Skip the comparison with a fresh rebuild.")
@click.option("--compare-only", is_flag=True, help="Skip the updates: the index in --work already had them.")
@click.option(
    "--also",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    multiple=True,
    help="Corpora the existing index holds besides the base (for the rebuild).",
)
@click.option(
    "--spans",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Build the base and the rebuild over this sentence span cache (bench.scale_spans); updates segment.",
)
@click.option(
    "--rebuilt",
    "rebuilt_given",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Compare with this index, already rebuilt from the base and the year's articles (built at a low "
    "priority while the updates ran, say), instead of rebuilding here.",
)
def main(
    base: Path,
    updates: int,
    batch: int,
    every: int,
    work: Path,
    shared: Path,
    json_path: Path | None,
    no_rebuild: bool,
    compare_only: bool,
    also: tuple[Path, ...],
    spans: Path | None,
    rebuilt_given: Path | None,
) -> None:
    """Apply a year of daily updates to an index and watch their cost and the search latency."""
    work.mkdir(parents=True, exist_ok=True)
    index = work / "ix"
    log = lambda m: click.echo(m, err=True)  # noqa: E731
    if not (index / "current").exists():
        seconds, line = _full_build([base], index, spans)
        log(f"base index: {line} ({seconds:.0f} s)")
    stream = work / f"updates-{updates}x{batch}.jsonl.gz"
    if not stream.exists():
        command = [sys.executable, "-m", "bench.scale", "--size", str(updates * batch), "--seed", "3"]
        subprocess.run([*command, "--out", str(stream), "--shared", str(shared)], check=True)
    with gzip.open(stream, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    # '#1' in the query set is the corpus's most frequent source, and so on.
    queries = load_queries(list(index_stats(index)["sources"]))
    rows: list[dict[str, Any]] = []
    times: list[float] = []
    batch_file = work / "batch.jsonl"
    if compare_only:
        previous = json.loads(json_path.read_text(encoding="utf-8")) if json_path and json_path.exists() else {}
        rows, times = previous.get("rows", []), previous.get("update_seconds", [])
    # Update k brings the news of the k-th day after the base's newest article.
    start = date.fromisoformat(index_stats(index)["date_max"]) - timedelta(days=updates if compare_only else 0)
    for day in range(1, 0 if compare_only else updates + 1):
        write_day(lines[(day - 1) * batch : day * batch], start + timedelta(days=day), batch_file)
        seconds, line = _indexer("build", "--corpus", str(batch_file), "--index", str(index), "-q")
        times.append(seconds)
        found = SEGMENTS.search(line)
        if day == 1 or day % every == 0 or day == updates:
            row = {
                "update": day,
                "seconds": round(seconds, 1),
                "mean_of_window_s": round(statistics.fmean(times[-every:]), 1),
                "max_of_window_s": round(max(times[-every:]), 1),
                "segments": int(found.group(1)) if found else segment_count(index),
                **_latency(index, queries),
            }
            rows.append(row)
            log(json.dumps(row))
            if json_path is not None:
                progress = {"rows": rows, "update_seconds": [round(t, 2) for t in times]}
                json_path.write_text(json.dumps(progress, indent=2) + "\n", encoding="utf-8")
    result: dict[str, Any] = {"rows": rows, "update_seconds": [round(t, 2) for t in times]}
    if not no_rebuild:
        everything = work / "everything.jsonl"
        with everything.open("w", encoding="utf-8") as fh:
            for day in range(1, updates + 1):
                fh.writelines(dated(lines[(day - 1) * batch : day * batch], start + timedelta(days=day)))
        if rebuilt_given is None:
            rebuilt = work / "rebuilt"
            seconds, line = _full_build([base, *also, everything], rebuilt, spans)
            log(f"rebuild: {line} ({seconds:.0f} s)")
        else:
            rebuilt, seconds = rebuilt_given, None
            held, expected = index_stats(rebuilt)["articles"], index_stats(index)["articles"]
            if held != expected:
                raise click.ClickException(f"{rebuilt} holds {held:,} articles, the updated index {expected:,}")
        ours, theirs = _answers(index, queries), _answers(rebuilt, queries)
        differ = [q for q in ours if ours[q] != theirs[q]]
        result["rebuild"] = {
            "seconds": round(seconds, 1) if seconds is not None else None,  # not timed when given
            "segments": segment_count(rebuilt),
            "queries_differing": differ,
            **compare_latency(index, rebuilt, queries),
        }
        log(json.dumps(result["rebuild"]))
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if not times:
        return
    first, last = times[0], times[-1]
    click.echo(
        f"first update {first:.1f} s, last {last:.1f} s (×{last / first:.2f}); "
        f"mean of the first {every} {statistics.fmean(times[:every]):.1f} s, of the last {every} "
        f"{statistics.fmean(times[-every:]):.1f} s; segments at the end {rows[-1]['segments']}"
    )


if __name__ == "__main__":
    main()
