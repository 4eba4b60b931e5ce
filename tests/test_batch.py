"""Batch grading: finding submissions, parallel grading, the results store, resuming after SIGKILL."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import paths, planted
from course.batch.discover import DiscoveryError, discover
from processes import alive, kill_grading_midway, stored_rows

pytestmark = pytest.mark.skipif(not paths.graders_dir("exercise0").is_dir(), reason="exercise0 graders absent")
KIT = Path(__file__).resolve().parent.parent


def _learner(folder: Path, mistake: str | None = None) -> Path:
    mistakes = [m for m in planted.planted("exercise0") if m.code == mistake]
    planted.make_submission(folder, mistakes, exercises=["exercise0"])
    return folder


def _grade(*args, cwd: Path, check=True):
    proc = subprocess.run([sys.executable, "-m", "course", "grade", *map(str, args), "-e", "exercise0"],
                          cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(KIT)})
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_discovers_class_folders_nbgrader_layout_and_single_submissions(tmp_path):
    _learner(tmp_path / "class" / "bob")
    _learner(tmp_path / "class" / "alice")
    _learner(tmp_path / "course" / "submitted" / "carol" / "ps1")
    _learner(tmp_path / "dave")
    found = discover([tmp_path / "class", tmp_path / "course", tmp_path / "dave" / "exercises"])
    assert [s.learner for s in found] == ["alice", "bob", "carol", "dave"]
    assert all((s.exercises_dir / "exercise0").is_dir() for s in found)


def test_a_learner_id_seen_twice_or_a_folder_without_submissions_is_a_clear_error(tmp_path):
    _learner(tmp_path / "a" / "alice")
    _learner(tmp_path / "b" / "alice")
    with pytest.raises(DiscoveryError, match="appears twice"):
        discover([tmp_path / "a", tmp_path / "b"])
    (tmp_path / "empty" / "x").mkdir(parents=True)
    proc = _grade(tmp_path / "empty", cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "holds no submission" in proc.stderr


def test_json_keeps_argument_order_and_a_broken_submission_does_not_stop_the_batch(tmp_path):
    _learner(tmp_path / "zed")
    _learner(tmp_path / "amy", "zero-row-nan")
    broken = _learner(tmp_path / "eve")
    for module in (broken / "exercises" / "exercise0").glob("*.py"):
        module.write_text("import os\nos._exit(3)\n")
    _grade(tmp_path / "zed", tmp_path / "eve", tmp_path / "amy", "--json", "out.json", "--jobs", "2", cwd=tmp_path)
    results = json.loads((tmp_path / "out.json").read_text())
    assert [r["submission"] for r in results] == ["zed", "eve", "amy"]
    zed, eve, amy = results
    assert zed["score"] == zed["max_score"] > 0
    assert eve["score"] == 0 and all(c["status"] == "error" for c in eve["exercises"][0]["checks"])
    assert 0 < amy["score"] < amy["max_score"]
    assert "zero-row-nan" in {c["diagnosis"] for c in amy["exercises"][0]["checks"]}


def test_unchanged_submissions_are_reused_changed_ones_and_force_regrade_with_the_same_scores(tmp_path):
    _learner(tmp_path / "class" / "alice")
    bob = _learner(tmp_path / "class" / "bob", "norm-over-whole-array")
    _grade(tmp_path / "class", "--json", "first.json", cwd=tmp_path)
    first = stored_rows(tmp_path / "grades.sqlite")
    again = _grade(tmp_path / "class", "--json", "second.json", cwd=tmp_path)
    assert "graded 0 exercise(s), reused 2" in again.stderr
    assert stored_rows(tmp_path / "grades.sqlite") == first
    assert json.loads((tmp_path / "first.json").read_text()) == json.loads((tmp_path / "second.json").read_text())

    module = next((bob / "exercises" / "exercise0").glob("*.py"))
    module.write_text(module.read_text() + "\n# edited\n")
    changed = _grade(tmp_path / "class", cwd=tmp_path)
    assert "graded 1 exercise(s), reused 1" in changed.stderr

    forced = _grade(tmp_path / "class", "--force", "--json", "forced.json", cwd=tmp_path)
    assert "graded 2 exercise(s), reused 0" in forced.stderr
    scores = lambda name: [r["score"] for r in json.loads((tmp_path / name).read_text())]
    assert scores("forced.json") == scores("first.json")
    assert len(stored_rows(tmp_path / "grades.sqlite")) == 2


def test_a_run_killed_with_sigkill_resumes_without_losing_or_doubling_anything(tmp_path):
    n = 30
    for i in range(n):
        _learner(tmp_path / "class" / f"s{i:02d}", "zero-row-nan" if i % 2 else None)
    store = tmp_path / "grades.sqlite"
    argv = [sys.executable, "-m", "course", "grade", str(tmp_path / "class"), "-e", "exercise0", "--jobs", "1"]
    # Workers, their sandbox fork servers and learner processes all end within 10 s.
    before, family = kill_grading_midway(argv, tmp_path, store, {**os.environ, "PYTHONPATH": str(KIT)}, linger=10)
    assert 2 <= len(before) < n, "the run finished before it could be killed midway"
    assert family, "the run had started no workers"
    assert not alive(family)

    resumed = _grade(tmp_path / "class", "--json", "out.json", cwd=tmp_path)
    assert f"graded {n - len(before)} exercise(s), reused {len(before)}" in resumed.stderr
    after = stored_rows(store)
    assert len(after) == n
    assert all(after[key] == stamp for key, stamp in before.items())   # nothing graded twice
    results = json.loads((tmp_path / "out.json").read_text())
    assert [r["submission"] for r in results] == [f"s{i:02d}" for i in range(n)]
    full = [r["score"] == r["max_score"] for r in results]
    assert full == [i % 2 == 0 for i in range(n)]


@pytest.mark.skipif(__import__("course.sandbox.launch", fromlist=["x"]).isolation_mode() != "namespaces",
                    reason="needs Linux namespaces")
def test_a_learner_cannot_borrow_a_classmates_code_while_the_class_is_graded(tmp_path):
    """Every submission of the batch is hidden from every learner process: a submission that loads a
    classmate's module by path finds nothing there and is graded on its own (wrong) code."""
    alice = _learner(tmp_path / "class" / "alice")
    borrowed = alice / "exercises" / "exercise0" / "basics.py"
    cheat = _learner(tmp_path / "class" / "bob", "zero-row-nan") / "exercises" / "exercise0" / "basics.py"
    cheat.write_text(cheat.read_text() + f"""
import importlib.util as _u, os as _os
if _os.path.exists({str(borrowed)!r}):
    _spec = _u.spec_from_file_location("_peer", {str(borrowed)!r})
    _peer = _u.module_from_spec(_spec)
    _spec.loader.exec_module(_peer)
    sign, tentimes, normalize_rows, one_hot = _peer.sign, _peer.tentimes, _peer.normalize_rows, _peer.one_hot
""")
    _grade(tmp_path / "class", "--json", "out.json", "--no-store", cwd=tmp_path)
    scores = {r["submission"]: (r["score"], r["max_score"]) for r in json.loads((tmp_path / "out.json").read_text())}
    assert scores["alice"][0] == scores["alice"][1]
    assert scores["bob"][0] < scores["bob"][1]


def test_submissions_are_hidden_by_their_class_folder_unless_it_holds_python_or_the_kit(tmp_path):
    from course.batch.discover import Submission, submission_folders

    a, b = _learner(tmp_path / "class" / "alice"), _learner(tmp_path / "class" / "bob")
    subs = [Submission("alice", a / "exercises", a), Submission("bob", b / "exercises", b)]
    assert submission_folders(subs) == [(tmp_path / "class").resolve()]   # one mount for the whole class
    beside_python = Path(sys.prefix).resolve().parent / "carol"
    beside_kit = KIT.parent / "dave"
    odd = [Submission("carol", beside_python / "exercises", beside_python),
           Submission("dave", beside_kit / "exercises", beside_kit)]
    assert submission_folders(odd) == sorted([beside_python / "exercises", beside_kit / "exercises"])
