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
import base64
import json
import os
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

from course.sandbox import snapshot, zygote

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


ISOLATION_LEVELS = ("namespaces", "uid", "process")   # strongest first
PROBE_TIMEOUT = 30      # seconds for the probe, or a fork server's first word (its imports included)


@functools.lru_cache(maxsize=None)
def isolation_mode() -> str:
    """The strongest isolation this machine allows (``COURSE_SANDBOX`` names a level to use instead):

    * ``"namespaces"``: the learner process lives in its own user, mount, network and PID namespaces, in a
      root filesystem built for it (see :mod:`course.sandbox.zygote`);
    * ``"uid"``: the grader is root but user namespaces are refused (Docker's default seccomp profile,
      Gradescope): learner code runs as an unprivileged uid of its own, which cannot read the kit's secrets or
      write anything of the grader's, and whatever it starts or leaves behind is removed when it ends;
    * ``"process"``: a plain process of the grader's own user, with resource limits only (macOS; a non-root
      container). ``course grade`` refuses it unless asked for it by name.
    """
    forced = os.environ.get("COURSE_SANDBOX")
    if forced in ISOLATION_LEVELS:
        return forced
    if not sys.platform.startswith("linux"):
        return "process"
    if namespaces_work():
        return "namespaces"
    return "uid" if os.getuid() == 0 and _python_readable_by_all() else "process"


_probe_lock = threading.Lock()
_probed: list[bool] = []


def namespaces_work() -> bool:
    """True when a learner process can be given its namespaces and built root here: found once per process (a
    fact of the machine, not of this process's settings), from a fork server this process has started (its
    first word), else by a probe interpreter."""
    with _probe_lock:
        if not _probed:
            said = None
            for server in _zygotes.values():
                try:
                    said = server.probe_result() if said is None else said
                except OSError:      # it died before it was ready: it will be restarted, the probe run here
                    pass
            _probed.append(said if said is not None else _probe_interpreter())
        return _probed[0]


def _probe_interpreter() -> bool:
    mountpoint = tempfile.mkdtemp(prefix="course-probe-")
    try:
        probe = subprocess.run([sys.executable, "-I", str(ZYGOTE), "--probe", mountpoint], capture_output=True,
                               timeout=PROBE_TIMEOUT, env=sandbox_env())
        return probe.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        os.rmdir(mountpoint)


def _python_readable_by_all() -> bool:
    """True when a stranger can read this interpreter's folders (as in Docker images: /usr, /usr/local); uid
    isolation runs learner code as one, so a Python under a private folder (/root/.pyenv) rules it out."""
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        path = Path(entry).resolve()
        for folder in (path, *path.parents):
            if not folder.stat().st_mode & 0o001:
                return False
    return True


# The environment learner code gets, an allow-list: what Python, NumPy and torch read, nothing of the
# grader's (what learner code prints comes back to the learner as feedback).
PASSED_THROUGH = ("LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "LANG", "LC_ALL", "LC_CTYPE")
FIXED_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "USER": "learner", "LOGNAME": "learner",
             "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
             # One thread per library: grading runs several learners side by side.
             "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def sandbox_env(home: str = zygote.LEARNER_HOME, tmp: str = "/tmp") -> dict:
    """The learner process's whole environment (also the fork server's, which it inherits)."""
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    env.update(FIXED_ENV, HOME=home, TMPDIR=tmp)
    return env


def devices() -> list[str]:
    """The device nodes bound into the learner's ``/dev``: the harmless ones, and a GPU's where there is one."""
    gpu = sorted(name for name in os.listdir("/dev") if name.startswith("nvidia")
                 and not os.path.isdir(f"/dev/{name}")) if os.path.isdir("/dev") else []
    return list(zygote.DEVICES) + gpu


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
        self.probed: bool | None = None   # the server's first word: whether namespaces work here

    def started_here(self) -> bool:
        """True when this process has started this server (it may still be importing)."""
        return self.sock is not None and self.owner == os.getpid()

    def probe_result(self) -> bool | None:
        """Whether the server could give a learner process its namespaces (None: it said nothing)."""
        with self.lock:
            if self.started_here():
                self._read_probe()
            return self.probed

    def _read_probe(self) -> None:
        """Read the server's first word, once per start (call with ``lock`` held)."""
        if self.probed is not None:
            return
        self.sock.settimeout(PROBE_TIMEOUT)
        word = _read_exactly(self.sock, 4)
        if len(word) != 4:
            raise OSError("the sandbox's fork server ended before it was ready")
        self.probed = struct.unpack(">i", word)[0] == 0

    def ensure_started(self) -> None:
        """Start the server unless this process already has a live one (call with ``lock`` held)."""
        if self.started_here() and self.proc.poll() is None:
            return
        self.probed = None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        argv = [sys.executable, "-I", str(ZYGOTE), str(theirs.fileno())] + (["--torch"] if self.torch else [])
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=sandbox_env(),
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
                    self._read_probe()
                    self.sock.settimeout(timeout)
                    request = json.dumps(settings).encode()
                    socket.send_fds(self.sock, [struct.pack(">I", len(request)) + request], fds)
                    reply = _read_exactly(self.sock, 4)
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


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    """Up to ``size`` bytes from ``sock``: fewer only when it closed."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


_zygotes = {False: Zygote(torch=False), True: Zygote(torch=True)}
for _z in _zygotes.values():
    atexit.register(_z.close)


def start_fork_server(torch: bool = False) -> None:
    """Start a fork server now, so that its imports (and the isolation probe it makes) overlap the caller's."""
    zygote = _zygotes[torch]
    if hasattr(os, "fork"):
        with zygote.lock:
            zygote.ensure_started()


def runs_dir() -> Path:
    """The grader's folder for learner processes: the mount points their roots are built on (namespaces),
    or their copies (the weaker levels). For ``uid`` isolation it is a folder of its own that others may pass
    but not list, so that each learner's uid reaches its own copy only."""
    mode = isolation_mode()
    user = os.getuid() if hasattr(os, "getuid") else "user"
    runs = Path(tempfile.gettempdir()) / (f"course-runs-{user}" + ("-uid" if mode == "uid" else ""))
    runs.mkdir(mode=0o700, exist_ok=True)
    if mode == "uid":
        runs.chmod(0o711)
    return runs


# Seconds of CPU time one process may use beyond the exercise's budget before the kernel stops it (RLIMIT_CPU):
# the verdict process counts the learner's CPU itself, this only bounds what it cannot see.
CPU_SLACK = 10


class SandboxUnavailable(Exception):
    """No sandbox could be set up for a learner process (namespaces or processes exhausted on the machine, a
    fork server that does not answer): the machine's failure, never the learner's. The exercise is not graded
    and nothing is recorded for it; a later run grades it."""


class LearnerProcess:
    """One running learner process: its pipes, its captured output and its temporary folder."""

    def __init__(self, source_dir: Path, hidden: list[Path], limits: Limits, torch: bool = False):
        self.limits = limits
        self.isolation = isolation_mode()
        files = snapshot.read_folder(source_dir, max_bytes=limits.file_size)
        self.tmp = Path(tempfile.mkdtemp(prefix="course-run-", dir=runs_dir()))
        settings = dict(isolation=self.isolation, name=Path(source_dir).name, memory=limits.memory,
                        file_size=limits.file_size, processes=limits.processes,
                        cpu=int(limits.timeout) + CPU_SLACK)
        if self.isolation == "namespaces":   # the copy is written inside, into the learner's own tmpfs
            settings.update(mountpoint=str(self.tmp), scratch=limits.file_size, devices=devices(), env=sandbox_env(),
                            files=[(rel, mode, base64.b64encode(data).decode()) for rel, mode, data in files.files])
        else:
            workdir = self.tmp / "work" / Path(source_dir).name
            for name in ("home", "tmp"):
                (self.tmp / name).mkdir()
            _write_copy(workdir, files)
            if self.isolation == "uid":
                protect(hidden)
            settings.update(workdir=str(workdir), private=str(self.tmp),
                            env=sandbox_env(str(self.tmp / "home"), str(self.tmp / "tmp")))
        out = _unnamed_file(self.tmp)
        self.output_fd = os.dup(out)
        parent_rx, child_tx = os.pipe()
        child_rx, parent_tx = os.pipe()
        status_rx, status_tx = os.pipe()
        try:
            self.pid = _zygotes[torch].spawn(settings, [child_rx, child_tx, out, status_tx], timeout=120)
        except OSError as exc:
            for fd in (parent_rx, parent_tx, status_rx, self.output_fd):
                os.close(fd)
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise SandboxUnavailable(str(exc)) from None
        finally:
            for fd in (child_rx, child_tx, out, status_tx):
                os.close(fd)
        self.rx, self.tx, self.status_fd = parent_rx, parent_tx, status_rx
        self.returncode: int | None = None
        self.learner_pid = self._read_status(timeout=120) or 0
        if not self.learner_pid:
            # The keeper could not make the namespaces or fork (it reports pid 0), before any learner code ran:
            # the machine's failure, which learner code cannot fake.
            why = self.output_tail().strip() or "the keeper reported no learner process"
            self.kill()
            raise SandboxUnavailable(why)

    def _read_status(self, timeout: float) -> int | None:
        if not select.select([self.status_fd], [], [], timeout)[0]:
            return None
        data = os.read(self.status_fd, 4)
        return struct.unpack(">i", data)[0] if len(data) == 4 else None

    def wait(self, timeout: float) -> int | None:
        """The learner process's exit status once it has ended (minus the signal number if killed), or None
        if it is still running after ``timeout`` seconds."""
        if self.returncode is None:
            self.returncode = self._read_status(timeout)
        return self.returncode

    def cpu_seconds(self) -> float:
        """CPU time used so far by the learner process and every process it started (read from ``/proc``;
        0 where there is none)."""
        if self.isolation == "uid":   # every process of its uid: a detached one has left the tree
            return _uid_cpu(zygote.learner_uid(self.pid))
        return _tree_cpu(self.learner_pid) if self.learner_pid else 0.0

    def output_tail(self) -> str:
        """The last characters the learner's code printed (stdout and stderr together)."""
        n = self.limits.output
        size = os.fstat(self.output_fd).st_size
        start = max(0, size - 4 * n)   # 4 bytes at most per character in UTF-8
        text = os.pread(self.output_fd, size - start, start).decode("utf-8", "replace")
        return text if start == 0 and len(text) <= n else "…" + text[-n:]

    def kill(self) -> None:
        """Stop the process and everything it started, and remove its temporary folder."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.isolation == "uid":
            zygote.sweep_uid(zygote.learner_uid(self.pid))
        self.wait(timeout=10)
        for fd in (self.rx, self.tx, self.status_fd, self.output_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _unnamed_file(folder: Path) -> int:
    """A file for the learner's output with no name anywhere: learner code reaches it through its own
    stdout only."""
    try:
        return os.open(folder, os.O_RDWR | os.O_TMPFILE, 0o600)
    except (AttributeError, OSError):   # no O_TMPFILE (macOS) or a filesystem without it
        fd, name = tempfile.mkstemp(dir=folder)
        os.unlink(name)
        return fd


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_cpu(pid) -> float:
    """User and system CPU seconds of ``pid`` (all its threads) and of the children it waited for."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / _CLOCK_TICKS   # utime stime cutime cstime


def _tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and of its descendants (and of the children they have already waited for)."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += _stat_cpu(p)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def _uid_cpu(uid: int) -> float:
    """CPU seconds of every process running as ``uid`` (with the children they waited for)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                total += _stat_cpu(entry)
        except (OSError, ValueError):
            continue
    return total


def _write_copy(workdir: Path, files: snapshot.Snapshot) -> None:
    """The learner's copy on the grader's disk, for the levels without a filesystem of their own."""
    workdir.mkdir(parents=True)
    for rel, mode, data in files.files:
        path = workdir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode & 0o755 | 0o600)


def protect(paths: list[Path]) -> None:
    """``uid`` isolation sees the grader's filesystem as a stranger does: close the kit's secrets and the
    other submissions to strangers (their folders lose every permission for others), and make what the grader
    writes from now on (store, exports, results) its own only."""
    os.umask(0o077)
    for path in paths:
        try:
            if path.exists() and path.stat().st_uid == os.getuid():
                path.chmod(path.stat().st_mode & ~0o077)
        except OSError:
            pass
