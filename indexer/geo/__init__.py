"""Vietnam's provinces in both eras (gazetteer, name resolution) and the article tagger."""

from .gazetteer import ERAS, Era, Gazetteer, Province, lookup_key, slugify
from .tagger import Tagger, tag, tagger

__all__ = ["ERAS", "Era", "Gazetteer", "Province", "lookup_key", "slugify", "Tagger", "tag", "tagger"]
