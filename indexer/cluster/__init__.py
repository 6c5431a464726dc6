"""The scale-out on Ray: a sharded index's shards served by actors (needs the `cluster` extra)."""

from .build import Analyser, build_on_cluster, on_cluster
from .shards import CALL_TIMEOUT, ClusterIndex, RayParts, ShardActor, connect

__all__ = [
    "ClusterIndex",
    "RayParts",
    "ShardActor",
    "CALL_TIMEOUT",
    "connect",
    "Analyser",
    "on_cluster",
    "build_on_cluster",
]
