"""`course watch`: a save re-checks the exercise and shows its first failing check with diagnosis and hint; the
hint state written by `course hint` shows there too; Ctrl-C ends it cleanly. (Its speed: bench/bench_watch.py.)"""
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time

import pytest

from course import paths

pytest.importorskip("watchfiles")
KIT = paths.kit_root()
MODULE = "exercises/exercise1/numerical_diff.py"


class Watcher:
    """`course watch exercise1` in a learner folder, read line by line."""

    def __init__(self, folder):
        env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_EXERCISES")}
        self.proc = subprocess.Popen([sys.executable, "-m", "course", "watch", "exercise1", "--no-clear",
                                      "--lang", "en"], cwd=folder, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def report(self, timeout=60) -> list[str]:
        """The lines of the next result: what arrives until the output has been quiet for a second."""
        data, deadline = b"", time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.selector.select(timeout=1.0 if data else deadline - time.monotonic()):
                if data:
                    break
                continue
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                break
            data += chunk
        return data.decode().splitlines()

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out.decode(), err.decode()


def test_watch_rechecks_on_save_and_stops_cleanly_on_ctrl_c(tmp_path):
    shutil.copytree(KIT / "exercises/exercise1", tmp_path / "exercises/exercise1")
    watcher = Watcher(tmp_path)
    try:
        first = watcher.report()
        assert first[0].startswith("✗ exercise1 0/6"), first
        assert any("[not-implemented]" in line for line in first) and any("hint 1/" in line for line in first)
        shutil.copy(KIT / "solutions/exercise1/numerical_diff.py", tmp_path / MODULE)
        assert watcher.report()[0].startswith("✓ exercise1 6/6")
        shutil.copy(KIT / "exercises/exercise1/numerical_diff.py", tmp_path / MODULE)
        assert watcher.report()[0].startswith("✗ exercise1 0/6")
        # `course hint` in another terminal: the watcher shows the second rung without a save.
        env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_EXERCISES")}
        for _ in range(2):
            subprocess.run([sys.executable, "-m", "course", "hint", "exercise1", "numerical_diff.book"],
                           cwd=tmp_path, env=env, capture_output=True, timeout=120, check=True)
        assert any("hint 2/" in line for line in watcher.report())
    finally:
        rc, out, err = watcher.stop()
    assert rc == 0 and "stopped watching" in out and "Traceback" not in err, err[-2000:]


def test_watch_without_watchfiles_is_one_clear_line(tmp_path):
    shutil.copytree(KIT / "exercises/exercise1", tmp_path / "exercises/exercise1")
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['watchfiles'] = None\n")
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_EXERCISES")}
    env["PYTHONPATH"] = str(tmp_path) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-m", "course", "watch", "exercise1", "--lang", "en"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].endswith("Install it: pip install watchfiles")
