"""Making sure no process started while grading outlives it (Linux; elsewhere the sandbox's own kill is all).

A learner process that double-forks and calls ``setsid`` leaves its process tree: the orphan is reparented to
init and could rewrite ``results.json`` after ``run_autograder`` has written it. A *child subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``) gets those orphans instead of init, so the grading process can find every
one of them among its own children and kill them before it writes any result.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36      # <linux/prctl.h>
_GIVE_UP_AFTER = 10.0            # seconds: a fork bomb racing the kill is stopped by the sandbox's own limits


def become_subreaper() -> bool:
    """Adopt every orphaned descendant of this process (True when the kernel agreed)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (every thread's children), from ``/proc``."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_descendants() -> int:
    """SIGKILL every child of this process until none is left (orphans keep arriving while their parents die:
    a subreaper adopts them). Returns how many were killed."""
    killed, deadline = set(), time.monotonic() + _GIVE_UP_AFTER
    while time.monotonic() < deadline:
        _reap()
        alive = children(os.getpid())
        if not alive:
            return len(killed)
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
    raise RuntimeError(f"processes still alive after {_GIVE_UP_AFTER:g} s: {children(os.getpid())}")
