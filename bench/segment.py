"""Every article of the shared corpus segmented by pyvi and by the project's segmenter, compared.

    python -m bench.segment [--shared ../shared] [--jobs 2] [--every 1] [--json FILE]

Each text (title, sapo, body) goes through pyvi's ViTokenizer.tokenize and through
indexer.tokenize_all, as given; the outputs must be equal, token for token. Also reports each
one's characters per CPU second (per core), measured in the same worker processes on the same
texts, in turns.
"""

from __future__ import annotations

import gzip
import itertools
import json
import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click

__all__ = ["main", "Tally"]

_BATCH = 200  # articles per task


@dataclass
class Tally:
    """What a worker compared and how long each segmenter took."""

    articles: int = 0
    texts: int = 0
    characters: int = 0
    tokens: int = 0
    pyvi_cpu_s: float = 0.0
    ours_cpu_s: float = 0.0
    differing: list[str] = field(default_factory=list)  # "corpus:line field: first differing token"

    def add(self, other: Tally) -> None:
        self.articles += other.articles
        self.texts += other.texts
        self.characters += other.characters
        self.tokens += other.tokens
        self.pyvi_cpu_s += other.pyvi_cpu_s
        self.ours_cpu_s += other.ours_cpu_s
        self.differing += other.differing


def _tasks(corpus: Path, every: int) -> Iterator[list[tuple[str, str, str]]]:
    """Batches of (where, field, text) of every `every`-th article of each corpus file."""
    batch: list[tuple[str, str, str]] = []
    count = 0
    for path in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(itertools.islice(fh, 0, None, every)):
                row = json.loads(line)
                for name in ("title", "sapo", "body"):
                    if isinstance(row.get(name), str):
                        batch.append((f"{path.name}:{lineno * every + 1}", name, row[name]))
                count += 1
                if count % _BATCH == 0:
                    yield batch
                    batch = []
    if batch:
        yield batch


def _compare(task: tuple[int, list[tuple[str, str, str]]]) -> Tally:
    """Both segmenters over one batch, in turns (pyvi first on even batches, ours first on odd)."""
    number, batch = task
    from pyvi.ViTokenizer import ViTokenizer

    from indexer import tokenize_all

    texts = [text for _, _, text in batch]
    runs: dict[str, tuple[list[str], float]] = {}
    order = ("pyvi", "ours") if number % 2 == 0 else ("ours", "pyvi")
    for name in order:
        started = time.process_time()
        out = [ViTokenizer.tokenize(t) for t in texts] if name == "pyvi" else tokenize_all(texts)
        runs[name] = (out, time.process_time() - started)
    (theirs, pyvi_s), (ours, ours_s) = runs["pyvi"], runs["ours"]
    tally = Tally(
        articles=len({where for where, _, _ in batch}),
        texts=len(texts),
        characters=sum(map(len, texts)),
        tokens=sum(len(t.split()) for t in theirs),
        pyvi_cpu_s=pyvi_s,
        ours_cpu_s=ours_s,
    )
    for (where, name, _), a, b in zip(batch, theirs, ours, strict=True):
        if a != b:
            first = next((x, y) for x, y in itertools.zip_longest(a.split(" "), b.split(" ")) if x != y)
            tally.differing.append(f"{where} {name}: pyvi {first[0]!r}, ours {first[1]!r}")
    return tally


@click.command()
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("../shared"))
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--every", type=click.IntRange(min=1), default=1, show_default=True, help="Take one article in N.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
def main(shared: Path, jobs: int, every: int, json_path: Path | None) -> None:
    """Compare the project's segmenter with pyvi on every article of the shared corpus."""
    from indexer import tokenize

    tokenize("Khởi động")  # both models loaded before the pool forks
    total = Tally()
    started = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for n, tally in enumerate(pool.imap(_compare, enumerate(_tasks(shared / "corpus", every))), 1):
            total.add(tally)
            if n % 50 == 0:
                click.echo(f"  {total.articles:,} articles, {len(total.differing)} differing texts", err=True)
    wall = time.perf_counter() - started
    pyvi_rate, ours_rate = total.characters / total.pyvi_cpu_s, total.characters / total.ours_cpu_s
    click.echo(
        f"{total.articles:,} articles, {total.texts:,} texts, {total.characters:,} characters, "
        f"{total.tokens:,} pyvi tokens: {len(total.differing)} texts differ\n"
        f"characters per CPU second: pyvi {pyvi_rate:,.0f}, ours {ours_rate:,.0f} (×{ours_rate / pyvi_rate:.1f}); "
        f"{wall:.0f} s wall with {jobs} processes"
    )
    for line in total.differing[:20]:
        click.echo("  " + line)
    if json_path is not None:
        json_path.write_text(json.dumps({**asdict(total), "wall_s": round(wall, 1)}, indent=2) + "\n")
    if total.differing:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
