"""Vietnam's provinces in both eras (gazetteer, name resolution) and the article tagger."""

from .gazetteer import ERAS, Era, Gazetteer, Province, lookup_key, slugify
from .salience import Salience, Signal
from .tagger import THRESHOLD as TAG_THRESHOLD
from .tagger import Evidence, Tagger, Tagging, tag, tagger

__all__ = [
    "ERAS",
    "Era",
    "Gazetteer",
    "Province",
    "lookup_key",
    "slugify",
    "TAG_THRESHOLD",
    "Salience",
    "Signal",
    "Evidence",
    "Tagger",
    "Tagging",
    "tag",
    "tagger",
]
