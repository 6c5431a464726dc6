"""Query latency of two versions of the code on one index, taking turns query by query.

    python -m bench.versions --index var/bench/vnnews --baseline 7adada8 [--repeat 5] [--json FILE]

A ranking change (variants, proximity, optional function words) must not make queries much
slower. The same process cannot hold two versions of `indexer`, so each version runs in its own
worker process: the current tree, and a git worktree of --baseline made for the run. Both open
the same index; the driver sends each query of bench/queries.json (and the judged topical queries
of bench/topics.json) to one worker, then the other, alternating which goes first, so a busy
spell of a shared machine lands on both. Each worker times search() itself, as the web app calls
it. Prints p50/p95/p99 of each version, hits only and with facets, and the ratio new / baseline,
and the queries whose median got more than 20% slower.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import click

from indexer import index_stats

from .queries import load_queries
from .relevance import load_topics

__all__ = ["main", "percentile"]

ROOT = Path(__file__).resolve().parent.parent
# The worker: reads {"params": [[name, value]...], "facets": bool} lines, answers {"ms", "total"}.
_WORKER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import indexer
from indexer import SearchRequest, Snapshot, search
snap = Snapshot.open(sys.argv[2])
print(json.dumps({"ready": True, "code": indexer.__file__}), flush=True)
for line in sys.stdin:
    ask = json.loads(line)
    args = {}
    for name, value in ask["params"]:
        args.setdefault(name, []).append(value)
    req = SearchRequest.from_params(args, per_page=ask["per_page"], facets=ask["facets"])
    t0 = time.perf_counter()
    res = search(snap, req)
    ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({"ms": ms, "total": res.total}), flush=True)
"""


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


class _Worker:
    """One version of the code serving searches over a pipe."""

    def __init__(self, tree: Path, index: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tree), str(index)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tree,
        )
        self._out: IO[str] = self.proc.stdout  # type: ignore[assignment]
        self._in: IO[str] = self.proc.stdin  # type: ignore[assignment]
        hello = json.loads(self._out.readline())
        # An editable install could put another tree's indexer first: check whose code runs.
        if hello.get("ready") is not True or not Path(hello["code"]).resolve().is_relative_to(tree.resolve()):
            raise RuntimeError(f"worker for {tree} did not start on its own code: {hello}")

    def ask(self, params: list[tuple[str, str]], per_page: int, facets: bool) -> dict[str, Any]:
        self._in.write(json.dumps({"params": params, "per_page": per_page, "facets": facets}) + "\n")
        self._in.flush()
        line = self._out.readline()
        if not line:
            raise RuntimeError("a worker stopped")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        self._in.close()
        self.proc.wait(timeout=60)


def _summary(times: list[float]) -> dict[str, float]:
    return {name: round(percentile(times, share), 2) for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}


@click.command()
@click.option("--index", type=click.Path(path_type=Path, file_okay=False, exists=True), required=True)
@click.option("--baseline", required=True, help="A git revision of this repository to compare with.")
@click.option("--repeat", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
def main(index: Path, baseline: str, repeat: int, json_path: Path | None) -> None:
    """Latency of this tree against --baseline on one index, in turns."""
    queries = load_queries(list(index_stats(index)["sources"])) + [q for q, _ in load_topics()]
    requests = [(q.id, q.request(False).params(per_page=10), q.request(False).per_page) for q in queries]
    with tempfile.TemporaryDirectory(prefix="vnnews-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), baseline],
            check=True,
            capture_output=True,
        )
        try:
            workers = {"baseline": _Worker(tree, index.resolve()), "current": _Worker(ROOT, index.resolve())}
            times: dict[tuple[str, bool], dict[str, list[float]]] = {}
            totals: dict[str, dict[str, int]] = {name: {} for name in workers}
            order = list(workers)
            for run in range(repeat + 1):  # run 0 warms both up and is not counted
                for facets in (False, True):
                    for n, (qid, params, per_page) in enumerate(requests):
                        turn = order if (n + run) % 2 == 0 else order[::-1]
                        for name in turn:
                            got = workers[name].ask(params, per_page, facets)
                            totals[name][qid] = got["total"]
                            if run:
                                times.setdefault((name, facets), {}).setdefault(qid, []).append(got["ms"])
                click.echo(f"run {run}/{repeat} done" if run else "warm-up done", err=True)
            for w in workers.values():
                w.close()
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False, capture_output=True
            )
    report: dict[str, Any] = {
        "index": str(index),
        "baseline": baseline,
        "repeat": repeat,
        "queries": len(requests),
        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    lines = [f"{len(requests)} queries × {repeat} runs on {index}; baseline {baseline}", ""]
    lines.append(f"{'mode':<14}{'version':<10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for facets in (False, True):
        mode = "+facets" if facets else "hits"
        summaries = {}
        for name in ("baseline", "current"):
            flat = [t for ts in times[(name, facets)].values() for t in ts]
            summaries[name] = _summary(flat)
            s = summaries[name]
            lines.append(f"{mode:<14}{name:<10}{s['p50']:>9.2f}{s['p95']:>9.2f}{s['p99']:>9.2f}")
        ratio = {k: round(summaries["current"][k] / summaries["baseline"][k], 3) for k in ("p50", "p95", "p99")}
        lines.append(f"{mode:<14}{'ratio':<10}{ratio['p50']:>9.3f}{ratio['p95']:>9.3f}{ratio['p99']:>9.3f}")
        slower = []
        for qid in times[("current", facets)]:
            new = statistics.median(times[("current", facets)][qid])
            old = statistics.median(times[("baseline", facets)][qid])
            if new > 1.2 * old and new - old > 1.0:
                slower.append((qid, round(old, 2), round(new, 2)))
        report[mode] = {"versions": summaries, "ratio": ratio, "slower_by_20pct": slower}
        lines.append(f"{'':<14}queries whose median is >20% (and >1 ms) slower: {len(slower)}")
        lines.extend(
            f"{'':<16}{qid}: {old} → {new} ms" for qid, old, new in sorted(slower, key=lambda r: r[2] / r[1])[::-1][:15]
        )
    changed = [qid for qid in totals["current"] if totals["current"][qid] != totals["baseline"][qid]]
    report["totals_changed"] = len(changed)
    lines.append(f"\nqueries whose total changed (variants, function words): {len(changed)} of {len(requests)}")
    click.echo("\n".join(lines))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
