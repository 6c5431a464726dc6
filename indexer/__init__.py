"""vnnews-search: index Vietnamese news archives with Whoosh and search them, with facets.

The library's public surface; the web application, the CLI and the benchmarks use only this:

    from indexer import build, Index, SearchRequest, search
    build(["corpus/"], "var/index")
    with Index("var/index").snapshot() as snap:
        result = search(snap, SearchRequest(q="khủng bố", province=("Bắc Ninh",)))

The packages, in pipeline order, are described in ARCHITECTURE.md.
"""

from typing import Any

from .errors import (
    ArticleNotFound,
    BadRequest,
    IndexBusy,
    IndexNotFound,
    IndexOutdated,
    IndexWriteError,
    ShardUnavailable,
    UnknownProvince,
    VnnewsError,
)
from .geo import TAG_THRESHOLD, Era, Gazetteer, Salience, Tagging, slugify
from .indexing import BuildReport, build, optimize
from .ingest import MAX_ID_LENGTH, Article, Problem, id_problem, valid_id
from .search import (
    FACETS,
    INTERVALS,
    MAX_PER_PAGE,
    MAX_QUERIES,
    MAX_QUERY_LENGTH,
    MAX_RESULTS,
    MAX_SIMILAR,
    MAX_TERMS,
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    NORMALIZE,
    PARAMS,
    SORTS,
    Facet,
    Hit,
    Index,
    Param,
    SearchRequest,
    SearchResult,
    ShardedSnapshot,
    Snapshot,
    Synonyms,
    SynonymsError,
    Trends,
    get_article,
    get_story,
    highlight,
    index_stats,
    key_terms,
    month_range,
    search,
    similar,
    trends,
    year_range,
)
from .store.merge import MergePolicy
from .text.segmentation import tokenize, tokenize_all

__all__ = [
    "tokenize",
    "tokenize_all",
    "BuildReport",
    "MergePolicy",
    "build",
    "optimize",
    "ArticleNotFound",
    "BadRequest",
    "IndexBusy",
    "IndexNotFound",
    "IndexOutdated",
    "IndexWriteError",
    "UnknownProvince",
    "VnnewsError",
    "Era",
    "Gazetteer",
    "TAG_THRESHOLD",
    "Salience",
    "Tagging",
    "slugify",
    "MAX_ID_LENGTH",
    "Article",
    "Problem",
    "id_problem",
    "valid_id",
    "FACETS",
    "MAX_PER_PAGE",
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "MAX_SIMILAR",
    "MAX_VALUE_LENGTH",
    "MAX_VALUES",
    "PARAMS",
    "SORTS",
    "Facet",
    "Hit",
    "Index",
    "Synonyms",
    "SynonymsError",
    "Param",
    "SearchRequest",
    "SearchResult",
    "Snapshot",
    "get_article",
    "get_story",
    "trends",
    "Trends",
    "INTERVALS",
    "NORMALIZE",
    "MAX_QUERIES",
    "highlight",
    "index_stats",
    "month_range",
    "search",
    "similar",
    "year_range",
    "ShardedSnapshot",
    "ShardUnavailable",
    "ClusterIndex",
    "key_terms",
    "MAX_TERMS",
]


def __getattr__(name: str) -> Any:
    """ClusterIndex, imported on first use: only the cluster backend needs Ray (the `cluster` extra)."""
    if name == "ClusterIndex":
        from .cluster import ClusterIndex

        return ClusterIndex
    raise AttributeError(f"module 'indexer' has no attribute {name!r}")
