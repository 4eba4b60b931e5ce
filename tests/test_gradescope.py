"""Gradescope's autograder as Gradescope runs it: what the zip holds, setup.sh, CPU quota, isolation, late writers."""
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from course import cpus

KIT = Path(__file__).resolve().parent.parent


def _course(args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "course", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(KIT), **(env or {})})


@pytest.fixture(scope="module")
def zip_ex3(tmp_path_factory):
    out = tmp_path_factory.mktemp("gs") / "autograder.zip"
    built = _course(["gradescope", "build", "-e", "exercise3", "-o", out], out.parent)
    assert built.returncode == 0, built.stderr
    return out


def test_the_zip_holds_only_the_chosen_exercises_graders_solutions_and_stubs(zip_ex3):
    with zipfile.ZipFile(zip_ex3) as zf:
        names = zf.namelist()
    parts = [n.split("/") for n in names if n.startswith("kit/")]
    tops = {tuple(p[1:3]) for p in parts if p[1] in ("graders", "solutions", "exercises")}
    assert tops == {("graders", "exercise3"), ("solutions", "exercise3"), ("exercises", "exercise3")}
    assert "kit/constraints.txt" in names and "kit/course/cli/gradescope.py" in names


def test_setup_sh_pins_the_constraints_and_installs_into_a_venv(zip_ex3):
    with zipfile.ZipFile(zip_ex3) as zf:
        setup = zf.read("setup.sh").decode()
    assert '-c "$KIT/constraints.txt"' in setup and '-m venv "$ROOT/venv"' in setup
    assert "@" not in setup.replace('"$KIT@EXTRAS@"', "")  # every placeholder filled


def test_a_wheelhouse_goes_into_the_zip_and_setup_sh_then_asks_no_index(tmp_path):
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "numpy-2.4.6-cp311-cp311-linux_x86_64.whl").write_bytes(b"PK")
    out = tmp_path / "autograder.zip"
    built = _course(["gradescope", "build", "-e", "exercise0", "-o", out, "--wheelhouse", tmp_path / "wheels"],
                    tmp_path)
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(out) as zf:
        assert "kit/wheels/numpy-2.4.6-cp311-cp311-linux_x86_64.whl" in zf.namelist()
        setup = zf.read("setup.sh").decode()
    assert '--no-index --find-links "$KIT/wheels"' in setup
    (tmp_path / "empty").mkdir()
    empty = _course(["gradescope", "build", "-o", out, "--wheelhouse", tmp_path / "empty"], tmp_path)
    assert empty.returncode == 2 and "holds no .whl" in empty.stderr


def _fake(bindir: Path, name: str, target: str | None) -> None:
    """A stand-in interpreter on PATH: a link to this Python, or one that fails the version test (as 3.8 does)."""
    path = bindir / name
    if target:
        path.symlink_to(target)
    else:
        path.write_text("#!/bin/sh\nexit 1\n")
        path.chmod(0o755)


@pytest.mark.parametrize("present, expected", [({"python3": None, "python3.11": sys.executable}, "python3.11"),
                                               ({"python3": sys.executable}, "python3"),
                                               ({"python3": None}, None)])
def test_setup_sh_takes_a_python_the_kit_supports(zip_ex3, tmp_path, present, expected):
    with zipfile.ZipFile(zip_ex3) as zf:
        (tmp_path / "setup.sh").write_bytes(zf.read("setup.sh"))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name, target in present.items():
        _fake(bindir, name, target)
    proc = subprocess.run(["/bin/bash", tmp_path / "setup.sh", "--print-python"], capture_output=True, text=True,
                          env={"PATH": str(bindir)})
    if expected is None:
        assert proc.returncode == 1 and "no Python >= 3.1" in proc.stderr
    else:
        assert proc.returncode == 0 and proc.stdout.strip() == str(bindir / expected)


@pytest.mark.parametrize("files, cgroup, expected", [
    ({"cpu.max": "150000 100000\n"}, "0::/\n", 1.5),                                    # v2 container
    ({"cpu.max": "max 100000\n"}, "0::/\n", None),
    ({"sys/job/cpu.max": "200000 100000\n", "sys/cpu.max": "400000 100000\n"}, "0::/sys/job\n", 2.0),
    ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, "3:cpu,cpuacct:/\n", 3.0),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, "3:cpu,cpuacct:/\n", None),
])
def test_cpu_quota_from_cgroup_v1_and_v2(tmp_path, files, cgroup, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "self-cgroup").write_text(cgroup)
    assert cpus.cpu_quota(tmp_path, tmp_path / "self-cgroup") == expected
    workers = cpus.usable_cpus(tmp_path, tmp_path / "self-cgroup")
    assert 1 <= workers <= len(os.sched_getaffinity(0))
    if expected:
        assert workers == min(len(os.sched_getaffinity(0)), -(-expected // 1))


def test_detached_processes_are_adopted_and_killed_before_results_are_written(tmp_path):
    """A learner process that setsid's a sleeper and exits leaves no process behind once grading ends."""
    script = (
        "import os, subprocess, time\n"
        "from course import reaper\n"
        "assert reaper.become_subreaper()\n"
        f"subprocess.run(['sh', '-c', 'setsid sleep 60 & echo $! > {tmp_path}/pid'], check=True)\n"
        "time.sleep(0.2)\n"
        f"pid = int(open('{tmp_path}/pid').read())\n"
        "assert pid in reaper.children(os.getpid())\n"
        "assert reaper.kill_descendants() >= 1\n"
        "print(os.path.exists(f'/proc/{pid}'))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(KIT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def _upload(tmp_path: Path) -> Path:
    from course import planted
    sub = planted.make_submission(tmp_path / "made", exercises=["exercise3"])
    (tmp_path / "submission").mkdir()
    for module in (sub / "exercise3").glob("*.py"):
        (tmp_path / "submission" / module.name).write_bytes(module.read_bytes())
    return tmp_path


def test_plain_process_isolation_is_refused_unless_accepted(tmp_path):
    root = _upload(tmp_path)
    env = {"COURSE_SANDBOX": "process", "COURSE_ROOT": str(KIT)}
    refused = _course(["gradescope", "run", "--root", root, "-e", "exercise3"], root, env)
    assert refused.returncode == 1
    doc = json.loads((root / "results" / "results.json").read_text())
    assert doc["score"] == 0 and doc["tests"] == [] and "--isolation process" in doc["output"]
    accepted = _course(["gradescope", "run", "--root", root, "-e", "exercise3", "--isolation", "process"], root, env)
    assert accepted.returncode == 0, accepted.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    assert doc["score"] == sum(t["max_score"] for t in doc["tests"]) > 0
    assert doc["extra_data"]["isolation"] == {"exercise3": "process"} and "isolation: process" in doc["output"]
    assert not list((root / "results").glob("*.partial"))


def test_a_detached_learner_process_cannot_rewrite_results_json(tmp_path):
    """Issue 10: in process isolation a child that setsid's and waits rewrote results.json after the run."""
    root = _upload(tmp_path)
    module = root / "submission" / "activations.py"
    target = root / "results" / "results.json"
    module.write_text("import subprocess\n"
                      f"subprocess.Popen(['sh', '-c', 'sleep 2; echo 1000 > {target}'], start_new_session=True)\n"
                      + module.read_text())
    env = {"COURSE_SANDBOX": "process", "COURSE_ROOT": str(KIT)}
    proc = _course(["gradescope", "run", "--root", root, "-e", "exercise3", "--isolation", "process"], root, env)
    assert proc.returncode == 0, proc.stderr
    time.sleep(3)
    doc = json.loads(target.read_text())
    assert doc["score"] > 0 and doc["tests"]
