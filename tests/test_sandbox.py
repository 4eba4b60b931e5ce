"""The engine's isolation, tested with real misbehaving submissions.

Each test writes a learner module for exercise0 that cheats or breaks in one way, grades it with the real
engine, and checks the verdicts: nothing a submission does in its own process can fake a pass, and a crash,
hang or memory blow-up costs only the checks that met it.
"""
import os
import shutil
import socket
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest

from course import paths, registry
from course.grading.run import grade_exercise
from course.sandbox import zygote
from course.sandbox.launch import Limits, isolation_mode
from course.sandbox.remote import LearnerCrash, LearnerSession

EX0 = registry.get("exercise0")
SOLUTION = (paths.solutions_dir("exercise0") / "basics.py").read_text()
namespaces_only = pytest.mark.skipif(isolation_mode() != "namespaces", reason="needs Linux namespaces")


def submission(tmp_path, header, body=""):
    folder = tmp_path / "exercises" / "exercise0"
    folder.mkdir(parents=True)
    source = textwrap.dedent(header) + body
    compile(source, "basics.py", "exec")  # the misbehaviour under test must not be a mere syntax error
    (folder / "basics.py").write_text(source)
    return tmp_path / "exercises"


def grade(tmp_path, header, body="", **limits):
    return grade_exercise(submission(tmp_path, header, body), EX0, limits=Limits(**limits) if limits else None)


def statuses(result):
    return {c.id: c.status for c in result.checks}


WRONG = """
def sign(x): return 7
def tentimes(numlist): return [0]
def normalize_rows(a): return a
def one_hot(labels, n_classes): return labels
"""


def test_patching_numpy_and_builtins_cannot_fake_a_pass(tmp_path):
    result = grade(tmp_path, """
        import builtins, numpy as np
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        builtins.isinstance = lambda *a: True
        builtins.type = lambda *a: int
        """, WRONG)
    assert result.score == 0
    assert all(c.status in ("failed", "error") for c in result.checks)


def test_printing_a_fake_pass_changes_nothing(tmp_path):
    result = grade(tmp_path, """
        import sys
        print("========== 8 passed in 0.01s ==========")
        print("PASSED", file=sys.stderr)
        """, WRONG)
    assert result.score == 0


@pytest.mark.parametrize("exit_call", ["sys.exit(0)", "os._exit(0)", "raise SystemExit(0)"])
def test_exiting_at_import_fails_every_check(tmp_path, exit_call):
    result = grade(tmp_path, f"""
        import os, sys
        {exit_call}
        """, SOLUTION)
    assert result.score == 0
    assert set(statuses(result).values()) == {"error"}
    assert {c.diagnosis for c in result.checks} <= {"crash", "exit-called"}
    assert "sys.exit" in result.checks[0].message


def test_exit_inside_one_function_costs_only_that_check(tmp_path):
    result = grade(tmp_path, SOLUTION.replace("def sign(x):", "def sign(x):\n    import os; os._exit(0)"))
    st = statuses(result)
    assert st["sign.basic"] == "error" and st["sign.tiny"] == "error"
    assert all(s == "passed" for cid, s in st.items() if not cid.startswith("sign."))


def test_endless_loop_times_out_and_the_other_checks_still_run(tmp_path):
    result = grade(tmp_path, SOLUTION.replace("def tentimes(numlist):", "def tentimes(numlist):\n    while True: pass"),
                   check_timeout=1.5)
    st = statuses(result)
    assert st["tentimes.basic"] == "timeout" and st["tentimes.new_list"] == "timeout"
    assert "1.5 s" in next(c.message for c in result.checks if c.id == "tentimes.basic")
    assert st["sign.basic"] == st["one_hot.basic"] == st["normalize_rows.unit"] == "passed"


def test_exercise_budget_bounds_the_whole_exercise(tmp_path):
    looping = "".join(f"def {name}(*args):\n    while True: pass\n"
                      for name in ("sign", "tentimes", "normalize_rows", "one_hot"))
    result = grade(tmp_path, looping, timeout=2.0, check_timeout=1.5)
    assert result.duration < 10
    assert set(statuses(result).values()) == {"timeout"}
    assert any("time budget" in c.message for c in result.checks if c.status == "timeout")


def test_memory_limit_turns_a_blow_up_into_an_error(tmp_path):
    hog = SOLUTION.replace("def one_hot(labels, n_classes):",
                           "def one_hot(labels, n_classes):\n    big = np.ones((3 * 1024 ** 3) // 8)")
    result = grade(tmp_path, hog, memory=1024 ** 3)
    st = statuses(result)
    assert st["one_hot.basic"] == "error"
    assert next(c.diagnosis for c in result.checks if c.id == "one_hot.basic") == "memory-limit"
    assert st["sign.basic"] == "passed"


def test_syntax_error_names_file_and_line(tmp_path):
    folder = tmp_path / "exercises" / "exercise0"
    folder.mkdir(parents=True)
    (folder / "basics.py").write_text("def sign(x)\n    return 1\n")
    result = grade_exercise(tmp_path / "exercises", EX0)
    check = result.checks[0]
    assert check.status == "error" and check.diagnosis == "syntax-error"
    assert "basics.py:1" in check.message


def test_missing_function_is_named(tmp_path):
    result = grade(tmp_path, SOLUTION.replace("def one_hot(", "def onehot("))
    check = next(c for c in result.checks if c.id == "one_hot.basic")
    assert check.status == "error" and check.diagnosis == "missing-name" and "one_hot" in check.message


def test_missing_exercise_folder_is_an_error_not_a_crash(tmp_path):
    (tmp_path / "exercises").mkdir()
    result = grade_exercise(tmp_path / "exercises", EX0)
    assert result.checks and all(c.status == "error" and c.diagnosis == "missing-file" for c in result.checks)


def _folder(tmp_path, source):
    folder = tmp_path / "learner"
    folder.mkdir()
    (folder / "probe.py").write_text(textwrap.dedent(source))
    return folder


def _session(tmp_path, source):
    return LearnerSession(_folder(tmp_path, source), hidden=paths.kit_secrets(), limits=Limits(check_timeout=30))


PROBE = (Path(__file__).parent / "sandbox_probe.py").read_text()
LEARNER_PLACES = ("/tmp", "/dev/shm", "/home/learner", "/submission")
LOADER_FILES = ("/etc/passwd", "/etc/group", "/etc/hosts", "/etc/ld.so.cache")


def _under(path, prefixes):
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


@namespaces_only
def test_the_learner_process_reaches_only_what_was_built_for_it(tmp_path):
    """The sandbox is an allow-list: walk everything visible, try to write everywhere, connect to every socket.
    Secrets planted where the grader keeps things (a store, a classmate's copy, the host's /tmp, the kit's
    solutions) and sockets of every kind the grader could listen on must all be out of reach."""
    import sys
    secret = "MARKER-" + os.urandom(6).hex()
    (tmp_path / "grades.sqlite").write_text(secret)
    (tmp_path / "classmate").mkdir()
    (tmp_path / "classmate" / "basics.py").write_text(f"# {secret}\n")
    host_tmp = Path(tempfile.mkdtemp(prefix="course-test-"))
    (host_tmp / "secret.txt").write_text(secret)
    solution_line = next(l for l in SOLUTION.splitlines() if "def normalize_rows" in l)
    listeners = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX), socket.socket()]
    listeners[0].bind(str(tmp_path / "grader.sock"))
    listeners[1].bind("\0course-test-" + secret)
    listeners[2].bind(("127.0.0.1", 0))
    for s in listeners:
        s.listen(1)
    session = _session(tmp_path, PROBE)
    try:
        seen = session.module("probe").survey([secret, solution_line])
    finally:
        session.close()
        for s in listeners:
            s.close()
        shutil.rmtree(host_tmp)
    assert seen["leaked"] == [] and seen["connected"] == []
    assert all(_under(w, LEARNER_PLACES) for w in seen["writable"]), seen["writable"]
    python = {sys.base_prefix, sys.prefix, "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/lib32", "/usr/lib32"}
    outside = [r for r in seen["readable"] if not _under(r, python | set(LEARNER_PLACES) | set(LOADER_FILES))]
    assert outside == []
    assert seen["home"] == []
    assert set(seen["env"]) <= {"PATH", "HOME", "TMPDIR", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE",
                                "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "PYTHONHASHSEED",
                                "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING", "OMP_NUM_THREADS",
                                "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}


@namespaces_only
def test_every_writable_byte_counts_and_nothing_is_left_behind(tmp_path):
    """/tmp, /dev/shm, HOME and the copy share one tmpfs of --file-size bytes, gone with the process."""
    limit = 8 * 1024 ** 2
    before = set(os.listdir("/dev/shm"))
    session = LearnerSession(_folder(tmp_path, PROBE), limits=Limits(check_timeout=30, file_size=limit))
    try:
        probe = session.module("probe")
        written = sum(probe.fill(place) for place in ("/tmp", "/dev/shm", "/home/learner", "/submission/learner"))
        mountpoint = session.process.tmp
    finally:
        session.close()
    assert 0 < written <= limit
    assert set(os.listdir("/dev/shm")) == before
    assert not mountpoint.exists()


@namespaces_only
def test_learner_code_has_no_network(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    session = _session(tmp_path, f"""
        import socket
        def connect():
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
                return "connected"
            except OSError as exc:
                return type(exc).__name__
        """)
    try:
        assert session.module("probe").connect() != "connected"
    finally:
        session.close()
        server.close()


@namespaces_only
def test_learner_code_cannot_see_the_verdict_process(tmp_path):
    import os
    session = _session(tmp_path, f"""
        import os, signal
        def visible():
            return os.path.exists("/proc/{os.getpid()}")
        def kill_parent():
            try:
                os.kill({os.getpid()}, signal.SIGKILL)
                return "sent"
            except OSError as exc:
                return type(exc).__name__
        """)
    try:
        probe = session.module("probe")
        assert probe.visible() is False
        assert probe.kill_parent() != "sent"
    finally:
        session.close()


@namespaces_only
def test_learner_process_is_alone_and_holds_only_its_channel(tmp_path):
    """Forked from the fork server, the learner process must not inherit its socket (which starts processes
    outside the sandbox) nor see the server, its keeper, or another learner's process."""
    (tmp_path / "other").mkdir()
    other = _session(tmp_path / "other", "def hello(): return 1\n")
    session = _session(tmp_path, """
        import os
        def pids():
            return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        def descriptors():
            return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
        def modules():
            import sys
            return sorted(n for n in ("child", "codec", "zygote") if n in sys.modules)
        """)
    try:
        assert other.module("probe").hello() == 1
        probe = session.module("probe")
        assert probe.pids() == [1]
        assert len(probe.descriptors()) == 6   # stdin, stdout, stderr, two pipe ends, and listdir's own
        assert probe.modules() == []
    finally:
        session.close()
        other.close()


def test_a_crashed_learner_process_reports_its_signal_and_the_next_request_starts_a_fresh_one(tmp_path):
    session = _session(tmp_path, """
        import ctypes, os
        def die():
            ctypes.string_at(0)  # a segmentation fault
        def pid():
            return os.getpid()
        """)
    try:
        with pytest.raises(LearnerCrash) as crash:
            session.module("probe").die()
        assert crash.value.returncode == -11
        assert session.module("probe").pid() > 0
    finally:
        session.close()


def test_crafted_reply_cannot_run_code_in_the_verdict_process(tmp_path):
    """A learner that writes a malicious pickle on the reply channel gets an error, not code execution."""
    marker = tmp_path / "pwned"
    session = _session(tmp_path, f"""
        import os, pickle, struct
        class Evil:
            def __reduce__(self):
                return (open, ({str(marker)!r}, "w"))
        def attack():
            payload = pickle.dumps(("ok", Evil()))
            for fd in range(3, 20):
                try:
                    os.write(fd, struct.pack(">Q", len(payload)) + payload)
                except OSError:
                    pass
            return 1
        """)
    try:
        with pytest.raises(LearnerCrash, match="forged"):
            session.module("probe").attack()
    finally:
        session.close()
    assert not marker.exists()


def test_plain_process_fallback_still_grades_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SANDBOX", "process")
    isolation_mode.cache_clear()
    try:
        result = grade_exercise(paths.kit_root() / "solutions", EX0)
    finally:
        isolation_mode.cache_clear()
    assert result.isolation == "process"
    assert result.score == result.max_score


def test_numpy_exercises_keep_their_memory_headroom_after_a_torch_exercise(tmp_path):
    """A forked process inherits its parent's data segment: NumPy exercises fork from a server without torch,
    so torch's 0.8 GB never counts against their memory limit, whatever was graded before."""
    pytest.importorskip("torch")
    probe = "def data_kb():\n    return int(next(l for l in open('/proc/self/status') if l.startswith('VmData')).split()[1])\n"
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "probe.py").write_text("import torch\n" + probe)
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "probe.py").write_text(probe)
    with_torch = LearnerSession(tmp_path / "t", limits=Limits(check_timeout=60), torch=True)
    numpy_only = LearnerSession(tmp_path / "n", limits=Limits(check_timeout=60))
    try:
        assert with_torch.module("probe").data_kb() > 400_000
        assert numpy_only.module("probe").data_kb() < 200_000
    finally:
        with_torch.close()
        numpy_only.close()


@namespaces_only
def test_learner_code_cannot_undo_its_read_only_world(tmp_path):
    """Root of its own namespaces, learner code could unmount or remount what was built for it and write into
    the grader's Python; it runs with every capability dropped, so both are refused."""
    import sys
    site = next(p for p in sys.path if p.endswith("site-packages"))
    session = _session(tmp_path, f"""
        import ctypes, os
        def attack():
            libc = ctypes.CDLL(None, use_errno=True)
            unmounted = libc.umount2({site!r}.encode(), 2) == 0          # MNT_DETACH
            remounted = libc.mount(None, b"/", None, 32, None) == 0      # MS_REMOUNT, read-write
            try:
                open(os.path.join({site!r}, "evil.pth"), "w").write("import os")
                wrote = True
            except OSError:
                wrote = False
            return unmounted, remounted, wrote
        """)
    try:
        assert session.module("probe").attack() == (False, False, False)
    finally:
        session.close()
    assert not (Path(site) / "evil.pth").exists()


@namespaces_only
def test_a_fork_bomb_stops_at_the_process_limit(tmp_path):
    session = _session(tmp_path, """
        import os, time
        def limit():
            return int(open("/proc/sys/kernel/pid_max").read())
        def raise_limit():
            try:
                with open("/proc/sys/kernel/pid_max", "w") as f:
                    f.write("30000")
                return "raised"
            except OSError as exc:
                return type(exc).__name__
        def bomb():
            made = 0
            try:
                for _ in range(5000):
                    if os.fork() == 0:
                        time.sleep(3)
                        os._exit(0)
                    made += 1
            except OSError:
                return made
            return made
        """)
    try:
        probe = session.module("probe")
        if probe.limit() != Limits().processes:
            pytest.skip("this kernel has no per-namespace pid_max (Linux < 6.14)")
        assert probe.raise_limit() != "raised"
        assert probe.bomb() < Limits().processes
    finally:
        session.close()


@namespaces_only
def test_learner_code_cannot_read_the_kits_git_history(tmp_path):
    """The kit's repository holds every version of the solutions and hidden graders."""
    import shutil
    import subprocess
    git = paths.kit_root() / ".git"
    if not git.exists() or shutil.which("git") is None:
        pytest.skip("the kit is not a git checkout here")
    subprocess.run(["git", "-C", str(paths.kit_root()), "cat-file", "-e", "HEAD:solutions/exercise0/basics.py"],
                   check=True)   # readable from here, so the probe below is a real one
    session = _session(tmp_path, f"""
        import subprocess
        def show():
            try:   # there is no git in the sandbox, nor the repository: either way nothing comes back
                return subprocess.run(["git", "-C", {str(paths.kit_root())!r}, "show",
                                       "HEAD:solutions/exercise0/basics.py"], capture_output=True, text=True).stdout
            except OSError:
                return ""
        """)
    try:
        assert session.module("probe").show() == ""
    finally:
        session.close()


def test_the_git_repository_of_a_worktree_is_the_main_one(tmp_path):
    from course.paths import git_dir
    main = tmp_path / "main"
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    tree = tmp_path / "wt"
    tree.mkdir()
    (tree / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt'}\n")
    assert git_dir(tree) == (main / ".git").resolve()
    assert git_dir(main) == main / ".git"
    assert git_dir(tmp_path) is None


@namespaces_only
def test_learner_code_cannot_read_the_copy_of_a_learner_graded_beside_it(tmp_path):
    (tmp_path / "other").mkdir()
    other = _session(tmp_path / "other", "ANSWER = 42\n")
    session = _session(tmp_path, """
        import os, sys
        def look():
            # /tmp is the learner's own; it holds only the folders leading to an allowed one under /tmp (a venv
            # there, as in a clone CI made in /tmp)
            python = [p for p in sys.path if p.startswith("/tmp/")]
            files = [os.path.join(d, f) for d, _, fs in os.walk("/tmp") for f in fs
                     if not any(os.path.join(d, f).startswith(p + "/") for p in python)]
            return sorted(os.listdir("/submission")), files
        """)
    try:
        assert other.module("probe").ANSWER == 42
        assert session.module("probe").look() == (["learner"], [])
    finally:
        session.close()
        other.close()


@namespaces_only
def test_learner_code_sees_none_of_the_graders_credentials(tmp_path):
    """What learner code prints comes back as feedback: it must not reach a CI token, a cloud key or the
    grader's ssh keys."""
    import json
    import os
    import subprocess
    import sys
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("PRIVATE KEY")
    (home / ".netrc").write_text("machine example.com password hunter2")
    (tmp_path / "learner").mkdir()
    (tmp_path / "learner" / "probe.py").write_text(textwrap.dedent("""
        import os
        def loot():
            home = os.path.expanduser("~")
            return {"env": sorted(k for k in os.environ if k in ("GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "LANG")),
                    "home": os.listdir(home)}
        """))
    code = ("import json, sys; from pathlib import Path; from course.sandbox.remote import LearnerSession; "
            "s = LearnerSession(Path(sys.argv[1])); print(json.dumps(s.module('probe').loot())); s.close()")
    env = {**os.environ, "HOME": str(home), "GITHUB_TOKEN": "ghs_x", "AWS_SECRET_ACCESS_KEY": "y", "LANG": "C.UTF-8"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "learner")], env=env, capture_output=True,
                         text=True, check=True, cwd=paths.kit_root()).stdout
    assert json.loads(out) == {"env": ["LANG"], "home": []}


@pytest.mark.parametrize("link", ["folder", "module", "exercises"])
def test_a_submission_is_read_never_followed(tmp_path, link):
    """A link to the kit's solutions (the exercise folder, one module, or the whole exercises folder) earns
    nothing, is named in the message, and hashing sees what the sandbox sees."""
    from course.batch.hashing import content_hash
    solutions = paths.solutions_dir("exercise0")
    sub = tmp_path / "alice"
    if link == "exercises":
        sub.mkdir()
        (sub / "exercises").symlink_to(solutions.parent)
    else:
        (sub / "exercises").mkdir(parents=True)
        if link == "folder":
            (sub / "exercises" / "exercise0").symlink_to(solutions)
        else:
            (sub / "exercises" / "exercise0").mkdir()
            (sub / "exercises" / "exercise0" / "basics.py").symlink_to(solutions / "basics.py")
    exercises = paths.find_exercises_dir(sub)
    result = grade_exercise(exercises, EX0)
    assert result.score == 0 and all(c.status == "error" for c in result.checks)
    if link != "exercises":
        assert "symbolic link" in result.checks[0].message and "basics.py" in result.checks[0].message or \
            str(solutions) in result.checks[0].message
        assert content_hash(exercises / "exercise0") != content_hash(solutions)


def test_a_reply_that_expands_when_decoded_is_refused_in_bounded_time(tmp_path):
    """Shared references make a small reply decode into an exponentially large one: decoding is bounded by
    the reply's size, and the check ends as an error, not a verdict process that never finishes."""
    import time
    session = _session(tmp_path, """
        import os, pickle, struct
        def bomb():
            a = [0]
            for _ in range(60):
                a = [a, a]
            payload = pickle.dumps(("ok", a))   # a few hundred bytes: pickle shares the references
            for fd in range(3, 20):
                try:
                    os.write(fd, struct.pack(">Q", len(payload)) + payload)
                except OSError:
                    pass
            import time
            time.sleep(30)
        """)
    try:
        started = time.monotonic()
        with pytest.raises(LearnerCrash, match="expands"):
            session.module("probe").bomb()
        assert time.monotonic() - started < 10
    finally:
        session.close()


# -- uid isolation: a root grader where user namespaces are refused (Docker's default seccomp, Gradescope) ------

root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                               reason="uid isolation is the fallback of a grader running as root")




@root_only
def test_uid_isolation_grades_correct_code_and_says_so(tmp_path, uid_isolation):
    result = grade_exercise(paths.kit_root() / "solutions", EX0, hide=[paths.kit_root() / "solutions"])
    assert result.isolation == "uid"
    assert result.score == result.max_score


@root_only
def test_uid_isolation_keeps_the_kit_and_the_graders_files_closed(tmp_path, uid_isolation):
    """Weaker than namespaces (it sees what any user of the machine sees, network included), uid isolation
    still reads none of the kit's secrets nor the grader's private files, and writes nothing of the grader's."""
    import sys
    secret = "MARKER-" + os.urandom(6).hex()
    private = tmp_path / "instructor"
    private.mkdir(mode=0o700)
    (private / "grades.sqlite").write_text(secret)
    session = LearnerSession(_folder(tmp_path, PROBE), hidden=paths.kit_secrets(), limits=Limits(check_timeout=120))
    try:
        seen = session.module("probe").survey([secret])
    finally:
        session.close()
    assert seen["leaked"] == []
    assert [r for r in seen["readable"] if _under(r, [str(p) for p in paths.kit_secrets()])] == []
    grader_side = [str(paths.kit_root()), sys.prefix, sys.base_prefix, str(private)]
    assert [w for w in seen["writable"] if _under(w, grader_side)] == []
    assert seen["home"] == []


@root_only
def test_uid_isolation_leaves_nothing_running_or_written(tmp_path, uid_isolation):
    """A detached child (setsid, sleeping) and a file in the shared /tmp are gone once the check ends: nothing
    learner code started can rewrite results written after it."""
    marker = f"/tmp/course-uid-test-{os.urandom(4).hex()}"
    session = _session(tmp_path, f"""
        import os, time
        def detach():
            pid = os.fork()
            if pid == 0:
                os.setsid()
                if os.fork() == 0:
                    open({marker!r}, "w").write("still here")
                    time.sleep(60)
                os._exit(0)
            os.waitpid(pid, 0)
            for _ in range(100):
                if os.path.exists({marker!r}):
                    break
                time.sleep(0.05)
            return os.getuid()
        """)
    try:
        uid = session.module("probe").detach()
        assert uid != 0 and os.path.exists(marker)
    finally:
        session.close()
    assert not os.path.exists(marker)
    def alive(pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        return f"Uid:\t{uid}\t" in status and "State:\tZ" not in status   # a zombie runs nothing
    assert [p for p in os.listdir("/proc") if p.isdigit() and alive(p)] == []


# -- replies shaped by hand on the channel (learner code can always find its write end in /proc/self/fd) ------

FORGE = """
import os, pickle, struct
def _forge_raw(payload):
    for fd in range(3, 20):
        try:
            os.write(fd, struct.pack(">Q", len(payload)) + payload)
        except OSError:
            pass
"""


def test_a_forged_error_report_cannot_shrink_the_maximum(tmp_path):
    """A forged `err` frame shaped to break the mapping of outcomes used to stop pytest: the later checks, hidden
    ones included, vanished from the result, and wrong code scored 1/1."""
    forged = SOLUTION + FORGE + textwrap.dedent("""
        def tentimes(numlist):
            _forge_raw(pickle.dumps(("err", {"type": "X", "message": "m", "frames": [0], "chain": ["X"]})))
            import time; time.sleep(30)
        """)
    result = grade_exercise(submission(tmp_path, forged), EX0)
    full = grade_exercise(paths.kit_root() / "solutions", EX0)
    assert result.max_score == full.max_score
    assert {c.id for c in result.checks} == {c.id for c in full.checks}
    assert statuses(result)["tentimes.basic"] == "error"


def test_a_reply_that_is_costly_to_hash_is_refused(tmp_path):
    """A dict key built from 48 nested shared references costs 2^48 steps to hash while unpickling; keys other
    than str and int never load, and a raw tuple is not wire data."""
    import time
    bomb = b"\x80\x02X\x02\x00\x00\x00ok}K\x00\x85" + b"2\x86" * 48 + b"K\x01s\x86."
    session = _session(tmp_path, FORGE + f"""
def hash_bomb():
    _forge_raw({bomb!r})
    import time; time.sleep(30)
def raw_tuple():
    _forge_raw(pickle.dumps(("ok", (1, [2, 3]))))
    import time; time.sleep(30)
""")
    try:
        for attack in ("hash_bomb", "raw_tuple"):
            started = time.monotonic()
            with pytest.raises(LearnerCrash):
                getattr(session.module("probe"), attack)()
            assert time.monotonic() - started < 10
    finally:
        session.close()


def test_learner_processes_end_with_a_killed_grader(tmp_path):
    """SIGKILL of the verdict process (a CI cancel, the OOM killer) ends its learner processes too: the death
    signal is set again after every change of uid, which clears it."""
    import signal
    import subprocess
    import sys
    import time
    folder = _folder(tmp_path, "def pid():\n    return 0\n")
    code = ("import sys, time; from pathlib import Path; from course.sandbox.remote import LearnerSession; "
            "s = LearnerSession(Path(sys.argv[1])); s.module('probe').pid(); "
            "print(s.process.learner_pid, flush=True); time.sleep(60)")
    grader = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True,
                              cwd=paths.kit_root())
    learner = int(grader.stdout.readline())
    assert Path(f"/proc/{learner}").exists()
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{learner}/status").exists() and \
            "State:\tZ" not in Path(f"/proc/{learner}/status").read_text():
        time.sleep(0.1)
    alive = Path(f"/proc/{learner}/status").exists() and "State:\tZ" not in Path(f"/proc/{learner}/status").read_text()
    assert not alive


@namespaces_only
def test_sysv_shared_memory_is_refused_and_never_reaches_the_host(tmp_path):
    """Shared memory segments are not counted by RLIMIT_DATA and outlive their creator: learner code may make
    none (the seccomp filter), and each learner process has an IPC namespace of its own besides."""
    before = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    session = _session(tmp_path, """
        import ctypes
        def segment():
            libc = ctypes.CDLL(None, use_errno=True)
            return libc.shmget(0x5eed, 1 << 20, 0o1000 | 0o666) >= 0    # IPC_CREAT
        """)
    try:
        assert session.module("probe").segment() is False
        assert Path("/proc/sysvipc/shm").read_text().splitlines()[1:] == before
    finally:
        session.close()


def test_a_submission_nested_past_the_path_limit_is_refused_not_a_crash(tmp_path):
    from course.sandbox import snapshot
    folder = tmp_path / "exercise0"
    deep = folder
    deep.mkdir()
    os.chdir(deep)
    try:
        for _ in range(300):
            os.mkdir("d" * 16)
            os.chdir("d" * 16)
    finally:
        os.chdir(tmp_path)
    assert snapshot.read_folder(folder).refused


def test_an_installed_kit_keeps_site_packages_readable_and_its_own_package_covered():
    """Installed from the wheel, the kit's package sits in site-packages: that folder (every other package's
    too: numpy.random is imported lazily) stays on the learner's path, and only the package is covered."""
    import sys
    sys.path.insert(0, str(Path(zygote.__file__).parent))
    try:
        site = next(p for p in sys.path if p.endswith("site-packages"))
        here = f"{site}/course/sandbox"
        allowed = zygote.readonly_paths(here)
        assert any(site == a or site.startswith(a.rstrip("/") + "/") for a in allowed)
        assert zygote.masked_paths(allowed, here) == [f"{site}/course"]
        import child
        assert child.kit_folders(here) == (here,)
        assert str(paths.kit_root()) in child.kit_folders(str(Path(zygote.__file__).parent))
    finally:
        sys.path.remove(str(Path(zygote.__file__).parent))


def test_what_learner_code_printed_comes_back_with_its_error(tmp_path):
    session = _session(tmp_path, """
        def noisy():
            print("labels are", [1, 2])
            raise ValueError("bad")
        """)
    try:
        with pytest.raises(Exception) as error:
            session.module("probe").noisy()
        assert "labels are [1, 2]" in error.value.output
    finally:
        session.close()


def _can_unshare_user() -> bool:
    import shutil as _shutil
    import subprocess as _subprocess
    return bool(_shutil.which("unshare")) and _subprocess.run(
        ["unshare", "-Ur", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare_user(), reason="needs unshare(1) and unprivileged user namespaces")
def test_a_sandbox_that_cannot_be_made_grades_nothing_rather_than_the_learners_zero(tmp_path):
    """The machine out of namespaces (a user namespace whose limit is 0, as after an exhaustion): the keeper
    cannot enter them, no learner code runs, and nothing is graded: `course check` says so (exit 1) and
    grade_exercise raises SandboxUnavailable, so a batch stores no result for it."""
    import subprocess as _subprocess
    import sys as _sys
    script = ("echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" -m course check exercise0 --path \"$1\"")
    argv = ["unshare", "-Ur", "sh", "-c", script, _sys.executable, str(paths.kit_root() / "solutions")]
    done = _subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=paths.kit_root(),
                           env={**os.environ, "COURSE_SANDBOX": "namespaces", "COURSE_LANG": "en"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "exercise0 was not checked: no sandbox could be set up" in done.stdout.replace("\n", " ")
    assert "score" not in done.stdout


def test_a_pool_worker_with_weaker_isolation_than_the_run_grades_nothing(monkeypatch):
    from course.batch.pool import Settings, grade_unit
    from course.sandbox.launch import SandboxUnavailable
    monkeypatch.setenv("COURSE_SANDBOX", "process")
    isolation_mode.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable, match="process isolation where the run was accepted at namespaces"):
            grade_unit(str(paths.kit_root() / "solutions"), "exercise0", Settings(isolation="namespaces"))
    finally:
        isolation_mode.cache_clear()
