"""The result model written into nbgrader's own gradebook, so ``nbgrader export`` and formgrader show it.

Layout (the same one ``course nbgrader init`` gives nbgrader, so both ways fill the same rows): one
assignment, one notebook per exercise, one code grade cell per check (its ``auto_score``). Rows are updated
in place, never recreated: a ``manual_score`` an instructor set in formgrader stays, and nbgrader's
``Grade.score`` keeps preferring it over the regraded ``auto_score``.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import warnings
from pathlib import Path

from course.result import SubmissionResult


def grade_cell_name(check_id: str) -> str:
    """The nbgrader grade id of a check (nbgrader puts grade ids into HTML ids, so only ``[\\w-]``)."""
    return re.sub(r"[^\w-]", "-", check_id)


def _max_scores(results: list[SubmissionResult]) -> dict[str, dict[str, float]]:
    """exercise -> check -> points; a check skipped for one learner (max 0) keeps its points from others."""
    layout: dict[str, dict[str, float]] = {}
    for result in results:
        for exercise in result.exercises:
            cells = layout.setdefault(exercise.id, {})
            for check in exercise.checks:
                cells[check.id] = max(cells.get(check.id, 0.0), check.max_score)
    return layout


def _check_names(layout: dict[str, dict[str, float]]) -> None:
    for exercise, checks in layout.items():
        seen: dict[str, str] = {}
        for check_id in checks:
            name = grade_cell_name(check_id)
            if seen.setdefault(name, check_id) != check_id:
                raise ValueError(f"{exercise}: checks {seen[name]!r} and {check_id!r} would share the nbgrader "
                                 f"grade cell {name!r}; rename one of them")


@contextlib.contextmanager
def _alembic_on_path():
    """nbgrader's Gradebook runs the ``alembic`` executable by name; from an unactivated venv it is not
    on PATH, so put the running interpreter's scripts folder (where pip installed it) in front."""
    if shutil.which("alembic"):
        yield
        return
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), saved])
    try:
        yield
    finally:
        os.environ["PATH"] = saved


def write_gradebook(results: list[SubmissionResult], db_url: str, assignment: str = "dlkit") -> None:
    """Write students, ``assignment``, its notebooks/grade cells and every check's score into the gradebook.

    ``db_url`` is an SQLAlchemy URL (``sqlite:///course/gradebook.db``); tables are created when absent.
    Scores go to ``Grade.auto_score``; ``manual_score`` and comments are left as they are.
    """
    from nbgrader.api import Gradebook, Grade, MissingEntry, SubmittedNotebook

    if not results:
        raise ValueError("no results to write into the gradebook")
    layout = _max_scores(results)
    _check_names(layout)
    from sqlalchemy.exc import SAWarning

    with _alembic_on_path(), Gradebook(db_url) as gb, warnings.catch_warnings():
        # nbgrader's own add_submission trips SQLAlchemy's autoflush warnings; the rows are written anyway.
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_assignment(assignment)
        for exercise, checks in layout.items():
            gb.update_or_create_notebook(exercise, assignment)
            for check_id, points in checks.items():
                gb.update_or_create_grade_cell(grade_cell_name(check_id), exercise, assignment,
                                               max_score=points, cell_type="code")
        for result in results:
            gb.update_or_create_student(result.submission)
            try:
                submission = gb.find_submission(assignment, result.submission)
            except MissingEntry:
                submission = gb.add_submission(assignment, result.submission)
            for exercise in result.exercises:
                try:
                    notebook = gb.find_submission_notebook(exercise.id, assignment, result.submission)
                except MissingEntry:     # an exercise added after this learner was first written
                    notebook = SubmittedNotebook(notebook=gb.find_notebook(exercise.id, assignment),
                                                 assignment=submission)
                    gb.db.add(notebook)
                grades = {g.name: g for g in notebook.grades}
                for check in exercise.checks:
                    name = grade_cell_name(check.id)
                    grade = grades.get(name)
                    if grade is None:    # a check added after this learner was first written
                        grade = Grade(cell=gb.find_grade_cell(name, exercise.id, assignment), notebook=notebook)
                        gb.db.add(grade)
                    grade.auto_score = check.score
                    grade.needs_manual_grade = False
            gb.db.commit()
