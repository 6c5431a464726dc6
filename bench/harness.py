"""The benchmark: pyvi pass, three builds in fresh processes, warm-up, measured runs, checks."""

from __future__ import annotations

import gc
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .engines import ENGINES, Engine, Outcome, VnnewsEngine
from .memory import TreeSampler
from .peers import SqliteEngine, TantivyEngine
from .queries import BenchQuery, load_queries, peer_form
from .tokens import META, TOKENS, PassReport

__all__ = ["Stage", "BuildStats", "EngineResult", "BenchResult", "run_benchmark", "open_engine", "METRICS"]

ROOT = Path(__file__).resolve().parents[1]
# Per-engine keys of the JSON document, in table order.
METRICS = (
    "build_s",
    "docs_per_s",
    "peak_mb",
    "index_mb",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "facets_p50_ms",
    "facets_p95_ms",
    "facets_p99_ms",
)
# Where each stage writes inside the work folder (the pyvi pass writes tokens.jsonl there).
_DEST = {"tokens": ".", "segments": "segmented", "vnnews": "vnnews", "sqlite": "sqlite.db", "tantivy": "tantivy"}

Log = Callable[[str], None]


@dataclass
class Stage:
    """One build stage (the pyvi pass, or one engine's indexing), run in its own process."""

    docs: int
    seconds: float
    peak_mb: float
    maxrss_self_mb: float
    maxrss_children_mb: float


@dataclass
class BuildStats:
    """One engine's way from the corpus files to a searchable index, stage by stage."""

    stages: dict[str, Stage]
    index_mb: float = 0.0

    @property
    def docs(self) -> int:
        """Articles in the finished index."""
        return list(self.stages.values())[-1].docs

    @property
    def seconds(self) -> float:
        """The stages run one after the other: their times add up."""
        return sum(st.seconds for st in self.stages.values())

    @property
    def peak_mb(self) -> float:
        """The stages run one after the other: the highest of their peaks."""
        return max(st.peak_mb for st in self.stages.values())


@dataclass
class EngineResult:
    """Everything measured for one engine."""

    name: str
    build: BuildStats
    hits_ms: dict[str, list[float]] = field(default_factory=dict)
    facets_ms: dict[str, list[float]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    warmup_s: float = 0.0

    def metrics(self) -> dict[str, float]:
        """The ten per-engine figures of the report."""
        hits = np.percentile(np.concatenate(list(self.hits_ms.values())), [50, 95, 99])
        facets = np.percentile(np.concatenate(list(self.facets_ms.values())), [50, 95, 99])
        return {
            "build_s": round(self.build.seconds, 2),
            "docs_per_s": round(self.build.docs / self.build.seconds, 1),
            "peak_mb": round(self.build.peak_mb, 1),
            "index_mb": round(self.build.index_mb, 1),
            "p50_ms": round(float(hits[0]), 3),
            "p95_ms": round(float(hits[1]), 3),
            "p99_ms": round(float(hits[2]), 3),
            "facets_p50_ms": round(float(facets[0]), 3),
            "facets_p95_ms": round(float(facets[1]), 3),
            "facets_p99_ms": round(float(facets[2]), 3),
        }


@dataclass
class BenchResult:
    """A whole run: the corpus, each engine's figures, and what the cross-checks found."""

    corpus: dict[str, Any]
    queries: list[BenchQuery]
    engines: dict[str, EngineResult]
    word_totals: dict[str, int]
    disagreements: list[str]
    checked: int
    # Plain-word queries where vnnews's total differs from the peers' by design (syllable runs).
    differences: list[str] = field(default_factory=list)


# What the passes and the builds measured, kept beside their indexes for a rerun.
BUILDS = "builds.json"
# What a rerun can keep of an earlier run's: nothing, the passes and the peers, or every build.
REUSE = ("none", "peers", "all")


@dataclass
class Kept:
    """The passes and the builds of a run, as kept in its work folder."""

    report: PassReport
    ours: PassReport
    differing: int
    builds: dict[str, BuildStats]


def _clean(work: Path, keep: Sequence[str] = ()) -> None:
    """Remove this harness's own artifacts from an earlier run (nothing else in work).

    keep names engines whose indexes stay; with any, the tokens pass's files and BUILDS stay too.
    """
    for name in ["details.json"] + ([] if keep else [TOKENS, META, BUILDS]):
        (work / name).unlink(missing_ok=True)
    for path in [work / _DEST["segments"], *(work / _DEST[n] for n in ENGINES if n not in keep)]:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)  # the SQLite peer is one file


def _corpus_key(corpus: Sequence[Path]) -> list[list[Any]]:
    """The corpus files as (path, size, modification time): a kept pass must be of these files."""
    return [[str(p.resolve()), p.stat().st_size, int(p.stat().st_mtime)] for p in corpus]


def _save(work: Path, corpus: Sequence[Path], spans: Path | None, kept: Kept) -> None:
    """Keep the passes' reports and the build stages beside their indexes."""
    doc = {
        "corpus": _corpus_key(corpus),
        "spans": str(spans) if spans else None,
        "pass": asdict(kept.report),
        "ours": asdict(kept.ours),
        "differing": kept.differing,
        "builds": {n: {k: asdict(st) for k, st in b.stages.items()} for n, b in kept.builds.items()},
    }
    (work / BUILDS).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _kept(work: Path, corpus: Sequence[Path], spans: Path | None, engines: Sequence[str]) -> Kept | None:
    """What an earlier run kept for the same corpus files, with these engines' indexes, or None."""
    path = work / BUILDS
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc["corpus"] != _corpus_key(corpus) or doc["spans"] != (str(spans) if spans else None):
        return None
    if not all(n in doc["builds"] and (work / _DEST[n]).exists() for n in engines):
        return None
    passes = []
    for key in ("pass", "ours"):
        report = PassReport(**doc[key])
        report.sources = [(src, n) for src, n in report.sources]
        passes.append(report)
    builds = {n: BuildStats({k: Stage(**st) for k, st in doc["builds"][n].items()}) for n in engines}
    return Kept(passes[0], passes[1], int(doc["differing"]), builds)


def run_stage(
    stage: str, corpus: Sequence[Path], work: Path, jobs: int, spans: Path | None = None, dest: Path | None = None
) -> tuple[Stage, dict[str, Any]]:
    """Run one stage in a fresh `python -m bench.worker` process, sampling its memory."""
    dest = dest or work / _DEST[stage]
    # Absolute paths: the worker runs from the repository's root, wherever we were started.
    cmd = [sys.executable, "-m", "bench.worker", stage, "--dest", str(dest.resolve()), "--jobs", str(jobs)]
    if stage in ("tokens", "segments", "vnnews"):
        for path in corpus:
            cmd += ["--corpus", str(path.resolve())]
        if spans is not None:
            cmd += ["--spans", str(spans.resolve())]
    else:
        cmd += ["--work", str(work.resolve())]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # Each stage starts with the earlier stages' files on disk, so their write-back (the pyvi
    # pass leaves 440 MB of tokens on the full corpus) is not timed as part of the next one.
    os.sync()
    # The worker's stderr (progress, skipped records) goes straight to ours.
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid).start()
    out, _ = proc.communicate()
    peak = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{stage} failed (exit status {proc.returncode}): {' '.join(cmd)}")
    info = json.loads(out.strip().splitlines()[-1])
    return Stage(
        docs=info["docs"],
        seconds=info["seconds"],
        # Without smaps_rollup, fall back on the largest single process's own peak.
        peak_mb=peak or max(info["maxrss_self_mb"], info["maxrss_children_mb"]),
        maxrss_self_mb=info["maxrss_self_mb"],
        maxrss_children_mb=info["maxrss_children_mb"],
    ), info


def open_engine(name: str, work: Path) -> Engine:
    """Open one engine's built index for searching."""
    if name == "vnnews":
        return VnnewsEngine(work / _DEST["vnnews"])
    if name == "sqlite":
        return SqliteEngine(work / _DEST["sqlite"])
    return TantivyEngine(work / _DEST["tantivy"])


def _warm_up(engine: Engine, queries: Sequence[BenchQuery], result: EngineResult) -> None:
    """One unmeasured pass of the set in both modes (opens files, fills per-index arrays)."""
    started = time.perf_counter()
    for q in queries:
        engine.run(q, facets=False)
        result.outcomes[q.id] = engine.run(q, facets=True)
    result.warmup_s = time.perf_counter() - started
    result.hits_ms = {q.id: [] for q in queries}
    result.facets_ms = {q.id: [] for q in queries}


def _measure(engine: Engine, queries: Sequence[BenchQuery], result: EngineResult) -> None:
    """One measured pass of the whole set, hits only, then one with hits + facets."""
    for facets, into in ((False, result.hits_ms), (True, result.facets_ms)):
        for q in queries:
            t0 = time.perf_counter()
            engine.run(q, facets=facets)
            into[q.id].append((time.perf_counter() - t0) * 1000)


def _facet_diff(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> list[str]:
    """Facets whose counts differ, with a few differing values each."""
    out = []
    for facet in ("province", "source", "month"):
        x, y = a.get(facet, {}), b.get(facet, {})
        if x != y:
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            shown = ", ".join(f"{k}: {x.get(k, 0)}≠{y.get(k, 0)}" for k in keys[:3])
            out.append(f"{facet} ({len(keys)} values; {shown})")
    return out


def _check(
    queries: Sequence[BenchQuery], engines: dict[str, EngineResult], word_totals: dict[str, int]
) -> tuple[list[str], int, list[str]]:
    """Compare totals and facets where the engines' semantics are the same; list every mismatch.

    Also returns, for plain-word queries, where vnnews's own total differs from the peers'.
    """
    problems: list[str] = []
    differences: list[str] = []
    checked = 0
    out = {name: res.outcomes for name, res in engines.items()}
    for q in queries:
        sq, tv, vn = out["sqlite"][q.id], out["tantivy"][q.id], out["vnnews"][q.id]
        # The two peers share tokens and query semantics: totals and facets must agree everywhere.
        pairs = [("sqlite", sq, "tantivy", tv)]
        # Browsing has no text, so all three select and count exactly the same articles.
        if q.kind == "browse" or (q.kind == "deep" and not q.q):
            pairs.append(("vnnews", vn, "sqlite", sq))
        for an, a, bn, b in pairs:
            checked += 1
            if a.total != b.total:
                problems.append(f"{q.id} {q.label()}: total {an} {a.total:,} ≠ {bn} {b.total:,}")
            for diff in _facet_diff(a.facets, b.facets):
                problems.append(f"{q.id} {q.label()}: facet {diff} ({an} vs {bn})")
        # Plain words: vnnews's word fields hold the same pyvi tokens as the peers' columns.
        if q.id in word_totals:
            checked += 1
            if word_totals[q.id] != sq.total:
                problems.append(
                    f"{q.id} {q.label()}: vnnews word-field total {word_totals[q.id]:,} ≠ sqlite {sq.total:,}"
                )
            if vn.total != sq.total:
                differences.append(f"{q.label()} {vn.total:,} vs {sq.total:,}")
    return problems, checked, differences


def _differing_tokens(work: Path) -> int:
    """Articles whose tokens differ between the pyvi pass and the project's segmenter's pass."""
    ours = work / _DEST["segments"]
    differ = 0
    with (work / TOKENS).open(encoding="utf-8") as a, (ours / TOKENS).open(encoding="utf-8") as b:
        for x, y in itertools.zip_longest(a, b):
            differ += x != y
    if (work / META).read_bytes() != (ours / META).read_bytes():
        differ += 1
    return differ


def _corpus_info(
    corpus: Sequence[Path],
    report: PassReport,
    ours: PassReport,
    jobs: int,
    queries: int,
    repeat: int,
    spans: Path | None,
    kept: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON's corpus section: what was indexed, the pyvi-only pass, the size of the run."""
    return {
        "paths": [str(p) for p in corpus],
        # Engines whose builds (and the passes) are an earlier run's, their times with them.
        "kept": list(kept),
        # Set when the spans of the corpus's lines came from a cache: no stage segmented them,
        # so "pyvi_only_s" is then the tokens pass over cached spans, not a pyvi pass.
        "spans": str(spans) if spans else None,
        "records": report.records,
        "articles": report.articles,
        "skipped": report.skipped,
        "duplicate_ids": report.duplicates,
        "characters": report.chars,
        "sources": len(report.sources),
        "top_sources": [s for s, _ in report.sources[:2]],
        "pyvi_only_s": round(report.seconds, 2),
        "pyvi_jobs": jobs,
        "pyvi_cpu_s": {
            "normalise": round(report.normalise_cpu_s, 2),
            "provinces": round(report.tag_cpu_s, 2),
            "segment": round(report.segment_cpu_s, 2),
            "words": round(report.words_cpu_s, 2),
        },
        # The same pass with the project's segmenter: its wall time and segmentation CPU.
        "segmenter_only_s": round(ours.seconds, 2),
        "segmenter_cpu_s": round(ours.segment_cpu_s, 2),
        "queries": queries,
        "repeats": repeat,
    }


def _peers(corpus: Sequence[Path], work: Path, jobs: int, log: Log, spans: Path | None) -> Kept:
    """The tokens pass (and without spans, the project's segmenter's pass) and the peers' builds."""
    if spans is None:
        log(f"pyvi-only pass over {', '.join(map(str, corpus))} with {jobs} processes ...")
        pyvi, info = run_stage("tokens", corpus, work, jobs)
    else:
        log(f"tokens pass over {', '.join(map(str, corpus))} from the spans cached in {spans} ...")
        pyvi, info = run_stage("segments", corpus, work, jobs, spans, dest=work)
    report = PassReport(**info["pass"])
    report.sources = [(src, n) for src, n in report.sources]
    log(
        f"  {report.articles:,} articles ({report.skipped:,} skipped, "
        f"{report.duplicates:,} repeated ids) in {report.seconds:.1f} s, peak {pyvi.peak_mb:.0f} MB"
    )
    if spans is None:
        log("the same pass with the project's segmenter ...")
        _, info = run_stage("segments", corpus, work, jobs)
        ours = PassReport(**info["pass"])
        differing = _differing_tokens(work)
        log(f"  {ours.seconds:.1f} s; articles whose tokens differ from pyvi's: {differing:,}")
    else:
        ours, differing = report, 0
    builds: dict[str, BuildStats] = {}
    for name in ENGINES:
        if name == "vnnews":
            continue
        log(f"building {name} ...")
        own, _ = run_stage(name, corpus, work, jobs)
        # The peers start from the pyvi pass: their way from the corpus includes it.
        builds[name] = BuildStats({"pyvi": pyvi, name: own})
        log(f"  {own.docs:,} articles in {own.seconds:.1f} s, peak {own.peak_mb:.0f} MB")
    kept = Kept(report, ours, differing, builds)
    _save(work, corpus, spans, kept)
    return kept


def run_benchmark(
    corpus: Sequence[Path],
    work: Path,
    repeat: int,
    jobs: int,
    log: Log,
    spans: Path | None = None,
    reuse: str = "none",
) -> BenchResult:
    """Run the whole benchmark in work (its earlier artifacts are replaced).

    With spans (a bench.scale_spans cache), nothing segments the lines the cache holds: the
    peers' tokens come from the project's segmenter's pass over cached spans, vnnews's build
    looks them up too, and no pyvi pass is run (its time would be the whole budget at 2 M).
    reuse="peers" keeps the tokens pass and the peers' indexes an earlier run left for the same
    corpus files, with the times it measured, and builds vnnews again; reuse="all" keeps every
    index and measures them again (after a change to searching alone). Without what it needs
    kept, everything is built.
    """
    if reuse not in REUSE:
        raise ValueError(f"reuse must be one of {', '.join(REUSE)}, not {reuse!r}")
    work.mkdir(parents=True, exist_ok=True)
    wanted = {"none": (), "peers": [n for n in ENGINES if n != "vnnews"], "all": ENGINES}[reuse]
    kept = _kept(work, corpus, spans, wanted) if wanted else None
    reused = list(wanted) if kept is not None else []
    _clean(work, keep=reused)
    if kept is not None:
        log(f"kept from an earlier run in {work}: the tokens pass ({kept.report.seconds:.1f} s), {', '.join(reused)}")
    else:
        kept = _peers(corpus, work, jobs, log, spans)
    report, ours, differing = kept.report, kept.ours, kept.differing
    queries = load_queries([src for src, _ in report.sources])
    if "vnnews" not in kept.builds:
        log("building vnnews ...")
        own, _ = run_stage("vnnews", corpus, work, jobs, spans)
        kept.builds = {"vnnews": BuildStats({"vnnews": own}), **kept.builds}
        _save(work, corpus, spans, kept)
        log(f"  {own.docs:,} articles in {own.seconds:.1f} s, peak {own.peak_mb:.0f} MB")
    builds = {n: kept.builds[n] for n in ENGINES}
    engines: dict[str, EngineResult] = {}
    word_totals: dict[str, int] = {}
    opened: list[Engine] = []
    try:
        for name in ENGINES:
            log(f"opening and warming up {name} ({len(queries)} queries × 2 modes) ...")
            engine = open_engine(name, work)
            opened.append(engine)
            builds[name].index_mb = engine.size_mb()
            engines[name] = EngineResult(name, builds[name])
            _warm_up(engine, queries, engines[name])
            if isinstance(engine, VnnewsEngine):
                for q in queries:
                    if q.plain_words:
                        word_totals[q.id] = engine.word_total(peer_form(q).words)
        gc.collect()
        # Engines take turns within each run, so a busy spell on a shared machine is spread
        # over all of them rather than landing on one.
        for r in range(repeat):
            for engine in opened:
                _measure(engine, queries, engines[engine.name])
            log(f"  run {r + 1}/{repeat} done")
    finally:
        for engine in opened:
            engine.close()
    disagreements, checked, differences = _check(queries, engines, word_totals)
    if differing:
        disagreements.insert(0, f"tokens of {differing:,} articles differ between pyvi and the project's segmenter")
    counts = {name: b.docs for name, b in builds.items()}
    if len(set(counts.values()) | {report.articles}) > 1:
        disagreements.insert(
            0,
            f"article counts differ: pyvi pass {report.articles:,}, "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
        )
    return BenchResult(
        corpus=_corpus_info(corpus, report, ours, jobs, len(queries), repeat, spans, reused),
        queries=list(queries),
        engines=engines,
        word_totals=word_totals,
        disagreements=disagreements,
        checked=checked,
        differences=differences,
    )
