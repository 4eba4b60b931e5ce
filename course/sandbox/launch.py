"""Starting the learner's process inside the strongest sandbox this machine offers.

On Linux the process gets its own user, mount, network and PID namespaces (``unshare``, unprivileged), so it
has no network, cannot see or signal the verdict process, and the kit's ``solutions/`` and ``graders/`` are
covered by empty mounts. Everywhere it gets resource limits (data segment, file size) and a temporary working
directory. Where namespaces are missing (macOS, Windows, a container without user namespaces) it falls back
to plain process isolation, and :func:`isolation_mode` says so, so grading output can say so too.
"""
from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).with_name("child.py")
_UNSHARE = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child",
            "--mount-proc"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one exercise's learner process."""

    timeout: float = 60.0          # wall-clock seconds for the whole exercise
    check_timeout: float = 20.0    # wall-clock seconds for one check, unless the check asks for more
    memory: int = 4 * 1024 ** 3    # bytes of data segment (RLIMIT_DATA: torch still imports under it)
    file_size: int = 256 * 1024 ** 2
    output: int = 4000             # characters of captured stdout/stderr kept for messages


@functools.lru_cache(maxsize=None)
def isolation_mode() -> str:
    """``"namespaces"`` when the kernel's namespaces work here, else ``"process"`` (plain isolation)."""
    if os.environ.get("COURSE_SANDBOX") == "process" or not sys.platform.startswith("linux"):
        return "process"
    if shutil.which("unshare") is None:
        return "process"
    try:
        probe = subprocess.run(_UNSHARE + ["true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "process"
    return "namespaces" if probe.returncode == 0 else "process"


def _set_limits(limits: Limits):
    def apply():
        import resource
        for which, value in ((resource.RLIMIT_DATA, limits.memory), (resource.RLIMIT_FSIZE, limits.file_size)):
            resource.setrlimit(which, (value, value))
    return apply if sys.platform != "win32" else None


class LearnerProcess:
    """One running learner process: its pipes, its captured output and its temporary folders."""

    def __init__(self, source_dir: Path, hidden: list[Path], limits: Limits):
        self.limits = limits
        self.tmp = Path(tempfile.mkdtemp(prefix="course-run-"))
        self.workdir = self.tmp / "work"
        shutil.copytree(source_dir, self.workdir, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.output_path = self.tmp / "output.txt"
        parent_rx, child_tx = os.pipe()
        child_rx, parent_tx = os.pipe()
        argv = [sys.executable, "-I", str(CHILD), str(child_rx), str(child_tx), str(self.workdir),
                str(limits.memory), str(limits.file_size)]
        if isolation_mode() == "namespaces":
            argv = _UNSHARE + ["--"] + argv + [str(p) for p in hidden if p.exists()]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_", "PYTEST_"))}
        env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", OMP_NUM_THREADS=env.get("OMP_NUM_THREADS", "1"))
        with open(self.output_path, "wb") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         pass_fds=(child_rx, child_tx), cwd=self.workdir, env=env,
                                         start_new_session=True, preexec_fn=_set_limits(limits))
        os.close(child_rx)
        os.close(child_tx)
        self.rx, self.tx = parent_rx, parent_tx

    def output_tail(self) -> str:
        """The last characters the learner's code printed (stdout and stderr together)."""
        try:
            data = self.output_path.read_bytes()
        except OSError:
            return ""
        text = data.decode("utf-8", "replace")
        n = self.limits.output
        return text if len(text) <= n else "…" + text[-n:]

    def kill(self) -> None:
        """Stop the process and everything it started, and remove its temporary folder."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.rx, self.tx):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)
