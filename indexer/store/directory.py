"""The index directory: numbered generations, a `current` link swapped atomically, one build lock.

Layout of an index directory DIR:
    DIR/current -> gen-000007     (symlink; readers open whatever it points at)
    DIR/gen-000007/               (a complete Whoosh index, never modified once published)
    DIR/gen-000006/               (the previous generation, kept for readers still using it)
    DIR/.lock                     (flock held by the one running build)
    DIR/building-<pid>/           (work in progress; removed if a build dies)
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import pickle
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex
from whoosh.index import IndexError as WhooshIndexError

from ..errors import IndexBusy, IndexNotFound, IndexOutdated, IndexWriteError
from .schema import make_schema, signature

__all__ = [
    "current_dir",
    "open_index",
    "build_lock",
    "new_generation",
    "publish",
    "generation_of",
    "write_error",
    "open_generation",
    "open_for_update",
    "pin",
]

_GEN = re.compile(r"^gen-(\d{6})$")


def current_dir(index: Path) -> Path:
    """The generation directory `current` points at; IndexNotFound if there is none."""
    link = index / "current"
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        raise IndexNotFound(f"no index at {index} (build one with: python -m indexer build)") from None
    except OSError as err:
        raise IndexNotFound(f"cannot read index at {index}: {err.strerror}") from None
    return index / target


def generation_of(index: Path) -> str:
    """Name of the current generation, e.g. 'gen-000007' (cheap: one readlink)."""
    return current_dir(index).name


def open_index(index: str | os.PathLike[str]) -> FileIndex:
    """Open the current generation of an index directory for reading."""
    return open_generation(current_dir(Path(index)))


def open_generation(path: Path) -> FileIndex:
    """Open one generation folder for reading; IndexOutdated when an older version wrote it."""
    if not path.is_dir() or not any(path.glob("_*.toc")):
        raise IndexNotFound(f"{path} holds no Whoosh index")
    try:
        ix = _opened(path, readonly=True)
    except (WhooshIndexError, OSError) as err:
        # A half-copied or foreign index: as unusable as none.
        raise IndexNotFound(f"the index in {path} cannot be opened: {err}") from err
    if ix is None:
        raise IndexOutdated(
            f"{path} was built by an older version of vnnews-search; rebuild it "
            "(make rebuild, or python -m indexer build --rebuild)"
        )
    return ix


def open_for_update(path: Path) -> FileIndex | None:
    """Open a work copy of a generation to add to it; None when it has an older layout."""
    return _opened(path, readonly=False)


def _opened(path: Path, readonly: bool) -> FileIndex | None:
    """The index in path, or None when its layout is not this version's."""
    try:
        # Opening unpickles the schema and the segments, and so imports their classes.
        ix = whoosh_index.open_dir(str(path), readonly=readonly)
        schema = ix.schema
    except (ImportError, AttributeError, pickle.UnpicklingError):
        # Whoosh pickles classes by module path: an index naming classes that moved or were
        # renamed was written by an older version.
        return None
    if signature(schema) != _current_signature():
        ix.close()
        return None
    return ix


@functools.cache
def _current_signature() -> list[tuple[str, ...]]:
    """This version's layout (a constant: computed once per process)."""
    return signature(make_schema())


@contextmanager
def build_lock(index: Path) -> Iterator[None]:
    """Hold the index's build lock; a second concurrent build gets IndexBusy at once."""
    try:
        index.mkdir(parents=True, exist_ok=True)
        fd = os.open(index / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise IndexWriteError(f"cannot write to {index}: {err.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another build is running on {index}; try again when it ends") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def _generations(index: Path) -> list[Path]:
    found = [p for p in index.iterdir() if _GEN.match(p.name) and p.is_dir()]
    return sorted(found, key=lambda p: p.name)


def new_generation(index: Path, copy_current: bool) -> Path:
    """A fresh work directory, empty or holding hard links to the current generation's files."""
    for stale in index.glob("building-*"):
        # Only the lock holder builds, so any leftover is from a build that died.
        shutil.rmtree(stale, ignore_errors=True)
    work = index / f"building-{os.getpid()}"
    try:
        work.mkdir()
        if copy_current:
            # Whoosh never rewrites a segment file in place, so linking them is a safe copy.
            for f in current_dir(index).iterdir():
                os.link(f, work / f.name)
    except OSError as err:
        shutil.rmtree(work, ignore_errors=True)
        raise write_error(index, err) from None
    return work


def write_error(index: Path, err: OSError) -> IndexWriteError:
    """The typed error for a failed write, saying the previous index is untouched."""
    if err.errno == errno.ENOSPC:
        return IndexWriteError(f"disk full while writing {index}; the previous index is untouched")
    return IndexWriteError(f"cannot write to {index}: {err.strerror or err}; the previous index is untouched")


def _fsync_tree(folder: Path) -> None:
    for f in folder.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def pin(index: Path, name: str) -> None:
    """Point `current` at the named generation (atomically), if it points elsewhere."""
    link = index / "current"
    if link.is_symlink() and os.readlink(link) == name:
        return
    if not (index / name).is_dir():
        raise IndexNotFound(f"{index / name} is named by the manifest but missing; rebuild the index")
    tmp_link = index / f"current.tmp-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(name, tmp_link)
    os.replace(tmp_link, link)


def publish(index: Path, work: Path) -> Path:
    """Make a finished work directory the current generation in one atomic rename."""
    gens = _generations(index)
    number = int(_GEN.match(gens[-1].name).group(1)) + 1 if gens else 1  # type: ignore[union-attr]
    final = index / f"gen-{number:06d}"
    link = index / "current"
    previous = os.readlink(link) if link.is_symlink() else None
    try:
        _fsync_tree(work)
        os.rename(work, final)
        tmp_link = index / f"current.tmp-{os.getpid()}"
        if tmp_link.is_symlink():
            tmp_link.unlink()
        os.symlink(final.name, tmp_link)
        os.replace(tmp_link, link)
        dfd = os.open(index, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError as err:
        raise write_error(index, err) from None
    # Readers that opened the previous generation may still be reading it: keep that one only
    # (older ones, and any left by a build killed between rename and swap, go).
    for old in _generations(index):
        if old.name not in (final.name, previous):
            shutil.rmtree(old, ignore_errors=True)
    return final
