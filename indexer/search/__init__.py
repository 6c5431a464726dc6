"""Searching an index: requests, snapshots, plan execution, BM25F, facets, suggestions, highlighting."""

from ..query.synonyms import Synonyms, SynonymsError
from .facets import FACETS, DateFacet, Facet, Filters, SetFacet, UnitChoice, ValueFacet, month_range, year_range
from .request import (
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    MAX_RESULTS,
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    PARAMS,
    SORTS,
    Param,
    SearchRequest,
)
from .result import Hit, SearchResult
from .searcher import MAX_SIMILAR, get_article, get_story, highlight, search, similar
from .snapshot import Index, ShardedSnapshot, Snapshot
from .stats import index_stats
from .terms import MAX_TERMS, KeyTerm, key_terms
from .trends import INTERVALS, MAX_QUERIES, NORMALIZE, Series, Trends, trends

__all__ = [
    "FACETS",
    "DateFacet",
    "Facet",
    "Filters",
    "SetFacet",
    "UnitChoice",
    "ValueFacet",
    "month_range",
    "year_range",
    "MAX_PER_PAGE",
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "MAX_SIMILAR",
    "MAX_VALUE_LENGTH",
    "MAX_VALUES",
    "PARAMS",
    "SORTS",
    "Param",
    "SearchRequest",
    "Hit",
    "SearchResult",
    "get_article",
    "get_story",
    "trends",
    "Trends",
    "Series",
    "INTERVALS",
    "NORMALIZE",
    "MAX_QUERIES",
    "highlight",
    "search",
    "similar",
    "Index",
    "Snapshot",
    "ShardedSnapshot",
    "index_stats",
    "key_terms",
    "KeyTerm",
    "MAX_TERMS",
    "Synonyms",
    "SynonymsError",
]
