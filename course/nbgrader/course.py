"""``course nbgrader init``: an nbgrader course folder whose notebooks are graded by the kit."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from course import paths, registry
from course.nbgrader import catalog, notebook

CONFIG = '''\
# Written by `course nbgrader init`; the kit's graders run inside nbgrader's test cells.
import os

from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from course.nbgrader.autograde import autograde_preprocessors, sanitize_preprocessors

c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# Verdicts are computed outside the learner's kernel: at autograde the kit's step takes the place of
# nbgrader's Execute, runs no cell of a submission, and grades its %%module cells in the kit's sandbox.
c.Autograde.autograde_preprocessors = autograde_preprocessors()
# A cell not in the assignment loses any nbgrader metadata the learner gave it (a grade cell of their own).
c.Autograde.sanitize_preprocessors = sanitize_preprocessors()
c.GradeInSandbox.device = {device!r}
c.GradeInSandbox.lang = {lang!r}
# A test cell the learner deleted comes back and is graded, as `course grade` grades every check.
c.OverwriteCells.add_missing_cells = True
# For a notebook of your own added to the assignment, which nbgrader executes as usual.
c.ExecutePreprocessor.timeout = {timeout}
# Graded modules are written by the notebook's %%module cells: never copy them from source/ (where running
# the instructor's notebook would leave the solutions) or over a learner's copy.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", {modules}]
c.Autograde.exclude_overwriting = {{{assignment!r}: [{paths}]}}
# Feedback shows each hidden check's verdict, not the code of its cell.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
'''


def gradable(names: list[str] | None = None) -> list[registry.Exercise]:
    """The exercises asked for (default: all) that have graders and a solution."""
    chosen = [registry.get(n) for n in names] if names else list(registry.exercises())
    return [ex for ex in chosen if paths.graders_dir(ex.id).is_dir() and paths.solutions_dir(ex.id).is_dir()]


def init_course(root: Path, exercises: list[registry.Exercise], *, assignment: str = "dlkit",
                course_id: str = "dlkit", lang: str = "en", force: bool = False, device: str = "cpu") -> list[Path]:
    """Write ``nbgrader_config.py`` and ``source/<assignment>/`` (a notebook and given files per exercise);
    ``device="cuda"`` grades the PyTorch exercises on the GPU, GPU checks included."""
    if not exercises:
        raise ValueError("no gradable exercise (one needs graders/exerciseN and solutions/exerciseN)")
    root = Path(root).resolve()
    source = root / "source" / assignment
    if source.exists() and not force:
        raise FileExistsError(f"{source} already exists; pass --force to rewrite it")
    graded = [f"{ex.id}/{m}.py" for ex in exercises for m in ex.modules]
    names = [p.split("/")[1] for p in graded]
    written = []
    source.mkdir(parents=True, exist_ok=True)
    for ex in exercises:
        nb = notebook.build(ex, catalog.checks(ex.id), lang, device)
        target = source / f"{ex.id}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
        stub_dir = paths.kit_root() / "exercises" / ex.id
        for helper in sorted(stub_dir.glob("*.py")) if stub_dir.is_dir() else []:
            if helper.stem in ex.modules:
                continue
            if helper.name in names:
                raise ValueError(f"{ex.id}/{helper.name}: a given helper named like a graded module of another "
                                 f"exercise would be ignored by nbgrader; rename it")
            (source / ex.id).mkdir(exist_ok=True)
            shutil.copy2(helper, source / ex.id / helper.name)
            written.append(source / ex.id / helper.name)
    timeout = int(max(ex.timeout for ex in exercises)) + 60
    config = root / "nbgrader_config.py"
    config.write_text(CONFIG.format(course_id=course_id, timeout=timeout, assignment=assignment, device=device,
                                    lang=lang,
                                    modules=", ".join(repr(n) for n in sorted(set(names))),
                                    paths=", ".join(repr(p) for p in graded)), encoding="utf-8")
    return [config, *written]
