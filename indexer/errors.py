"""Exceptions raised by vnnews-search; callers catch VnnewsError for anything the project raises."""

from __future__ import annotations

__all__ = [
    "VnnewsError",
    "IndexNotFound",
    "IndexBusy",
    "IndexWriteError",
    "UnknownProvince",
    "BadRequest",
    "ArticleNotFound",
]


class VnnewsError(Exception):
    """Base class of every error the project raises on purpose."""


class IndexNotFound(VnnewsError):
    """No usable index at the given location."""


class IndexOutdated(IndexNotFound):
    """An index written by an older version, in a layout this one cannot search."""


class IndexBusy(VnnewsError):
    """Another build holds the index's lock."""


class IndexWriteError(VnnewsError):
    """The index could not be written; the previous generation is untouched."""


class UnknownProvince(VnnewsError):
    """A province name that matches no unit of the requested era."""

    def __init__(self, name: str, era: str, suggestions: list[str]) -> None:
        """Record the rejected name, its era and up to five close matches."""
        self.name = name
        self.era = era
        self.suggestions = list(suggestions[:5])
        # The web layer reports which query parameter was wrong: one per era.
        self.param = "province" if era == "new" else "province_old"
        units = "34 units since 2025-07-01" if era == "new" else "63 units before 2025-07-01"
        message = f"unknown province {name!r} ({units})"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions)
        super().__init__(message)


class BadRequest(VnnewsError):
    """A search parameter with an unusable value; param names it."""

    def __init__(self, param: str, message: str) -> None:
        """Record which parameter was wrong."""
        self.param = param
        super().__init__(message)


class ArticleNotFound(VnnewsError):
    """No article with that id."""
