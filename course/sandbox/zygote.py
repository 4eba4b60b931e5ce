"""The fork server that starts every learner process: it imports NumPy (and, as ``--torch``, torch) once,
then forks a sandboxed learner process per request in a few milliseconds.

Run as ``python -I zygote.py SOCKET_FD [--torch]`` by :mod:`course.sandbox.launch`, with the environment
learner code should see; it imports nothing of the kit but :mod:`child` (the learner-side server) and the
wire codec. A request on the socket carries the learner process's settings as JSON and, as ``SCM_RIGHTS``,
its two pipe ends, its output file and the write end of a status pipe. Each learner process is two processes:

* the *keeper*, forked from here: it starts a new session (so one ``killpg`` stops everything), enters new
  user, mount, network and PID namespaces, forks the learner process, waits for it and writes its exit
  status (as ``subprocess`` reports one: the code, or minus the signal) on the status pipe;
* the *learner process*, PID 1 of the new PID namespace: it mounts its own ``/proc``, covers the hidden
  folders with empty tmpfs mounts, keeps its own temporary copy and no other learner's, caps the number of
  processes, gives up every capability (so learner code cannot undo any of this), sets its resource limits,
  closes every descriptor but its pipes and output, and serves requests with :class:`child.Server`.

Both die with their parent (``PR_SET_PDEATHSIG``), and the zygote dies with the verdict process, so nothing
outlives a grading run. ``python -I zygote.py --probe`` exits 0 when this machine allows the namespaces.
"""
import ctypes
import json
import os
import signal
import socket
import struct
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
CAPABILITY_VERSION_3 = 0x20080522
SETUP_FAILED = 70   # the exit status of a learner process whose sandbox could not be set up (EX_SOFTWARE)

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux; elsewhere the closed pipes and
    the verdict process's ``killpg`` end it)."""
    if sys.platform.startswith("linux"):
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def enter_namespaces() -> None:
    """Unshare user (mapped to root), mount, network and PID namespaces; the next fork is the new PID 1."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def seal_filesystem(hidden) -> None:
    """As PID 1 of the new namespaces: private mounts, a /proc of our own, the hidden folders emptied and the
    hidden files read as empty."""
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    _check(_libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mounting /proc")
    for path in hidden:
        if os.path.isdir(path):
            _check(_libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, b"size=4k"),
                   f"hiding {path}")
        elif os.path.isfile(path):
            _check(_libc.mount(b"/dev/null", path.encode(), None, MS_BIND, None), f"hiding {path}")


def keep_only_own_copy(runs: str, workdir: str) -> None:
    """Empty ``runs`` (where every learner process's copy lives) in this mount namespace, then put this
    process's own ``workdir`` back at its place."""
    own = os.open(workdir, os.O_PATH | os.O_DIRECTORY)
    try:
        _check(_libc.mount(b"tmpfs", runs.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0700"),
               f"emptying {runs}")
        os.makedirs(workdir)
        _check(_libc.mount(f"/proc/self/fd/{own}".encode(), workdir.encode(), None, MS_BIND, None),
               f"binding {workdir}")
    finally:
        os.close(own)


def limit_processes(count: int) -> None:
    """At most about ``count`` processes and threads in the sandbox, so a fork bomb stops there instead of
    starving the machine until its check times out. The PID namespace's own pid_max (Linux 6.14+) holds even
    where the grader runs as root; RLIMIT_NPROC is counted per user namespace since Linux 5.14 (before, it
    would count all the instructor's processes, so it is left alone there)."""
    import resource
    try:
        with open("/proc/sys/kernel/pid_max", "w") as f:
            f.write(str(count))
    except OSError:
        pass
    # Read-only from here on: learner code is root of this PID namespace and could raise it again.
    _check(_libc.mount(b"/proc/sys", b"/proc/sys", None, MS_BIND | MS_REC, None), "binding /proc/sys")
    _check(_libc.mount(None, b"/proc/sys", None, MS_REMOUNT | MS_BIND | MS_RDONLY, None), "sealing /proc/sys")
    if tuple(int(x) for x in os.uname().release.split(".")[:2] if x.isdigit()) >= (5, 14):
        resource.setrlimit(resource.RLIMIT_NPROC, (count, count))


def drop_privileges() -> None:
    """Give up every capability: as root of its own namespaces, learner code could otherwise unmount the empty
    folders that hide solutions/ and graders/ (and import the solutions), or raise its process limit."""
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "dropping capabilities")
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    nothing = (ctypes.c_uint32 * 6)()   # effective, permitted, inheritable: two 32-bit words each
    _check(_libc.capset(header, nothing), "dropping capabilities")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")


def limit_resources(data_bytes: int, fsize_bytes: int) -> None:
    """Cap the data segment (torch still imports: it maps, it does not allocate) and the size of files."""
    import resource
    for limit, value in ((resource.RLIMIT_DATA, data_bytes), (resource.RLIMIT_FSIZE, fsize_bytes)):
        if value > 0:
            resource.setrlimit(limit, (value, value))


def preload(torch: bool) -> None:
    """Import what learner code imports, and run the lazy imports that torch defers to the first use (the
    first optimizer step alone imports for a second). Nothing here starts a thread or touches CUDA, which a
    forked process could not use again."""
    import numpy  # noqa: F401
    if not torch:
        return
    try:
        import torch as t
        import torch.nn.functional as F
    except ImportError:
        return  # the learner's own `import torch` will say so
    # An optimizer step on gradients set by hand: no backward(), since on a machine with a GPU the autograd
    # engine then starts a thread per device (a forked process can run no backward after that), and no
    # Adam or DataLoader, which count the CUDA devices (a forked process can then use no CUDA).
    model = t.nn.Linear(4, 3)
    for p in model.parameters():
        p.grad = t.zeros_like(p)
    t.optim.SGD(model.parameters(), lr=0.1).step()
    F.relu(model(t.ones(2, 4)))


def _close_all_but(keep) -> None:
    """Close every descriptor above stderr except ``keep`` (the fork server's socket above all)."""
    start, end = 3, os.sysconf("SC_OPEN_MAX")
    for fd in sorted(k for k in keep if k >= 3) + [end]:
        os.closerange(start, fd)
        start = fd + 1


def _learner(settings: dict, rx: int, tx: int, out: int) -> None:
    """The learner process: seal it, then serve requests until the verdict process hangs up."""
    die_with_parent()
    os.dup2(out, 1)   # first, so that a failure below is reported in the learner's output
    os.dup2(out, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    if settings["namespaces"]:
        seal_filesystem(settings["hidden"])
        keep_only_own_copy(settings["runs"], settings["workdir"])
        limit_processes(settings["processes"])
        drop_privileges()
    _close_all_but({rx, tx})
    limit_resources(settings["memory"], settings["file_size"])
    import child  # imported by main() already: this is a lookup
    child.serve(rx, tx, settings["workdir"])


def _keeper(settings: dict, fds: list[int]) -> None:
    """The forked keeper: new session and namespaces, fork the learner process, report how it ended."""
    rx, tx, out, status = fds
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    die_with_parent()
    try:
        if settings["namespaces"]:
            enter_namespaces()
        pid = os.fork()
    except OSError as exc:
        _sandbox_failed(out, exc)
        os.write(status, struct.pack(">i", SETUP_FAILED))
        os._exit(0)
    if pid == 0:
        os.close(status)
        try:
            _learner(settings, rx, tx, out)
            code = 0
        except BaseException as exc:
            _sandbox_failed(2, exc)
            code = SETUP_FAILED
        os._exit(code)
    for fd in (rx, tx, out):
        os.close(fd)
    _, wait_status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    os.write(status, struct.pack(">i", code))
    os._exit(0)


def _sandbox_failed(fd: int, exc: BaseException) -> None:
    """Say on the learner's output why the sandbox could not be set up (the verdict process shows it)."""
    os.write(fd, f"course sandbox: the learner process could not be set up: {type(exc).__name__}: {exc}\n".encode())


def serve(sock: socket.socket) -> None:
    """Answer spawn requests until the verdict process closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # keepers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the verdict process's to handle
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 4)
            if len(data) < 4:
                return
            (size,) = struct.unpack(">I", data[:4])
            while len(data) < 4 + size:
                more = sock.recv(4 + size - len(data))
                if not more:
                    return
                data += more
        except ConnectionResetError:
            return
        settings = json.loads(data[4:])
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            sock.close()
            try:
                _keeper(settings, fds)
            finally:
                os._exit(71)
        for fd in fds:
            os.close(fd)
        sock.send(struct.pack(">i", pid))


def probe() -> int:
    """0 when a forked process can enter the namespaces and mount its /proc here, else 1."""
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
            inner = os.fork()
            if inner == 0:
                seal_filesystem([])
                os._exit(0)
            os._exit(os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1]))
        except BaseException:
            os._exit(1)
    return 0 if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0 else 1


def main(argv) -> int:
    if argv[1:] == ["--probe"]:
        return probe()
    die_with_parent()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    preload(torch="--torch" in argv[2:])
    import child, codec  # noqa: F401,E401  (ready before the first fork)
    serve(socket.socket(fileno=int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
