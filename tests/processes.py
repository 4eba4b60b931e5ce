"""Helpers for the kit's tests that watch processes: what a grading run started and whether it is still alive."""
from pathlib import Path


def descendants(root: int) -> set[int]:
    """Every live process started, directly or not, by ``root`` (from /proc's parent links)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def stored_rows(store: Path) -> dict:
    """``{(learner, exercise): graded_at}`` of a result store (empty while the run has not made its table)."""
    import sqlite3
    with sqlite3.connect(store) as db:
        try:
            return {(l, e): t for l, e, t in db.execute("SELECT learner, exercise, graded_at FROM results")}
        except sqlite3.OperationalError:
            return {}


def kill_grading_midway(argv: list[str], cwd: Path, store: Path, env: dict, linger: float) -> tuple[dict, set[int]]:
    """Start the grading command ``argv``, SIGKILL it once it has stored two results, and wait up to ``linger``
    seconds for everything it started to end: (the rows stored before the kill, the processes it had started,
    of which none may still be alive)."""
    import os
    import signal
    import subprocess
    import time
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if store.exists() and len(stored_rows(store)) >= 2:
            break
        time.sleep(0.05)
    family = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = stored_rows(store)
    deadline = time.monotonic() + linger
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in family):
        time.sleep(0.1)
    return before, family


def alive(pids: set[int]) -> list[int]:
    """Those of ``pids`` still running."""
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]
