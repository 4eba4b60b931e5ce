"""nbgrader both ways, with the real nbgrader commands run offline: the kit's results in nbgrader's
gradebook (manual overrides survive a regrade), and an nbgrader course whose test cells run the kit's graders."""
import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
nbformat = pytest.importorskip("nbformat")

from course import planted  # noqa: E402
from course.export.gradebook import grade_cell_name, write_gradebook  # noqa: E402
from course.result import CheckResult, ExerciseResult, SubmissionResult  # noqa: E402

BIN = Path(sys.executable).parent


def nbgrader(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the venv's nbgrader in ``cwd`` (its gradebook code calls ``alembic`` by name, so PATH has the venv)."""
    env = dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def grades_csv(course: Path) -> dict[str, dict]:
    nbgrader(course, "export", "--to", "grades.csv")
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def result(name: str, passed: dict[str, bool]) -> SubmissionResult:
    checks = [CheckResult(id=cid, status="passed" if ok else "failed", score=2.0 if ok else 0.0, max_score=2.0)
              for cid, ok in passed.items()]
    return SubmissionResult(name, [ExerciseResult("exercise0", checks)])


def test_gradebook_export_and_manual_override_survive_regrade(tmp_path):
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.db_url = {db!r}\n")
    write_gradebook([result("alice", {"sign.basic": True, "one_hot.basic": False}),
                     result("bob", {"sign.basic": False, "one_hot.basic": False})], db)
    rows = grades_csv(tmp_path)
    assert (float(rows["alice"]["score"]), float(rows["alice"]["max_score"])) == (2.0, 4.0)
    assert float(rows["bob"]["score"]) == 0.0

    from nbgrader.api import Gradebook
    with Gradebook(db) as gb:   # what an instructor does in formgrader
        gb.find_grade(grade_cell_name("one_hot.basic"), "exercise0", "dlkit", "bob").manual_score = 1.5
        gb.db.commit()
    # Regrade: bob fixed sign, and a new check appears for everyone.
    write_gradebook([result("alice", {"sign.basic": True, "one_hot.basic": True, "tentimes.basic": True}),
                     result("bob", {"sign.basic": True, "one_hot.basic": False, "tentimes.basic": False})], db)
    rows = grades_csv(tmp_path)
    assert (float(rows["alice"]["score"]), float(rows["alice"]["max_score"])) == (6.0, 6.0)
    assert float(rows["bob"]["score"]) == 2.0 + 1.5     # auto for sign, the manual override for one_hot
    with Gradebook(db) as gb:
        grade = gb.find_grade(grade_cell_name("one_hot.basic"), "exercise0", "dlkit", "bob")
        assert (grade.auto_score, grade.manual_score) == (0.0, 1.5)


def test_gradebook_refuses_empty_results(tmp_path):
    with pytest.raises(ValueError, match="no results"):
        write_gradebook([], f"sqlite:///{tmp_path / 'gb.db'}")


def fill_notebook(release_nb: Path, exercises_dir: Path, exercise: str) -> nbformat.NotebookNode:
    """A learner's notebook: the released one with each %%module cell holding their module."""
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        first, _, _ = cell.source.partition("\n")
        if first.startswith("%%module"):
            module = first.split()[2]
            cell.source = first + "\n" + (exercises_dir / exercise / f"{module}.py").read_text()
    return nb


@pytest.mark.slow
def test_nbgrader_course_end_to_end(tmp_path):
    from course import registry
    from course.grading.run import grade_submission
    from course.nbgrader import catalog
    from course.nbgrader.course import init_course

    course = tmp_path / "course"
    init_course(course, [registry.get("exercise0")])
    nbgrader(course, "generate_assignment", "dlkit")
    release = course / "release" / "dlkit" / "exercise0.ipynb"
    released = release.read_text()
    assert "### BEGIN SOLUTION" not in released and "np.divide(" not in released
    assert "sign.tiny" not in released                       # hidden checks are stripped

    mistake = next(m for m in planted.planted("exercise0") if m.code == "norm-over-whole-array")
    kit_scores = {}
    for name, mistakes in (("alice", []), ("bob", [mistake])):
        exercises = planted.make_submission(tmp_path / name, mistakes, exercises=["exercise0"])
        kit_scores[name] = grade_submission(exercises, [registry.get("exercise0")]).score
        target = course / "submitted" / name / "dlkit"
        target.mkdir(parents=True)
        nbformat.write(fill_notebook(release, exercises, "exercise0"), target / "exercise0.ipynb")
        nbgrader(course, "db", "student", "add", name)
    nbgrader(course, "autograde", "dlkit")
    nbgrader(course, "generate_feedback", "dlkit")

    checks = catalog.checks("exercise0")
    total = sum(c.points for c in checks)
    rows = grades_csv(course)
    assert float(rows["alice"]["max_score"]) == total
    assert float(rows["alice"]["score"]) == total == kit_scores["alice"]
    # nbgrader's score is the kit's `course grade` score: the planted mistake costs the same points.
    assert float(rows["bob"]["score"]) == kit_scores["bob"] < total

    feedback = (course / "feedback" / "bob" / "dlkit" / "exercise0.html").read_text()
    assert "norm-over-whole-array" in feedback               # the kit's diagnosis reaches the learner
    assert "BEGIN HIDDEN TESTS" not in feedback
    for hidden in (c for c in checks if c.hidden):
        assert f"run_checks(&#39;exercise0&#39;, &#39;{hidden.id}&#39;)" not in feedback
        assert f"run_checks('exercise0', '{hidden.id}')" not in feedback
    hidden_source = (Path(__file__).parents[1] / "graders/exercise0/hidden").glob("*.py")
    for line in {ln.strip() for f in hidden_source for ln in f.read_text().splitlines() if len(ln.strip()) > 20}:
        assert line not in feedback


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
def test_notebook_points_are_the_kit_points_on_each_device(tmp_path):
    """A test cell's points are fixed when the notebook is written: the GPU checks get cells only in a course
    graded on CUDA, so nbgrader's maximum is `course grade`'s on the same device (a check not run never
    scores)."""
    from course import paths, registry
    from course.grading.run import grade_exercise
    from course.nbgrader.course import init_course

    ex9 = registry.get("exercise9")
    for device in ("cpu", "cuda"):
        init_course(tmp_path / device, [ex9], device=device)
        cells = [c for c in nbformat.read(tmp_path / device / "source" / "dlkit" / "exercise9.ipynb", 4).cells
                 if c.metadata.get("nbgrader", {}).get("grade")]
        gpu = [c for c in cells if "'gpu." in c.source]
        if device == "cpu":
            assert not gpu and all("device=" not in c.source for c in cells)
            cpu_points = sum(c.metadata["nbgrader"]["points"] for c in cells)
        else:
            assert gpu and all("device='cuda'" in c.source for c in cells)
            assert sum(c.metadata["nbgrader"]["points"] for c in cells) > cpu_points
    assert cpu_points == grade_exercise(paths.kit_root() / "solutions", ex9).max_score


def test_autograde_hides_the_source_notebooks_and_every_students_work(tmp_path):
    """In nbgrader's course layout the source notebooks hold the solutions and submitted/ and autograded/
    every classmate's work: learner code graded in autograded/<student>/<assignment> sees none of them."""
    from course.nbgrader.cell import course_private

    for name in ("source/dlkit", "release/dlkit", "submitted/alice/dlkit", "autograded/alice/dlkit", "feedback"):
        (tmp_path / name).mkdir(parents=True)
    private = course_private(tmp_path / "autograded" / "alice" / "dlkit")
    assert sorted(p.name for p in private) == ["autograded", "feedback", "source", "submitted"]
    assert course_private(tmp_path / "elsewhere") == []
