"""`make bench-build`: the product's build against the pyvi-only pass, on one corpus, nothing else.

    python -m bench.build --corpus var/scale/c1000000.jsonl.gz [--work var/build] [--segmenter] [--json FILE]

The build-scaling figures of `make bench-scale` at 1 M without its peers and queries, which
would not fit the two-hour budget: the pyvi-only pass (the one the peers are built from in
`make bench`), optionally the same pass with the project's segmenter, and `indexer.build` on the
product's own path (segmenting every article), each in a fresh process one after the other on
the same corpus, with the peak memory of its process tree and its CPU time. Prints the ratios,
and the build's phases (analysis, commit, stories) with the CPU of its main process and of the
processes it started.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from indexer import index_stats

from .harness import run_stage
from .tokens import PassReport
from .year import segment_count


@click.command()
@click.option("--corpus", type=click.Path(path_type=Path, exists=True), multiple=True, required=True)
@click.option("--work", type=click.Path(path_type=Path, file_okay=False), default=Path("var/build"), show_default=True)
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--segmenter", is_flag=True, help="Also time the pass with the project's segmenter.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
def main(corpus: tuple[Path, ...], work: Path, jobs: int, segmenter: bool, json_path: Path | None) -> None:
    """Time the pyvi-only pass and the product's build of the same corpus, and print their ratio."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    result: dict[str, dict[str, float]] = {}
    stages = ["tokens", *(["segments"] if segmenter else []), "vnnews"]
    for stage in stages:
        click.echo(f"{stage} over {', '.join(map(str, corpus))} ...", err=True)
        st, info = run_stage(stage, corpus, work, jobs)
        row = {"docs": st.docs, "seconds": st.seconds, "peak_mb": st.peak_mb}
        if "pass" in info:
            report = PassReport(**info["pass"])
            row |= {"chars": report.chars, "segment_cpu_s": report.segment_cpu_s}
            row |= {"normalise_cpu_s": report.normalise_cpu_s}
        row |= {"cpu_self_s": info["cpu_self_s"], "cpu_children_s": info["cpu_children_s"]}
        result[stage] = row
        click.echo(f"  {st.docs:,} articles in {st.seconds:.1f} s, peak {st.peak_mb:,.0f} MB", err=True)
        if "phases" in info:
            row |= {f"{name}_s": seconds for name, seconds in info["phases"].items()}
            phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in info["phases"].items())
            click.echo(
                f"  {phases}; CPU {row['cpu_self_s']:.0f} s in the main process, "
                f"{row['cpu_children_s']:.0f} s in its workers and children",
                err=True,
            )
        if stage == "tokens":
            # The peers' tokens are not needed here, and at 1 M they are gigabytes.
            for path in work.glob("tokens*"):
                path.unlink()
    size_mb = index_stats(work / "vnnews")["size_mb"]
    segments = segment_count(work / "vnnews")
    built = result["vnnews"]["seconds"]
    summary: dict[str, float] = {"build_over_pyvi_pass": built / result["tokens"]["seconds"]}
    if segmenter:
        summary["build_over_segmenter_pass"] = built / result["segments"]["seconds"]
    summary |= {"segments": segments, "index_mb": size_mb}
    if len({row["docs"] for row in result.values()}) > 1:
        counts = ", ".join(f"{k} {v['docs']:,}" for k, v in result.items())
        raise click.ClickException(f"article counts differ: {counts}")
    click.echo(f"build {built:.1f} s = ×{summary['build_over_pyvi_pass']:.2f} the pyvi-only pass")
    if segmenter:
        click.echo(f"  ×{summary['build_over_segmenter_pass']:.2f} the project's segmenter's pass")
    click.echo(f"peak build memory {result['vnnews']['peak_mb']:,.0f} MB; {segments} segment(s), {size_mb:,.0f} MB")
    if json_path is not None:
        json_path.write_text(json.dumps({"stages": result, **summary}, indent=2))


if __name__ == "__main__":
    main()
