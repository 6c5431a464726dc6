"""Building an index: records prepared by worker processes, written by one writer, published atomically."""

from .builder import build
from .report import BuildReport
from .workers import Prepared, Preparer

__all__ = ["build", "BuildReport", "Prepared", "Preparer"]
