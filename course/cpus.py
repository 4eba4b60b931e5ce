"""How many CPUs this process may really use: the container's CPU quota, not the host's core count.

``os.cpu_count()`` counts the host's cores; a Gradescope or Docker container limited to 2 CPUs on a 64-core host
would start 64 graders that the kernel then throttles to 2 CPUs' worth of time, each check 32 times slower and
timing out. The quota is read from cgroup v2 (``cpu.max``: ``"200000 100000"`` is 2 CPUs, ``"max ..."`` none) or
cgroup v1 (``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``, ``-1`` none), and the CPU affinity mask bounds it too.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _ancestors(mount: Path, path: str) -> list[Path]:
    """``mount/path`` and each folder above it up to ``mount`` (a quota may be set on any of them)."""
    node, found = mount / path.lstrip("/"), []
    while node != mount and mount in node.parents:
        found.append(node)
        node = node.parent
    return found + [mount]


def _own_cgroup_dirs(root: Path, proc_cgroup: Path) -> list[Path]:
    """The cgroup folders that can limit this process's CPU time, its own first."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        lines = []
    dirs = []
    for line in lines:
        _, controllers, path = line.split(":", 2)   # "0::/path" (v2) or "4:cpu,cpuacct:/path" (v1)
        if not controllers:
            dirs += _ancestors(root, path)
        elif "cpu" in controllers.split(","):
            dirs += [d for mount in (root / "cpu", root / "cpu,cpuacct") for d in _ancestors(mount, path)]
    # In a container the path shown can be the host's while the container's own cgroup is mounted at the root.
    return dirs + [root, root / "cpu", root / "cpu,cpuacct"]


def _quota(folder: Path) -> float | None:
    """CPUs allowed by the quota file in ``folder``, or None when it sets none (or there is none)."""
    try:
        if (folder / "cpu.max").is_file():
            quota, period = (folder / "cpu.max").read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        if (folder / "cpu.cfs_quota_us").is_file():
            quota = int((folder / "cpu.cfs_quota_us").read_text())
            period = int((folder / "cpu.cfs_period_us").read_text())
            return None if quota <= 0 else quota / period
    except (OSError, ValueError, ZeroDivisionError):
        return None
    return None


def cpu_quota(root: Path = CGROUP_ROOT, proc_cgroup: Path = Path("/proc/self/cgroup")) -> float | None:
    """The smallest CPU quota on this process's cgroup path, in CPUs, or None when nothing limits it."""
    quotas = [q for q in map(_quota, dict.fromkeys(_own_cgroup_dirs(root, proc_cgroup))) if q]
    return min(quotas, default=None)


def usable_cpus(root: Path = CGROUP_ROOT, proc_cgroup: Path = Path("/proc/self/cgroup")) -> int:
    """Whole CPUs this process can keep busy: affinity mask and cgroup quota (rounded up), at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:            # macOS has no affinity mask
        cores = os.cpu_count() or 1
    quota = cpu_quota(root, proc_cgroup)
    return max(1, min(cores, math.ceil(quota)) if quota else cores)
