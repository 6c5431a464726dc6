"""The sharded index against the single one, on the same articles: build time, latency, equivalence.

    python -m bench.cluster --corpus ../shared/corpus --shards 4

Builds the corpus as one index and as N shards, starts a local 3-node Ray cluster (inside a
network namespace that has only loopback: the script re-runs itself in one when it is not), and
times every query of the bench set with all facets on three engines in turns: the single index,
the shards opened in this process, and the shards on Ray actors. It reports p50/p95/p99, each
engine's overhead over the single index, Ray's own fan-out round trip to the shard actors, the
rounds a query took, and how many queries answered differently from the single index.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.netns import loopback_namespace, loopback_only

ROOT = Path(__file__).resolve().parents[1]


def _in_namespace(argv: list[str]) -> int:
    """Run this script again inside a fresh loopback-only namespace; its exit status."""
    with loopback_namespace("vnbench") as name:
        cmd = ["ip", "netns", "exec", name, sys.executable, "-m", "bench.cluster", *argv]
        return subprocess.run(cmd, cwd=ROOT).returncode


def _build(corpus: list[Path], dest: Path, shards: int | None, jobs: int, prepare: Any = None) -> float:
    from indexer import build

    if dest.exists():
        shutil.rmtree(dest)
    started = time.perf_counter()
    build(corpus, dest, jobs=jobs, shards=shards, prepare=prepare)
    return time.perf_counter() - started


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _tree_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 1e6


def _docs(folder: Path) -> int:
    from indexer.store.directory import open_generation

    with open_generation(folder).reader() as reader:
        return int(reader.doc_count())


def comparable(result: Any) -> dict[str, Any]:
    """A result's JSON document without what may differ between engines (time, shards)."""
    out = result.to_dict()
    out.pop("took_ms")
    out.pop("shards", None)
    return out


def main(argv: list[str] | None = None) -> int:
    """Build, serve, time and compare; print the table (and write --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", required=True, type=Path)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-cluster")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=3, help="Ray nodes of the local cluster, one CPU each")
    parser.add_argument("--reuse", action="store_true", help="keep indexes a previous run built")
    parser.add_argument(
        "--local-shards", action="store_true", help="also build the shards locally (worker processes), for its time"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    raw = list(argv if argv is not None else sys.argv[1:])
    if not loopback_only():
        return _in_namespace(raw)

    import ray
    from ray.cluster_utils import Cluster

    from bench.queries import load_queries
    from indexer import Index, search
    from indexer.cluster import ClusterIndex, on_cluster
    from indexer.store.manifest import Manifest

    single, sharded = args.work / "single", args.work / f"shards-{args.shards}"
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    for _ in range(args.nodes - 1):
        cluster.add_node(num_cpus=1)
    ray.init(address=cluster.address, namespace="vnnews-bench", log_to_driver=False)
    cluster.wait_for_nodes()
    builds: dict[str, float] = {}
    if not (args.reuse and single.exists() and sharded.exists()):
        args.work.mkdir(parents=True, exist_ok=True)
        builds["single"] = _build(args.corpus, single, None, args.jobs)
        if args.local_shards:
            builds["shards, local workers"] = _build(args.corpus, args.work / "shards-local", args.shards, args.jobs)
        # The served shards are the ones the cluster's workers analysed.
        builds["shards, Ray workers"] = _build(args.corpus, sharded, args.shards, args.jobs, on_cluster())
    one = Index(single)
    snap = one.snapshot()
    queries = [q.request(facets=True) for q in load_queries(list(snap.values["source"][1:]))]
    snap.close()
    served = ClusterIndex(sharded)
    try:
        engines = {"single": one, "shards in process": Index(sharded), "shards on Ray": served}
        times: dict[str, list[float]] = {k: [] for k in engines}
        cold: dict[str, list[float]] = {k: [] for k in engines}
        answers: dict[str, list[dict[str, Any]]] = {k: [] for k in engines}
        rounds: list[int] = []
        for name, index in engines.items():  # each query seen for the first time: caches cold
            index.snapshot().close()  # open generations and actors first
            for q in queries:
                started = time.perf_counter()
                s = index.snapshot()
                answers[name].append(comparable(search(s, q)))
                cold[name].append((time.perf_counter() - started) * 1000)
                s.close()
        for _ in range(args.repeat):
            for q in queries:
                for name, index in engines.items():
                    started = time.perf_counter()
                    s = index.snapshot()
                    search(s, q)
                    times[name].append((time.perf_counter() - started) * 1000)
                    if name == "shards on Ray":
                        rounds.append(s.parts.calls)
                    s.close()
        actors = served.snapshot().parts.actors
        fan: list[float] = []
        for _ in range(200):
            started = time.perf_counter()
            ray.get([a.pid.remote() for a in actors])
            fan.append((time.perf_counter() - started) * 1000)
        # What one shard costs: its actor's resident memory once every query ran, its files on disk.
        actor_mb = [_rss_mb(pid) for pid in ray.get([a.pid.remote() for a in actors])]
        manifest = Manifest.load(sharded)
        shard_mb = [_tree_mb(manifest.shard_path(sharded, n)) for n in range(manifest.shards)]
        shard_docs = [_docs(manifest.shard_path(sharded, n)) for n in range(manifest.shards)]
    finally:
        served.shutdown()
        ray.shutdown()
        cluster.shutdown()

    base = np.percentile(times["single"], [50, 95, 99])
    rows = []
    for name, ms in times.items():
        p = np.percentile(ms, [50, 95, 99])
        c = np.percentile(cold[name], [50, 95])
        differ = sum(1 for a, b in zip(answers["single"], answers[name], strict=True) if a != b)
        rows.append(
            {
                "engine": name,
                "p50": p[0],
                "p95": p[1],
                "p99": p[2],
                "over_p50": p[0] - base[0],
                "ratio_p50": p[0] / base[0],
                "cold_p50": c[0],
                "cold_p95": c[1],
                "differing": differ,
            }
        )
    print(f"{len(queries)} queries with all facets, {args.repeat} turns, {args.shards} shards, {args.nodes} Ray nodes")
    for name, secs in builds.items():
        print(f"build, {name}: {secs:.1f} s" + (f" (x{secs / builds['single']:.2f})" if name != "single" else ""))
    head = ("p50 ms", "p95 ms", "p99 ms", "+p50 ms", "x p50", "cold p50", "cold p95", "differ")
    print(f"{'engine':<20}" + "".join(f"{h:>10}" for h in head))
    for r in rows:
        cells = [f"{r[k]:>10.2f}" for k in ("p50", "p95", "p99", "over_p50", "ratio_p50", "cold_p50", "cold_p95")]
        print(f"{r['engine']:<20}" + "".join(cells) + f"{r['differing']:>10}")
    fan_p50 = float(np.percentile(fan, 50))
    print(
        f"Ray fan-out of a no-op call to {len(actors)} actors: p50 {fan_p50:.2f} ms; "
        f"rounds per query: mean {np.mean(rounds):.2f}, max {max(rounds)}"
    )
    for n, (docs, mb, rss) in enumerate(zip(shard_docs, shard_mb, actor_mb, strict=True)):
        print(f"shard {n}: {docs} articles, {mb:.1f} MB on disk, actor RSS {rss:.0f} MB")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "builds": builds,
                    "rows": rows,
                    "fan_p50_ms": fan_p50,
                    "rounds_mean": float(np.mean(rounds)),
                    "queries": len(queries),
                    "nodes": args.nodes,
                    "shard_docs": shard_docs,
                    "shard_mb": shard_mb,
                    "actor_rss_mb": actor_mb,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
