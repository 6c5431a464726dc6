"""Load generator for a running vnnews-search: a mix of API and page requests at set concurrencies.

    python -m bench.load --url http://127.0.0.1:PORT --concurrency 1,8,32 --seconds 20
                         [--requests N] [--queries FILE] [--pids-of-gunicorn-master PID]
                         [--json FILE] [--warmup SECONDS]

Only loopback targets are accepted. Each level runs `--concurrency` threads, each with its own
keep-alive HTTP connection, until `--seconds` have passed or `--requests` have been sent. The mix
comes from bench/queries.json: every query as written, the same text with a filter added (or its
filters removed), its page 2, and the HTML search page (facets, histogram, map). Per level it
reports requests/s, latency percentiles, errors (non-200 answers and exceptions), and the RSS and
PSS of each gunicorn worker (children of --pids-of-gunicorn-master), sampled once a second.
Standard library only, so it can run from any Python.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import os
import random
import resource
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from .memory import children_map

__all__ = [
    "LOOPBACK_HOSTS",
    "Planned",
    "Client",
    "LevelResult",
    "check_loopback",
    "percentile",
    "load_query_file",
    "request_mix",
    "worker_pids",
    "memory_of",
    "run_level",
    "main",
]

QUERY_FILE = Path(__file__).with_name("queries.json")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# A request slower than this is counted as an error rather than waited for (gunicorn's own
# worker timeout is 120 s; a bench that hangs that long has found its answer already).
REQUEST_TIMEOUT = 60.0
# Filters added to queries that have none, in turn, so the mix exercises the filter masks.
EXTRA_FILTERS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("province", "Hà Nội"),),
    (("from", "2020-01-01"), ("to", "2020-12-31")),
    (("province", "Hồ Chí Minh"), ("from", "2017-01-01")),
    (("province", "Đà Nẵng"),),
)
KINDS = ("api", "api-filter", "api-page2", "html")
_SOURCE_RANK = "#"


# --- target and HTTP -------------------------------------------------------------------------


def check_loopback(url: str) -> tuple[str, int]:
    """(host, port) of an http:// URL on this machine; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"only http:// URLs are load-tested, not {url!r}")
    host = parts.hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"refusing {host!r}: only {', '.join(LOOPBACK_HOSTS)} may be load-tested")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"give the server's root URL, without a path or query: {url!r}")
    port = parts.port or 80
    # 'localhost' is a name: make sure it really resolves to loopback addresses only.
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if not ipaddress.ip_address(sockaddr[0]).is_loopback:
            raise ValueError(f"{host} resolves to {sockaddr[0]}, which is not a loopback address")
    return host, port


class Client:
    """One keep-alive HTTP connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float = REQUEST_TIMEOUT) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.reused = False  # True once a request has completed on the current socket
        self.retries = 0

    def get(self, path: str) -> tuple[int, bytes]:
        """GET path; (status, body). A stale keep-alive socket is retried once on a new one."""
        try:
            return self._get(path)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not self.reused:
                raise
            # The server may close an idle keep-alive socket just as we reuse it; a GET is safe
            # to repeat, and browsers do the same. Counted, so a flood of these stays visible.
            self.retries += 1
            self.close()
            return self._get(path)

    def _get(self, path: str) -> tuple[int, bytes]:
        if self.conn.sock is None:
            self.reused = False
        self.conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = self.conn.getresponse()
        body = response.read()
        # http.client drops the socket itself when the answer said "Connection: close".
        self.reused = self.conn.sock is not None
        return response.status, body

    def close(self) -> None:
        """Close the socket; the next request opens a new one."""
        self.conn.close()
        self.reused = False


def get_json(host: str, port: int, path: str) -> Any:
    """One GET decoded as JSON; RuntimeError on a non-200 answer."""
    client = Client(host, port)
    try:
        status, body = client.get(path)
    finally:
        client.close()
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
    return json.loads(body)


# --- the request mix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One request of the mix: its kind (see KINDS) and its path with query string."""

    kind: str
    path: str


def load_query_file(path: Path) -> list[dict[str, Any]]:
    """The 'queries' list of a file in bench/queries.json's format."""
    with path.open(encoding="utf-8") as fh:
        queries = json.load(fh)["queries"]
    if not isinstance(queries, list) or not queries:
        raise ValueError(f"{path}: 'queries' must be a non-empty list")
    return queries


def _resolve_sources(values: Sequence[str], ranked: Sequence[str]) -> list[str]:
    """'#N' → the server's N-th most frequent source; ranks the index lacks are dropped."""
    out = []
    for value in values:
        if value.startswith(_SOURCE_RANK) and value[1:].isdigit():
            rank = int(value[1:])
            if 1 <= rank <= len(ranked):
                out.append(ranked[rank - 1])
        else:
            out.append(value)
    return out


def _params(entry: dict[str, Any], ranked: Sequence[str], filters: bool = True) -> list[tuple[str, str]]:
    """URL parameters of one queries.json entry (filters optional, page left to the caller)."""
    params: list[tuple[str, str]] = []
    if entry.get("q"):
        params.append(("q", entry["q"]))
    if filters:
        params += [("province", p) for p in entry.get("province", ())]
        params += [("source", s) for s in _resolve_sources(entry.get("source", ()), ranked)]
        for key in ("from", "to"):
            if entry.get(key):
                params.append((key, entry[key]))
    return params


def _has_filters(entry: dict[str, Any]) -> bool:
    return any(entry.get(k) for k in ("province", "source", "from", "to"))


def request_mix(queries: Sequence[dict[str, Any]], ranked_sources: Sequence[str]) -> list[Planned]:
    """Four requests per query: as written, filters toggled, page 2, and the HTML page."""
    mix: list[Planned] = []
    for i, entry in enumerate(queries):
        page = int(entry.get("page", 1))
        own = _params(entry, ranked_sources)
        paging = [("page", str(page))] if page > 1 else []
        mix.append(Planned("api", "/api/search?" + urlencode(own + paging)))
        if _has_filters(entry):
            toggled = _params(entry, ranked_sources, filters=False)
        else:
            toggled = own + list(EXTRA_FILTERS[i % len(EXTRA_FILTERS)])
        mix.append(Planned("api-filter", "/api/search?" + urlencode(toggled)))
        mix.append(Planned("api-page2", "/api/search?" + urlencode(own + [("page", "2")])))
        mix.append(Planned("html", "/?" + urlencode(own + paging)))
    return mix


def ranked_sources(host: str, port: int) -> list[str]:
    """The index's sources, most frequent first, from the browse facets of the API."""
    doc = get_json(host, port, "/api/search?per_page=1")
    return [row["value"] for row in doc["facets"].get("source", [])]


# --- memory of the gunicorn workers ----------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    """Child pids of a process, from /proc/<pid>/task/*/children or else by scanning /proc."""
    task_dir = Path(f"/proc/{master}/task")
    listed = list(task_dir.glob("*/children"))
    if listed:
        pids: set[int] = set()
        for path in listed:
            try:
                pids.update(int(p) for p in path.read_text().split())
            except OSError:
                continue  # that thread ended while we looked
        return sorted(pids)
    # Kernels without CONFIG_PROC_CHILDREN have no children files: match each process's ppid.
    return sorted(children_map().get(master, []))


def memory_of(pid: int) -> tuple[float, float] | None:
    """(RSS, PSS) in MB of one process from /proc/<pid>/smaps_rollup; None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name] = int(rest.split()[0])  # kB
    if "Rss" not in values or "Pss" not in values:
        return None
    return values["Rss"] / 1024, values["Pss"] / 1024


class MemorySampler:
    """Peak RSS and PSS of each child of a gunicorn master, sampled until stop()."""

    def __init__(self, master: int, interval: float = 1.0) -> None:
        self.master = master
        self.interval = interval
        self.peak: dict[int, tuple[float, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="memory-sampler", daemon=True)

    def _sample(self) -> None:
        for pid in worker_pids(self.master):
            got = memory_of(pid)
            if got is None:
                continue
            rss, pss = self.peak.get(pid, (0.0, 0.0))
            self.peak[pid] = (max(rss, got[0]), max(pss, got[1]))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def start(self) -> MemorySampler:
        """Begin sampling in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> dict[int, tuple[float, float]]:
        """Stop; one last sample, then each worker's peak (RSS MB, PSS MB)."""
        self._stop.set()
        self._thread.join()
        self._sample()
        return dict(self.peak)


# --- running one level -----------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of values (0 < fraction ≤ 1); NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    # Rounding first keeps 0.95 × 1000 at rank 950, not 951.
    rank = max(1, math.ceil(round(len(ordered) * fraction, 9)))
    return ordered[rank - 1]


def _ms(values: Sequence[float], fraction: float) -> float | None:
    """A percentile rounded to 0.1 ms, None when there are no values (JSON has no NaN)."""
    return round(percentile(values, fraction), 1) if values else None


@dataclass
class LevelResult:
    """What one concurrency level measured."""

    concurrency: int
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    retries: int = 0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    workers: dict[int, tuple[float, float]] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    client_cpu_s: float = 0.0

    @property
    def rps(self) -> float:
        """Completed requests (errors included) per second of wall time."""
        return self.requests / self.seconds if self.seconds else 0.0

    def all_latencies(self) -> list[float]:
        """Latencies of every successful request, all kinds together."""
        return [v for values in self.latencies_ms.values() for v in values]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready digest (percentiles instead of raw latencies; None where nothing succeeded)."""
        lat = self.all_latencies()
        rss = [r for r, _ in self.workers.values()]
        pss = [p for _, p in self.workers.values()]
        return {
            "concurrency": self.concurrency,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 2),
            "p50_ms": _ms(lat, 0.50),
            "p95_ms": _ms(lat, 0.95),
            "p99_ms": _ms(lat, 0.99),
            "max_ms": round(max(lat), 1) if lat else None,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "error_examples": self.error_examples,
            "keepalive_retries": self.retries,
            "by_kind": {
                kind: {
                    "n": len(values),
                    "p50_ms": _ms(values, 0.50),
                    "p95_ms": _ms(values, 0.95),
                }
                for kind, values in sorted(self.latencies_ms.items())
            },
            "workers": [
                {"pid": pid, "rss_mb": round(r, 1), "pss_mb": round(p, 1)}
                for pid, (r, p) in sorted(self.workers.items())
            ],
            "rss_mb_mean": round(sum(rss) / len(rss), 1) if rss else None,
            "pss_mb_mean": round(sum(pss) / len(pss), 1) if pss else None,
            "pss_mb_total": round(sum(pss), 1) if pss else None,
            "loadavg_before": self.load_before,
            "loadavg_after": self.load_after,
            "client_cpu_s": round(self.client_cpu_s, 2),
        }


def run_level(
    host: str,
    port: int,
    mix: Sequence[Planned],
    concurrency: int,
    seconds: float,
    max_requests: int | None,
    master: int | None,
    seed: int = 1,
) -> LevelResult:
    """Run `concurrency` threads over the mix until the time or request budget is spent."""
    result = LevelResult(concurrency, latencies_ms={k: [] for k in KINDS})
    lock = threading.Lock()
    budget = [max_requests if max_requests is not None else -1]
    deadline = time.monotonic() + seconds

    def take() -> bool:
        """Claim one request from the budget; False once it is spent."""
        with lock:
            if budget[0] == 0:
                return False
            budget[0] -= 1
            return True

    def run(index: int) -> None:
        order = list(mix)
        # Each thread walks its own shuffle, so concurrent requests differ as real visitors' do.
        random.Random(seed * 1000 + index).shuffle(order)
        client = Client(host, port)
        latencies: dict[str, list[float]] = {k: [] for k in KINDS}
        errors: Counter[str] = Counter()
        examples: list[str] = []
        done = 0
        try:
            i = 0
            while time.monotonic() < deadline and take():
                planned = order[i % len(order)]
                i += 1
                started = time.perf_counter()
                try:
                    status, _body = client.get(planned.path)
                except (OSError, http.client.HTTPException) as err:
                    # Timeouts, refused or reset connections, malformed answers: all are errors
                    # of the run, kept by class name; the connection starts afresh.
                    client.close()
                    errors[type(err).__name__] += 1
                    if len(examples) < 5:
                        examples.append(f"{planned.path}: {type(err).__name__}: {err}")
                    done += 1
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                done += 1
                if status == 200:
                    latencies[planned.kind].append(elapsed)
                else:
                    errors[f"HTTP {status}"] += 1
                    if len(examples) < 5:
                        examples.append(f"{planned.path}: HTTP {status}")
        finally:
            client.close()
        with lock:
            result.requests += done
            result.retries += client.retries
            for kind, values in latencies.items():
                result.latencies_ms[kind].extend(values)
            for kind, n in errors.items():
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + n
            result.error_examples.extend(examples[: max(0, 10 - len(result.error_examples))])

    sampler = MemorySampler(master).start() if master else None
    result.load_before = os.getloadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,), name=f"load-{i}", daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    result.load_after = os.getloadavg()
    result.errors = sum(result.error_kinds.values())
    if sampler is not None:
        result.workers = sampler.stop()
    return result


# --- report ----------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None or value != value else f"{value:,.{digits}f}"


def table(levels: Sequence[LevelResult]) -> str:
    """The per-level table, then latency by kind of request."""
    head = (
        f"{'conc':>4} {'reqs':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'wkrs':>4} {'RSS MB/wkr':>11} {'PSS MB/wkr':>11} {'PSS total':>9} "
        f"{'load avg':>15}"
    )
    lines = [head, "-" * len(head)]
    for lv in levels:
        s = lv.summary()
        rss = [r for r, _ in lv.workers.values()]
        pss = [p for _, p in lv.workers.values()]
        rss_txt = f"{_fmt(s['rss_mb_mean'])}/{_fmt(max(rss) if rss else None)}"
        pss_txt = f"{_fmt(s['pss_mb_mean'])}/{_fmt(max(pss) if pss else None)}"
        load = "/".join(f"{x:.1f}" for x in lv.load_after)
        lines.append(
            f"{lv.concurrency:>4} {lv.requests:>6} {lv.rps:>7.1f} {_fmt(s['p50_ms'], 1):>8} "
            f"{_fmt(s['p95_ms'], 1):>8} {_fmt(s['p99_ms'], 1):>8} {lv.errors:>6} "
            f"{len(lv.workers) or '-':>4} {rss_txt:>11} {pss_txt:>11} {_fmt(s['pss_mb_total']):>9} "
            f"{load:>15}"
        )
    lines.append("")
    lines.append("latency by kind of request, p50/p95 ms (n):")
    for lv in levels:
        parts = []
        for kind, values in sorted(lv.latencies_ms.items()):
            parts.append(f"{kind} {_fmt(percentile(values, 0.5))}/{_fmt(percentile(values, 0.95))} ({len(values)})")
        lines.append(f"  c={lv.concurrency}: " + "; ".join(parts))
    lines.append("")
    lines.append(
        "RSS/PSS: peak per worker during the level, mean/max over workers (MB, /proc smaps_rollup); "
        "load avg: 1/5/15 min after the level; latency counts successful requests only."
    )
    for lv in levels:
        if lv.errors:
            lines.append(f"c={lv.concurrency} errors: {lv.error_kinds}; e.g. {lv.error_examples[:3]}")
    return "\n".join(lines)


def _concurrency(text: str) -> list[int]:
    """'1,8,32' → [1, 8, 32]."""
    try:
        levels = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from None
    if not levels or any(n < 1 or n > 512 for n in levels):
        raise argparse.ArgumentTypeError("each concurrency must be between 1 and 512")
    return levels


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="root URL of the server (loopback only)")
    p.add_argument("--concurrency", type=_concurrency, default=[1, 8, 32], help="e.g. 1,8,32")
    p.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    p.add_argument("--requests", type=int, default=None, help="at most this many per level")
    p.add_argument("--queries", type=Path, default=QUERY_FILE, help="queries in queries.json form")
    p.add_argument(
        "--pids-of-gunicorn-master",
        dest="master",
        type=int,
        default=None,
        help="gunicorn master pid: its children's memory is reported",
    )
    p.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of untimed requests (concurrency 4) before the first level"
    )
    p.add_argument("--json", type=Path, default=None, help="write the results here as JSON")
    args = p.parse_args(argv)
    if args.seconds <= 0 or args.seconds > 3600:
        p.error("--seconds must be in (0, 3600]")
    if args.requests is not None and args.requests < 1:
        p.error("--requests must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every level and print the table; 1 when any request failed."""
    args = parse_args(argv)
    try:
        host, port = check_loopback(args.url)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.master is not None and not Path(f"/proc/{args.master}").exists():
        print(f"error: no process {args.master}", file=sys.stderr)
        return 2
    sources = ranked_sources(host, port)
    mix = request_mix(load_query_file(args.queries), sources)
    print(
        f"{len(mix)} distinct requests ({', '.join(f'{k} {n}' for k, n in Counter(p.kind for p in mix).items())}); "
        f"{os.cpu_count()} cores; load avg {'/'.join(f'{x:.1f}' for x in os.getloadavg())}",
        file=sys.stderr,
    )
    if args.warmup > 0:
        # Page cache, Jinja templates and per-worker arrays: untimed, so level 1 is not penalised.
        warm = run_level(host, port, mix, 4, args.warmup, None, None, seed=99)
        print(f"warm-up: {warm.requests} requests, {warm.errors} errors", file=sys.stderr)
    levels = []
    for n in args.concurrency:
        level = run_level(host, port, mix, n, args.seconds, args.requests, args.master)
        print(f"c={n}: {level.requests} requests in {level.seconds:.1f} s", file=sys.stderr)
        levels.append(level)
    print(table(levels))
    if args.json:
        doc = {
            "url": args.url,
            "cores": os.cpu_count(),
            "seconds_per_level": args.seconds,
            "max_requests": args.requests,
            "mix": [asdict(p) for p in mix],
            "levels": [lv.summary() for lv in levels],
        }
        args.json.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(lv.errors for lv in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
