"""nbgrader both ways, with the real nbgrader commands run offline: the kit's results in nbgrader's
gradebook (manual overrides survive a regrade, a reshape is refused), and an nbgrader course graded by the kit
outside the learner's kernel, hostile notebooks included, scoring what `course grade` gives its notebooks."""
import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from datetime import timezone
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
nbformat = pytest.importorskip("nbformat")

from course import planted  # noqa: E402
from course.export.gradebook import GradebookMismatch, grade_cell_name, write_gradebook  # noqa: E402
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
    # Regrade: bob fixed sign, and a new check appears for everyone: a new grade cell changes the maximum,
    # so it is refused (nothing written) until forced.
    regraded = [result("alice", {"sign.basic": True, "one_hot.basic": True, "tentimes.basic": True}),
                result("bob", {"sign.basic": True, "one_hot.basic": False, "tentimes.basic": False})]
    with pytest.raises(GradebookMismatch, match=r"grade cells it does not have: tentimes-basic.*4 -> 6"):
        write_gradebook(regraded, db)
    assert float(grades_csv(tmp_path)["bob"]["score"]) == 1.5
    write_gradebook(regraded, db, force=True)
    rows = grades_csv(tmp_path)
    assert (float(rows["alice"]["score"]), float(rows["alice"]["max_score"])) == (6.0, 6.0)
    assert float(rows["bob"]["score"]) == 2.0 + 1.5     # auto for sign, the manual override for one_hot
    with Gradebook(db) as gb:
        grade = gb.find_grade(grade_cell_name("one_hot.basic"), "exercise0", "dlkit", "bob")
        assert (grade.auto_score, grade.manual_score) == (0.0, 1.5)


def test_gradebook_refuses_empty_results(tmp_path):
    with pytest.raises(ValueError, match="no results"):
        write_gradebook([], f"sqlite:///{tmp_path / 'gb.db'}")


def fill_notebook(release_nb: Path, exercises_dir: Path | None, exercise: str) -> nbformat.NotebookNode:
    """A learner's notebook: the released one with each %%module cell holding their module (None: the stubs)."""
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        first, _, _ = cell.source.partition("\n")
        if first.startswith("%%module") and exercises_dir is not None:
            module = first.split()[2]
            cell.source = first + "\n" + (exercises_dir / exercise / f"{module}.py").read_text()
    return nb


def module_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.source.startswith("%%module"))


# Learner cells an attacker adds to the released notebook (stubs left as they are), as (position, source).
# nbgrader gives full credit to a test cell with no error and no value: run by its Execute in one kernel,
# the redefined run_checks, the fake module and the input transformer gave these stubs full marks.
HOSTILE = {
    "m-redefine": (2, "def run_checks(*args, **kwargs):\n    pass"),
    "m-modules": (1, "import sys, types\nfake = types.ModuleType('course.nbgrader.cell')\n"
                     "fake.run_checks = lambda *a, **k: None\nfake.use_magics = lambda: None\n"
                     "sys.modules['course.nbgrader.cell'] = fake"),
    "m-transformer": (2, "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])"),
    "m-exit": (2, "raise SystemExit(0)"),
    # After the module cell: the solution from the course's source notebook over the learner's module file.
    "m-source": (3, "import json, pathlib\nnb = json.loads(pathlib.Path('../../../source/dlkit/exercise0.ipynb')"
                    ".read_text())\n"
                    "cell = next(c for c in nb['cells'] if ''.join(c['source']).startswith('%%module'))\n"
                    "pathlib.Path('exercise0/basics.py').write_text(''.join(cell['source']).partition('\\n')[2])"),
}


def hostile_notebook(release: Path, name: str, course: Path) -> nbformat.NotebookNode:
    nb = fill_notebook(release, None, "exercise0")
    if name == "m-inmodule":    # inside the graded module cell: import the solution from source/ by its path
        source = course / "source" / "dlkit" / "exercise0.ipynb"
        cell = module_cell(nb)
        cell.source = cell.source.replace("\n", (
            f"\nimport json as _j, pathlib as _p\n_nb = _j.loads(_p.Path({str(source)!r}).read_text())\n"
            "exec(next(''.join(c['source']) for c in _nb['cells'] if ''.join(c['source']).startswith('%%module'))"
            ".partition('\\n')[2])\n"), 1)
        return nb
    position, code = HOSTILE[name]
    nb.cells.insert(position, nbformat.v4.new_code_cell(code))
    if name == "m-redefine":    # a grade cell of its own, worth 100 points, that gives credit when it runs
        nb.cells.append(nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
            "grade": True, "grade_id": "bonus", "points": 100, "solution": False, "locked": False,
            "schema_version": 3}}))
    return nb


def gradebook_scores(course: Path, learners) -> dict[str, dict[str, float]]:
    """learner -> grade cell -> the auto score nbgrader's autograde recorded."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {name: {g.name: g.auto_score for g in gb.find_submission_notebook("exercise0", "dlkit", name).grades}
                for name in learners}


@pytest.mark.slow
def test_nbgrader_course_end_to_end(tmp_path):
    """nbgrader autograde and `course grade` give every learner of a course the same score per check, equal to
    the .py form's; no learner cell, however hostile, changes a verdict or reads source/; added cells are
    reported; feedback shows the diagnosis, never the hidden checks."""
    from course import registry
    from course.grading.run import grade_submission
    from course.nbgrader import catalog
    from course.nbgrader.course import init_course

    ex0 = registry.get("exercise0")
    course = tmp_path / "course"
    init_course(course, [ex0])
    nbgrader(course, "generate_assignment", "dlkit")
    release = course / "release" / "dlkit" / "exercise0.ipynb"
    released = release.read_text()
    assert "### BEGIN SOLUTION" not in released and "np.divide(" not in released
    assert "sign.tiny" not in released                       # hidden checks are stripped

    mistake = next(m for m in planted.planted("exercise0") if m.code == "norm-over-whole-array")
    py_scores = {}
    for name, mistakes in (("alice", []), ("bob", [mistake])):
        exercises = planted.make_submission(tmp_path / name, mistakes, exercises=["exercise0"])
        py_scores[name] = grade_submission(exercises, [ex0]).score
        target = course / "submitted" / name / "dlkit"
        target.mkdir(parents=True)
        nb = fill_notebook(release, exercises, "exercise0")
        if name == "alice":    # a deleted test cell is put back and graded
            nb.cells.pop()
        nbformat.write(nb, target / "exercise0.ipynb")
    stub = grade_submission(Path(__file__).parents[1] / "exercises", [ex0]).score
    attackers = [*HOSTILE, "m-inmodule"]
    for name in attackers:
        target = course / "submitted" / name / "dlkit"
        target.mkdir(parents=True)
        nbformat.write(hostile_notebook(release, name, course), target / "exercise0.ipynb")
    log = nbgrader(course, "autograde", "dlkit")
    nbgrader(course, "generate_feedback", "dlkit")

    checks = catalog.checks("exercise0")
    total = sum(c.points for c in checks)
    rows = grades_csv(course)
    assert float(rows["alice"]["max_score"]) == total
    assert float(rows["alice"]["score"]) == total == py_scores["alice"]
    # nbgrader's score is the kit's `course grade` score: the planted mistake costs the same points.
    assert float(rows["bob"]["score"]) == py_scores["bob"] < total
    for name in attackers:
        assert float(rows[name]["score"]) == stub < total, name
    for name in HOSTILE:     # nbgrader's log names each notebook with cells not in the assignment
        count = 2 if name == "m-redefine" else 1
        assert f"{name}: exercise0.ipynb holds {count} cell(s) not in the assignment" in log.stdout + log.stderr

    # `course grade` on nbgrader's submitted/ gives each learner, named after the student, the same scores;
    # its gradebook export fits the assignment nbgrader made (into a copy, to compare with autograde's).
    shutil.copy(course / "gradebook.db", tmp_path / "copy.db")
    out = subprocess.run([str(BIN / "course"), "grade", str(course / "submitted"), "-e", "exercise0", "--no-store",
                          "--json", "-", "--gradebook", f"sqlite:///{tmp_path / 'copy.db'}"],
                         capture_output=True, text=True, timeout=300, env=dict(os.environ, PATH=os.pathsep.join(
                             [str(BIN), os.environ.get("PATH", "")])))
    assert out.returncode == 0, out.stderr
    kit = {r["submission"]: {grade_cell_name(c["id"]): c["score"] for c in r["exercises"][0]["checks"]}
           for r in json.loads(out.stdout)}
    assert sorted(kit) == sorted(["alice", "bob", *attackers])
    assert kit == gradebook_scores(course, kit)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'copy.db'}") as gb:     # each submission's time is its notebook's
        stamp = gb.find_submission("dlkit", "bob").timestamp
    mtime = (course / "submitted" / "bob" / "dlkit" / "exercise0.ipynb").stat().st_mtime
    assert abs(stamp.replace(tzinfo=timezone.utc).timestamp() - mtime) < 1e-3
    assert "m-redefine: exercise0.ipynb holds 2 cell(s) not in the assignment (cell 3, " in out.stderr

    feedback = (course / "feedback" / "bob" / "dlkit" / "exercise0.html").read_text()
    assert "norm-over-whole-array" in feedback               # the kit's diagnosis reaches the learner
    assert "BEGIN HIDDEN TESTS" not in feedback
    for hidden in (c for c in checks if c.hidden):
        assert f"run_checks(&#39;exercise0&#39;, &#39;{hidden.id}&#39;)" not in feedback
        assert f"run_checks('exercise0', '{hidden.id}')" not in feedback
    hidden_source = (Path(__file__).parents[1] / "graders/exercise0/hidden").glob("*.py")
    for line in {ln.strip() for f in hidden_source for ln in f.read_text().splitlines() if len(ln.strip()) > 20}:
        assert line not in feedback
    assert "not in the assignment" in (course / "feedback" / "m-exit" / "dlkit" / "exercise0.html").read_text()


def test_notebook_reader_takes_the_module_cells_only(tmp_path):
    """The module cell is found by its grade id (the last one where a learner duplicated it, as nbgrader keeps
    it); added cells are counted, empty ones ignored; a deleted module cell and a broken file are named."""
    from course import registry
    from course.batch import notebooks
    from course.nbgrader import catalog
    from course.nbgrader.notebook import build

    ex0 = registry.get("exercise0")
    nb = build(ex0, catalog.checks("exercise0"))
    cell = module_cell(nb)
    decoy = nbformat.v4.new_code_cell(cell.source.replace("\n", "\nDECOY = 1\n", 1), metadata=dict(cell.metadata))
    nb.cells[2:2] = [decoy, nbformat.v4.new_code_cell("print('scratch')"), nbformat.v4.new_markdown_cell("  ")]
    work = notebooks.read_cells(nb.cells, ex0)
    assert work.modules == {"basics": cell.source.partition("\n")[2]}
    assert work.added == (3, 4) and work.missing == ()
    nb.cells.remove(cell)
    nb.cells.remove(decoy)
    assert notebooks.read_cells(nb.cells, ex0).missing == ("basics",)
    assert "にモジュール basics のセルがありません" in notebooks.read_cells(nb.cells, ex0).notes("ja")[1]
    from course.release.notebooks import notebook     # a Colab notebook of `course release`: by first lines
    colab = notebook(ex0, Path(__file__).parents[1] / "solutions", "wheel")
    solution = (Path(__file__).parents[1] / "solutions" / "exercise0" / "basics.py").read_text()
    assert notebooks.read_cells(colab["cells"], ex0) == notebooks.NotebookWork("exercise0", {"basics": solution})
    (tmp_path / "exercise0.ipynb").write_text("{not json")
    notes = notebooks.read_submission(tmp_path, tmp_path / "out")
    assert "is not a readable notebook" in notes[0] and not (tmp_path / "out" / "exercise0").exists()


def test_nbgrader_layout_names_the_learner_after_the_student(tmp_path):
    """submitted/<student>/<assignment>/ is always the student's, whichever folder is named; a notebook is the
    submission even beside a helper folder (which made the assignment folder look like the learner)."""
    from course import registry
    from course.batch.discover import discover, submission_folders
    from course.nbgrader import catalog
    from course.nbgrader.notebook import build

    nb = build(registry.get("exercise5"), catalog.checks("exercise5"))
    for student in ("alice", "bob"):
        folder = tmp_path / "course" / "submitted" / student / "dlkit"
        (folder / "exercise5").mkdir(parents=True)
        (folder / "exercise5" / "common.py").write_text("# the given helper\n")
        nbformat.write(nb, folder / "exercise5.ipynb")
    (tmp_path / "course" / "source").mkdir()
    submitted = tmp_path / "course" / "submitted"
    for named, learners in ((tmp_path / "course", ["alice", "bob"]), (submitted, ["alice", "bob"]),
                            (submitted / "alice", ["alice"]), (submitted / "alice" / "dlkit", ["alice"])):
        found = discover([named])
        assert [s.learner for s in found] == learners, named
    sub = found[0]
    assert sorted(p.name for p in (sub.exercises_dir / "exercise5").iterdir()) == ["common.py", "layers.py",
                                                                                   "two_layer_net.py"]
    hidden = submission_folders(found)
    assert tmp_path / "course" / "source" in hidden and sub.exercises_dir.parent in hidden


def course_gradebook(tmp_path: Path) -> str:
    """An nbgrader gradebook whose assignment has notebook exercise0 with two 2-point cells."""
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.db_url = {db!r}\n")
    write_gradebook([result("alice", {"sign.basic": True, "one_hot.basic": True})], db)
    return db


def test_gradebook_command_refuses_a_reshape_and_forces_it(tmp_path):
    """`course nbgrader gradebook` with results for notebooks the assignment lacks stops with a message that
    names them and the new maximum, writing nothing; --force writes them."""
    from click.testing import CliRunner
    from nbgrader.api import Gradebook

    from course.cli import main

    db = course_gradebook(tmp_path)
    wider = result("bob", {"sign.basic": True, "one_hot.basic": False})
    wider.exercises.append(ExerciseResult("exercise1", [CheckResult("diff.basic", "passed", 3.0, 3.0)]))
    results = tmp_path / "results.json"
    results.write_text(json.dumps([wider.to_dict()]))
    run = CliRunner().invoke(main, ["nbgrader", "gradebook", str(results), "--db", db])
    assert run.exit_code == 2
    assert "notebooks the assignment does not have: exercise1" in run.output and "4 -> 7" in run.output
    with Gradebook(db) as gb:
        assert gb.find_assignment("dlkit").max_score == 4.0 and [s.id for s in gb.students] == ["alice"]
    run = CliRunner().invoke(main, ["nbgrader", "gradebook", str(results), "--db", db, "--force"])
    assert run.exit_code == 0, run.output
    with Gradebook(db) as gb:
        assert gb.find_submission("dlkit", "bob").max_score == 7.0


def test_gradebook_timestamps_are_the_submissions(tmp_path):
    """nbgrader's timestamp.txt where the submission has one, else its newest file's time."""
    from nbgrader.api import Gradebook

    from course.export.lateness import submission_time

    db = course_gradebook(tmp_path)
    submitted = tmp_path / "submitted"
    (submitted / "alice" / "dlkit").mkdir(parents=True)
    (submitted / "alice" / "dlkit" / "timestamp.txt").write_text("2026-11-30T23:59:30.5+09:00\n")
    (submitted / "bob" / "dlkit").mkdir(parents=True)
    (submitted / "bob" / "dlkit" / "exercise0.ipynb").write_text("{}")
    os.utime(submitted / "bob" / "dlkit" / "exercise0.ipynb", (1764547200, 1764547200))   # 2025-12-01 00:00 UTC
    stamps = {name: submission_time(submitted / name / "dlkit") for name in ("alice", "bob")}
    assert stamps["alice"].astimezone(timezone.utc).isoformat() == "2026-11-30T14:59:30.500000+00:00"
    assert stamps["bob"].astimezone(timezone.utc).isoformat() == "2025-12-01T00:00:00+00:00"
    write_gradebook([result("alice", {"sign.basic": True, "one_hot.basic": True}),
                     result("bob", {"sign.basic": False, "one_hot.basic": True})], db, timestamps=stamps)
    with Gradebook(db) as gb:     # nbgrader keeps naive UTC
        assert {n: gb.find_submission("dlkit", n).timestamp.replace(tzinfo=timezone.utc) for n in stamps} == stamps


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
    from course.nbgrader.layout import course_private

    for name in ("source/dlkit", "release/dlkit", "submitted/alice/dlkit", "autograded/alice/dlkit", "feedback"):
        (tmp_path / name).mkdir(parents=True)
    private = course_private(tmp_path / "autograded" / "alice" / "dlkit")
    assert sorted(p.name for p in private) == ["autograded", "feedback", "source", "submitted"]
    assert course_private(tmp_path / "elsewhere") == []


def test_released_module_cells_carry_the_learners_docstrings_not_the_solutions():
    """What stays outside the solution regions reaches learners: the stub's docstrings (module, functions,
    methods) are there, and nothing of the solution's own ("reference solution")."""
    import ast

    from course import paths, registry
    from course.nbgrader import catalog
    from course.nbgrader.notebook import BEGIN, END, build

    for ex in registry.exercises():
        for cell in build(ex, catalog.checks(ex.id)).cells:
            if not cell.metadata["nbgrader"].get("solution"):
                continue
            kept, inside = [], False
            for line in cell.source.splitlines()[1:]:
                inside = (inside or line.strip() == BEGIN) and line.strip() != END
                if not inside and line.strip() != END:
                    kept.append(line)
            module = cell.metadata["nbgrader"]["grade_id"].rsplit("-", 1)[1]
            stub = (paths.kit_root() / "exercises" / ex.id / f"{module}.py").read_text(encoding="utf-8")
            released = "\n".join(kept)
            assert "reference solution" not in released, ex.id
            docs = [ast.get_docstring(n) for n in ast.walk(ast.parse(stub))
                    if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(n)]
            assert docs and all(doc.splitlines()[0] in released for doc in docs), (ex.id, module)


def test_a_check_cell_without_a_sandbox_says_so_and_scores_nothing(monkeypatch, capsys):
    from course.nbgrader import cell
    from course.sandbox.launch import SandboxUnavailable

    def no_sandbox(*args, **kwargs):
        raise SandboxUnavailable("unshare: No space left on device")
    monkeypatch.setattr(cell, "grade_folder", no_sandbox)
    monkeypatch.setenv("COURSE_LANG", "en")
    assert cell.run_checks("exercise1", "numerical_diff.book") == 0.0
    shown = capsys.readouterr().out
    assert "exercise1 was not checked: no sandbox could be set up" in shown and "No space left" in shown
