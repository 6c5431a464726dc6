"""Whoosh analysis for Vietnamese: tokenizers, filters and the analyzers composed from them.

Whoosh pickles each field's analyzer into the index by class path, so the classes are also
re-exported here: an index that names `indexer.analysis.WordTokenizer` still opens.
"""

from .analyzers import folded_analyzer, plain_terms, syllable_analyzer, syllable_pairs_analyzer, word_analyzer
from .filters import FoldFilter, PairFilter, pair
from .tokenizers import SyllableTokenizer, TermTokenizer, WordTokenizer

__all__ = [
    "WordTokenizer",
    "SyllableTokenizer",
    "TermTokenizer",
    "FoldFilter",
    "PairFilter",
    "pair",
    "plain_terms",
    "word_analyzer",
    "syllable_analyzer",
    "syllable_pairs_analyzer",
    "folded_analyzer",
]
