"""Whether this process runs in a network namespace that has only loopback (where Ray may start)."""

from __future__ import annotations

import socket


def loopback_only() -> bool:
    """True when the only network interface is lo: Ray then binds and connects to 127.0.0.1 alone."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]
