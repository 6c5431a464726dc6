"""Exceptions raised by vnnews-search; callers catch VnnewsError for anything the project raises.

Each class says what kind of failure it is as an HTTP-style status and a short code, so the web
answers every one of them from one handler and the CLI can name the parameter at fault.
"""

from __future__ import annotations

__all__ = [
    "VnnewsError",
    "IndexNotFound",
    "IndexOutdated",
    "IndexBusy",
    "IndexWriteError",
    "UnknownProvince",
    "BadRequest",
    "ArticleNotFound",
    "ShardUnavailable",
]


class VnnewsError(Exception):
    """Base class of every error the project raises on purpose."""

    status = 500
    code = "internal_error"
    # The request parameter at fault, for errors about one.
    param: str | None = None

    def details(self) -> dict[str, object]:
        """Extra fields of the error's JSON document."""
        return {}


class IndexNotFound(VnnewsError):
    """No usable index at the given location."""

    status = 503
    code = "index_unavailable"


class IndexOutdated(IndexNotFound):
    """An index written by an older version, in a layout this one cannot search."""

    code = "index_outdated"


class IndexBusy(VnnewsError):
    """Another build holds the index's lock."""

    status = 409
    code = "index_busy"


class IndexWriteError(VnnewsError):
    """The index could not be written; the previous generation is untouched."""

    code = "index_write_error"


class BadRequest(VnnewsError):
    """A search parameter with an unusable value; param names it."""

    status = 400
    code = "bad_parameter"

    def __init__(self, param: str, message: str) -> None:
        """Record which parameter was wrong."""
        self.param = param
        super().__init__(message)


class UnknownProvince(BadRequest):
    """A province name that matches no unit of the requested era."""

    code = "unknown_province"

    def __init__(self, name: str, era: str, suggestions: list[str]) -> None:
        """Record the rejected name, its era and up to five close matches."""
        self.name = name
        self.era = era
        self.suggestions = list(suggestions[:5])
        units = "34 units since 2025-07-01" if era == "new" else "63 units before 2025-07-01"
        message = f"unknown province {name!r} ({units})"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions)
        # One query parameter per era.
        super().__init__("province" if era == "new" else "province_old", message)

    def details(self) -> dict[str, object]:
        """The close names."""
        return {"suggestions": self.suggestions}


class ArticleNotFound(VnnewsError):
    """No article with that id."""

    status = 404
    code = "not_found"


class ShardUnavailable(VnnewsError):
    """The shard an answer needs is down (a search instead says which shards it lacks)."""

    status = 503
    code = "shard_unavailable"
