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
from typing import Any

__all__ = ["FILENAME", "SAMPLE", "BodyCodec", "make_dictionary"]

FILENAME = "bodies.zdict"
# Articles sampled for the dictionary, and its size (zlib uses at most the last 32 KB).
SAMPLE = 1000
_SIZE = 32 * 1024
_LEVEL = 3


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


class BodyCodec:
    """Compresses and decompresses the bodies of one generation, with its dictionary."""

    __slots__ = ("dictionary",)

    def __init__(self, dictionary: bytes = b"") -> None:
        self.dictionary = dictionary

    @classmethod
    def load(cls, folder: Path) -> BodyCodec:
        """The codec of a generation folder (no dictionary when it has none)."""
        path = folder / FILENAME
        return cls(path.read_bytes() if path.exists() else b"")

    def save(self, folder: Path) -> None:
        """Write the dictionary into a generation folder."""
        tmp = folder / (FILENAME + ".tmp")
        tmp.write_bytes(self.dictionary)
        os.replace(tmp, folder / FILENAME)

    def compress(self, text: str) -> bytes:
        """A body as stored."""
        packer = zlib.compressobj(_LEVEL, zdict=self.dictionary) if self.dictionary else zlib.compressobj(_LEVEL)
        return packer.compress(text.encode("utf-8")) + packer.flush()

    def decompress(self, data: bytes) -> str:
        """A stored body back as text."""
        unpacker = self._unpacker()
        return (unpacker.decompress(data) + unpacker.flush()).decode("utf-8")

    def lead(self, data: bytes, chars: int) -> str:
        """The first chars characters of a stored body, decompressing no more than they need."""
        unpacker = self._unpacker()
        # A character is at most four bytes of UTF-8: those bytes hold the first chars whole, and
        # only a character cut at their end is dropped.
        return unpacker.decompress(data, 4 * chars).decode("utf-8", "ignore")[:chars]

    def _unpacker(self) -> Any:
        """A fresh zlib decompressor primed with this generation's dictionary."""
        return zlib.decompressobj(zdict=self.dictionary) if self.dictionary else zlib.decompressobj()
