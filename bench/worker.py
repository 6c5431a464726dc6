"""Run one build stage in a fresh process, so that its time and memory are its own.

    python -m bench.worker tokens --dest WORK --corpus PATH [--corpus PATH ...] [--jobs N]
    python -m bench.worker segments --dest DIR --corpus PATH [--corpus PATH ...] [--jobs N]
    python -m bench.worker vnnews --dest DIR --corpus PATH [--corpus PATH ...] [--jobs N]
    python -m bench.worker sqlite --dest FILE --work WORK
    python -m bench.worker tantivy --dest DIR --work WORK [--jobs N]

With --spans CACHE, tokens, segments and vnnews take the spans of the lines the cache holds from
it (bench.scale_spans: the scale corpora's sentences, segmented once) and segment only the rest.

`tokens` is the pyvi-only pass the peers are built from; `segments` is the same pass with the
project's segmenter in place of pyvi's code (its tokens must be the same). Prints one JSON line:
{"docs", "seconds", "maxrss_self_mb", "maxrss_children_mb", "cpu_self_s", "cpu_children_s"} (plus
"pass", the pass's report, or "phases", the build's).
"""

from __future__ import annotations

import json
import resource
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

__all__ = ["main", "STAGES"]

STAGES = ("tokens", "segments", "vnnews", "sqlite", "tantivy")


def _maxrss_mb(who: int) -> float:
    """ru_maxrss (KiB on Linux) in MB; for RUSAGE_CHILDREN, the largest waited-for descendant."""
    return resource.getrusage(who).ru_maxrss * 1024 / 1e6


def _cpu_s(who: int) -> float:
    """User and system CPU seconds of this process or of its waited-for descendants."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@click.command()
@click.argument("stage", type=click.Choice(STAGES))
@click.option("--dest", type=click.Path(path_type=Path), required=True)
@click.option("--corpus", type=click.Path(path_type=Path, exists=True), multiple=True)
@click.option("--work", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--jobs", type=int, default=2, show_default=True)
@click.option(
    "--spans",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Take the spans of known lines from this cache (bench.scale_spans) instead of segmenting them.",
)
def main(stage: str, dest: Path, corpus: tuple[Path, ...], work: Path | None, jobs: int, spans: Path | None) -> None:
    """Run STAGE into --dest and report articles, seconds and peak memory as JSON."""
    extra: dict[str, Any] = {}
    if spans is not None:
        from indexer.text.segmentation import use_segmenter

        from .scale_spans import SpanCache

        # Set before the build's pool forks, so every worker looks lines up in the same mapped arrays.
        use_segmenter(SpanCache(spans).spans)
    # Modules are imported before the clock starts: loading them is not part of building.
    if stage in ("tokens", "segments", "vnnews") and not corpus:
        raise click.UsageError(f"{stage} reads --corpus")
    if stage == "vnnews":
        from indexer import build

        started = time.perf_counter()
        built = build(list(corpus), dest, jobs=jobs, rebuild=True)
        docs, extra["phases"] = built.total, built.phases
    elif stage in ("tokens", "segments"):
        from .tokens import run_pass

        started = time.perf_counter()
        report = run_pass(list(corpus), dest, jobs, pyvi=stage == "tokens")
        docs, extra["pass"] = report.articles, asdict(report)
    else:
        if work is None:
            raise click.UsageError(f"{stage} is built from the pyvi pass in --work")
        from .peers import build_sqlite, build_tantivy

        started = time.perf_counter()
        docs = build_sqlite(work, dest) if stage == "sqlite" else build_tantivy(work, dest, jobs)
    seconds = time.perf_counter() - started
    click.echo(
        json.dumps(
            {
                "docs": docs,
                "seconds": seconds,
                "maxrss_self_mb": _maxrss_mb(resource.RUSAGE_SELF),
                "maxrss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
                # Where the CPU went: this process, and every process it waited for (analysis
                # workers, the children writing postings and merging).
                "cpu_self_s": _cpu_s(resource.RUSAGE_SELF),
                "cpu_children_s": _cpu_s(resource.RUSAGE_CHILDREN),
                **extra,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
