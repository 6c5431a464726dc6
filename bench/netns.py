"""A network namespace that has only loopback, for Ray: it cannot bind the machine's external address there."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["loopback_only", "loopback_namespace", "NamespaceUnavailable"]


class NamespaceUnavailable(RuntimeError):
    """No namespace could be made here (not root, or no iproute2)."""


def loopback_only() -> bool:
    """True when this process's only network interface is lo: Ray then uses 127.0.0.1 alone."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


@contextmanager
def loopback_namespace(prefix: str) -> Iterator[str]:
    """A fresh namespace with lo up, by name (run commands in it with `ip netns exec`); on leaving,
    whatever still runs in it is killed and it is removed."""

    name = f"{prefix}-{os.getpid()}"
    try:
        made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    except FileNotFoundError as err:
        raise NamespaceUnavailable(f"no ip command ({err})") from None
    if made.returncode != 0:
        raise NamespaceUnavailable(made.stderr.strip())
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
        yield name
    finally:
        left = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.split()
        for pid in left:
            subprocess.run(["kill", "-9", pid], check=False)
        subprocess.run(["ip", "netns", "del", name], check=False)
