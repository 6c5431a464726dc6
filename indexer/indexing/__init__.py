"""Building an index: records prepared by worker processes, written by one writer, published atomically."""

from .builder import DEFAULT_POLICY, build, optimize
from .report import BuildReport
from .workers import Prepared, Preparer

__all__ = ["build", "optimize", "DEFAULT_POLICY", "BuildReport", "Prepared", "Preparer"]
