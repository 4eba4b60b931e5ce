"""`course grade --scheduler`: a Dask cluster grades to the same results as the local pool, and a worker that
dies loses nothing and doubles nothing."""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="needs the cluster extra: pip install 'dl-course-kit[cluster]'")

import cloudpickle  # noqa: E402  (comes with distributed)

from course import paths, planted, registry  # noqa: E402
from course.batch import cluster  # noqa: E402
from course.batch.discover import discover  # noqa: E402
from processes import alive, kill_grading_midway, stored_rows  # noqa: E402
from course.batch.hashing import graders_hash  # noqa: E402
from course.batch.pool import LocalPool, Settings, Unit, grade_class  # noqa: E402
from course.sandbox.launch import isolation_mode  # noqa: E402
from course.store import ResultStore  # noqa: E402

pytestmark = pytest.mark.skipif(not paths.graders_dir("exercise0").is_dir(), reason="exercise0 graders absent")
KIT = Path(__file__).resolve().parent.parent
EXERCISES = ["exercise0", "exercise3"]
# The task below travels to the workers by value: they cannot import this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _class(root: Path, exercises=EXERCISES) -> Path:
    """Three learners: all correct, one planted mistake per exercise, and a learner with exercise0 only."""
    mistakes = {m.exercise: m for m in planted.planted() if m.exercise in exercises}
    planted.make_submission(root / "alice", [], exercises=exercises)
    planted.make_submission(root / "bob", list(mistakes.values()), exercises=exercises)
    planted.make_submission(root / "carol", [], exercises=exercises[:1])
    return root


def _grade(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", "grade", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(KIT)})


def _timeless(value):
    """``value`` without the run's durations, which differ between any two runs."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k != "duration"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


class _Finished:
    """A progress receiver that counts each learner it is told is complete."""

    def __init__(self):
        self.learners = []

    def start(self, total, already):
        pass

    def finished(self, result):
        self.learners.append(result.submission)


def test_a_local_cluster_grades_a_class_to_the_same_json_as_the_local_pool(tmp_path):
    klass = _class(tmp_path / "class")
    selection = [a for e in EXERCISES for a in ("-e", e)]
    pool = _grade(klass, *selection, "--jobs", "2", "--store", "pool.sqlite", "--json", "pool.json", cwd=tmp_path)
    dask = _grade(klass, *selection, "--scheduler", "local:2", "--store", "dask.sqlite", "--json", "dask.json",
                  cwd=tmp_path)
    assert pool.returncode == dask.returncode == 0, dask.stderr
    assert "Dask cluster local:2: 2 worker(s)" in dask.stderr
    assert dask.stdout == pool.stdout   # the score table
    got = json.loads((tmp_path / "dask.json").read_text())
    assert _timeless(got) == _timeless(json.loads((tmp_path / "pool.json").read_text()))
    assert [r["score"] == r["max_score"] for r in got] == [True, False, False]   # carol lacks exercise3
    # The workers ran the sandbox `course grade` runs here, at the same level.
    assert {e["isolation"] for r in got for e in r["exercises"]} == {isolation_mode()}
    assert set(stored_rows(tmp_path / "dask.sqlite")) == set(stored_rows(tmp_path / "pool.sqlite"))

    again = _grade(klass, *selection, "--scheduler", "local:2", "--store", "dask.sqlite", cwd=tmp_path)
    assert again.returncode == 0 and "graded 0 exercise(s), reused 6" in again.stderr


def test_scheduler_options_that_cannot_work_are_usage_errors(tmp_path):
    klass = _class(tmp_path / "class", ["exercise0"])
    for args, message in [(["--shared-fs"], "--shared-fs goes with --scheduler"),
                          (["--scheduler", "local:2", "--jobs", "2"], "--jobs sizes the local pool"),
                          (["--scheduler", "local:two"], "expected local:N"),
                          (["--scheduler", "nowhere"], "expected a scheduler address")]:
        proc = _grade(klass, "-e", "exercise0", *args, cwd=tmp_path)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
    unreachable = subprocess.run(
        [sys.executable, "-m", "course", "grade", str(klass), "-e", "exercise0", "--scheduler", "tcp://127.0.0.1:9"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(KIT), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert unreachable.returncode == 2 and "could not reach the Dask scheduler" in unreachable.stderr


@pytest.fixture
def local_cluster():
    with cluster.start_local_cluster(2) as running:
        yield running


def _kill_the_worker_grading(client, key_part: str, killed: list) -> None:
    """SIGKILL the worker process that is grading the unit whose key contains ``key_part``, once."""
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if any(key_part in str(k) for k in keys) and address in pids:
                os.kill(pids[address], signal.SIGKILL)
                killed.append(pids[address])
                return
        time.sleep(0.02)


def test_a_worker_killed_mid_unit_loses_nothing_and_doubles_nothing(tmp_path, local_cluster):
    klass = _class(tmp_path / "class", ["exercise0"])
    slow = planted.make_submission(tmp_path / "class" / "slow", [], exercises=["exercise0"])
    module = slow / "exercise0" / "basics.py"   # seconds at import: the unit is surely running when killed
    module.write_text("import time\ntime.sleep(3)\n" + module.read_text())
    submissions = discover([klass])
    exercises = [registry.get("exercise0")]
    settings = Settings(hide=(str(klass),))
    with ResultStore(tmp_path / "pool.sqlite") as store:
        expected = grade_class(submissions, exercises, store, settings=settings, runner=LocalPool(2)).results

    killed, finished = [], _Finished()
    with ResultStore(tmp_path / "dask.sqlite") as store, \
            cluster.DaskRunner(local_cluster.scheduler_address, torch=False, say=lambda line: None) as runner:
        killer = threading.Thread(target=_kill_the_worker_grading, args=(runner.client, "slow-exercise0", killed))
        killer.start()
        outcome = grade_class(submissions, exercises, store, settings=settings, progress=finished, runner=runner)
        killer.join()
        assert store.count() == len(submissions)
    assert killed, "no worker was grading the slow unit"
    assert not Path(f"/proc/{killed[0]}").exists()
    assert outcome.errors == [] and outcome.graded == len(submissions)   # rescheduled, not charged, once each
    assert sorted(finished.learners) == sorted(s.learner for s in submissions)
    assert _timeless([r.to_dict() for r in outcome.results]) == _timeless([r.to_dict() for r in expected])
    assert outcome.results[-1].submission == "slow" and outcome.results[-1].score == outcome.results[-1].max_score


def _deadly(load: cluster.Payload, settings: Settings) -> dict:
    """Kill the worker on a unit that carries a file named so; grade every other unit as usual."""
    if any(name == "kill-the-worker" for name, _ in load.files or ()):
        os._exit(1)
    return cluster.grade_payload(load, settings)


def test_a_unit_that_kills_every_worker_it_lands_on_ends_as_that_learners_error(tmp_path, local_cluster):
    klass = _class(tmp_path / "class", ["exercise0"])
    (klass / "bob" / "exercises" / "exercise0" / "kill-the-worker").write_text("")
    submissions = discover([klass])
    with ResultStore(tmp_path / "grades.sqlite") as store, \
            cluster.DaskRunner(local_cluster.scheduler_address, torch=False, task=_deadly,
                               say=lambda line: None) as runner:
        outcome = grade_class(submissions, [registry.get("exercise0")], store, runner=runner)
        stored = {learner for learner in store.learners()}
    assert outcome.errors and outcome.errors[0].startswith("bob/exercise0: its grading worker died on each of 2")
    bob = next(r for r in outcome.results if r.submission == "bob")
    assert [c.id for c in bob.exercises[0].checks] == ["grader.internal"]
    assert stored == {"alice", "carol"}   # not stored: the next run grades it again
    assert all(r.score == r.max_score for r in outcome.results if r.submission != "bob")


def test_a_unit_carries_its_files_within_a_bound(tmp_path, local_cluster):
    klass = _class(tmp_path / "class", ["exercise0"])
    (klass / "alice" / "exercises" / "exercise0" / "__pycache__").mkdir()
    (klass / "alice" / "exercises" / "exercise0" / "__pycache__" / "basics.cpython-311.pyc").write_bytes(b"x")
    unit = Unit("alice", "exercise0", klass / "alice" / "exercises", "", graders_hash("exercise0", Settings().key()))
    load = cluster.payload(unit)
    assert sorted(name for name, _ in load.files) == sorted(
        p.name for p in (klass / "alice" / "exercises" / "exercise0").iterdir() if p.is_file())
    assert cluster.payload(unit, shared_fs=True).files is None
    shutil.rmtree(klass / "alice")   # graded from what the unit carries, not from the class folder
    with cluster.DaskRunner(local_cluster.scheduler_address, torch=False, say=lambda line: None) as runner:
        graded = runner.client.submit(cluster.grade_payload, load, Settings(), pure=False).result()
        other_kit = replace(load, graders_hash="graded by another kit")
        with pytest.raises(cluster.KitMismatch, match="install the same kit on every worker"):
            runner.client.submit(cluster.grade_payload, other_kit, Settings(), pure=False).result()
    assert graded["score"] == graded["max_score"] > 0

    big = klass / "bob" / "exercises" / "exercise0" / "weights.bin"
    big.write_bytes(b"\0" * (cluster.MAX_UNIT_BYTES + 1))
    with pytest.raises(ValueError, match="16 MiB.*--shared-fs"):
        cluster.payload(Unit("bob", "exercise0", klass / "bob" / "exercises", "", ""))


def test_a_cluster_run_killed_with_sigkill_resumes_and_leaves_no_process(tmp_path):
    n = 16
    for i in range(n):
        planted.make_submission(tmp_path / "class" / f"s{i:02d}", [], exercises=["exercise0"])
    store = tmp_path / "grades.sqlite"
    argv = [sys.executable, "-m", "course", "grade", str(tmp_path / "class"), "-e", "exercise0",
            "--scheduler", "local:1"]
    # The cluster's workers, fork servers and learner processes all end within 20 s.
    before, family = kill_grading_midway(argv, tmp_path, store, {**os.environ, "PYTHONPATH": str(KIT)}, linger=20)
    assert 2 <= len(before) < n, "the run finished before it could be killed midway"
    assert family and not alive(family)

    resumed = _grade(tmp_path / "class", "-e", "exercise0", "--scheduler", "local:2", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"graded {n - len(before)} exercise(s), reused {len(before)}" in resumed.stderr
    after = stored_rows(store)
    assert len(after) == n and all(after[key] == stamp for key, stamp in before.items())
