"""nbgrader's autograde step for the kit's notebooks: verdicts computed outside the learner's kernel.

nbgrader's own ``Execute`` runs the whole submitted notebook in one kernel with the grader's rights and gives
full credit to a test cell that raises nothing. Every cell of a submission is the learner's to change, so
nothing in that kernel can be trusted: a cell of theirs can redefine ``run_checks``, patch ``sys.modules`` or
builtins, register an input transformer that rewrites each later cell, or read the course's ``source/``.

:class:`GradeInSandbox` takes ``Execute``'s place (``course nbgrader init`` configures it) and runs no cell:
it reads the graded module cells as data (:mod:`course.batch.notebooks`, the same reader as ``course grade``),
grades them with the kit's engine (learner code in the sandbox, with the course's ``source/``, ``submitted/``,
``autograded/`` and ``feedback/`` hidden), and writes each test cell's output: the verdict as text and the
check's score as the cell's value, which nbgrader's ``SaveAutoGrades`` then records. Cells that are not in
the assignment are not run and are reported, in nbgrader's log and at the top of the learner's feedback;
before nbgrader's own sanitizing, :class:`ForgetLearnerMetadata` takes from them any nbgrader metadata the
learner gave them, so a grade cell of the learner's own is none.
A notebook of the assignment that is not a kit exercise is executed by nbgrader as usual.
"""
from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path

from nbformat.v4 import new_markdown_cell, new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Unicode

from course import paths, registry
from course.batch import notebooks
from course.export.gradebook import grade_cell_name
from course.i18n import default_lang
from course.nbgrader.cell import verdict
from course.nbgrader.layout import course_private
from course.result import ExerciseResult


def autograde_preprocessors() -> list:
    """nbgrader's own autograde steps, with :class:`GradeInSandbox` in place of ``Execute``."""
    from nbgrader.converters import Autograde

    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    if Execute not in defaults:
        raise ValueError("nbgrader's autograde steps have no Execute step to replace; check the nbgrader version")
    return [GradeInSandbox if step is Execute else step for step in defaults]


def sanitize_preprocessors() -> list:
    """nbgrader's own sanitizing steps, after :class:`ForgetLearnerMetadata`."""
    from nbgrader.converters import Autograde

    return [ForgetLearnerMetadata, *Autograde.class_traits()["sanitize_preprocessors"].default()]


class ForgetLearnerMetadata(NbGraderPreprocessor):
    """A cell that is not in the assignment is no nbgrader cell, whatever metadata the learner gave it: a grade
    cell of their own (nbgrader's sanitizing crashes on an unknown grade id) or a copy of a real one."""

    def preprocess(self, nb, resources):
        """Drop the nbgrader metadata of every cell of a kit notebook that is not in the assignment."""
        name = resources["nbgrader"]["notebook"]
        if name in {e.id for e in registry.exercises()}:
            for position in notebooks.read_cells(nb.cells, registry.get(name)).added:
                nb.cells[position - 1].metadata.pop("nbgrader", None)
        return nb, resources


def grade_work(work: notebooks.NotebookWork, *, device: str, lang: str, hide: list[Path]) -> ExerciseResult:
    """Every check of the notebook's exercise on its module cells, graded in the kit's sandbox (hidden checks
    where the kit has them, as on the instructor's machine)."""
    from course.grading.run import grade_exercise

    exercise = registry.get(work.exercise)
    with tempfile.TemporaryDirectory(prefix="course-autograde-") as scratch:
        notebooks.write_exercise(work, Path(scratch))
        public_only = not (paths.graders_dir(exercise.id) / "hidden").is_dir()
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return grade_exercise(Path(scratch), exercise, public_only=public_only, lang=lang, device=device,
                                  hide=hide)


class GradeInSandbox(Execute):
    """``Execute`` for the kit's notebooks: grade the module cells in the sandbox, write the verdicts, run no cell."""

    device = Unicode("cpu", help="Where the PyTorch exercises are graded (cpu or cuda).").tag(config=True)
    lang = Unicode("", help="Language of the verdicts (en or ja; default: the locale).").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Grade a kit exercise's notebook without a kernel; hand any other notebook to nbgrader's ``Execute``."""
        name = resources["nbgrader"]["notebook"]
        if name not in {e.id for e in registry.exercises()}:
            return super().preprocess(nb, resources, km)
        exercise = registry.get(name)
        lang = self.lang or default_lang()
        work = notebooks.read_cells(nb.cells, exercise)
        folder = Path(resources["metadata"]["path"]).resolve()
        device = self.device if exercise.torch else "cpu"
        result = grade_work(work, device=device, lang=lang, hide=[folder, *course_private(folder)])
        for note in work.notes("en"):
            self.log.warning("%s: %s", resources["nbgrader"]["student"], note)
        checks = {grade_cell_name(c.id): c.id for c in result.checks}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = [], None
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                self._write_verdict(cell, result, checks.get(meta.get("grade_id"), meta.get("grade_id")), lang)
        notes = work.notes(lang)
        if notes:     # the learner's feedback says so too
            nb.cells.insert(0, new_markdown_cell("> " + "\n>\n> ".join(notes)))
        return nb, resources

    @staticmethod
    def _write_verdict(cell, result: ExerciseResult, check_id: str, lang: str) -> None:
        text, score = verdict(result, check_id, lang)
        cell.outputs = [new_output("stream", name="stdout", text=text + "\n"),
                        new_output("execute_result", data={"text/plain": repr(float(score))}, execution_count=1)]
        cell.execution_count = 1
