"""What to search, defined once: the request's fields, their parameters, their one validation.

The web's URL parameters, the CLI's `search` options and the OpenAPI description are all made
from PARAMS, and every request (typed or read from strings) is checked by SearchRequest itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Literal

from ..errors import BadRequest

__all__ = [
    "SearchRequest",
    "Param",
    "PARAMS",
    "SORTS",
    "SCOPES",
    "COLLAPSES",
    "MAX_PER_PAGE",
    "MAX_RESULTS",
    "MAX_QUERY_LENGTH",
    "MAX_VALUES",
    "MAX_VALUE_LENGTH",
]

SORTS = ("relevance", "newest", "oldest")
SWITCH = ("on", "off")
SCOPES = ("about", "mentions")
COLLAPSES = ("none", "story")
MAX_PER_PAGE = 100
# Deepest result reachable by paging or export; bounds the work of one request.
MAX_RESULTS = 10_000
# The parser reads the first 500 characters; longer text is refused so that echoed URLs (every
# facet value carries one) stay small.
MAX_QUERY_LENGTH = 1000
MAX_VALUES = 50
MAX_VALUE_LENGTH = 200

Kind = Literal["text", "values", "date", "choice", "integer"]


@dataclass(frozen=True)
class Param:
    """One request field as a parameter: its name in URLs and on the command line, and its form."""

    name: str
    attr: str
    kind: Kind
    help: str
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


def _param(name: str, kind: Kind, help: str, **extra: Any) -> dict[str, Param]:
    """Field metadata naming the field's parameter (the attribute is filled in below)."""
    return {"param": Param(name, "", kind, help, **extra)}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_INT = re.compile(r"-?[0-9]{1,12}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class SearchRequest:
    """Query text, filters (values within a facet are OR, facets AND), sort and page.

    Constructing one validates it: a BadRequest names the parameter at fault.
    """

    q: str = field(
        default="",
        metadata=_param(
            "q",
            "text",
            'Words (all required), "phrases", -exclusions (-300 is a number), a OR b, '
            "title:/sapo:/body:/author: prefixes; diacritics optional. Empty: every article, newest first.",
        ),
    )
    province: tuple[str, ...] = field(
        default=(), metadata=_param("province", "values", "Province since July 2025 (34 units), any spelling.")
    )
    province_old: tuple[str, ...] = field(
        default=(), metadata=_param("province_old", "values", "Province before July 2025 (63 units), any spelling.")
    )
    province_scope: str = field(
        default="about",
        metadata=_param(
            "province_scope",
            "choice",
            "What province and province_old filter and count: about (the provinces an article is about) "
            "or mentions (every province it names, in passing too).",
            choices=SCOPES,
        ),
    )
    source: tuple[str, ...] = field(default=(), metadata=_param("source", "values", "Source as indexed."))
    category: tuple[str, ...] = field(default=(), metadata=_param("category", "values", "Category as indexed."))
    date_from: date | None = field(default=None, metadata=_param("from", "date", "First day, YYYY-MM-DD."))
    date_to: date | None = field(default=None, metadata=_param("to", "date", "Last day, YYYY-MM-DD, inclusive."))
    sort: str = field(
        default="relevance",
        metadata=_param("sort", "choice", "relevance (newest when q is empty), newest or oldest.", choices=SORTS),
    )
    variants: str = field(
        default="on",
        metadata=_param(
            "variants",
            "choice",
            "on: words also match their listed spelling variants and abbreviations (ô tô: ôtô; UBND: Ủy ban "
            "nhân dân), with a lower weight; off: only as typed.",
            choices=SWITCH,
        ),
    )
    collapse: str = field(
        default="none",
        metadata=_param(
            "collapse",
            "choice",
            "story: one row per story (articles of several outlets reporting the same event), led by its "
            "best-ranked article; page and per_page then count stories.",
            choices=COLLAPSES,
        ),
    )
    page: int = field(default=1, metadata=_param("page", "integer", "Page number.", low=1, high=MAX_RESULTS))
    per_page: int = field(
        default=10, metadata=_param("per_page", "integer", "Hits per page.", low=1, high=MAX_PER_PAGE)
    )
    facets: bool = True
    snippets: bool = True

    def __post_init__(self) -> None:
        if len(self.q) > MAX_QUERY_LENGTH:
            raise BadRequest("q", f"q is {len(self.q):,} characters long; at most {MAX_QUERY_LENGTH:,} are accepted")
        for p in PARAMS:
            if p.kind == "values":
                _check_values(p.name, getattr(self, p.attr))
        for p in PARAMS:
            if p.kind == "choice" and getattr(self, p.attr) not in p.choices:
                value = getattr(self, p.attr)
                raise BadRequest(p.name, f"{p.name} must be one of {', '.join(p.choices)}, not {_shown(str(value))}")
        for name in ("page", "per_page"):
            p = _BY_NAME[name]
            value = getattr(self, name)
            if not p.low <= value <= p.high:
                raise BadRequest(name, f"{name} must be between {p.low} and {p.high:,}, not {value:,}")
        # Two rules span parameters, so they are answers, not errors: a page past the first
        # MAX_RESULTS results has no hits (the total stays exact), and a range that ends before
        # it starts holds no day.

    @classmethod
    def from_params(
        cls, args: Mapping[str, Sequence[str]], *, per_page: int = 10, **overrides: Any
    ) -> SearchRequest:
        """A request from parameter strings (a URL's, or the command line's), name → values.

        A scalar given twice is refused rather than guessed. An empty value is absent (forms
        send empty fields); anything else must be well formed as it is: numbers and dates are
        not trimmed, and a filter value of only spaces or control characters is refused. In
        text, control characters become spaces. per_page is the default page size.
        """
        for p in PARAMS:
            n = len(args.get(p.name, ()))
            if p.kind != "values" and n > 1:
                raise BadRequest(p.name, f"{p.name} was given {n} times; give it at most once")
            if n > MAX_VALUES:  # counted as given, repeats and empty ones included
                raise BadRequest(p.name, f"at most {MAX_VALUES} {p.name} values may be given, not {n}")
        values: dict[str, Any] = {"per_page": per_page}
        for p in PARAMS:
            given = [v for v in args.get(p.name, ()) if v != ""]
            if p.kind == "values":
                cleaned = [_clean(v) for v in given]
                if not all(cleaned):
                    raise BadRequest(p.name, f"{p.name} values may not be blank")
                values[p.attr] = tuple(dict.fromkeys(cleaned))
            elif given:
                values[p.attr] = _READERS[p.kind](p, given[0])
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes: Any) -> SearchRequest:
        """A copy with some fields changed (and validated again)."""
        return replace(self, **changes)

    def params(self, *, per_page: int = 10) -> list[tuple[str, str]]:
        """This request as parameters, in PARAMS order, defaults (per_page: the given one) left out."""
        out: list[tuple[str, str]] = []
        for p in PARAMS:
            value = getattr(self, p.attr)
            default = per_page if p.attr == "per_page" else _DEFAULTS[p.attr]
            if p.kind == "values":
                out.extend((p.name, v) for v in value)
            elif value != default:
                out.append((p.name, value.isoformat() if isinstance(value, date) else str(value)))
        return out


def _clean(text: str) -> str:
    """Control characters become spaces; surrounding whitespace goes."""
    return _CONTROL.sub(" ", text).strip()


def _shown(value: str) -> str:
    """A rejected value quoted for an error message, shortened."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _check_values(name: str, values: tuple[str, ...]) -> None:
    if len(values) > MAX_VALUES:
        raise BadRequest(name, f"at most {MAX_VALUES} {name} values may be given, not {len(values)}")
    if any(len(v) > MAX_VALUE_LENGTH for v in values):
        raise BadRequest(name, f"{name} values are at most {MAX_VALUE_LENGTH} characters long")


def _integer(p: Param, raw: str) -> int:
    if not _INT.fullmatch(raw):
        raise BadRequest(p.name, f"{p.name} must be a whole number, not {_shown(raw)}")
    return int(raw)


def _day(p: Param, raw: str) -> date:
    # fromisoformat alone would also take "20210501" and week dates; the URL form is one.
    if _ISO_DAY.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise BadRequest(p.name, f"{p.name} must be a date written YYYY-MM-DD (e.g. 2021-05-31), not {_shown(raw)}")


def _text(p: Param, raw: str) -> str:
    # Measured as given: cleaning can shorten it (a run of control characters becomes one space).
    if len(raw) > MAX_QUERY_LENGTH:
        raise BadRequest(p.name, f"{p.name} is {len(raw):,} characters long; at most {MAX_QUERY_LENGTH:,} are accepted")
    return _clean(raw)


def _choice(p: Param, raw: str) -> str:
    return raw


_READERS: dict[str, Callable[[Param, str], Any]] = {
    "text": _text,
    "choice": _choice,
    "integer": _integer,
    "date": _day,
}


def _params() -> tuple[Param, ...]:
    out = []
    for f in fields(SearchRequest):
        p = f.metadata.get("param")
        if p is not None:
            out.append(replace(p, attr=f.name))
    return tuple(out)


PARAMS = _params()
_BY_NAME = {p.name: p for p in PARAMS}
_DEFAULTS = {f.name: f.default for f in fields(SearchRequest)}
