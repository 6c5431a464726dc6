"""Command line: python -m indexer build | search | stats."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import click

from .errors import BadRequest, VnnewsError

DEFAULT_INDEX = "var/index"


def _fail(err: VnnewsError) -> None:
    param = getattr(err, "param", None)
    prefix = f"--{param.replace('_', '-')}: " if param else ""
    raise click.ClickException(prefix + str(err))


def _day(value: str | None, param: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(param, f"{param} must be an ISO date like 2021-05-31, not {value!r}") from None


@click.group()
def main() -> None:
    """Index and search Vietnamese news archives."""


@main.command()
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    required=True,
    type=click.Path(),
    help="A .jsonl, .jsonl.gz or .txt file, or a folder of them (repeatable).",
)
@click.option(
    "--index",
    "index",
    default=DEFAULT_INDEX,
    show_default=True,
    type=click.Path(),
    help="Index directory.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for segmentation [default: all cores].",
)
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in atomically.")
@click.option("--prune", is_flag=True, help="Remove articles whose ids are no longer in the corpus.")
@click.option("--quiet", "-q", is_flag=True, help="Do not list each skipped record.")
def build(corpus: tuple[str, ...], index: str, jobs: int | None, rebuild: bool, prune: bool, quiet: bool) -> None:
    """Index articles; incremental unless --rebuild.

    Example: python -m indexer build --corpus corpus/ --corpus ../shared/corpus/dantri-unc.jsonl.gz
    --index var/index

    Exit status: 0 when every record was indexed, 3 when some were skipped, 1 on failure.
    """
    from .builder import build as run_build

    def show(problem: Any) -> None:
        if not quiet:
            click.echo(f"warning: {problem}", err=True)

    try:
        report = run_build(corpus, index, jobs=jobs, rebuild=rebuild, prune=prune, on_problem=show)
    except VnnewsError as err:
        _fail(err)
        return
    click.echo(report.summary())
    if report.skipped_count:
        sys.exit(3)


@main.command()
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(index: str, as_json: bool) -> None:
    """Article count, date range, counts by source and category, index size.

    Example: python -m indexer stats --index var/index --json
    """
    from .stats import index_stats

    try:
        info = index_stats(index)
    except VnnewsError as err:
        _fail(err)
        return
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"{info['articles']:,} articles in {info['path']} ({info['size_mb']:.1f} MB)")
    click.echo(f"dates: {info['date_min'] or '-'} → {info['date_max'] or '-'}; undated {info['undated']:,}")
    for key in ("sources", "categories", "date_sources"):
        rows = ", ".join(f"{k or '(none)'} {v:,}" for k, v in info[key].items())
        click.echo(f"{key.replace('_', ' ')}: {rows}")


@main.command()
@click.argument("query", default="")
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path())
@click.option("--province", multiple=True, help="Province after July 2025 (34 units); repeatable.")
@click.option("--province-old", multiple=True, help="Province before July 2025 (63 units); repeatable.")
@click.option("--source", multiple=True, help="Source, e.g. dantri.com.vn; repeatable.")
@click.option("--category", multiple=True, help="Category; repeatable.")
@click.option("--from", "date_from", help="First day, ISO (2021-01-31).")
@click.option("--to", "date_to", help="Last day, ISO, inclusive.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance")
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=10)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON document as /api/search.")
def search(
    query: str,
    index: str,
    province: tuple[str, ...],
    province_old: tuple[str, ...],
    source: tuple[str, ...],
    category: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
) -> None:
    """Search the index; an empty QUERY browses (newest first).

    Example: python -m indexer search --index var/index --province "bac ninh" "khủng bố"
    """
    from .facets import Snapshot
    from .search import SearchRequest
    from .search import search as run_search

    try:
        req = SearchRequest(
            q=query,
            province=province,
            province_old=province_old,
            source=source,
            category=category,
            date_from=_day(date_from, "from"),
            date_to=_day(date_to, "to"),
            sort=sort,
            page=page,
            per_page=per_page,
        )
        with Snapshot.open(index) as snap:
            result = run_search(snap, req)
    except VnnewsError as err:
        _fail(err)
        return
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    note = f"; relaxed: {result.relaxed}" if result.relaxed else ""
    click.echo(f"{result.total:,} articles ({result.took_ms:.0f} ms){note}")
    if result.suggestion:
        click.echo(f"did you mean: {result.suggestion['text']}")
    first = (result.page - 1) * result.per_page
    for n, hit in enumerate(result.hits, start=first + 1):
        meta = " · ".join(x for x in (hit.date, hit.source, ", ".join(hit.provinces)) if x)
        click.echo(f"{n:>3}. {hit.title}\n     {meta}  [{hit.id}]")
        plain = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        if plain:
            click.echo(f"     {unescape(plain)}")
    if result.facets:
        for key in ("province", "source"):
            top = ", ".join(f"{v['value']} {v['count']:,}" for v in result.facets[key][:8])
            if top:
                click.echo(f"{key}: {top}")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(Path(sys.argv[0]).parent))
