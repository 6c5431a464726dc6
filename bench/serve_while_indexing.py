"""Serve while indexing: a live gunicorn keeps answering, consistently, during an incremental build.

    python -m bench.serve_while_indexing CORPUS [--articles 20000] [--base 2000] [--threads 4]
                                         [--workers 2] [--jobs N] [--work DIR] [--json FILE]

Takes the first --articles records of CORPUS (distinct ids) as the update and the next --base
records as the starting index; builds that index, starts gunicorn on it, and while threads repeat
a fixed set of /api/search queries it runs `python -m indexer build` on the update (incremental: it
only adds articles). Every response is recorded and checked:

- no errors: every answer is HTTP 200 with a search result;
- each answer is consistent in itself (hits per page, facet counts against the total, filters
  honoured by the hits, order of the hits);
- totals never go down: an answer never reports fewer results than an answer to the same query
  that had been received before it was sent (answers in flight at the same time may come from
  either generation, so only such ordered pairs are compared);
- after the build, /healthz reports the new article count (the app follows `current` without a
  restart) and the totals grew.

Exit status 0 when all of that holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

from .load import Client, percentile

__all__ = [
    "ROOT",
    "Params",
    "FIXED_QUERIES",
    "Server",
    "Observation",
    "LoadLoop",
    "gunicorn",
    "split_corpus",
    "start_build",
    "build_summary",
    "check_response",
    "decreases",
    "healthz_counts",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
# URL parameters of one query, in order (filters may repeat).
Params = tuple[tuple[str, str], ...]
# Queries that match plenty of 2017 articles already in the base index, so none is relaxed
# (a relaxed search can legitimately lose results when the strict one starts matching). No query
# is typed without diacritics: such syllables are grouped into a word once the vocabulary knows
# it (df ≥ 2), so "khung bo" can match fewer articles after articles are added.
FIXED_QUERIES: tuple[Params, ...] = (
    (),
    (("q", "Việt Nam"),),
    (("q", "Hà Nội"), ("province", "Hà Nội")),
    (("q", "bóng đá"),),
    (("q", "tai nạn giao thông"),),
    (("q", "bão"), ("from", "2017-01-01"), ("to", "2017-12-31")),
    (("q", "công an"), ("page", "2")),
    (("q", '"Thủ tướng Chính phủ"'),),
    (("province", "Hồ Chí Minh"), ("from", "2017-01-01"), ("to", "2017-06-30")),
)
# Deepest result the API pages to (indexer.search.MAX_RESULTS; not imported: stdlib only here).
MAX_RESULTS = 10_000
# How long gunicorn may take to boot, and other waits (limits, never measurements).
BOOT_LIMIT = 120.0
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+) \((\d+)\)")


# --- gunicorn --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it listens and its master's pid."""

    host: str
    port: int
    pid: int
    log: Path

    @property
    def url(self) -> str:
        """Root URL."""
        return f"http://{self.host}:{self.port}"


def _wait_for_port(log: Path, proc: subprocess.Popen[bytes], limit: float) -> tuple[int, int]:
    """(port, master pid) that gunicorn reports once it listens (it was asked for port 0)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        found = _LISTENING.search(text)
        if found:
            return int(found.group(1)), int(found.group(2))
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{text[-3000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen within {limit:.0f} s; see {log}")


def _wait_for_health(url: str, limit: float) -> None:
    """Wait until /healthz answers 200 (a worker booted and opened the index)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # A worker warming up a large index (11 s at 2 M articles) holds the connection: a
            # timed-out request is a worker not ready yet, like a refused one.
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@contextmanager
def gunicorn(
    index: Path, log: Path, *, workers: int = 2, map_file: str = "", limit: float = BOOT_LIMIT
) -> Iterator[Server]:
    """A gunicorn serving index on a free loopback port, run as the README says; stopped after."""
    env = {
        **os.environ,
        "VNNEWS_INDEX": str(index),
        "PORT": "0",
        "WEB_CONCURRENCY": str(workers),
        "VNNEWS_MAP": map_file,
        "VNNEWS_MAP_OLD": "",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "webapp/gunicorn.conf.py", "webapp:create_app()"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        port, pid = _wait_for_port(log, proc, limit)
        server = Server("127.0.0.1", port, pid, log)
        _wait_for_health(server.url, limit)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- corpus and builds -----------------------------------------------------------------------


def _open_text(path: Path) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def split_corpus(corpus: Path, articles: int, base: int, out: Path) -> tuple[Path, Path, int, int]:
    """Write the first `articles` records (distinct ids) and the next `base` ones to two files.

    Returns (update file, base file, records in each). Lines that are not JSON objects with an id
    are passed over, so the counts are of records the builder will at least read.
    """
    update_path, base_path = out / "update.jsonl", out / "base.jsonl"
    seen: set[str] = set()
    counts = [0, 0]
    with (
        _open_text(corpus) as src,
        update_path.open("w", encoding="utf-8") as upd,
        base_path.open("w", encoding="utf-8") as bas,
    ):
        for line in src:
            if counts[1] >= base:
                break
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                continue
            if record["id"] in seen:
                continue  # a repeated id would make the update replace, not add
            seen.add(record["id"])
            target = 0 if counts[0] < articles else 1
            (upd if target == 0 else bas).write(line.rstrip("\n") + "\n")
            counts[target] += 1
    return update_path, base_path, counts[0], counts[1]


def start_build(corpus: Path, index: Path, log: Path, jobs: int | None = None) -> subprocess.Popen[bytes]:
    """`python -m indexer build` (incremental) as a child process, its output into log."""
    command = [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index), "-q"]
    if jobs:
        command += ["--jobs", str(jobs)]
    with open(log, "wb") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


@dataclass(frozen=True)
class BuildSummary:
    """The numbers of a build's summary line."""

    added: int
    skipped: int
    in_index: int
    line: str


def build_summary(log: Path) -> BuildSummary:
    """Parse the build's summary line ('indexed …; added …; skipped …; N in index; …')."""
    text = log.read_text(encoding="utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if " in index" in ln and ln.startswith("indexed ")]
    if not lines:
        raise RuntimeError(f"no summary line in {log}:\n{text[-2000:]}")
    line = lines[-1]

    def number(pattern: str) -> int:
        found = re.search(pattern, line)
        if found is None:
            raise RuntimeError(f"unexpected summary line: {line}")
        return int(found.group(1).replace(",", ""))

    return BuildSummary(
        added=number(r"added ([\d,]+)"),
        skipped=number(r"skipped ([\d,]+)"),
        in_index=number(r"([\d,]+) in index"),
        line=line,
    )


def run_build(corpus: Path, index: Path, log: Path, jobs: int | None = None) -> BuildSummary:
    """Run a build to the end; RuntimeError unless it exits 0 (all indexed) or 3 (some skipped)."""
    proc = start_build(corpus, index, log, jobs)
    if proc.wait() not in (0, 3):
        raise RuntimeError(f"build exited {proc.returncode}:\n{log.read_text()[-2000:]}")
    return build_summary(log)


# --- checking one answer ---------------------------------------------------------------------


def _month_bounds(value: str) -> tuple[date, date]:
    year, month = (int(x) for x in value.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _check_facets(doc: dict[str, Any], total: int) -> list[str]:
    """Facet counts against the total: each facet ignores its own filter, honours the others."""
    problems = []
    filters = doc.get("filters") or {}
    facets = doc.get("facets") or {}
    for facet in ("province", "province_old", "source", "category"):
        rows = facets.get(facet, [])
        chosen = filters.get(facet, [])
        if chosen:
            # Every result carries one of the chosen values, so their counts cover the total.
            picked = sum(r["count"] for r in rows if r["value"] in chosen)
            if picked < total:
                problems.append(f"{facet}: chosen values count {picked} < total {total}")
            continue
        too_big = [r for r in rows if r["count"] > total]
        if too_big:
            problems.append(f"{facet}: {too_big[0]['value']} counts {too_big[0]['count']} > total {total}")
        # An article has at most one source and one category (provinces can be several).
        if facet in ("source", "category") and sum(r["count"] for r in rows) > total:
            problems.append(f"{facet}: counts sum to {sum(r['count'] for r in rows)} > total {total}")
    dates = facets.get("date")
    if dates is not None:
        months = dates.get("months", [])
        by_month = sum(m["count"] for m in months)
        by_year = sum(y["count"] for y in dates.get("years", []))
        if by_month != by_year:
            problems.append(f"date: months sum {by_month} != years sum {by_year}")
        lo = date.fromisoformat(filters["from"]) if "from" in filters else None
        hi = date.fromisoformat(filters["to"]) if "to" in filters else None
        if lo is None and hi is None:
            if by_month + dates.get("undated", 0) != total:
                problems.append(f"date: {by_month} dated + {dates.get('undated')} undated != total {total}")
        else:
            # The date facet ignores the date filter: months inside the range are all results,
            # months overlapping it hold every result.
            inside = overlap = 0
            for m in months:
                first, last = _month_bounds(m["value"])
                if (lo is None or first >= lo) and (hi is None or last <= hi):
                    inside += m["count"]
                if (lo is None or last >= lo) and (hi is None or first <= hi):
                    overlap += m["count"]
            if not inside <= total <= overlap:
                problems.append(f"date: total {total} outside [{inside}, {overlap}] of the months in range")
    return problems


def _check_hits(params: Params, doc: dict[str, Any]) -> list[str]:
    """Hits honour the filters and come in the default order."""
    problems = []
    filters = doc.get("filters") or {}
    hits = doc["hits"]
    for facet in ("province", "province_old", "source", "category"):
        chosen = set(filters.get(facet, []))
        if not chosen:
            continue
        key = {"province": "provinces", "province_old": "provinces_old"}.get(facet, facet)
        for hit in hits:
            have = hit.get(key)
            values = set(have) if isinstance(have, list) else {have}
            if not values & chosen:
                problems.append(f"hit {hit['id']} has {key} {have!r}, outside filter {sorted(chosen)}")
    lo, hi = filters.get("from"), filters.get("to")
    if lo or hi:
        for hit in hits:
            day = hit.get("date")
            if day is None or (lo and day < lo) or (hi and day > hi):
                problems.append(f"hit {hit['id']} dated {day}, outside {lo}..{hi}")
    if not any(k == "sort" for k, _ in params) and hits:
        scores = [h.get("score") for h in hits]
        if all(s is not None for s in scores):
            if any(a < b for a, b in zip(scores, scores[1:], strict=False)):
                problems.append(f"scores not in decreasing order: {scores}")
        elif all(s is None for s in scores):
            # Browsing: newest first, undated last (ISO dates compare as strings).
            days = [h.get("date") or "" for h in hits]
            if any(a < b for a, b in zip(days, days[1:], strict=False)):
                problems.append(f"dates not newest first: {days}")
        else:
            problems.append("some hits have scores and some do not")
    return problems


def check_response(params: Params, doc: Any) -> list[str]:
    """Every way one /api/search answer contradicts itself or its request (empty when fine)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("total"), int) or not isinstance(doc.get("hits"), list):
        return ["not a search result (no integer total or no hits list)"]
    total, hits = doc["total"], doc["hits"]
    page = int(dict(params).get("page", "1"))
    per_page = int(dict(params).get("per_page", "10"))
    problems = []
    if doc.get("page") != page or doc.get("per_page") != per_page:
        problems.append(f"page {doc.get('page')}/{doc.get('per_page')} echoed for {page}/{per_page}")
    if total < len(hits):
        problems.append(f"total {total} < {len(hits)} hits")
    expected = max(0, min(per_page, min(total, MAX_RESULTS) - (page - 1) * per_page))
    if len(hits) != expected:
        problems.append(f"{len(hits)} hits on page {page} of a total of {total} (expected {expected})")
    last_page = max(1, -(-min(total, MAX_RESULTS) // per_page))
    if (doc.get("next_url") is not None) != (page < last_page):
        problems.append(f"next_url {doc.get('next_url')!r} on page {page} of {last_page}")
    if len({h["id"] for h in hits}) != len(hits):
        problems.append("a hit is listed twice")
    return problems + _check_facets(doc, total) + _check_hits(params, doc)


# --- the load loop ---------------------------------------------------------------------------


@dataclass
class Observation:
    """One request of the loop and what came back."""

    query: int
    thread: int
    started: float  # time.monotonic(), comparable across threads
    ended: float
    status: int | None = None
    total: int | None = None
    relaxed: str | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ms(self) -> float:
        """Latency in milliseconds."""
        return (self.ended - self.started) * 1000


def query_path(params: Params) -> str:
    """The /api/search URL of one query."""
    return "/api/search?" + urlencode(params) if params else "/api/search"


class LoadLoop:
    """Threads that repeat the same queries, in order, and record every answer; bounded."""

    def __init__(
        self,
        server: Server,
        queries: Sequence[Params],
        threads: int = 4,
        max_seconds: float = 3600.0,
        max_requests: int = 1_000_000,
        pause: float = 0.0,
    ) -> None:
        self.server = server
        self.queries = list(queries)
        self.observations: list[Observation] = []
        self.rounds = [0] * threads
        self.max_seconds = max_seconds
        self.max_requests = max_requests
        self.pause = pause
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i,), name=f"swi-{i}", daemon=True) for i in range(threads)
        ]

    def _one(self, client: Client, thread: int, index: int) -> Observation:
        params = self.queries[index]
        started = time.monotonic()
        try:
            status, body = client.get(query_path(params))
        except (OSError, http.client.HTTPException) as err:
            client.close()
            return Observation(index, thread, started, time.monotonic(), error=f"{type(err).__name__}: {err}")
        obs = Observation(index, thread, started, time.monotonic(), status=status)
        if status != 200:
            obs.error = f"HTTP {status}: {body[:200]!r}"
            return obs
        try:
            doc = json.loads(body)
        except ValueError as err:
            obs.error = f"answer is not JSON: {err}"
            return obs
        obs.problems = check_response(params, doc)
        if isinstance(doc, dict):
            total = doc.get("total")
            obs.total = total if isinstance(total, int) else None
            obs.relaxed = doc.get("relaxed")
        return obs

    def _run(self, thread: int) -> None:
        client = Client(self.server.host, self.server.port)
        deadline = time.monotonic() + self.max_seconds
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                for index in range(len(self.queries)):
                    obs = self._one(client, thread, index)
                    with self._lock:
                        self.observations.append(obs)
                        if len(self.observations) >= self.max_requests:
                            self._stop.set()
                    if self.pause:
                        self._stop.wait(self.pause)
                with self._lock:
                    self.rounds[thread] += 1
        finally:
            client.close()

    def start(self) -> LoadLoop:
        """Start the threads."""
        for t in self._threads:
            t.start()
        return self

    def wait_rounds(self, at_least: Sequence[int], limit: float) -> bool:
        """Wait until thread i has finished at_least[i] rounds (or the loop ended); False on limit."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self._lock:
                if all(r >= n for r, n in zip(self.rounds, at_least, strict=True)):
                    return True
            if not any(t.is_alive() for t in self._threads):
                return False
            time.sleep(0.05)
        return False

    def snapshot_rounds(self) -> list[int]:
        """Rounds finished so far, per thread."""
        with self._lock:
            return list(self.rounds)

    def stop(self) -> list[Observation]:
        """Stop the threads after their current request; every observation, in order of start."""
        self._stop.set()
        for t in self._threads:
            t.join()
        return sorted(self.observations, key=lambda o: o.started)


def decreases(observations: Sequence[Observation]) -> list[str]:
    """Answers reporting a lower total than an earlier answer to the same query had.

    'Earlier' means received before this one was sent: the server could not have answered from
    an older generation then, since `current` only moves forward. Relaxed answers are left out.
    """
    found = []
    by_query: dict[int, list[Observation]] = {}
    for o in observations:
        if o.total is not None and o.relaxed is None and o.error is None:
            by_query.setdefault(o.query, []).append(o)
    for query, obs in by_query.items():
        by_end = sorted(obs, key=lambda o: o.ended)
        best = -1
        j = 0
        for o in sorted(obs, key=lambda o: o.started):
            # Fold in every answer received before this request was sent.
            while j < len(by_end) and by_end[j].ended < o.started:
                best = max(best, by_end[j].total or 0)
                j += 1
            if o.total is not None and o.total < best:
                found.append(f"query {query}: total {o.total} at +{o.started:.3f} after {best} had been answered")
    return found


def healthz_counts(server: Server, tries: int) -> list[int | None]:
    """The article count /healthz reports, asked `tries` times on fresh connections."""
    counts: list[int | None] = []
    for _ in range(tries):
        client = Client(server.host, server.port)
        try:
            status, body = client.get("/healthz")
        finally:
            client.close()
        counts.append(json.loads(body).get("articles") if status == 200 else None)
    return counts


# --- the experiment --------------------------------------------------------------------------


def _latency(obs: Sequence[Observation]) -> str:
    ms = [o.ms for o in obs if o.error is None]
    if not ms:
        return "no answers"
    return (
        f"{len(ms)} answers, p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"
    )


def run(args: argparse.Namespace, work: Path) -> tuple[dict[str, Any], list[str]]:
    """The experiment; (report, failures)."""
    failures: list[str] = []
    update, base, n_update, n_base = split_corpus(args.corpus, args.articles, args.base, work)
    if n_update < args.articles or n_base < 1:
        raise SystemExit(f"{args.corpus} holds {n_update} + {n_base} usable records, fewer than asked")
    index = work / "index"
    print(f"base: {n_base:,} records; update: {n_update:,} records; index {index}", file=sys.stderr)
    base_build = run_build(base, index, work / "build-base.log", args.jobs)
    print(f"base build: {base_build.line}", file=sys.stderr)
    with gunicorn(index, work / "gunicorn.log", workers=args.workers) as server:
        before = healthz_counts(server, 2 * args.workers)
        loop = LoadLoop(server, FIXED_QUERIES, args.threads, max_seconds=args.max_seconds).start()
        # Every query answered by every thread from the base index before the update starts.
        if not loop.wait_rounds([1] * args.threads, BOOT_LIMIT):
            failures.append("the load loop did not complete a first round")
        build_started = time.monotonic()
        proc = start_build(update, index, work / "build-update.log", args.jobs)
        code = proc.wait()
        build_ended = time.monotonic()
        print(f"update build exited {code} after {build_ended - build_started:.1f} s", file=sys.stderr)
        # A full round per thread begun after the new generation was published.
        rounds = loop.snapshot_rounds()
        if not loop.wait_rounds([r + 2 for r in rounds], args.max_seconds):
            failures.append("the load loop did not complete a round after the build")
        observations = loop.stop()
        after = healthz_counts(server, 2 * args.workers)
    summary = build_summary(work / "build-update.log") if code in (0, 3) else None
    if summary is None:
        failures.append(f"update build failed with exit status {code}")
    errors = [o for o in observations if o.error]
    broken = [o for o in observations if o.problems]
    drops = decreases(observations)
    relaxed = sum(1 for o in observations if o.relaxed)
    during = [o for o in observations if o.ended > build_started and o.started < build_ended]
    first: dict[int, int | None] = {}
    last: dict[int, int | None] = {}
    for o in observations:
        if o.total is not None:
            first.setdefault(o.query, o.total)
            last[o.query] = o.total
    expected = summary.in_index if summary else None
    if errors:
        failures.append(f"{len(errors)} errors, e.g. {errors[0].error}")
    if broken:
        failures.append(f"{len(broken)} inconsistent answers, e.g. query {broken[0].query}: {broken[0].problems[:3]}")
    if drops:
        failures.append(f"{len(drops)} totals went down, e.g. {drops[0]}")
    if expected is not None and any(c != expected for c in after):
        failures.append(f"/healthz after the build reports {after}, expected {expected} everywhere")
    if summary and summary.in_index != base_build.in_index + summary.added:
        failures.append(f"index holds {summary.in_index}, not {base_build.in_index} + {summary.added} added")
    grew_from, grew_to = first.get(0), last.get(0)
    if grew_from is None or grew_to is None or grew_to <= grew_from:
        failures.append(f"browse total did not grow: {grew_from} → {grew_to}")
    report: dict[str, Any] = {
        "corpus": str(args.corpus),
        "base_records": n_base,
        "update_records": n_update,
        "base_build": base_build.line,
        "update_build": summary.line if summary else f"exit {code}",
        "update_seconds": round(build_ended - build_started, 1),
        "workers": args.workers,
        "threads": args.threads,
        "requests": len(observations),
        "requests_during_build": len(during),
        "errors": len(errors),
        "inconsistent": len(broken),
        "decreases": len(drops),
        "relaxed_answers": relaxed,
        "healthz_before": before,
        "healthz_after": after,
        "latency_before": _latency([o for o in observations if o.ended <= build_started]),
        "latency_during": _latency(during),
        "latency_after": _latency([o for o in observations if o.started >= build_ended]),
        "totals": [
            {"query": dict(FIXED_QUERIES[q]) or {"q": ""}, "first": first.get(q), "last": last.get(q)}
            for q in range(len(FIXED_QUERIES))
        ],
        "examples": {
            "errors": [o.error for o in errors[:5]],
            "inconsistent": [o.problems for o in broken[:5]],
            "decreases": drops[:5],
        },
        "loadavg": os.getloadavg(),
    }
    return report, failures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m bench.serve_while_indexing", description=__doc__.split("\n")[0])
    p.add_argument("corpus", type=Path, help="a .jsonl or .jsonl.gz corpus")
    p.add_argument("--articles", type=int, default=20_000, help="records in the update")
    p.add_argument("--base", type=int, default=2_000, help="records in the starting index")
    p.add_argument("--threads", type=int, default=4, help="client threads")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--jobs", type=int, default=None, help="build processes [indexer default]")
    p.add_argument("--max-seconds", type=float, default=7200.0, help="bound on the load loop")
    p.add_argument("--work", type=Path, default=None, help="work folder [a temporary one, removed]")
    p.add_argument("--json", type=Path, default=None, help="write the report here")
    args = p.parse_args(argv)
    if args.articles < 1 or args.base < 1 or args.threads < 1 or args.workers < 1:
        p.error("--articles, --base, --threads and --workers must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment, print the report; 1 on any error or inconsistency."""
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="vnnews-swi-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report, failures = run(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps({**report, "failures": failures}, ensure_ascii=False, indent=2))
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    print("OK: no errors, no inconsistency, new count served" if not failures else "FAILED", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
