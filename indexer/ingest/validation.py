"""Checking one raw record: field types, the id rule, legacy encodings, length, text, dates."""

from __future__ import annotations

from ..text.legacy import LegacyEncodingError, repair
from .article import MAX_TEXT_CHARS, Article, Problem, tidy
from .dates import BadDate, parse_published, parse_seen
from .ids import id_problem
from .source import Record

__all__ = ["validate", "TEXT_KEYS", "DATE_KEYS"]

TEXT_KEYS = ("id", "url", "source", "category", "title", "sapo", "body", "author")
DATE_KEYS = ("published", "seen")


def validate(record: Record) -> tuple[Article | None, list[Problem]]:
    """Check and normalise one raw record: the article (undated, untagged) or None, and any problems."""
    data, path, line = record.data, record.path, record.line

    def bad(reason: str, kind: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path, line, reason, kind)]

    for key in TEXT_KEYS + DATE_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return bad(f"field {key!r} must be a string, got {_json_type(value)}", "wrong type")
    ident = (data.get("id") or "").strip()
    if not ident:
        return bad("no id", "no id")
    why = id_problem(ident)
    if why is not None:
        return bad(f"unusable id {ident[:60]!r}: {why}", "bad id")
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for key in ("title", "sapo", "body", "author"):
        raw = data.get(key) or ""
        try:
            fixed = repair(raw)
        except LegacyEncodingError as err:
            return bad(f"field {key!r}: {err}", "legacy encoding")
        if fixed != raw:
            problems.append(
                Problem(
                    path,
                    line,
                    f"field {key!r} converted from a legacy encoding",
                    "legacy encoding",
                    skipped=False,
                )
            )
        texts[key] = tidy(fixed)
    if len(texts["body"]) > MAX_TEXT_CHARS:
        cut = texts["body"].rfind("\n", 0, MAX_TEXT_CHARS)
        texts["body"] = texts["body"][: cut if cut > 0 else MAX_TEXT_CHARS]
        problems.append(
            Problem(
                path,
                line,
                f"body truncated to {len(texts['body']):,} characters",
                "truncated",
                skipped=False,
            )
        )
    if not (texts["title"] or texts["sapo"] or texts["body"]):
        return bad("no text (title, sapo and body all empty)", "no text")
    published = (data.get("published") or "").strip() or None
    seen = (data.get("seen") or "").strip() or None
    try:
        if published:
            parse_published(published)
        if seen:
            parse_seen(seen)
    except BadDate as err:
        return bad(f"unparseable date: {err}", "bad date")
    article = Article(
        id=ident,
        title=texts["title"],
        sapo=texts["sapo"],
        body=texts["body"],
        author=texts["author"] or None,
        url=(data.get("url") or "").strip() or None,
        source=(data.get("source") or "").strip() or None,
        category=(data.get("category") or "").strip() or None,
        published=published,
        seen=seen,
        origin=f"{path}:{line}" if line else path,
    )
    return article, problems


def _json_type(value: object) -> str:
    return {bool: "boolean", int: "number", float: "number", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )
