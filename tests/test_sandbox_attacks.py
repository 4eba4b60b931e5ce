"""Attacks on the grading sandbox that are contained today, kept as regression tests.

Each test plays a hostile learner (or a hostile reply on the channel) and fails if the protection it meets
goes away: the learner process cannot unmount, remount, signal, trace, raise its limits, make a namespace or
get memory no limit counts; it reaches no
loopback address (IPv4 or IPv6) of the grader; a reply cannot smuggle an object array or a huge array into
the verdict process; special files in a submission are refused, never read; time spent in threads and in
child processes is counted; and in ``uid`` isolation it can neither signal nor look into the verdict process
nor give its output file a name that outlives it.
"""
import errno
import os
import pickle
import socket
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from course import paths, registry
from course.grading.run import grade_exercise
from course.sandbox import codec
from course.sandbox.launch import Limits, isolation_mode
from course.sandbox.remote import LearnerSession, LearnerTimeout

EX0 = registry.get("exercise0")
namespaces_only = pytest.mark.skipif(isolation_mode() != "namespaces", reason="needs Linux namespaces")
root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                               reason="uid isolation is the fallback of a grader running as root")


def _session(tmp_path, source, **limits):
    folder = tmp_path / "learner"
    folder.mkdir()
    (folder / "probe.py").write_text(textwrap.dedent(source))
    return LearnerSession(folder, hidden=paths.kit_secrets(), limits=Limits(**{"check_timeout": 30, **limits}))


# -- the learner's own powers (namespaces) -----------------------------------------------------------------

POWERS = """
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)

    def _errno(result):
        return 0 if result == 0 else ctypes.get_errno()

    def powers():
        out = {}
        out["umount_proc"] = _errno(libc.umount2(b"/proc", 2))
        out["umount_usr"] = _errno(libc.umount2(b"/usr/lib", 2))
        out["remount_root_rw"] = _errno(libc.mount(None, b"/", None, 32, None))            # MS_REMOUNT
        out["remount_tmp_exec"] = _errno(libc.mount(None, b"/tmp", None, 32 | 4096, None))  # | MS_BIND
        out["mount_tmpfs"] = _errno(libc.mount(b"x", b"/home/learner", b"tmpfs", 0, None))
        out["kill_all"] = _errno(libc.kill(-1, 0))
        out["ptrace_self_parent"] = _errno(libc.ptrace(16, os.getppid() or 1, 0, 0))       # PTRACE_ATTACH
        out["pids"] = sorted(p for p in os.listdir("/proc") if p.isdigit())
        try:
            with open("/proc/sys/kernel/pid_max", "w") as f:
                f.write("4194304")
            out["pid_max_write"] = 0
        except OSError as exc:
            out["pid_max_write"] = exc.errno
        status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
        out["cap_eff"] = status["CapEff"].strip()
        out["cap_bnd"] = status["CapBnd"].strip()
        out["no_new_privs"] = status["NoNewPrivs"].strip()
        out["proc1_root"] = sorted(os.listdir("/proc/1/root"))
        out["root"] = sorted(os.listdir("/"))
        out["kit_through_proc"] = [n for n in ("solutions", "graders", ".git", "tests")
                                   if os.path.lexists(f"/proc/1/root{KIT}/{n}") or os.path.lexists(f"{KIT}/{n}")]
        # Every kind of namespace, and first a user namespace (unprivileged, it would give every capability
        # back): each one made would count against the machine's limits for the grader's uid.
        kinds = {"user": 0x10000000, "mnt": 0x20000, "ipc": 0x8000000, "net": 0x40000000, "uts": 0x4000000,
                 "pid": 0x20000000, "cgroup": 0x2000000}
        out["namespaces_made"] = [kind for kind, flag in kinds.items() if libc.unshare(flag) == 0]
        with open("/proc/sys/user/max_user_namespaces") as f:
            out["max_user_namespaces"] = f.read().strip()
        return out
    """


@namespaces_only
def test_learner_code_cannot_unmount_remount_signal_trace_or_raise_its_limits(tmp_path):
    session = _session(tmp_path, f"KIT = {str(paths.kit_root())!r}\n" + textwrap.dedent(POWERS))
    try:
        seen = session.module("probe").powers()
    finally:
        session.close()
    for name in ("umount_proc", "umount_usr", "remount_root_rw", "remount_tmp_exec", "mount_tmpfs"):
        assert seen[name] in (errno.EPERM, errno.EACCES), (name, seen[name])
    assert seen["kill_all"] == errno.ESRCH          # no process but itself to signal
    assert seen["ptrace_self_parent"] != 0
    assert seen["pids"] == ["1"]
    assert seen["pid_max_write"] in (errno.EROFS, errno.EACCES, errno.EPERM)
    assert int(seen["cap_eff"], 16) == 0 and int(seen["cap_bnd"], 16) == 0
    assert seen["no_new_privs"] == "1"
    # /proc/1/root is its own root: no way back to the grader's filesystem through it.
    assert seen["proc1_root"] == seen["root"]
    assert seen["kit_through_proc"] == []
    assert seen["namespaces_made"] == [] and seen["max_user_namespaces"] == "0"


SHARED_MEMORY = """
    import ctypes, mmap, os
    libc = ctypes.CDLL(None, use_errno=True)

    def attempts():
        out = {}
        for name, make in (("anonymous_shared", lambda: mmap.mmap(-1, 1 << 20)),
                           ("memfd", lambda: os.memfd_create("x")),
                           ("anonymous_private", lambda: mmap.mmap(-1, 1 << 20, flags=mmap.MAP_PRIVATE))):
            try:
                make()
                out[name] = 0
            except OSError as exc:
                out[name] = exc.errno
        out["sysv_shm"] = 0 if libc.shmget(0, 1 << 20, 0o1600) >= 0 else ctypes.get_errno()   # IPC_PRIVATE
        with open("/dev/shm/mine", "w+b") as f:                  # a file in the learner's own tmpfs: counted
            f.truncate(1 << 20)
            mmap.mmap(f.fileno(), 1 << 20)
        out["dev_shm_file"] = 0
        return out
    """


@pytest.mark.skipif(isolation_mode() not in ("namespaces", "uid") or
                    os.uname().machine not in ("x86_64", "aarch64"), reason="the seccomp filter of those levels")
def test_learner_code_gets_no_memory_that_no_limit_counts(tmp_path):
    """Shared anonymous mappings, memfd files and SysV segments are outside RLIMIT_DATA and the tmpfs size:
    refused. Private memory and shared files in /dev/shm (the learner's tmpfs) still work."""
    session = _session(tmp_path, SHARED_MEMORY)
    try:
        seen = session.module("probe").attempts()
    finally:
        session.close()
    assert seen == {"anonymous_shared": errno.EPERM, "memfd": errno.EPERM, "anonymous_private": 0,
                    "sysv_shm": errno.EPERM, "dev_shm_file": 0}


@namespaces_only
def test_learner_code_reaches_no_loopback_address_of_the_grader(tmp_path):
    """TCP on 127.0.0.1 and ::1, and UDP, all towards sockets the grader really listens on."""
    servers = [socket.socket(socket.AF_INET)]
    servers[0].bind(("127.0.0.1", 0))
    try:
        six = socket.socket(socket.AF_INET6)
        six.bind(("::1", 0))
        servers.append(six)
    except OSError:
        pass   # no IPv6 on this machine: nothing to reach there
    for s in servers:
        s.listen(4)
        threading.Thread(target=lambda s=s: s.accept(), daemon=True).start()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(3)
    targets = [(s.family == socket.AF_INET6, s.getsockname()[1]) for s in servers]
    session = _session(tmp_path, f"""
        import socket
        def reach():
            got = []
            for six, port in {targets!r}:
                s = socket.socket(socket.AF_INET6 if six else socket.AF_INET)
                s.settimeout(2)
                try:
                    s.connect(("::1" if six else "127.0.0.1", port))
                    got.append(("connected", port))
                except OSError:
                    pass
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.sendto(b"hello", ("127.0.0.1", {udp.getsockname()[1]}))
                got.append(("udp-sent", 0))
            except OSError:
                pass
            return got
        """)
    try:
        reached = session.module("probe").reach()
    finally:
        session.close()
    try:
        heard = udp.recv(16)
    except OSError:
        heard = b""
    for s in servers + [udp]:
        s.close()
    assert reached == [] and heard == b""


# -- replies on the channel --------------------------------------------------------------------------------

def _reply(value):
    """A reply frame's payload as a learner writing on the channel itself could make it."""
    return pickle.dumps(("ok", value), protocol=pickle.HIGHEST_PROTOCOL)


@pytest.mark.parametrize("dtype", ["|O", "O", [("a", "O")], [("a", "<f8"), ("b", "O")], "(2,)O"])
def test_a_reply_cannot_carry_an_object_array_into_the_verdict_process(dtype):
    """Object arrays hold pointers: decoding one from learner bytes would hand the verdict process objects
    (or addresses) the learner chose. Every spelling of an object dtype must be refused."""
    payload = _reply((codec._ND, dtype, (1,), b"\0" * 16))
    status, data = codec.decode_frame(payload)
    with pytest.raises((ValueError, TypeError)):
        value = codec.from_wire(data, lambda h: None, budget=codec.Budget(len(payload)))
        assert getattr(value, "dtype", None) is None or not value.dtype.hasobject


def test_a_reply_cannot_claim_a_huge_array_over_a_small_buffer():
    """The shape is the learner's word: it must match the bytes sent, never allocate what it claims."""
    for shape in ((1 << 40,), (1 << 20, 1 << 20), (2, -1, 0)):
        payload = _reply((codec._ND, "<f8", shape, b"\0" * 64))
        _, data = codec.decode_frame(payload)
        with pytest.raises(ValueError):
            codec.from_wire(data, lambda h: None, budget=codec.Budget(len(payload)))


@pytest.mark.parametrize("value", [os.system, eval, getattr, np.dtype, np.zeros(2), np.zeros(2, dtype=object),
                                   np.float64(1.0), {1, 2}.__class__, Path("/etc/passwd")],
                         ids=["os.system", "eval", "getattr", "np.dtype", "ndarray", "object-array", "np.float64",
                              "set-type", "Path"])
def test_a_reply_naming_any_class_or_function_is_refused(value):
    """Only plain pickle opcodes decode: anything that names a global (a function, a class, NumPy's own
    reconstructors) is refused, whatever protocol wrote it."""
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        with pytest.raises(pickle.UnpicklingError):
            codec.decode_frame(pickle.dumps(("ok", value), protocol=protocol))


def test_a_reply_of_shared_references_is_refused_within_its_budget():
    """A list DAG 60 levels deep is 2**60 nodes when walked: refused, and quickly."""
    node = [0]
    for _ in range(60):
        node = [node, node]
    payload = _reply(node)
    assert len(payload) < 1000
    _, data = codec.decode_frame(payload)
    with pytest.raises(codec.TooComplex):
        codec.from_wire(data, lambda h: None, budget=codec.Budget(len(payload)))


# -- submissions -------------------------------------------------------------------------------------------

WRONG = "def sign(x): return 7\ndef tentimes(n): return [0]\ndef normalize_rows(a): return a\n" \
        "def one_hot(labels, n): return labels\n"


def _special_submission(tmp_path, kind):
    folder = tmp_path / "exercises" / "exercise0"
    folder.mkdir(parents=True)
    (folder / "basics.py").write_text(WRONG)
    if kind == "fifo":
        os.mkfifo(folder / "data.fifo")     # reading it would block the grader forever
    elif kind == "device":
        os.mknod(folder / "mem", 0o600 | 0o020000, os.makedev(1, 3))   # a character device (/dev/null's)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(folder / "grader.sock"))
        s.close()
    elif kind == "sparse":
        with open(folder / "weights.bin", "wb") as f:
            f.truncate(1 << 40)              # a terabyte of holes: must not be read whole
    return tmp_path / "exercises"


@pytest.mark.parametrize("kind", ["fifo", "device", "socket", "sparse"])
def test_special_and_huge_files_in_a_submission_are_refused_not_read(tmp_path, kind):
    if kind == "device" and os.geteuid() != 0:
        pytest.skip("mknod of a device needs root")
    result = grade_exercise(_special_submission(tmp_path, kind), EX0)
    assert result.score == 0 and result.checks
    assert all(c.status == "error" and c.diagnosis == "missing-file" for c in result.checks)
    assert "not graded" in result.checks[0].message


# -- time ------------------------------------------------------------------------------------------------

SPINNERS = """
    import os, threading
    def _spin():
        while True:
            pass
    def threads():
        for _ in range(2):
            threading.Thread(target=_spin, daemon=True).start()
        threading.Event().wait()
    def waited_child():
        pid = os.fork()
        if pid == 0:
            _spin()
        os.waitpid(pid, 0)
    def orphaned_grandchild():
        if os.fork() == 0:          # the middle process exits at once: the spinner is reparented
            if os.fork() == 0:
                _spin()
            os._exit(0)
        threading.Event().wait()
    """


@namespaces_only
@pytest.mark.parametrize("how", ["threads", "waited_child", "orphaned_grandchild"])
def test_cpu_time_in_threads_and_child_processes_counts_against_the_check(tmp_path, how):
    """A learner that waits while its threads or its (grand)children compute is still stopped on CPU time,
    not at the wall-clock cap (3 x budget + 10 s)."""
    session = _session(tmp_path, SPINNERS, check_timeout=1.0)
    try:
        probe = session.module("probe")
        with pytest.raises(LearnerTimeout) as timeout:
            getattr(probe, how)()
    finally:
        session.close()
    assert timeout.value.kind == "cpu"


# -- uid isolation ---------------------------------------------------------------------------------------



@root_only
def test_uid_isolation_cannot_signal_or_look_into_the_verdict_process(tmp_path, uid_isolation):
    me = os.getpid()
    session = _session(tmp_path, f"""
        import ctypes, os, signal
        libc = ctypes.CDLL(None, use_errno=True)
        def _try(f):
            try:
                f()
                return "done"
            except OSError as exc:
                return exc.errno
        def probe():
            out = {{"uid": os.getuid()}}
            out["signal"] = _try(lambda: os.kill({me}, signal.SIGTERM))
            out["environ"] = _try(lambda: open("/proc/{me}/environ").read())
            out["fds"] = _try(lambda: os.listdir("/proc/{me}/fd"))
            out["mem"] = _try(lambda: open("/proc/{me}/mem", "rb").read(1))
            out["ptrace"] = 0 if libc.ptrace(16, {me}, 0, 0) == 0 else ctypes.get_errno()
            runs = os.path.dirname(os.path.dirname(os.path.dirname(os.getcwd())))
            out["runs"] = _try(lambda: os.listdir(runs))
            out["setuid"] = _try(lambda: os.setuid(0))
            return out
        """)
    try:
        seen = session.module("probe").probe()
    finally:
        session.close()
    assert seen["uid"] != 0
    assert seen["signal"] == errno.EPERM
    assert seen["environ"] in (errno.EACCES, errno.EPERM)
    assert seen["fds"] in (errno.EACCES, errno.EPERM)
    assert seen["mem"] in (errno.EACCES, errno.EPERM)
    assert seen["ptrace"] == errno.EPERM
    assert seen["runs"] == errno.EACCES      # the folder of every learner's copy cannot be listed
    assert seen["setuid"] == errno.EPERM


@root_only
def test_uid_isolation_cannot_give_its_output_file_a_name(tmp_path, uid_isolation):
    """Its stdout is an unnamed file of the grader's: linking it into /tmp would leave a root-owned file that
    the sweep (which removes the learner's own files) keeps, filled by the learner."""
    target = f"/tmp/course-kept-{os.urandom(4).hex()}"
    session = _session(tmp_path, f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        def keep():
            return libc.linkat(-100, b"/proc/self/fd/1", -100, {target.encode()!r}, 0x400)   # AT_SYMLINK_FOLLOW
        """)
    try:
        result = session.module("probe").keep()
    finally:
        session.close()
    exists = os.path.exists(target)
    if exists:
        os.unlink(target)
    assert result != 0 and not exists


# -- what comes back as feedback -------------------------------------------------------------------------

def test_learner_text_in_messages_is_escaped_in_the_report_and_feedback_pages(tmp_path):
    """Exception messages, printed output, returned strings and the learner's source lines all reach the
    instructor's report and the feedback pages: none of them may come out as live HTML."""
    import subprocess
    import sys
    folder = tmp_path / "class" / "mallory" / "exercises" / "exercise0"
    folder.mkdir(parents=True)
    (folder / "basics.py").write_text(textwrap.dedent("""
        print("<script>alert('printed')</script>")
        class E(Exception):
            pass
        def sign(x): raise E("<script>alert('raised')</script><img src=x onerror=alert(1)>")
        def tentimes(n): return ["<script>alert('listed')</script>"]
        def normalize_rows(a): return a
        def one_hot(labels, n): return "<b onmouseover=alert(1)>returned</b>"
        """))
    course = [sys.executable, "-m", "course"]
    env = {**os.environ, "COLUMNS": "200"}
    subprocess.run(course + ["grade", str(tmp_path / "class"), "--exercise", "exercise0", "--no-store", "--json",
                             str(tmp_path / "results.json")], check=True, capture_output=True, env=env, timeout=300)
    subprocess.run(course + ["report", str(tmp_path / "results.json"), "-o", str(tmp_path / "report.html"),
                             "--feedback", str(tmp_path / "feedback")], check=True, capture_output=True, env=env,
                   timeout=300)
    pages = [tmp_path / "report.html", *sorted((tmp_path / "feedback").glob("*.html"))]
    assert len(pages) == 2
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "alert(&#x27;raised&#x27;)" in text or "alert('raised')" in text   # the message is shown...
    for live in ("<script>alert", "<img src=x", "<b onmouseover"):
        assert live not in text                                               # ...but never as markup
