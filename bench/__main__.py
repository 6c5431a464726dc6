"""`make bench`: build vnnews, SQLite FTS5 and Tantivy indexes of one corpus and compare them.

    python -m bench --corpus PATH [--corpus PATH ...] [--json FILE] [--repeat N] [--work DIR]
                    [--jobs N]

Prints one table (build time, articles/s, peak memory, index size, latency percentiles for hits
only and for hits + facets, each also as a ratio to SQLite) with notes on what each column
measures and on any disagreement between the engines; per-query figures go to stderr and to
WORK/details.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .harness import run_benchmark
from .report import details, document, notes, per_query, table

__all__ = ["main"]


def _log(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.option(
    "--corpus",
    "corpus",
    type=click.Path(path_type=Path),
    multiple=True,
    required=True,
    help="A corpus file or folder (repeatable).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the table as JSON to this file.",
)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Measured runs of the whole query set, after one warm-up run.",
)
@click.option(
    "--work",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/bench"),
    show_default=True,
    help="Where the tokens and the three indexes are built.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=min(2, os.cpu_count() or 1),
    show_default=True,
    help="Processes for pyvi (the pass and vnnews's build) and Tantivy's writer threads.",
)
def main(corpus: tuple[Path, ...], json_path: Path | None, repeat: int, work: Path, jobs: int) -> None:
    """Benchmark vnnews against SQLite FTS5 and Tantivy on the same pyvi tokens of a corpus."""
    for path in corpus:
        if not path.exists():
            # The default corpus lives in ../shared, which a bare checkout does not have.
            raise click.ClickException(
                f"corpus {path} is absent: the benchmark needs the shared corpora "
                "(../shared/corpus) or a --corpus of your own"
            )
    result = run_benchmark(list(corpus), work, repeat, jobs, _log)
    _log(per_query(result))
    (work / "details.json").write_text(json.dumps(details(result), ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(table(result))
    click.echo()
    click.echo(notes(result))
    if json_path is not None:
        json_path.write_text(json.dumps(document(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _log(f"wrote {json_path}")


if __name__ == "__main__":
    main()
