"""Stored article bodies: zlib with a preset dictionary of the corpus's most frequent phrases.

News bodies are short (about 1 KB), too short for zlib to learn Vietnamese from the text itself;
a 32 KB dictionary of frequent three-word phrases, made from the first articles of a fresh build
and saved in the generation, makes the stored bodies about a fifth smaller.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FILENAME", "SAMPLE", "make_dictionary", "save", "load", "use", "current", "compress", "decompress"]

FILENAME = "bodies.zdict"
# Articles sampled for the dictionary, and its size (zlib uses at most the last 32 KB).
SAMPLE = 1000
_SIZE = 32 * 1024
_LEVEL = 3
# The dictionary the worker processes compress with (set once per build, before they start).
_current = b""


def make_dictionary(texts: Iterable[str]) -> bytes:
    """The most frequent three-word phrases of texts, the most frequent last (zlib reaches them best)."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = text.split()
        counts.update(" ".join(words[i : i + 3]) for i in range(len(words) - 2))
    picked: list[bytes] = []
    size = 0
    for phrase, n in counts.most_common():
        piece = (phrase + " ").encode("utf-8")
        if n < 2 or size + len(piece) > _SIZE:
            break
        picked.append(piece)
        size += len(piece)
    return b"".join(reversed(picked))


def save(folder: Path, dictionary: bytes) -> None:
    """Write the dictionary into a generation folder."""
    tmp = folder / (FILENAME + ".tmp")
    tmp.write_bytes(dictionary)
    os.replace(tmp, folder / FILENAME)


def load(folder: Path) -> bytes:
    """A generation's dictionary (empty when it has none)."""
    path = folder / FILENAME
    return path.read_bytes() if path.exists() else b""


def use(dictionary: bytes) -> None:
    """Compress with this dictionary from now on (in this process and the workers it forks)."""
    global _current
    _current = dictionary


def current() -> bytes:
    """The dictionary compress() uses now."""
    return _current


def compress(text: str) -> bytes:
    """A body as stored."""
    packer = zlib.compressobj(_LEVEL, zdict=_current) if _current else zlib.compressobj(_LEVEL)
    return packer.compress(text.encode("utf-8")) + packer.flush()


def decompress(data: bytes, dictionary: bytes) -> str:
    """A stored body back as text, given its generation's dictionary."""
    unpacker = zlib.decompressobj(zdict=dictionary) if dictionary else zlib.decompressobj()
    return (unpacker.decompress(data) + unpacker.flush()).decode("utf-8")
