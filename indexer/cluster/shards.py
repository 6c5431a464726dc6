"""A sharded index served by Ray: one long-lived actor per shard, a coordinator in each web worker.

Each shard actor holds the open generation its manifest names (postings, columns, caches) and
answers the coordinator's rounds (search.shard.Shard) for it. Actors are named per index and
detached, so every gunicorn worker (every Ray driver) shares the same ones; Ray restarts one that
dies (max_restarts) and retries the call that was in flight (max_task_retries). A shard that stays
down is named in the answer (SearchResult.shards), never silently left out.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError

from ..query.synonyms import Synonyms, shipped
from ..search.shard import Shard
from ..search.snapshot import Published, ShardedSnapshot, Snapshot
from ..store.generation import Generation
from ..store.manifest import Manifest, shard_dir

__all__ = ["ClusterIndex", "RayParts", "ShardActor", "CALL_TIMEOUT", "connect"]

# Seconds a shard may take to answer one round before it counts as failed for this request.
CALL_TIMEOUT = float(os.environ.get("VNNEWS_SHARD_TIMEOUT", "10"))
# Seconds a new manifest's shards are given to start and open their generation, before its first
# round: a new actor imports the library first, and on a loaded machine that alone took over
# CALL_TIMEOUT (a first query then reported a healthy shard as failed).
START_TIMEOUT = float(os.environ.get("VNNEWS_SHARD_START_TIMEOUT", "120"))
# Ray exceptions that mean "this shard did not answer", as opposed to a bug in the answer.
_UNAVAILABLE = (RayActorError, GetTimeoutError)


class ShardActor:
    """One shard's open generation, in a Ray worker; reopened when a call names a newer one."""

    def __init__(self, index: str, number: int) -> None:
        self.index = Path(index)
        self.number = number
        self.synonyms = shipped()
        self._name = ""
        self._shard: Shard | None = None

    def call(self, generation: str, method: str, *args: Any) -> Any:
        """Shard.method(*args) on the named generation of this shard."""
        return getattr(self.open(generation), method)(*args)

    def open(self, generation: str) -> Shard:
        """This shard's named generation, opened on first use (the one before it closed)."""
        if self._shard is None or generation != self._name:
            path = shard_dir(self.index, self.number) / generation
            if self._shard is not None:
                self._shard.snap.generation.close()
            self._shard = Shard(Snapshot(Generation(path), self.synonyms))
            self._name = generation
        return self._shard

    def ready(self, generation: str) -> bool:
        """Open the named generation now, so that the first round does not wait for it."""
        self.open(generation)
        return True

    def pid(self) -> int:
        """The actor's process id (tests kill it)."""
        return os.getpid()

    def node(self) -> str:
        """The id of the Ray node the actor runs on."""
        return ray.get_runtime_context().get_node_id()


class RayParts:
    """The shard actors of one manifest generation as the coordinator's parts."""

    def __init__(self, actors: list[Any], generations: tuple[str, ...]) -> None:
        self.actors = actors
        self.generations = generations
        self._failed: set[int] = set()
        # Rounds this request took (each a parallel call to some or all shards).
        self.calls = 0

    def __len__(self) -> int:
        return len(self.actors)

    @property
    def failed(self) -> list[int]:
        """Shards that did not answer during this request."""
        return sorted(self._failed)

    def each(self, method: str, *args: Any) -> list[Any]:
        """Every shard's answer, in parallel; None from one that failed."""
        answers = self.some({n: args for n in range(len(self.actors))}, method)
        return [answers.get(n) for n in range(len(self.actors))]

    def some(self, calls: dict[int, tuple[Any, ...]], method: str) -> dict[int, Any]:
        """The listed shards' answers, in parallel (a shard that failed once is not asked again)."""
        wanted = {n: a for n, a in calls.items() if n not in self._failed}
        self.calls += 1
        refs = {n: self.actors[n].call.remote(self.generations[n], method, *a) for n, a in wanted.items()}
        out: dict[int, Any] = {}
        for n, ref in refs.items():
            try:
                out[n] = ray.get(ref, timeout=CALL_TIMEOUT)
            except _UNAVAILABLE:
                self._failed.add(n)
            except RayTaskError as err:
                # The shard raised: the same error as one index would raise (a bad value, say).
                raise err.as_instanceof_cause() from None
        return out


def connect(address: str | None = None) -> None:
    """Join the Ray cluster at address (RAY_ADDRESS, "auto"), or start a local one, once per process."""
    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS") or None
    ray.init(address=address, namespace="vnnews", include_dashboard=False, log_to_driver=False)


class ClusterIndex:
    """A sharded index served by shard actors on a Ray cluster; snapshot() as search.Index's.

    The shard files must be on storage every node sees at the same path (NFS, a shared volume).
    """

    def __init__(
        self, path: str | os.PathLike[str], synonyms: Synonyms | None = None, address: str | None = None
    ) -> None:
        self.path = Path(path).resolve()
        self.synonyms = shipped() if synonyms is None else synonyms
        connect(address)
        self._lock = threading.Lock()
        self._held: Published | None = None

    def _actors(self, manifest: Manifest) -> list[Any]:
        tag = hashlib.blake2b(str(self.path).encode(), digest_size=6).hexdigest()
        remote = ray.remote(ShardActor)
        actors = [
            remote.options(
                name=f"shard-{tag}-{n:03d}",
                get_if_exists=True,
                lifetime="detached",
                max_restarts=-1,
                max_task_retries=2,
                num_cpus=0,
                # Shards on as many nodes as there are: one node's loss costs the fewest.
                scheduling_strategy="SPREAD",
            ).remote(str(self.path), n)
            for n in range(manifest.shards)
        ]
        # A shard still starting after START_TIMEOUT is left to its first round, which flags it.
        opened = [a.ready.remote(g) for a, g in zip(actors, manifest.generations, strict=True)]
        ray.wait(opened, num_returns=len(opened), timeout=START_TIMEOUT)
        return actors

    def snapshot(self) -> ShardedSnapshot:
        """The current manifest generation, its shards on their actors."""
        with self._lock:
            held = self._held = Published.current(self.path, self._held, self._actors)
        return ShardedSnapshot(held, RayParts(held.shards, held.manifest.generations), self.synonyms)

    def shutdown(self) -> None:
        """Stop this index's shard actors (they are detached: they outlive the process otherwise)."""
        with self._lock:
            if self._held is not None:
                for actor in self._held.shards:
                    ray.kill(actor)
                self._held = None
