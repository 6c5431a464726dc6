"""The cluster tests, run inside a network namespace of their own that has only loopback.

Ray binds to the machine's external address when it can; in a namespace whose only interface is
lo it cannot, so every Ray test runs there: this test makes the namespace, runs tests/cluster in
it and removes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys

import pytest

from bench.netns import NamespaceUnavailable, loopback_namespace, loopback_only
from tests.support import ROOT


@pytest.mark.cluster
@pytest.mark.slow
def test_cluster_tests_pass_in_a_loopback_namespace() -> None:
    if loopback_only():
        pytest.skip("already inside a loopback-only namespace: the cluster tests run directly here")
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("making a network namespace needs root and iproute2's ip")
    with contextlib.ExitStack() as stack:
        try:
            name = stack.enter_context(loopback_namespace("vnray"))
        except NamespaceUnavailable as err:
            pytest.skip(f"cannot make a network namespace here ({err}): the Ray tests did not run")
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "tests/cluster"]
        cmd += ["--deselect", "tests/cluster/test_namespace.py"]
        done = subprocess.run(
            ["ip", "netns", "exec", name, *cmd], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
    print(done.stdout[-6000:], done.stderr[-3000:])
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and " skipped" not in done.stdout.splitlines()[-1]
