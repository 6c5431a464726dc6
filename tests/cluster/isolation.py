"""Whether this process may start Ray: only in a network namespace that has only loopback."""

from __future__ import annotations

from types import ModuleType

import pytest

from bench.netns import loopback_only

__all__ = ["loopback_only", "ray_here"]


def ray_here() -> ModuleType:
    """Ray, for a cluster test module; the module is skipped outside a loopback-only namespace
    (test_namespace.py runs it in one) and without the cluster extra."""
    if not loopback_only():
        pytest.skip(
            "Ray would bind to the machine's external address: test_namespace.py runs this file in a "
            "loopback-only network namespace",
            allow_module_level=True,
        )
    return pytest.importorskip("ray", reason="the cluster extra is not installed (pip install '.[cluster]')")
