"""Corpus files: raw records from JSON Lines (plain or gzip) and plain-text articles, or Problems."""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .article import Problem

__all__ = ["Record", "records", "discover", "JSONL_SUFFIXES", "TEXT_SUFFIXES"]

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
TEXT_SUFFIXES = (".txt",)
_FRONT_KEY = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*)$")
_ID_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class Record:
    """One raw record as read from disk, before validation."""

    data: dict[str, Any]
    path: str
    line: int | None


def _suffix_kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, Path] | Problem]:
    """Yield (file, root) for every article file under the given paths, depth first and sorted."""
    for given in paths:
        root = Path(given)
        if root.is_file():
            if _suffix_kind(root) is None:
                yield Problem(str(root), None, "not a .jsonl, .jsonl.gz or .txt file", "file type")
            else:
                yield root, root.parent
            continue
        if not root.is_dir():
            yield Problem(str(root), None, "no such file or directory", "unreadable file")
            continue
        visited: set[tuple[int, int]] = set()
        yield from _walk(root, root, visited)


def _walk(folder: Path, root: Path, visited: set[tuple[int, int]]) -> Iterator[tuple[Path, Path] | Problem]:
    try:
        st = folder.stat()
    except OSError as err:
        yield Problem(str(folder), None, f"cannot read directory: {err.strerror}", "unreadable file")
        return
    key = (st.st_dev, st.st_ino)
    if key in visited:
        yield Problem(str(folder), None, "directory already visited (symlink loop)", "symlink loop")
        return
    visited.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield Problem(str(folder), None, f"cannot read directory: {err.strerror}", "unreadable file")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError as err:
            yield Problem(str(path), None, f"cannot stat: {err.strerror}", "unreadable file")
            continue
        if is_dir:
            yield from _walk(path, root, visited)
        elif _suffix_kind(path) is not None:
            yield path, root


def records(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Record | Problem]:
    """Every raw record of every article file under paths, or a Problem where one is unreadable."""
    for item in discover(paths):
        if isinstance(item, Problem):
            yield item
            continue
        path, root = item
        if _suffix_kind(path) == "jsonl":
            yield from _jsonl_records(path)
        else:
            yield _text_record(path, root)


def _open_lines(path: Path) -> Iterator[bytes]:
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            yield from fh
    else:
        with open(path, "rb") as fh:
            yield from fh


def _jsonl_records(path: Path) -> Iterator[Record | Problem]:
    shown = str(path)
    lineno = 0
    try:
        for lineno, raw in enumerate(_open_lines(path), start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield Problem(shown, lineno, f"invalid UTF-8 at byte {err.start}", "invalid UTF-8")
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as err:
                yield Problem(shown, lineno, f"invalid JSON: {err.msg} at column {err.colno}", "invalid JSON")
                continue
            if not isinstance(data, dict):
                kind = type(data).__name__
                yield Problem(shown, lineno, f"not a JSON object but {kind}", "not an object")
                continue
            yield Record(data, shown, lineno)
    except (gzip.BadGzipFile, zlib.error, EOFError) as err:
        yield Problem(shown, lineno + 1 if lineno else None, f"bad gzip data: {err}", "bad gzip")
    except OSError as err:
        yield Problem(shown, None, f"cannot read file: {err.strerror or err}", "unreadable file")


def _text_record(path: Path, root: Path) -> Record | Problem:
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        return Problem(shown, None, f"cannot read file: {err.strerror or err}", "unreadable file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return Problem(shown, line, f"invalid UTF-8 at byte {err.start}", "invalid UTF-8")
    data: dict[str, Any] = {}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Optional front matter: a first line '---', then 'key: value' lines, then '---'.
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                for entry in lines[1:i]:
                    m = _FRONT_KEY.match(entry.strip())
                    if m:
                        data[m.group(1).lower()] = m.group(2).strip() or None
                lines = lines[i + 1 :]
                break
    paragraphs = [line.strip() for line in lines if line.strip()]
    if paragraphs:
        data.setdefault("title", paragraphs[0])
        paragraphs = paragraphs[1:]
    last = paragraphs[-1] if paragraphs else ""
    # A byline is a short last line in capitals ("NHƯ QUỲNH").
    if last and last.isupper() and len(last) <= 80 and "author" not in data:
        data["author"] = last
        paragraphs = paragraphs[:-1]
    # News convention: the paragraph after the title is the lead (sapo), when more text follows.
    if len(paragraphs) >= 2 and "sapo" not in data and "body" not in data:
        data["sapo"] = paragraphs[0]
        paragraphs = paragraphs[1:]
    data.setdefault("body", "\n".join(paragraphs))
    if "id" not in data:
        rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        stem = str(rel.with_suffix("")).replace(os.sep, "-")
        data["id"] = _ID_UNSAFE.sub("-", stem).strip("-")
    data.setdefault("source", "local")
    return Record(data, shown, None)
