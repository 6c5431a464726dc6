"""The printed table, its notes, the per-query listing and the JSON document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .engines import ENGINES
from .harness import METRICS, BenchResult
from .queries import KINDS

__all__ = ["table", "notes", "per_query", "document", "details"]

_HEADERS = {
    "build_s": "build s",
    "docs_per_s": "docs/s",
    "peak_mb": "peak MB",
    "index_mb": "index MB",
    "p50_ms": "p50 ms",
    "p95_ms": "p95 ms",
    "p99_ms": "p99 ms",
    "facets_p50_ms": "+facets p50",
    "facets_p95_ms": "+facets p95",
    "facets_p99_ms": "+facets p99",
}


def _number(value: float) -> str:
    """Three significant digits or so, without a long tail."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float, base: float) -> str:
    """'×1.85': value relative to SQLite's."""
    if base == 0:
        return "×–"
    r = value / base
    return f"×{r:.0f}" if r >= 100 else f"×{r:.1f}" if r >= 10 else f"×{r:.2f}"


def table(result: BenchResult) -> str:
    """Engines as rows; each cell is the value and its ratio to SQLite in the same run."""
    figures = {name: result.engines[name].metrics() for name in ENGINES}
    base = figures["sqlite"]
    rows = [["engine", *(_HEADERS[m] + " (×SQLite)" if i == 0 else _HEADERS[m] for i, m in enumerate(METRICS))]]
    for name in ENGINES:
        rows.append([name, *(f"{_number(figures[name][m])} {_ratio(figures[name][m], base[m])}" for m in METRICS)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    caption = "each cell: the value and its ratio to SQLite in this run (×1.00 = same as SQLite)"
    return caption + "\n" + "\n".join(lines)


def _kind_totals(result: BenchResult) -> list[str]:
    """Sum of totals per kind of query and engine: where the engines' matching differs."""
    out = []
    for kind in KINDS:
        ids = [q.id for q in result.queries if q.kind == kind]
        if not ids:
            continue
        sums = {n: sum(result.engines[n].outcomes[i].total for i in ids) for n in ENGINES}
        out.append(f"  {kind:<9} ({len(ids):>2} queries): " + ", ".join(f"{n} {sums[n]:>9,}" for n in ENGINES))
    return out


def _segmenter_lines(c: dict[str, Any], build_s: float) -> list[str]:
    """pyvi's segmentation against the project's segmenter, in characters per CPU second."""
    if "segmenter_cpu_s" not in c:
        return []
    chars, pyvi, ours = c["characters"], c["pyvi_cpu_s"]["segment"], max(c["segmenter_cpu_s"], 1e-6)
    return [
        f"segmentation, characters per second per core: pyvi {chars / pyvi:,.0f}, the project's "
        f"segmenter {chars / ours:,.0f} (×{pyvi / ours:.1f}); the same pass with it: "
        f"{c['segmenter_only_s']:.1f} s wall; vnnews's build = ×{build_s / c['pyvi_only_s']:.2f} the "
        f"pyvi-only pass, ×{build_s / c['segmenter_only_s']:.2f} the segmenter's pass",
    ]


def _pass_name(c: dict[str, Any]) -> str:
    """What the peers' tokens pass was: pyvi's, or a lookup of spans cached per line."""
    if c.get("spans"):
        return (
            f"tokens pass over spans cached per sentence in {c['spans']} (bench.scale_spans; no stage "
            "segmented the cached lines, so build times here are not the product's and have no pyvi ratio)"
        )
    return "pyvi-only pass"


def notes(result: BenchResult) -> str:
    """What each column measures, the corpus line, totals by kind, and the cross-check verdict."""
    c = result.corpus
    samples = sum(len(v) for v in result.engines["vnnews"].hits_ms.values())
    cpu = c["pyvi_cpu_s"]
    sources = f"{c['sources']} source" + ("s" if c["sources"] != 1 else "")
    stages = result.engines["sqlite"].build.stages
    pyvi = stages["pyvi"]
    own = {n: result.engines[n].build.stages[n] for n in ENGINES}
    ru = ", ".join(
        f"{n} {st.maxrss_self_mb:.0f}/{st.maxrss_children_mb:.0f}" for n, st in [("pyvi pass", pyvi), *own.items()]
    )
    lines = [
        f"corpus: {', '.join(c['paths'])}: {c['articles']:,} articles "
        f"({c['characters'] / 1e6:.1f} M characters, {sources}); {c['queries']} queries × "
        f"{c['repeats']} runs after a warm-up = {samples} timings per latency column",
        f"{_pass_name(c)} (read, normalise, tag provinces, segment; {c['pyvi_jobs']} processes): "
        f"{c['pyvi_only_s']:.1f} s wall, peak {pyvi.peak_mb:.0f} MB; worker CPU: segment "
        f"{cpu['segment']:.1f} s, word analysis {cpu.get('words', 0):.1f} s, provinces "
        f"{cpu['provinces']:.1f} s, normalise {cpu['normalise']:.1f} s",
        *([] if c.get("spans") else _segmenter_lines(c, result.engines["vnnews"].build.seconds)),
        *(
            [
                f"kept from an earlier run on the same corpus files: the passes and the builds of "
                f"{', '.join(c['kept'])} (their times and peaks are that run's; every engine was measured "
                "in this one)"
            ]
            if c.get("kept")
            else []
        ),
        "build s: from the corpus files to a searchable index. vnnews: its own build (reading, "
        "normalising, tagging, two analyses per field, writing). sqlite, tantivy: the shared "
        f"{'tokens' if c.get('spans') else 'pyvi-only'} pass ({pyvi.seconds:.1f} s) + indexing its tokens (sqlite "
        f"{own['sqlite'].seconds:.2f} s, tantivy {own['tantivy'].seconds:.2f} s). "
        "docs/s = articles / build s.",
        "peak MB: summed PSS of a stage's process and its worker processes, sampled every 0.1 s; "
        "for the peers, the higher of the pyvi pass and their indexing (their indexing alone: "
        f"sqlite {own['sqlite'].peak_mb:.0f} MB, tantivy {own['tantivy'].peak_mb:.0f} MB). "
        f"ru_maxrss of the stage's process / of its largest worker, MB: {ru}.",
        "index MB: disk usage (du) of vnnews's generation folder, the SQLite file, the Tantivy folder.",
        "latency: one call returning the exact total and one page of 10 hits with snippets "
        "(query text segmented inside the call, by the build's segmenter); +facets also counts 34-unit province, "
        "source and year-month (vnnews also category and 63-unit province), each facet ignoring "
        "its own filter. No result cache: every timed query is computed. Engines take turns "
        "within each run.",
        "totals by kind of query (vnnews also matches syllable runs and, for unaccented words, "
        "folded syllables; the peers match pyvi tokens only):",
        *_kind_totals(result),
    ]
    if result.differences:
        plain = len(result.word_totals)
        lines.append(
            f"plain words where vnnews's total differs from the peers' ({len(result.differences)}"
            f" of {plain}; by design: vnnews also matches the syllables in order, e.g. 'bão' "
            "inside 'tâm_bão'): " + "; ".join(result.differences)
        )
    if result.disagreements:
        lines.append(
            f"DISAGREEMENTS ({len(result.disagreements)} of {result.checked} checks of "
            "totals and facets where the semantics are the same):"
        )
        lines += [f"  {d}" for d in result.disagreements]
    else:
        lines.append(
            f"cross-checks: all {result.checked} agree (sqlite = tantivy totals and facets "
            "on every query; all three on browsing; vnnews's word fields = the peers on "
            "plain words)."
        )
    return "\n".join(lines)


def per_query(result: BenchResult) -> str:
    """One line per query: totals and median latency (hits only / + facets) of each engine."""
    lines = [
        "query        " + "".join(f"{n:>28}" for n in ENGINES) + "  text and filters",
        "             " + "".join(f"{'total  p50 / +facets ms':>28}" for _ in ENGINES),
    ]
    for q in result.queries:
        cells = []
        for n in ENGINES:
            e = result.engines[n]
            hit = float(np.median(e.hits_ms[q.id]))
            fac = float(np.median(e.facets_ms[q.id]))
            cells.append(f"{e.outcomes[q.id].total:>10,} {hit:>7.1f} / {fac:>7.1f}")
        extra = ""
        if q.id in result.word_totals:
            extra = f"  (vnnews word fields: {result.word_totals[q.id]:,})"
        lines.append(f"{q.id:<13}" + "".join(f"{c:>28}" for c in cells) + f"  {q.label()}{extra}")
    return "\n".join(lines)


def document(result: BenchResult) -> dict[str, Any]:
    """The JSON document: {"corpus": {...}, "engines": {name: {the ten metrics}}}."""
    return {
        "corpus": result.corpus,
        "engines": {name: result.engines[name].metrics() for name in ENGINES},
    }


def details(result: BenchResult, engines: Sequence[str] = ENGINES) -> dict[str, Any]:
    """Per-query totals, hits and timings of every engine (written beside the indexes)."""
    return {
        q.id: {
            "kind": q.kind,
            "label": q.label(),
            **{
                n: {
                    "total": result.engines[n].outcomes[q.id].total,
                    "ids": result.engines[n].outcomes[q.id].ids,
                    "hits_ms": [round(x, 3) for x in result.engines[n].hits_ms[q.id]],
                    "facets_ms": [round(x, 3) for x in result.engines[n].facets_ms[q.id]],
                }
                for n in engines
            },
        }
        for q in result.queries
    }
