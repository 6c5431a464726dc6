"""Command line: python -m indexer build | optimize | stats | search | segment (a thin layer over the library)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import click

from . import (
    INTERVALS,
    NORMALIZE,
    PARAMS,
    Index,
    Problem,
    SearchRequest,
    Synonyms,
    VnnewsError,
    build,
    index_stats,
    optimize,
    search,
    tokenize_all,
    trends,
)

DEFAULT_INDEX = "var/index"


def _fail(err: VnnewsError) -> None:
    if err.param == "q":
        prefix = "QUERY: "
    else:
        prefix = f"--{err.param.replace('_', '-')}: " if err.param else ""
    raise click.ClickException(prefix + str(err))


@click.group()
def main() -> None:
    """Index and search Vietnamese news archives."""


@main.command("build")
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    required=True,
    type=click.Path(),
    help="A .jsonl, .jsonl.gz or .txt file, or a folder of them (repeatable).",
)
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path(), help="Index directory.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for segmentation [default: all cores].",
)
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in atomically.")
@click.option("--prune", is_flag=True, help="Remove articles whose ids are no longer in the corpus.")
@click.option("--quiet", "-q", is_flag=True, help="Do not list each skipped record.")
@click.option(
    "--shards",
    type=click.IntRange(1, 1024),
    default=None,
    help="Build a sharded index of this many shards (articles routed by a hash of their id).",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    default=None,
    help="Analyse on the Ray cluster at ADDRESS ('auto': the one started on this machine; 'local': a new "
    "one in this process). Needs the cluster extra.",
)
def build_command(
    corpus: tuple[str, ...],
    index: str,
    jobs: int | None,
    rebuild: bool,
    prune: bool,
    quiet: bool,
    shards: int | None,
    cluster: str | None,
) -> None:
    """Index articles; incremental unless --rebuild.

    Each skipped record is listed on stderr with its file, line and reason. Exit status: 0 when
    every record was indexed, 3 when some were skipped, 1 on failure. A sharded index stays
    sharded: later builds update its shards without --shards.

    \b
    Examples:
      python -m indexer build --corpus corpus/ --index var/index
      python -m indexer build --corpus ../shared/corpus/dantri-unc.jsonl.gz --index var/index --prune
      python -m indexer build --corpus ../shared/corpus --index var/sharded --shards 4
      python -m indexer build --corpus ../shared/corpus --index /shared/ix --shards 8 --cluster auto
    """

    def show(problem: Problem) -> None:
        if not quiet:
            click.echo(f"warning: {problem}", err=True)

    try:
        prepare = None
        if cluster:
            from .cluster import on_cluster  # only a cluster build needs Ray

            prepare = on_cluster(cluster)
        report = build(
            corpus, index, jobs=jobs, rebuild=rebuild, prune=prune, on_problem=show, shards=shards, prepare=prepare
        )
    except VnnewsError as err:
        _fail(err)
        return
    click.echo(report.summary())
    if report.skipped_count:
        sys.exit(3)


@main.command("optimize")
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path(), help="Index directory.")
def optimize_command(index: str) -> None:
    """Merge the index into one segment, dropping deleted articles (a new generation).

    Updates merge segments on their own, in tiers; this is for an index that will not change
    for a while (an archive, a snapshot to ship). Readers keep the previous generation meanwhile.

    \b
    Example:
      python -m indexer optimize --index var/index
    """
    try:
        report = optimize(index)
    except VnnewsError as err:
        _fail(err)
        return
    click.echo(report.summary())


@main.command()
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path(), help="Index directory.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(index: str, as_json: bool) -> None:
    """Article count, date range, counts by source and category, index size.

    \b
    Example:
      python -m indexer stats --index var/index --json
    """
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


@main.command("segment")
@click.argument("source", default="-", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--pyvi", "use_pyvi", is_flag=True, help="Print pyvi's own output (ViTokenizer.tokenize) instead.")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(min=1), help="Lines segmented together.")
def segment_command(source: Any, use_pyvi: bool, batch: int) -> None:
    """Segment a text file (standard input: -) line by line into pyvi words, in pyvi's own format.

    A word's syllables are joined by "_", words and punctuation separated by spaces: the output
    of pyvi's ViTokenizer.tokenize, exactly, from the project's faster segmenter.

    \b
    Examples:
      python -m indexer segment articles.txt > words.txt
      python -m indexer segment --pyvi < articles.txt | diff - words.txt
    """
    if use_pyvi:
        from pyvi.ViTokenizer import ViTokenizer

        def run(lines: list[str]) -> list[str]:
            return [ViTokenizer.tokenize(line) for line in lines]

    else:
        run = tokenize_all
    lines: list[str] = []
    for line in source:
        lines.append(line.rstrip("\n"))
        if len(lines) >= batch:
            click.echo("\n".join(run(lines)))
            lines = []
    if lines:
        click.echo("\n".join(run(lines)))


def _request_options(command: Callable[..., Any], skip: tuple[str, ...] = ("q",)) -> Callable[..., Any]:
    """One option per request parameter but those skipped, from the request's own definition."""
    for p in reversed([p for p in PARAMS if p.name not in skip]):
        flag = "--" + p.name.replace("_", "-")
        help = p.help
        if p.kind == "values":
            command = click.option(flag, p.name, multiple=True, help=help + " Repeatable.")(command)
        else:
            metavar = {"date": "YYYY-MM-DD", "integer": "N", "choice": "|".join(p.choices)}.get(p.kind, "TEXT")
            command = click.option(flag, p.name, metavar=metavar, help=help)(command)
    return command


@main.command("search")
@click.argument("query", default="")
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path(), help="Index directory.")
@_request_options
@click.option(
    "--synonyms",
    "synonyms_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The archive's own variants and abbreviations (lines of forms joined by ' | '), added to the shipped list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON document as /api/search.")
def search_command(query: str, index: str, synonyms_file: str | None, as_json: bool, **params: Any) -> None:
    """Search the index; an empty QUERY browses (newest first).

    Filters take names in any case or accent form, slugs or aliases; each is checked as the
    web's are, and a bad one is named.

    \b
    Examples:
      python -m indexer search --index var/index "khủng bố"
      python -m indexer search --index var/index --province "bac ninh" --from 2021-01-01 --sort newest
      python -m indexer search --index var/index --variants off "ô tô"
    """
    args = {name: [v] if isinstance(v, str) else list(v) for name, v in params.items() if v}
    args["q"] = [query]
    try:
        req = SearchRequest.from_params(args)
        synonyms = Synonyms.load(synonyms_file) if synonyms_file else None
        with Index(index, synonyms=synonyms).snapshot() as snap:
            result = search(snap, req)
    except VnnewsError as err:
        _fail(err)
        return
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    note = f"; relaxed: {result.relaxed}" if result.relaxed else ""
    stories = f" in {result.stories:,} stories" if result.stories is not None else ""
    click.echo(f"{result.total:,} articles{stories} ({result.took_ms:.0f} ms){note}")
    if result.suggestion:
        click.echo(f"did you mean: {result.suggestion['text']}")
    groups = result.variants["groups"]
    if groups:
        said = "; ".join(f"{', '.join(g['also'])} (for {g['typed']})" for g in groups)
        click.echo(f"also searched: {said}" if result.variants["on"] else f"not searched (--variants off): {said}")
    first = (result.page - 1) * result.per_page
    for n, hit in enumerate(result.hits, start=first + 1):
        meta = " · ".join(x for x in (hit.date, hit.source, ", ".join(hit.provinces)) if x)
        click.echo(f"{n:>3}. {hit.title}\n     {meta}  [{hit.id}]")
        plain = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        if plain:
            click.echo(f"     {unescape(plain)}")
        if hit.story and hit.story["size"] > 1:
            outlets = ", ".join(hit.story["sources"])
            click.echo(f"     story of {hit.story['size']} articles ({outlets})  [{hit.story['id']}]")
    if result.facets:
        for key in ("province", "source"):
            top = ", ".join(f"{v['value']} {v['count']:,}" for v in result.facets[key][:8])
            if top:
                click.echo(f"{key}: {top}")


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The request's filters (and variants) as options: what a trends line is counted under."""
    return _request_options(command, skip=("q", "sort", "page", "per_page", "collapse"))


@main.command("trends")
@click.option("-q", "--query", "queries", multiple=True, help="A query to count (up to 4; none: every article).")
@click.option("--index", default=DEFAULT_INDEX, show_default=True, type=click.Path(), help="Index directory.")
@click.option("--interval", type=click.Choice(INTERVALS), default="month", show_default=True, help="Period length.")
@click.option(
    "--normalize",
    type=click.Choice(NORMALIZE),
    default="count",
    show_default=True,
    help="count: matches per period; share: matches over all the period's articles (under the same filters).",
)
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON document as /api/trends.")
def trends_command(
    queries: tuple[str, ...], index: str, interval: str, normalize: str, as_json: bool, **params: Any
) -> None:
    """Count up to four queries' matches per day, week or month, under the same filters.

    Periods with fewer than 20 articles (under the filters) are marked with *: a share there
    means little.

    \b
    Examples:
      python -m indexer trends --index var/index -q "bão" -q "lũ lụt" --interval week
      python -m indexer trends --index var/index -q "vắc xin" --normalize share --province "Hà Nội"
    """
    args = {name: [v] if isinstance(v, str) else list(v) for name, v in params.items() if v}
    try:
        req = SearchRequest.from_params(args)
        with Index(index).snapshot() as snap:
            found = trends(snap, queries, req, interval, normalize)
    except VnnewsError as err:
        _fail(err)
        return
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        return
    names = [s.query for s in found.series]
    click.echo("\t".join(["period", "articles", *names]))
    for i, period in enumerate(found.periods):
        cells = [f"{period}{'*' if found.sparse[i] else ''}", str(found.articles[i])]
        for s in found.series:
            share = s.shares[i]
            cells.append(f"{share * 100:.2f}%" if normalize == "share" and share is not None else str(s.counts[i]))
        click.echo("\t".join(cells))
    totals = ", ".join(f"{s.query}: {s.total:,}" for s in found.series)
    undated = f"{found.undated:,} undated articles not counted"
    click.echo(f"{len(found.periods)} {interval}s; {totals or 'no query'}; {undated}")


def reference(width: int = 100) -> str:
    """Every command's --help, as the README's command-line reference shows it (made by cog)."""
    from click.testing import CliRunner

    runner = CliRunner()
    parts = []
    for args in ([], *([name] for name in main.commands)):
        result = runner.invoke(main, [*args, "--help"], prog_name="python -m indexer", terminal_width=width)
        parts.append("$ python -m indexer " + " ".join([*args, "--help"]) + "\n" + result.output.rstrip() + "\n")
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(Path(sys.argv[0]).parent))
