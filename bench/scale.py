"""A scale corpus: N articles recombined, deterministically, from the real ones of ../shared/corpus.

    python -m bench.scale --size 1000000 --out var/scale/c1m.jsonl.gz [--seed 1] [--shared ../shared]

Each synthetic article takes a real one as its template: its source, category, title, lead,
length (in sentences) and date, moved back by a whole number of years so that a corpus larger
than the real one spreads over more years. Its body is a run of the template's own first
sentences followed by runs of consecutive sentences of one to three other real articles of the
same source and year. Vocabulary, lengths, the province and category mix and the undated share are
therefore those of the real corpora; ids are new. Every body sentence is written on its own line,
as pyvi segments each line on its own: the segmentation of a synthetic article is the
segmentation of real sentences (bench.scale_tokens caches it per sentence).

Nothing here is committed as data: the output goes under var/.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

__all__ = ["Template", "load_templates", "synthesize", "SENTENCE_END", "dated", "write_day"]

FILES = ("dantri-unc.jsonl.gz", "baomoi-2017.jsonl.gz", "rss-2025-2026.jsonl.gz", "vietnews-60k.jsonl.gz")
# A sentence ends at . ! ? … followed by a space and a capital (or an opening quote).
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(]?[A-ZĐÀ-Ỹ])")


@dataclass(frozen=True, slots=True)
class Template:
    """One real article as the synthesis uses it."""

    group: int  # (source, year) group number
    source: str | None
    category: str | None
    title: str
    sapo: str
    sentences: tuple[str, ...]
    published: str | None  # the date part (YYYY-MM-DD) only
    seen: str | None


def _sentences(body: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in body.split("\n"):
        line = line.strip()
        if line:
            out.extend(s.strip() for s in SENTENCE_END.split(line) if s.strip())
    return tuple(out)


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def load_templates(shared: Path) -> list[Template]:
    """Every article of the shared corpora that has some text, grouped by source and year."""
    groups: dict[tuple[str | None, str | None], int] = {}
    out: list[Template] = []
    for name in FILES:
        with gzip.open(shared / "corpus" / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                title, sapo, body = row.get("title") or "", row.get("sapo") or "", row.get("body") or ""
                if not (title or sapo or body):
                    continue
                published, seen = _day(row.get("published")), _day(row.get("seen"))
                year = (published or seen or "")[:4] or None
                key = (row.get("source") or name.split("-")[0], year)
                group = groups.setdefault(key, len(groups))
                source, category = row.get("source"), row.get("category")
                out.append(Template(group, source, category, title, sapo, _sentences(body), published, seen))
    return out


def _shifted(day: str | None, years: int) -> str | None:
    if not day or not years:
        return day
    d = date.fromisoformat(day)
    try:
        return d.replace(year=d.year - years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28).isoformat()


def synthesize(templates: list[Template], size: int, seed: int = 1) -> Iterator[dict[str, object]]:
    """size synthetic articles, the same ones for the same templates, size and seed."""
    rng = random.Random(seed)
    by_group: dict[int, list[int]] = {}
    for i, t in enumerate(templates):
        by_group.setdefault(t.group, []).append(i)
    copies = max(1, -(-size // len(templates)))
    for n in range(size):
        t = templates[rng.randrange(len(templates))]
        members = by_group[t.group]
        donors = [templates[members[rng.randrange(len(members))]] for _ in range(rng.randint(1, 3))]
        wanted = len(t.sentences)
        body: list[str] = []
        if wanted:
            share = max(1, -(-wanted // (len(donors) + 1)))
            body.extend(t.sentences[:share])
            for donor in donors:
                if not donor.sentences:
                    continue
                start = rng.randrange(max(1, len(donor.sentences) - share + 1))
                body.extend(donor.sentences[start : start + share])
            body = body[:wanted]
        years = rng.randrange(copies)
        yield {
            "id": f"syn-{seed}-{n:08d}",
            "url": None,
            "source": t.source,
            "category": t.category,
            "title": t.title,
            "sapo": t.sapo,
            "body": "\n".join(body),
            "author": None,
            "published": _shifted(t.published, years),
            "seen": _shifted(t.seen, years),
        }


def dated(lines: list[str], day: date) -> list[str]:
    """A day's crawl: these articles (JSON lines of a scale corpus) all published on day.

    A synthetic article keeps its template's date, anywhere in the archive's years; an update of a
    live archive brings the news of one day, and only that day's window is regrouped into stories.
    """
    out = []
    for line in lines:
        row = json.loads(line)
        row["published"] = row["seen"] = day.isoformat()
        out.append(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def write_day(lines: list[str], day: date, path: Path) -> Path:
    """dated() written to path."""
    path.write_text("".join(dated(lines, day)), encoding="utf-8")
    return path


@click.command()
@click.option("--size", type=click.IntRange(min=1), required=True, help="Articles to write.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="A .jsonl.gz file.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--shared", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared"), show_default=True
)
def main(size: int, out: Path, seed: int, shared: Path) -> None:
    """Write a scale corpus recombined from the shared corpora."""
    if not (shared / "corpus").is_dir():
        raise click.ClickException(f"{shared / 'corpus'} is absent: the scale corpus is made from the shared corpora")
    started = time.perf_counter()
    templates = load_templates(shared)
    click.echo(f"{len(templates):,} real articles read in {time.perf_counter() - started:.0f} s", err=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
        for row in synthesize(templates, size, seed):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(out)
    click.echo(f"wrote {size:,} articles to {out} in {time.perf_counter() - started:.0f} s", err=True)


if __name__ == "__main__":
    main()
