"""Story grouping measured against the labelled same-event pairs (bench/story_pairs.jsonl).

    python -m bench.stories [--shared ../shared] [--pairs FILE ...] [--window 4] [--span 7]
        [--founder 0.25]

Groups every article of each labelled corpus exactly as a build does (store.stories.assign, all
articles new), then prints, for each labelled set (by default the three in bench/), pairwise
precision and recall: a pair is predicted the same event when
both articles landed in one story. Also per stratum and per corpus, the number of stories, the
largest one, and the time taken. --window/--span/--founder try other settings without editing code.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import click
import numpy as np

from indexer.store import stories
from indexer.text import normalize

REPO = Path(__file__).resolve().parents[1]
# The labelled sets, in the order they were made: the settings were chosen on the first, the second
# was read while adding the last rules, the third was scored once after every change.
PAIR_SETS = tuple(REPO / "bench" / f"story_pairs{suffix}.jsonl" for suffix in ("", "_heldout", "_third"))
_EPOCH = date(1970, 1, 1).toordinal()


def day_of(record: dict[str, str | None]) -> int:
    """Days since 1970 of an article's published date, else the day it was seen, else -1.

    The builder dates articles from published, a dateline in the text, then seen (ingest.dates);
    these corpora carry published or seen on every labelled article.
    """
    value = record.get("published") or record.get("seen")
    return date.fromisoformat(value[:10]).toordinal() - _EPOCH if value else -1


def story_corpus(path: Path) -> tuple[list[str], list[int], list[str], list[str]]:
    """(ids, days, story texts, sources) of every article of one corpus file, in file order."""
    ids, days, texts, sources = [], [], [], []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            ids.append(r["id"])
            days.append(day_of(r))
            texts.append(stories.story_text(*(normalize(r[k] or "") for k in ("title", "sapo", "body"))))
            sources.append(r["source"] or "")
    return ids, days, texts, sources


def grouped(path: Path) -> tuple[dict[str, int], int, int, float]:
    """Story key by article id for one corpus file; stories, largest story, seconds."""
    ids, days, texts, sources = story_corpus(path)
    seqs = np.arange(len(ids), dtype=np.int64)
    started = time.perf_counter()
    keys = stories.assign(np.array(days, dtype=np.int64), seqs, texts, np.full(len(ids), -1, dtype=np.int64), sources)
    took = time.perf_counter() - started
    sizes = Counter(keys.tolist())
    return dict(zip(ids, keys.tolist(), strict=True)), len(sizes), max(sizes.values()), took


Row = tuple[bool, bool]  # (labelled the same event, grouped into one story)


def rows_of(pairs: list[dict[str, Any]], keys: dict[str, dict[str, int]]) -> dict[str, list[Row]]:
    """Each labelled pair as a row, under "all", its stratum and its corpus."""
    out: dict[str, list[Row]] = defaultdict(list)
    for p in pairs:
        k = keys[p["corpus"]]
        row = (bool(p["same"]), k[p["a"]] == k[p["b"]])
        for group in ("all", p["stratum"], p["corpus"]):
            out[group].append(row)
    return out


def rates(rows: list[Row]) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, false positives, false negatives) over rows."""
    tp = sum(1 for g, p in rows if g and p)
    fp = sum(1 for g, p in rows if p and not g)
    fn = sum(1 for g, p in rows if g and not p)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0), tp, fp, fn


def figures(rows: list[Row]) -> str:
    """'P 0.912 R 0.826 (tp/fp/fn)' over rows."""
    precision, recall, tp, fp, fn = rates(rows)
    return f"P {precision:.3f} R {recall:.3f} ({tp} tp, {fp} fp, {fn} fn)"


@click.command()
@click.option("--shared", type=click.Path(path_type=Path), default=REPO.parent / "shared")
@click.option(
    "--pairs",
    "pair_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A labelled pair file (repeatable) [default: the three sets in bench/].",
)
@click.option("--window", type=int, default=stories.WINDOW_DAYS, show_default=True)
@click.option("--span", type=int, default=stories.SPAN_DAYS, show_default=True)
@click.option("--founder", type=float, default=stories.FOUNDER, show_default=True)
def main(shared: Path, pair_paths: tuple[Path, ...], window: int, span: int, founder: float) -> None:
    """Pairwise precision and recall of story grouping on the labelled pairs, set by set."""
    sets = {
        path.name: [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        for path in (pair_paths or PAIR_SETS)
    }
    stories.WINDOW_DAYS, stories.SPAN_DAYS, stories.FOUNDER = window, span, founder
    keys: dict[str, dict[str, int]] = {}
    for corpus in sorted({p["corpus"] for pairs in sets.values() for p in pairs}):
        path = shared / "corpus" / corpus
        if not path.is_file():
            raise click.ClickException(f"{path} not found: pass --shared")
        keys[corpus], count, largest, took = grouped(path)
        print(f"{corpus}: {len(keys[corpus]):,} articles in {count:,} stories (largest {largest}), {took:.1f} s")
    model = stories.pair_model()
    settings = f"pair model from {model.threshold}, window {window} days, span {span} days, founder {founder}"
    for name, pairs in sets.items():
        rows = rows_of(pairs, keys)
        print(f"{name}, {len(pairs)} labelled pairs ({settings}):")
        for group, found in rows.items():
            print(f"  {group:>24}: {figures(found)}  [{len(found)} pairs]")


if __name__ == "__main__":
    main()
