"""Starting the learner's process inside the strongest sandbox this machine offers.

Learner processes are forked by a fork server (:mod:`course.sandbox.zygote`) that keeps NumPy (or NumPy
and torch) imported. On Linux each gets its own user, mount, network and PID namespaces (``unshare(2)``,
unprivileged), so it has no network, cannot see or signal the verdict process, and what it must not read
(the kit's solutions, graders and history, other submissions, the grader's credentials) is covered by empty
mounts. Everywhere it gets resource limits (data segment, file size) and a temporary working directory. Where namespaces are missing (macOS, a container without user namespaces) it falls back
to plain process isolation, and :func:`isolation_mode` says so, so grading output can say so too. Windows
has no ``fork``: learners there use WSL or Colab.
"""
from __future__ import annotations

import atexit
import functools
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ZYGOTE = Path(__file__).with_name("zygote.py")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one exercise's learner process."""

    timeout: float = 60.0          # wall-clock seconds for the whole exercise
    check_timeout: float = 20.0    # wall-clock seconds for one check, unless the check asks for more
    memory: int = 4 * 1024 ** 3    # bytes of data segment (RLIMIT_DATA: torch still imports under it)
    file_size: int = 256 * 1024 ** 2
    processes: int = 512           # processes and threads in the sandbox (where the kernel can count them)
    output: int = 4000             # characters of captured stdout/stderr kept for messages


@functools.lru_cache(maxsize=None)
def isolation_mode() -> str:
    """``"namespaces"`` when the kernel's namespaces work here, else ``"process"`` (plain isolation)."""
    if os.environ.get("COURSE_SANDBOX") == "process" or not sys.platform.startswith("linux"):
        return "process"
    try:
        probe = subprocess.run([sys.executable, "-I", str(ZYGOTE), "--probe"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "process"
    return "namespaces" if probe.returncode == 0 else "process"


# Variables that look like credentials (a CI token, a cloud key, an ssh agent): what learner code prints comes
# back to the learner as feedback, so it never sees them.
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE|AUTH|COOKIE|SSH_", re.I)

# The grader's own credentials in its home folder, hidden from learner code for the same reason.
HOME_SECRETS = (".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".config/gcloud", ".config/gh",
                ".netrc", ".git-credentials", ".pypirc", ".jupyter", ".local/share/jupyter/runtime")


def home_secrets() -> list[Path]:
    """The credential files and folders of the grader's home folder that exist."""
    home = Path.home()
    return [home / name for name in HOME_SECRETS if (home / name).exists()]


def _learner_env() -> dict:
    """The environment learner code sees: none of the kit's or pytest's variables and nothing that looks
    like a credential, one thread per library (grading runs several learners side by side), reproducible
    hashing, no bytecode files."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COURSE_", "PYTEST_")) and not _SECRET_NAME.search(k)}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", OMP_NUM_THREADS=env.get("OMP_NUM_THREADS", "1"),
               OPENBLAS_NUM_THREADS=env.get("OPENBLAS_NUM_THREADS", "1"))
    return env


class Zygote:
    """One of the verdict process's fork servers (:mod:`course.sandbox.zygote`): started on first use, it
    keeps NumPy (and torch, for torch exercises) imported, so a learner process costs a fork, not an
    interpreter start-up and the imports. NumPy exercises have a server without torch: a forked process
    inherits its parent's data segment, and torch's 0.8 GB would count against their memory limit."""

    def __init__(self, torch: bool):
        self.torch = torch
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.proc: subprocess.Popen | None = None
        self.owner = None

    def ensure_started(self) -> None:
        """Start the server unless this process already has a live one (call with ``lock`` held)."""
        if self.sock is not None and self.owner == os.getpid() and self.proc.poll() is None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        argv = [sys.executable, "-I", str(ZYGOTE), str(theirs.fileno())] + (["--torch"] if self.torch else [])
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=_learner_env(),
                                     pass_fds=(theirs.fileno(),), cwd=tempfile.gettempdir(), start_new_session=True)
        theirs.close()
        self.sock, self.owner = ours, os.getpid()

    def spawn(self, settings: dict, fds: list[int], timeout: float) -> int:
        """Fork a learner process with ``settings`` and ``fds``; returns its keeper's pid."""
        if not hasattr(os, "fork"):
            raise OSError("the sandbox forks learner processes, which Windows cannot do: "
                          "run the kit in WSL or Colab")
        with self.lock:
            for attempt in (1, 2):
                self.ensure_started()
                try:
                    self.sock.settimeout(timeout)
                    request = json.dumps(settings).encode()
                    socket.send_fds(self.sock, [struct.pack(">I", len(request)) + request], fds)
                    reply = b""
                    while len(reply) < 4:
                        chunk = self.sock.recv(4 - len(reply))
                        if not chunk:
                            break
                        reply += chunk
                    if len(reply) == 4:
                        return struct.unpack(">i", reply)[0]
                except (OSError, socket.timeout):
                    pass
                self.close()   # a zygote that died or hangs is replaced once
            raise OSError("the sandbox's fork server did not start a learner process")

    def close(self) -> None:
        """Stop the fork server (learner processes it started die with it)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.proc is not None and self.owner == os.getpid():
            self.proc.kill()
            self.proc.wait()
        self.proc = None


_zygotes = {False: Zygote(torch=False), True: Zygote(torch=True)}
for _z in _zygotes.values():
    atexit.register(_z.close)


def start_fork_server(torch: bool = False) -> None:
    """Start a fork server now, so that its imports overlap the caller's own (pytest, rich)."""
    zygote = _zygotes[torch]
    if hasattr(os, "fork"):
        with zygote.lock:
            zygote.ensure_started()


def runs_dir() -> Path:
    """The folder that holds every learner process's temporary copy. Each learner process sees its own copy
    only: it empties this folder in its mount namespace and binds its copy back, so that code graded beside
    another learner's cannot read that learner's copy."""
    runs = Path(tempfile.gettempdir()) / f"course-runs-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    runs.mkdir(mode=0o700, exist_ok=True)
    return runs


class LearnerProcess:
    """One running learner process: its pipes, its captured output and its temporary folders."""

    def __init__(self, source_dir: Path, hidden: list[Path], limits: Limits, torch: bool = False):
        self.limits = limits
        runs = runs_dir()
        self.tmp = Path(tempfile.mkdtemp(prefix="course-run-", dir=runs))
        self.workdir = self.tmp / "work"
        shutil.copytree(source_dir, self.workdir, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.output_path = self.tmp / "output.txt"
        parent_rx, child_tx = os.pipe()
        child_rx, parent_tx = os.pipe()
        status_rx, status_tx = os.pipe()
        out = os.open(self.output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        settings = dict(workdir=str(self.workdir), memory=limits.memory, file_size=limits.file_size,
                        processes=limits.processes, runs=str(runs),
                        namespaces=isolation_mode() == "namespaces",
                        hidden=[str(p) for p in hidden if p.exists()] + [str(p) for p in home_secrets()])
        try:
            self.pid = _zygotes[torch].spawn(settings, [child_rx, child_tx, out, status_tx], timeout=120)
        finally:
            for fd in (child_rx, child_tx, out, status_tx):
                os.close(fd)
        self.rx, self.tx, self.status_fd = parent_rx, parent_tx, status_rx
        self.returncode: int | None = None

    def wait(self, timeout: float) -> int | None:
        """The learner process's exit status once it has ended (minus the signal number if killed), or None
        if it is still running after ``timeout`` seconds."""
        if self.returncode is None and select.select([self.status_fd], [], [], timeout)[0]:
            data = os.read(self.status_fd, 4)
            if len(data) == 4:
                self.returncode = struct.unpack(">i", data)[0]
        return self.returncode

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
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.wait(timeout=10)
        for fd in (self.rx, self.tx, self.status_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)
