"""The cluster tests, run inside a network namespace of their own that has only loopback.

Ray binds to the machine's external address when it can; in a namespace whose only interface is
lo it cannot, so every Ray test runs there: this test makes the namespace, runs tests/cluster in
it and removes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.cluster.isolation import loopback_only
from tests.support import ROOT


@pytest.mark.cluster
@pytest.mark.slow
def test_cluster_tests_pass_in_a_loopback_namespace() -> None:
    if loopback_only():
        pytest.skip("already inside a loopback-only namespace: the cluster tests run directly here")
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("making a network namespace needs root and iproute2's ip")
    name = f"vnray-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a network namespace here ({made.stderr.strip()}): the Ray tests did not run")
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "tests/cluster"]
        cmd += ["--deselect", "tests/cluster/test_namespace.py"]
        done = subprocess.run(
            ["ip", "netns", "exec", name, *cmd], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        print(done.stdout[-6000:], done.stderr[-3000:])
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
        assert " passed" in done.stdout and " skipped" not in done.stdout.splitlines()[-1]
    finally:
        # Ray's processes should end with its tests; any left in the namespace are stopped with it.
        left = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.split()
        for pid in left:
            subprocess.run(["kill", "-9", pid], check=False)
        subprocess.run(["ip", "netns", "del", name], check=False)
