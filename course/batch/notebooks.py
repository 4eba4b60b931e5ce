"""Notebook submissions: the graded modules of a ``course nbgrader init`` notebook, read as data.

Such a notebook holds each graded module in one cell, known by its nbgrader grade id ``exerciseN-module``
(:mod:`course.nbgrader.layout`) and starting with ``%%module exerciseN module``. Grading takes those cells and
nothing else of the notebook: no cell is run (a cell of the learner's could otherwise change a verdict or
read what it must not), the given helper files come from the kit, and every other cell that is not part of
the assignment is reported. ``course grade`` and the kit's nbgrader autograde step both read notebooks here,
so they grade exactly the same modules.

Where a grade id occurs twice, the last cell keeps it, as nbgrader's own ``DeduplicateIds`` decides at
autograde; the others count as added cells. A notebook without nbgrader's cell ids (the Colab notebooks of
``course release``, whose module cells start ``%%writefile exercises/exerciseN/module.py``) is read by those
first lines, the last such cell of a module winning, and has no cells to report.
"""
from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course import paths, registry
from course.i18n import pick, tr
from course.nbgrader import layout


class NotebookError(Exception):
    """A file that is not a readable Jupyter notebook."""


@dataclass(frozen=True)
class NotebookWork:
    """What grading takes from one exercise's notebook."""

    exercise: str
    modules: dict[str, str]          # graded module name -> its source, as the cell holds it
    added: tuple[int, ...] = ()      # 1-based positions of non-empty cells that are not in the assignment
    missing: tuple[str, ...] = ()    # graded modules whose cell is gone

    def notes(self, lang: str = "en") -> list[str]:
        """What an instructor and the learner should know about this notebook (empty when nothing)."""
        notes = []
        if self.added:
            where = ", ".join(map(str, self.added))
            notes.append(pick(tr(
                f"{self.exercise}.ipynb holds {len(self.added)} cell(s) not in the assignment (cell {where}): "
                f"not run when grading; only the %%module cells are graded",
                f"{self.exercise}.ipynb に課題にないセルが {len(self.added)} 個あります (セル {where})。"
                f"採点では実行されません。採点するのは %%module のセルだけです"), lang))
        if self.missing:
            names = ", ".join(self.missing)
            notes.append(pick(tr(f"{self.exercise}.ipynb has no cell for module(s) {names}",
                                 f"{self.exercise}.ipynb にモジュール {names} のセルがありません"), lang))
        return notes


def _text(source) -> str:
    # nbformat stores a cell's source as one string or as a list of lines.
    return "".join(source) if isinstance(source, list) else str(source or "")


def _grade_id(cell: dict) -> str | None:
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def module_source(cell_source: str) -> str:
    """A graded module cell's module: the cell without its ``%%module`` line."""
    first, newline, rest = cell_source.partition("\n")
    return rest if first.lstrip().startswith(layout.MODULE_MAGIC) else cell_source


@functools.lru_cache(maxsize=None)
def _assignment_ids(exercise_id: str) -> frozenset[str]:
    from course.nbgrader import catalog

    exercise = registry.get(exercise_id)
    return frozenset(layout.assignment_ids(exercise, [c.id for c in catalog.checks(exercise_id)]))


def _by_first_line(cells: list[dict], exercise: registry.Exercise) -> NotebookWork:
    from course.release.notebooks import module_cell_source

    headers = {h: m for m in exercise.modules
               for h in (layout.module_header(exercise.id, m), module_cell_source(exercise.id, m, "").strip())}
    modules = {}
    for cell in cells:
        first, _, rest = _text(cell.get("source")).partition("\n")
        if first.strip() in headers:
            modules[headers[first.strip()]] = rest
    return NotebookWork(exercise.id, modules, missing=tuple(m for m in exercise.modules if m not in modules))


def read_cells(cells: list[dict], exercise: registry.Exercise) -> NotebookWork:
    """The graded modules of ``exercise`` in a notebook's ``cells``, and the cells that are not in the assignment."""
    wanted = {layout.module_id(exercise.id, m): m for m in exercise.modules}
    known = _assignment_ids(exercise.id)
    if not any(_grade_id(c) in known for c in cells):
        return _by_first_line(cells, exercise)
    last = {_grade_id(c): i for i, c in enumerate(cells) if _grade_id(c) in known}
    modules, added = {}, []
    for i, cell in enumerate(cells):
        source = _text(cell.get("source"))
        grade_id = _grade_id(cell)
        if last.get(grade_id) == i:
            if grade_id in wanted:
                modules[wanted[grade_id]] = module_source(source)
        elif source.strip():
            added.append(i + 1)
    missing = tuple(m for m in exercise.modules if m not in modules)
    return NotebookWork(exercise.id, modules, tuple(added), missing)


def read_notebook(path: Path, exercise: registry.Exercise) -> NotebookWork:
    """:func:`read_cells` of the notebook file at ``path``; :class:`NotebookError` when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"{path} is not a readable notebook: {exc}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise NotebookError(f"{path} is not a Jupyter notebook (no list of cells)")
    return read_cells(cells, exercise)


def notebook_exercises(folder: Path) -> list[registry.Exercise]:
    """The exercises that have a notebook (``exerciseN.ipynb``) directly in ``folder``, in course order."""
    folder = Path(folder)
    return [e for e in registry.exercises() if (folder / f"{e.id}.ipynb").is_file()] if folder.is_dir() else []


def write_exercise(work: NotebookWork, dest: Path) -> Path:
    """Write ``dest/exerciseN/``: the notebook's modules on top of the exercise's given helper files (from the
    kit, as ``course nbgrader init`` gave them to the course). Returns that folder."""
    target = Path(dest) / work.exercise
    target.mkdir(parents=True, exist_ok=True)
    exercise = registry.get(work.exercise)
    given = paths.kit_root() / "exercises" / work.exercise
    for helper in sorted(given.glob("*.py")) if given.is_dir() else []:
        if helper.stem not in exercise.modules:
            shutil.copy2(helper, target / helper.name)
    for name, source in work.modules.items():
        (target / f"{name}.py").write_text(source, encoding="utf-8")
    return target


def read_submission(folder: Path, dest: Path, lang: str = "en") -> list[str]:
    """Write the exercises of every kit notebook in ``folder`` into ``dest`` (replaced: an exercises folder,
    ready to grade) and return the notes about them. A notebook that cannot be read is left out (its exercise is then
    graded as missing) and named in the notes."""
    notes = []
    shutil.rmtree(dest, ignore_errors=True)     # what an earlier read left there is not this submission
    Path(dest).mkdir(parents=True)
    for exercise in notebook_exercises(folder):
        try:
            work = read_notebook(Path(folder) / f"{exercise.id}.ipynb", exercise)
        except NotebookError as exc:
            notes.append(pick(tr(f"{exc}; {exercise.id} is graded as missing",
                                 f"{exc}。{exercise.id} は未提出として採点します"), lang))
            continue
        write_exercise(work, dest)
        notes += work.notes(lang)
    return notes


@functools.lru_cache(maxsize=None)
def scratch_folder() -> Path:
    """A private folder, removed when this process exits, where ``course grade`` writes the modules it read
    from notebooks (grading needs them as files; a submission folder is never written to)."""
    folder = Path(tempfile.mkdtemp(prefix="course-notebooks-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
