"""A sharded index: N shard indexes and a manifest naming the generation of each, published after them.

Layout: `shard-000/` ... `shard-NNN/` are index directories of their own (numbered generations, a
`current` link); `manifest/` holds numbered manifest generations and its own `current` link. A
reader opens the manifest and then exactly the shard generations it names, so it never pairs one
build's shard with another's; a build publishes every shard first and the manifest last.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import IndexNotFound
from .directory import current_dir

__all__ = ["Manifest", "shard_of", "shard_dir", "is_sharded", "MANIFEST_DIR", "ROUTING"]

MANIFEST_DIR = "manifest"
FILENAME = "manifest.json"
FORMAT = 1
ROUTING = "blake2b-64 of the UTF-8 id, modulo the shard count"


def shard_of(article_id: str, shards: int) -> int:
    """The shard an article id is routed to: a stable hash, the same in every process and release."""
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_dir(index: Path, number: int) -> Path:
    """The index directory of one shard."""
    return index / f"shard-{number:03d}"


def is_sharded(index: str | os.PathLike[str]) -> bool:
    """True when the directory holds a sharded index (a manifest), whether or not one is published yet."""
    return (Path(index) / MANIFEST_DIR).is_dir()


@dataclass(frozen=True)
class Manifest:
    """What a reader of a sharded index needs first: shards, routing, their generations, global figures."""

    shards: int
    generations: tuple[str, ...]  # each shard's generation, by shard number
    documents: int  # documents over every shard, live or deleted (BM25's N)
    lengths: dict[str, int]  # tokens per field over every shard
    live: int  # live articles over every shard
    next_seq: int  # the next article's place in indexing order
    routing: str = ROUTING
    name: str = field(default="", compare=False)  # its generation folder's name, once published

    def shard_path(self, index: Path, number: int) -> Path:
        """The folder of the generation of one shard this manifest names."""
        return shard_dir(index, number) / self.generations[number]

    def save(self, folder: Path) -> None:
        """Write into a manifest generation's work folder."""
        data = {"format": FORMAT, **asdict(self)}
        del data["name"]
        data["generations"] = list(self.generations)
        tmp = folder / (FILENAME + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / FILENAME)

    @classmethod
    def load(cls, index: str | os.PathLike[str]) -> Manifest:
        """The published manifest of a sharded index (IndexNotFound when there is none)."""
        return cls.read(current_dir(Path(index) / MANIFEST_DIR))

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of one manifest generation's folder."""
        try:
            data = json.loads((folder / FILENAME).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise IndexNotFound(f"the manifest in {folder} cannot be read: {err}") from err
        if data.get("format") != FORMAT:
            raise IndexNotFound(f"the manifest in {folder} has format {data.get('format')!r}, not {FORMAT}")
        return cls(
            shards=int(data["shards"]),
            generations=tuple(data["generations"]),
            documents=int(data["documents"]),
            lengths={k: int(v) for k, v in data["lengths"].items()},
            live=int(data["live"]),
            next_seq=int(data["next_seq"]),
            routing=data["routing"],
            name=folder.name,
        )

    @staticmethod
    def folder(index: Path) -> Path:
        """The published manifest generation's folder (vocabulary and term counts beside it)."""
        return current_dir(index / MANIFEST_DIR)

    @staticmethod
    def published(index: Path) -> bool:
        """True once a manifest has been published."""
        return (index / MANIFEST_DIR / "current").is_symlink()
