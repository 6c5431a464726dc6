"""The local Ray cluster the cluster tests share: a head and two worker nodes, one CPU each."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cluster.isolation import loopback_only


@pytest.fixture(scope="session")
def cluster() -> Any:
    """A 3-node Ray cluster on 127.0.0.1, this process its driver (only in a loopback-only namespace)."""
    if not loopback_only():
        pytest.skip("Ray would bind to the machine's external address: run inside a loopback-only namespace")
    ray = pytest.importorskip("ray", reason="the cluster extra is not installed (pip install '.[cluster]')")
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    nodes = [c.add_node(num_cpus=1), c.add_node(num_cpus=1)]
    ray.init(address=c.address, namespace="vnnews-test", log_to_driver=False)
    c.wait_for_nodes()
    yield c, nodes
    ray.shutdown()
    c.shutdown()
