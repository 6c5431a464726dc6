"""Peak memory of a process tree (a build and the workers it forks), sampled from /proc."""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["TreeSampler"]

_PROC = Path("/proc")


def children_map() -> dict[int, list[int]]:
    """Parent pid → child pids, for every process visible in /proc."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name may hold spaces and parentheses: fields resume after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    """root and all its descendants."""
    children = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process: shared pages (forked workers) counted once overall."""
    try:
        text = (_PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


class TreeSampler:
    """Sample the summed PSS of a process and its descendants until stop(); keep the peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tree-sampler", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            total_kb = sum(_pss_kb(p) for p in _tree(self.pid))
            self.peak_mb = max(self.peak_mb, total_kb * 1024 / 1e6)
            self.samples += 1
            self._stop.wait(self.interval)

    def start(self) -> TreeSampler:
        """Begin sampling in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak_mb

    @staticmethod
    def available() -> bool:
        """True where /proc offers smaps_rollup (Linux 4.14+)."""
        return (_PROC / str(os.getpid()) / "smaps_rollup").exists()
