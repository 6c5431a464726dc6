"""Judged relevance of topical queries: pool the engines' top 10s for blind judging, then score them.

    python -m bench.relevance pool  [--work var/bench] [--out var/judging]
    python -m bench.relevance score [--work var/bench]

`pool` runs every query of bench/topics.json on the three indexes `make bench` built in --work
(vnnews, SQLite FTS5, Tantivy), and writes, per query, the union of their top 10s in an order that
says nothing of who returned what (sorted by a hash of the id), with each article's title, lead
and the start of its body: the judges' packets. Their grades (0 not about the need, 1 partly,
2 about it) go to bench/judgments.jsonl, one {"query", "id", "grade"} per line.

`score` runs the queries again and prints nDCG@10 and P@10 (grade ≥ 1 counts as relevant) per
engine and kind of query. An article no judge graded counts as 0 and is reported: the pool must
be judged again after the engines change.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from indexer import Snapshot, get_article

from .engines import ENGINES
from .harness import open_engine
from .queries import BenchQuery

__all__ = [
    "TOPICS",
    "JUDGMENTS",
    "SECOND",
    "load_topics",
    "held_out",
    "load_judgments",
    "agreement",
    "ndcg",
    "precision",
    "main",
]

TOPICS = Path(__file__).with_name("topics.json")
JUDGMENTS = Path(__file__).with_name("judgments.jsonl")
# A blind second reading of judged pairs, by other judges: {"query", "id", "first", "second", "judge"}.
SECOND = Path(__file__).with_name("judgments_second.jsonl")
DEPTH = 10
_BODY_CHARS = 900


def load_topics(path: Path = TOPICS) -> list[tuple[BenchQuery, str]]:
    """The topical queries with their needs."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [(BenchQuery(id=q["id"], kind=q["kind"], q=q["q"]), q["need"]) for q in doc["queries"]]


def held_out(path: Path = TOPICS) -> set[str]:
    """Ids of the queries added after the ranking they measure was settled (never tuned on)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {q["id"] for q in doc["queries"] if q.get("held_out")}


def load_judgments(path: Path = JUDGMENTS) -> dict[tuple[str, str], int]:
    """(query id, article id) → grade."""
    out: dict[tuple[str, str], int] = {}
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("grade") not in (0, 1, 2):
            raise click.ClickException(f"{path}:{n}: grade must be 0, 1 or 2, not {row.get('grade')!r}")
        out[(row["query"], row["id"])] = row["grade"]
    return out


def agreement(path: Path = SECOND) -> tuple[int, int, int]:
    """(pairs read twice, graded the same, agreeing on relevant or not) of the second reading."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    same = sum(r["first"] == r["second"] for r in rows)
    relevant = sum((r["first"] >= 1) == (r["second"] >= 1) for r in rows)
    return len(rows), same, relevant


def ndcg(grades: Sequence[int], ideal: Sequence[int], depth: int = DEPTH) -> float:
    """nDCG@depth of a ranked list's grades against every known grade of the query (gain 2^g - 1)."""

    def dcg(gs: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:depth]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best > 0 else 0.0


def precision(grades: Sequence[int], depth: int = DEPTH) -> float:
    """Share of the first `depth` places holding an article graded 1 or 2 (empty places count)."""
    return sum(1 for g in grades[:depth] if g >= 1) / depth


def _rankings(work: Path, topics: list[tuple[BenchQuery, str]]) -> dict[str, dict[str, list[str]]]:
    """engine → query id → its top 10 ids."""
    engines = {name: open_engine(name, work) for name in ENGINES}
    try:
        return {name: {q.id: e.run(q, facets=False).ids[:DEPTH] for q, _ in topics} for name, e in engines.items()}
    finally:
        for e in engines.values():
            e.close()


def _blind_order(query: str, ids: set[str]) -> list[str]:
    """The pool in an order that depends only on the query and the ids."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"{query}\0{i}".encode()).hexdigest())


@click.group()
def main() -> None:
    """Judged relevance of the topical queries."""


@main.command()
@click.option("--work", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("var/bench"))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("var/judging"))
def pool(work: Path, out: Path) -> None:
    """Write the judges' packets: per query, the pooled articles, already-judged ones left out."""
    topics = load_topics()
    judged = load_judgments()
    ranked = _rankings(work, topics)
    out.mkdir(parents=True, exist_ok=True)
    total = fresh = 0
    with Snapshot.open(work / "vnnews") as snap:
        for q, need in topics:
            ids = {i for name in ENGINES for i in ranked[name][q.id]}
            todo = [i for i in _blind_order(q.id, ids) if (q.id, i) not in judged]
            total, fresh = total + len(ids), fresh + len(todo)
            rows: list[dict[str, Any]] = []
            for i in todo:
                art = get_article(snap, i)
                body = art["body"] or ""
                rows.append({"id": i, "title": art["display_title"], "sapo": art["sapo"], "body": body[:_BODY_CHARS]})
            packet = {"query": q.id, "q": q.q, "need": need, "articles": rows}
            (out / f"{q.id}.json").write_text(json.dumps(packet, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"{len(topics)} queries, {total} pooled articles, {fresh} not judged yet, packets in {out}")


@main.command()
@click.option("--work", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("var/bench"))
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
def score(work: Path, json_path: Path | None) -> None:
    """nDCG@10 and P@10 per engine and kind of query."""
    topics = load_topics()
    judged = load_judgments()
    ranked = _rankings(work, topics)
    known: dict[str, list[int]] = defaultdict(list)
    for (query, _), grade in judged.items():
        known[query].append(grade)
    per: dict[str, dict[str, tuple[float, float]]] = {name: {} for name in ENGINES}  # engine → query → scores
    unjudged = 0
    for q, _ in topics:
        for name in ENGINES:
            grades = []
            for i in ranked[name][q.id]:
                if (q.id, i) not in judged:
                    unjudged += 1
                grades.append(judged.get((q.id, i), 0))
            per[name][q.id] = (ndcg(grades, known[q.id]), precision(grades))
    later = held_out()
    table: dict[str, Any] = {}
    for title, chosen in (
        ("every query", topics),
        ("the first set: the ranking was tuned on these", [t for t in topics if t[0].id not in later]),
        ("held out: added after the ranking was settled", [t for t in topics if t[0].id in later]),
    ):
        if chosen:
            click.echo(f"{title} ({len(chosen)})")
            table[title] = _table(per, [q for q, _ in chosen])
    click.echo(f"judgments: {len(judged)}; ranked articles without a judgment (counted as 0): {unjudged}")
    read, same, relevant = agreement()
    click.echo(f"read twice, blind: {read} judged pairs; same grade {same}, same relevant-or-not {relevant}")
    if json_path is not None:
        by_query = {q.id: {"kind": q.kind, **{n: per[n][q.id][0] for n in ENGINES}} for q, _ in topics}
        out = {"by_kind": table, "by_query": by_query, "unjudged": unjudged}
        json_path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _table(per: dict[str, dict[str, tuple[float, float]]], queries: list[BenchQuery]) -> dict[str, Any]:
    """Print, and return, mean nDCG@10 and P@10 per engine and kind over these queries."""
    kinds = list(dict.fromkeys(q.kind for q in queries))
    header = f"{'kind':<10} {'n':>3} " + " ".join(f"{n + ' nDCG':>13} {'P@10':>5}" for n in ENGINES)
    lines = [header, "-" * len(header)]
    table: dict[str, Any] = {}
    for kind in [*kinds, "all"]:
        ids = [q.id for q in queries if kind in ("all", q.kind)]
        row = f"{kind:<10} {len(ids):>3}"
        for name in ENGINES:
            pairs = [per[name][i] for i in ids]
            nd = sum(p[0] for p in pairs) / len(pairs)
            pr = sum(p[1] for p in pairs) / len(pairs)
            table.setdefault(kind, {})[name] = {"ndcg10": round(nd, 3), "p10": round(pr, 3), "queries": len(pairs)}
            row += f" {nd:>13.3f} {pr:>5.2f}"
        lines.append(row)
    click.echo("\n".join(lines))
    return table


if __name__ == "__main__":
    main()
