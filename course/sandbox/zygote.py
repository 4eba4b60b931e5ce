"""The fork server that starts every learner process: it imports NumPy (and, as ``--torch``, torch) once,
then forks a sandboxed learner process per request in a few milliseconds.

Run as ``python -I zygote.py SOCKET_FD [--torch]`` by :mod:`course.sandbox.launch`, with the environment
learner code should see; it imports nothing of the kit but :mod:`child` (the learner-side server) and the
wire codec. A request on the socket carries the learner process's settings as JSON (the submission's files
among them) and, as ``SCM_RIGHTS``, its two pipe ends, its output file and the write end of a status pipe.
Each learner process is two processes:

* the *keeper*, forked from here: it starts a new session (so one ``killpg`` stops everything), enters the
  sandbox's namespaces, forks the learner process, reports its pid, waits for it and then reports its exit
  status (as ``subprocess`` reports one: the code, or minus the signal) on the status pipe;
* the *learner process*. In ``namespaces`` isolation it is PID 1 of new user, mount, network and PID
  namespaces and lives in a root filesystem built for it (:func:`build_root`, bubblewrap's model): an empty
  read-only tmpfs holding read-only binds of what Python and its packages need, and one size-limited tmpfs for
  everything writable (its copy of the submission, ``/tmp``, ``/dev/shm``, an empty ``HOME``). Nothing else of
  the machine exists there: no socket, store, export, kit file or other learner's file, whatever its path.
  In ``uid`` isolation (a grader running as root where user namespaces are refused, as in Docker's default
  seccomp profile) it runs as an unprivileged uid of its own instead, and everything that uid left behind is
  removed when it ends (:func:`sweep_uid`). Either way it caps its processes, gives up every capability,
  sets its resource limits, closes every descriptor but its pipes and output, and serves requests with
  :class:`child.Server`.

Both die with their parent (``PR_SET_PDEATHSIG``), and the zygote dies with the verdict process, so nothing
outlives a grading run. ``python -I zygote.py --probe DIR`` exits 0 when this machine can build the sandbox;
a fork server says the same in the first word it sends.
"""
import base64
import ctypes
import errno
import json
import os
import platform
import signal
import socket
import stat
import struct
import sys
import time

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
CLONE_NEWIPC = 0x08000000   # SysV shared memory, semaphores, queues: not counted by RLIMIT_DATA, kept after exit
NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_NOATIME, MS_NODIRATIME, MS_REC, MS_PRIVATE, MS_RELATIME = 1024, 2048, 1 << 14, 1 << 18, 1 << 21
ST_RELATIME = 4096      # statvfs's flag for MS_RELATIME; the others share their values with the MS_ flags
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
CAPABILITY_VERSION_3 = 0x20080522
SETUP_FAILED = 70   # the exit status of a learner process whose sandbox could not be set up (EX_SOFTWARE)
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
# The unprivileged uids learner processes run as where the grader is root: this base plus the keeper's pid,
# so two learner processes never share one (nor with a real account, which stay far below).
UID_BASE = 1_000_000_000
SWEEP_ROUNDS = 500    # kill(-1) rounds, 10 ms apart, before a sweep gives up on processes that keep forking
# Device nodes a Python program may open; GPU nodes are added where they exist.
DEVICES = ("null", "zero", "full", "random", "urandom")
SCRATCH_DIRS = {"tmp": 0o1777, "shm": 0o1777, "work": 0o755, "home": 0o755}
LEARNER_HOME, LEARNER_WORK = "/home/learner", "/submission"
SCRATCH_PLACES = {"tmp": "/tmp", "shm": "/dev/shm", "work": LEARNER_WORK, "home": LEARNER_HOME}
# Read by the dynamic loader to find a library by name (libcuda.so.1 when CUDA starts).
LOADER_CACHE = "/etc/ld.so.cache"

_libc = ctypes.CDLL(None, use_errno=True) if os.name == "posix" else None   # Windows: no fork, no sandbox


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype=None, flags=0, data=None, what="") -> None:
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), what or f"mounting {target}")


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux; elsewhere the closed pipes and
    the verdict process's ``killpg`` end it)."""
    if sys.platform.startswith("linux"):
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def learner_uid(keeper_pid: int) -> int:
    """The unprivileged uid (and gid) of the learner process a keeper starts, where the grader is root."""
    return UID_BASE + keeper_pid


def enter_namespaces() -> None:
    """Unshare user, mount, network and PID namespaces; the next fork is the new PID 1. The namespace's root
    is the caller's own uid, or an unprivileged uid of its own when the caller is root, so that learner code
    never owns a file of the grader's (root's files stay as closed to it as to any stranger)."""
    uid, gid = os.getuid(), os.getgid()
    if uid != 0:
        _check(_libc.unshare(NAMESPACES), "unshare")
        for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        return
    # Mapping another uid needs CAP_SETUID where the namespace is made, which the caller gives up by entering
    # it: a helper that stays outside writes the maps.
    inside = learner_uid(os.getpid())
    ready, go = os.pipe()
    helper = os.fork()
    if helper == 0:
        os.close(go)
        os.read(ready, 1)
        try:
            for name in ("uid_map", "gid_map"):
                with open(f"/proc/{os.getppid()}/{name}", "w") as f:
                    f.write(f"0 {inside} 1")
            os._exit(0)
        except BaseException:
            os._exit(1)
    os.close(ready)
    try:
        _check(_libc.unshare(NAMESPACES), "unshare")
    finally:
        os.write(go, b"x")
        os.close(go)
        mapped = os.waitstatus_to_exitcode(os.waitpid(helper, 0)[1]) == 0
    if not mapped:
        raise OSError(errno.EPERM, "mapping the learner's uid into its user namespace was refused")


def readonly_paths(here: str) -> list[str]:
    """What learner code may read, the allow-list: the folders of this interpreter's ``sys.path`` (the
    standard library and the installed packages), the folders of every file this process has mapped (the
    interpreter and the shared libraries NumPy and torch loaded, so their lazy loads of siblings work), and the
    system's library folders. The kit's own folders are never among them (an installed kit's package is
    covered, see :func:`masked_paths`)."""
    import child
    kit = child.kit_folders(here)
    found = {os.path.abspath(p) for p in sys.path if p and os.path.exists(p)}
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) == 6 and fields[5].startswith("/") and os.path.isfile(fields[5].rstrip("\n")):
                found.add(os.path.dirname(fields[5].rstrip("\n")))
    found.update(p for p in ("/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32", LOADER_CACHE)
                 if os.path.lexists(p))
    package = os.path.dirname(here)
    found = {p for p in found if p not in ("/", package, *kit) and not p.startswith(package + "/")
             and not p.startswith(("/proc/", "/sys/", "/dev/"))}
    # The outermost folders only: a bind of a folder shows what is inside it.
    return sorted(p for p in found if not any(p.startswith(q.rstrip("/") + "/") for q in found if q != p))


def masked_paths(allowed: list[str], here: str) -> list[str]:
    """The kit's package where an allowed folder holds it (an installed, not editable, kit): learner code
    gets none of it."""
    package = os.path.dirname(here)
    return [package] if any(package.startswith(p.rstrip("/") + "/") for p in allowed) else []


def _mount_flags(path: str) -> int:
    """The flags of the mount holding ``path`` that a bind of it must keep: a user namespace may not clear
    flags its parent set (``nosuid``, ``nodev``, atime), so a read-only remount that drops them is refused."""
    f = os.statvfs(path).f_flag
    return (f & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME)) | (
        MS_RELATIME if f & ST_RELATIME else 0)


def _bind_readonly(source_fd: int, source: str, target: str) -> None:
    """Bind ``source`` (opened as ``source_fd``) at ``target`` and make the bind read-only."""
    _mount(f"/proc/self/fd/{source_fd}", target, None, MS_BIND, None, f"binding {source}")
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | _mount_flags(target),
           None, f"making {source} read-only")


def _make_mountpoint(root: str, path: str, is_dir: bool) -> str:
    target = root + path
    os.makedirs(target if is_dir else os.path.dirname(target), exist_ok=True)
    if not is_dir and not os.path.exists(target):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o644))
    return target


def _write_files(folder: str, files: list) -> None:
    """Write the submission's files (relative path, mode, base64 bytes) into ``folder``."""
    for rel, mode, data in files:
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"refusing to write {rel!r} outside the learner's folder")
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode & 0o755 | 0o600)
        try:
            os.write(fd, base64.b64decode(data))
        finally:
            os.close(fd)


def _pivot_root(root: str) -> None:
    """Make ``root`` this mount namespace's ``/`` and detach the old one (``chroot`` where the syscall number
    of ``pivot_root`` is unknown: with every capability dropped later, it cannot be left either)."""
    os.chdir(root)
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is not None:
        _check(_libc.syscall(number, b".", b"."), "pivot_root")
        _check(_libc.umount2(b".", MNT_DETACH), "detaching the old root")
    else:
        os.chroot(".")
    os.chdir("/")


def build_root(settings: dict, allowed: list[str], masked: list[str]) -> None:
    """As PID 1 of the new namespaces: build the learner's root filesystem and move into it.

    ``settings["mountpoint"]`` is an empty folder of the grader's where the new root is assembled;
    ``settings["scratch"]`` the bytes of the one tmpfs that holds everything writable, whose folders are bound
    first, so that an allowed folder under one of their paths (a venv under /tmp) is bound on top of it."""
    # Opened (and looked at) while this process may still read them all: once it is the namespace's root it
    # is a stranger to the grader's private folders (a Python under /root), which the binds pass through.
    links = {p: os.readlink(p) for p in allowed if os.path.islink(p)}
    sources = {p: os.open(p, os.O_PATH) for p in allowed + [f"/dev/{d}" for d in settings["devices"]]
               if p not in links and os.path.exists(p)}
    folders = {p for p in sources if os.path.isdir(p)}
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None, "making mounts private")
    # Owned by the namespace's root (uid=0 is read in the namespace), and entered before that uid takes over:
    # from here on the new root is reached as "." and never through the grader's folders.
    _mount("tmpfs", settings["mountpoint"], "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,uid=0,gid=0,size=4m",
           "mounting the new root")
    os.chdir(settings["mountpoint"])
    root = "."
    if os.getuid() != 0:   # the grader is root: become the namespace's root, an unprivileged uid outside
        os.setresgid(0, 0, 0)
        os.setgroups([])
        os.setresuid(0, 0, 0)
        die_with_parent()   # a change of uid clears the death signal
    scratch = root + "/.scratch"
    os.mkdir(scratch)
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0755,size={settings['scratch']}",
           "mounting the writable space")
    for name, mode in SCRATCH_DIRS.items():
        os.mkdir(f"{scratch}/{name}")
        os.chmod(f"{scratch}/{name}", mode)
    work = f"{scratch}/work/{settings['name']}"
    os.mkdir(work)
    _write_files(work, settings["files"])
    for name, place in SCRATCH_PLACES.items():
        _mount(f"{scratch}/{name}", _make_mountpoint(root, place, True), None, MS_BIND, None, f"binding {place}")
    _check(_libc.umount2(scratch.encode(), MNT_DETACH), "detaching the writable space")
    os.rmdir(scratch)
    for path in allowed:
        if path in links:   # /lib -> usr/lib on a merged-/usr system
            os.makedirs(os.path.dirname(root + path), exist_ok=True)
            os.symlink(links[path], root + path)
        elif path in sources:
            _bind_readonly(sources[path], path, _make_mountpoint(root, path, path in folders))
    for path in masked:
        _mount("tmpfs", _make_mountpoint(root, path, True), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k")
    for device in settings["devices"]:
        if f"/dev/{device}" in sources:
            target = _make_mountpoint(root, f"/dev/{device}", False)
            _mount(f"/proc/self/fd/{sources[f'/dev/{device}']}", target, None, MS_BIND, None, f"binding {device}")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/etc", exist_ok=True)
    for name, text in (("passwd", f"learner:x:0:0:learner:{LEARNER_HOME}:/bin/false\n"),
                       ("group", "learner:x:0:\n"), ("hosts", "127.0.0.1 localhost\n")):
        with open(f"{root}/etc/{name}", "w") as f:
            f.write(text)
    os.makedirs(root + "/proc")
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None, "mounting /proc")
    for fd in sources.values():
        os.close(fd)
    _pivot_root(root)
    _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None, "making the new root read-only")


def become_uid(uid: int, processes: int) -> None:
    """``uid`` isolation: run as an unprivileged uid of this learner process's own (no supplementary groups,
    its process count limited by the kernel's per-uid count)."""
    import resource
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    os.setresuid(uid, uid, uid)


def sweep_uid(uid: int, places=("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock")) -> None:
    """End every process of ``uid`` and remove what it left in the machine's shared writable folders: in
    ``uid`` isolation nothing a learner process started or wrote outlives it. Must be called as root."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresuid(uid, uid, uid)
            # kill(-1) reaches every process this uid may signal, i.e. its own, and never the caller; it goes on
            # succeeding for the dead ones not yet reaped, so the loop ends when no live one is left.
            for _ in range(SWEEP_ROUNDS):
                if _libc.kill(-1, signal.SIGKILL) != 0 or not _live_processes(uid):
                    break
                time.sleep(0.01)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    for place in places:
        _remove_owned(place, uid)
    _remove_ipc(uid)


IPC_RMID = 0
# Each /proc/sysvipc table (its second column is the object's id) and the libc call that removes one.
_IPC_TABLES = (("shm", "shmctl"), ("msg", "msgctl"), ("sem", "semctl"))


def _remove_ipc(uid: int) -> None:
    """Remove the SysV shared memory segments, message queues and semaphores ``uid`` created (uid isolation
    has no IPC namespace of its own; they would outlive it and hold memory no limit counts)."""
    for table, call in _IPC_TABLES:
        try:
            with open(f"/proc/sysvipc/{table}") as f:
                header, *rows = f.read().splitlines()
        except OSError:
            continue
        names = header.split()
        for row in rows:
            fields = dict(zip(names, row.split()))
            if fields.get("uid") == str(uid) or fields.get("cuid") == str(uid):
                ident = int(fields[names[1]])
                if call == "semctl":
                    _libc.semctl(ident, 0, IPC_RMID)
                else:
                    getattr(_libc, call)(ident, IPC_RMID, None)


def _live_processes(uid: int) -> bool:
    """True while a process of ``uid`` other than this one runs (zombies do not count)."""
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or entry == me:
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
        except OSError:
            continue
        if f"\nUid:\t{uid}\t" in status and "\nState:\tZ" not in status:
            return True
    return False


def _remove_owned(folder: str, uid: int) -> None:
    import shutil
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if st.st_uid == uid:
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        elif stat.S_ISDIR(st.st_mode) and st.st_mode & 0o002:   # a shared folder inside: look in it too
            _remove_owned(entry.path, uid)


# The namespace kinds whose per-user-namespace limits /proc/sys/user holds (max_<kind>_namespaces).
NAMESPACE_KINDS = ("user", "mnt", "ipc", "net", "pid", "uts", "cgroup", "time")


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
    # No namespace of any kind may be made from here on. Without capabilities learner code could still make a
    # user namespace (unprivileged), be root there with every capability, and make more namespaces to hold:
    # they count against the machine's limits for the grader's uid, so a learner could exhaust them and make
    # the next sandbox fail (bubblewrap's --disable-userns does the same).
    for kind in NAMESPACE_KINDS:
        with open(f"/proc/sys/user/max_{kind}_namespaces", "w") as f:
            f.write("0")
    # Read-only from here on: learner code is root of this PID namespace and could raise it again.
    _mount("/proc/sys", "/proc/sys", None, MS_BIND | MS_REC, None, "binding /proc/sys")
    _mount(None, "/proc/sys", None, MS_REMOUNT | MS_BIND | MS_RDONLY, None, "sealing /proc/sys")
    if tuple(int(x) for x in os.uname().release.split(".")[:2] if x.isdigit()) >= (5, 14):
        resource.setrlimit(resource.RLIMIT_NPROC, (count, count))


def drop_privileges() -> None:
    """Give up every capability: as root of its own namespaces, learner code could otherwise unmount or
    remount what was built for it, or raise its process limit."""
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "dropping capabilities")
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    nothing = (ctypes.c_uint32 * 6)()   # effective, permitted, inheritable: two 32-bit words each
    _check(_libc.capset(header, nothing), "dropping capabilities")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")


# Memory no resource limit counts: anonymous shared mappings and memfd files are shmem, outside RLIMIT_DATA
# and outside the size of the learner's tmpfs, and so are SysV shared memory segments. Learner code gets none
# of them (EPERM); shared memory it needs is a file in /dev/shm, which is that tmpfs. By syscall number:
SECCOMP_DENIED = {"x86_64": {"memfd_create": 319, "memfd_secret": 447, "shmget": 29, "mmap": 9},
                  "aarch64": {"memfd_create": 279, "memfd_secret": 447, "shmget": 194, "mmap": 222}}
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
X32_SYSCALL_BIT = 0x40000000                 # x86_64's x32 ABI numbers its syscalls from here: refused whole
MAP_SHARED, MAP_ANONYMOUS = 0x01, 0x20       # MAP_SHARED_VALIDATE (0x03) has the MAP_SHARED bit too
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_AND_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x54, 0x06
SECCOMP_NR, SECCOMP_ARCH, SECCOMP_ARG3 = 0, 4, 16 + 3 * 8    # offsets in struct seccomp_data (little endian)


def deny_unlimited_memory() -> None:
    """Install the seccomp filter that refuses :data:`SECCOMP_DENIED` (mmap only when both shared and
    anonymous). Needs no_new_privs, set before. Raises on a machine whose architecture it does not know, so
    the learner process never runs without it."""
    machine = os.uname().machine
    if machine not in SECCOMP_DENIED:
        raise OSError(f"no seccomp filter for {machine}: the sandbox cannot cap shared memory there")
    nr = SECCOMP_DENIED[machine]
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    program = [(BPF_LD_W_ABS, 0, 0, SECCOMP_ARCH),
               (BPF_JEQ_K, 1, 0, AUDIT_ARCH[machine]),
               (BPF_RET_K, 0, 0, deny),                                   # another ABI: nothing runs
               (BPF_LD_W_ABS, 0, 0, SECCOMP_NR),
               (BPF_JGE_K, 0, 1, X32_SYSCALL_BIT) if machine == "x86_64" else (BPF_JEQ_K, 0, 1, 0xFFFFFFFF),
               (BPF_RET_K, 0, 0, deny),
               (BPF_JEQ_K, 0, 1, nr["memfd_create"]), (BPF_RET_K, 0, 0, deny),
               (BPF_JEQ_K, 0, 1, nr["memfd_secret"]), (BPF_RET_K, 0, 0, deny),
               (BPF_JEQ_K, 0, 1, nr["shmget"]), (BPF_RET_K, 0, 0, deny),
               (BPF_JEQ_K, 0, 3, nr["mmap"]),
               (BPF_LD_W_ABS, 0, 0, SECCOMP_ARG3),
               (BPF_AND_K, 0, 0, MAP_SHARED | MAP_ANONYMOUS),
               (BPF_JEQ_K, 1, 0, MAP_SHARED | MAP_ANONYMOUS),
               (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
               (BPF_RET_K, 0, 0, deny)]

    class SockFilter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]

    filters = (SockFilter * len(program))(*[SockFilter(*op) for op in program])
    fprog = SockFprog(len(program), filters)
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "installing seccomp")


def limit_resources(data_bytes: int, fsize_bytes: int, cpu_seconds: int = 0) -> None:
    """Cap the data segment (torch still imports: it maps, it does not allocate), the size of files and, as a
    backstop for CPU the verdict process cannot count (children reaped unseen, a detached spinner), each
    process's CPU time."""
    import resource
    for limit, value in ((resource.RLIMIT_DATA, data_bytes), (resource.RLIMIT_FSIZE, fsize_bytes),
                         (resource.RLIMIT_CPU, cpu_seconds)):
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


def _learner(settings: dict, rx: int, tx: int, out: int, keeper: int) -> None:
    """The learner process: seal it, then serve requests until the verdict process hangs up."""
    die_with_parent()
    os.dup2(out, 1)   # first, so that a failure below is reported in the learner's output
    os.dup2(out, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    mode = settings["isolation"]
    if mode == "namespaces":
        build_root(settings, ALLOWED, MASKED)
        workdir = f"{LEARNER_WORK}/{settings['name']}"
        limit_processes(settings["processes"])
        drop_privileges()
    else:
        workdir = settings["workdir"]
        if mode == "uid":
            uid = learner_uid(keeper)
            for folder, dirs, files in os.walk(settings["private"]):
                for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
                    os.lchown(name, uid, uid)
            become_uid(uid, settings["processes"])
            die_with_parent()   # a change of uid clears the death signal: set it again, then make sure the
            if os.getppid() != keeper:   # keeper did not end in between (it would never be sent)
                os._exit(SETUP_FAILED)
            _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    os.environ.clear()
    os.environ.update(settings["env"])
    _close_all_but({rx, tx})
    limit_resources(settings["memory"], settings["file_size"], settings.get("cpu", 0))
    if mode in ("namespaces", "uid"):
        deny_unlimited_memory()
    import child  # imported by main() already: this is a lookup
    child.serve(rx, tx, workdir)


def _keeper(settings: dict, fds: list[int]) -> None:
    """The forked keeper: new session and namespaces, fork the learner process, report its pid, then how it
    ended (and in ``uid`` isolation end whatever it left behind first)."""
    rx, tx, out, status = fds
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    die_with_parent()
    keeper = os.getpid()
    try:
        if settings["isolation"] == "namespaces":
            enter_namespaces()
        pid = os.fork()
    except OSError as exc:
        _sandbox_failed(out, exc)
        os.write(status, struct.pack(">ii", 0, SETUP_FAILED))
        os._exit(0)
    if pid == 0:
        os.close(status)
        try:
            _learner(settings, rx, tx, out, keeper)
            code = 0
        except BaseException as exc:
            _sandbox_failed(2, exc)
            code = SETUP_FAILED
        os._exit(code)
    for fd in (rx, tx, out):
        os.close(fd)
    os.write(status, struct.pack(">i", pid))
    _, wait_status = os.waitpid(pid, 0)
    if settings["isolation"] == "uid":
        sweep_uid(learner_uid(keeper))
    os.write(status, struct.pack(">i", os.waitstatus_to_exitcode(wait_status)))
    os._exit(0)


def _sandbox_failed(fd: int, exc: BaseException) -> None:
    """Say on the learner's output why the sandbox could not be set up (the verdict process shows it)."""
    os.write(fd, f"course sandbox: the learner process could not be set up: {type(exc).__name__}: {exc}\n".encode())


def _receive(sock: socket.socket):
    """One request: its settings and descriptors, or None when the verdict process has gone."""
    try:
        data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 4)
        if len(data) < 4:
            return None
        (size,) = struct.unpack(">I", data[:4])
        chunks, got = [data[4:]], len(data) - 4
        while got < size:
            more = sock.recv(min(size - got, 1 << 20))
            if not more:
                return None
            chunks.append(more)
            got += len(more)
    except ConnectionResetError:
        return None
    return json.loads(b"".join(chunks)), fds


def serve(sock: socket.socket) -> None:
    """Answer spawn requests until the verdict process closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # keepers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the verdict process's to handle
    while True:
        request = _receive(sock)
        if request is None:
            return
        settings, fds = request
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


def probe(mountpoint: str, allowed: list[str]) -> int:
    """0 when a forked process can enter the namespaces, build a learner's root at ``mountpoint`` and install
    the seccomp filter."""
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
            inner = os.fork()
            if inner == 0:
                try:
                    build_root(dict(mountpoint=mountpoint, scratch=1 << 20, name="probe", files=[], devices=[]),
                               allowed, [])
                    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
                    deny_unlimited_memory()    # a machine that cannot filter gets the next level, said so
                    os._exit(0 if os.listdir(LEARNER_WORK) == ["probe"] else 1)
                except BaseException:
                    os._exit(1)
            os._exit(os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1]))
        except BaseException:
            os._exit(1)
    return 0 if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0 else 1


def probe_here(allowed: list[str]) -> int:
    """:func:`probe` at a fresh folder in the working directory (the verdict process's temporary folder)."""
    # A name nobody can plant beforehand (the folder is shared with the machine's other users).
    mountpoint = os.path.abspath(f"course-probe-{os.getpid()}-{os.urandom(8).hex()}")
    os.mkdir(mountpoint, 0o700)
    try:
        return probe(mountpoint, allowed)
    finally:
        os.rmdir(mountpoint)


ALLOWED: list[str] = []
MASKED: list[str] = []


def main(argv) -> int:
    global ALLOWED, MASKED
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    if argv[1:2] == ["--probe"]:
        return probe(argv[2], readonly_paths(here))
    die_with_parent()
    preload(torch="--torch" in argv[2:])
    import child, codec  # noqa: F401,E401  (ready before the first fork)
    ALLOWED = readonly_paths(here)   # after the preload: what it mapped is allowed
    MASKED = masked_paths(ALLOWED, here)
    sock = socket.socket(fileno=int(argv[1]))
    # The first word says whether this machine gives learner processes their namespaces: the verdict process
    # needs to know before its first learner, and asking here costs a fork instead of an interpreter.
    sock.send(struct.pack(">i", probe_here(ALLOWED)))
    serve(sock)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
