"""Text before analysis: cleaning and tone-mark style, legacy encodings, pyvi segmentation."""

from .abbreviation import Abbreviations, abbreviations
from .legacy import LegacyEncodingError, repair
from .normalization import canonical_tones, clean, fold, has_diacritics, normalize
from .segmentation import Span, segment, units, warm_up

__all__ = [
    "Abbreviations",
    "abbreviations",
    "LegacyEncodingError",
    "repair",
    "canonical_tones",
    "clean",
    "fold",
    "has_diacritics",
    "normalize",
    "Span",
    "segment",
    "units",
    "warm_up",
]
