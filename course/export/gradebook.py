"""The result model written into nbgrader's own gradebook, so ``nbgrader export`` and formgrader show it.

Layout (the same one ``course nbgrader init`` gives nbgrader, so both ways fill the same rows): one
assignment, one notebook per exercise, one code grade cell per check that has points (its ``auto_score``).
Rows are updated in place, never recreated: a ``manual_score`` an instructor set in formgrader stays, and
nbgrader's ``Grade.score`` keeps preferring it over the regraded ``auto_score``.

The gradebook is never reshaped silently: results whose exercises, checks or points differ from an
assignment the gradebook already has are refused (:class:`GradebookMismatch`) unless forced. Each
submission's timestamp is the learner's (:func:`course.export.lateness.submission_time`), so nbgrader's late
penalties apply.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path

from course.result import SubmissionResult


def grade_cell_name(check_id: str) -> str:
    """The nbgrader grade id of a check (nbgrader puts grade ids into HTML ids, so only ``[\\w-]``)."""
    return re.sub(r"[^\w-]", "-", check_id)


class GradebookMismatch(ValueError):
    """The results do not have the shape of the assignment already in the gradebook."""


def _max_scores(results: list[SubmissionResult]) -> dict[str, dict[str, float]]:
    """exercise -> check -> points; a check skipped for one learner (max 0) keeps its points from others, and
    one worth nothing for everyone (a GPU check graded on the CPU, a kit error) gets no cell."""
    layout: dict[str, dict[str, float]] = {}
    for result in results:
        for exercise in result.exercises:
            cells = layout.setdefault(exercise.id, {})
            for check in exercise.checks:
                cells[check.id] = max(cells.get(check.id, 0.0), check.max_score)
    return {ex: {c: points for c, points in cells.items() if points > 0} for ex, cells in layout.items()}


def mismatch(gb, assignment: str, layout: dict[str, dict[str, float]]) -> list[str]:
    """How ``layout`` (exercise -> check -> points) differs from ``assignment`` in the gradebook ``gb``: one line
    per difference, none when they agree or the gradebook has no such assignment yet."""
    from nbgrader.api import MissingEntry

    try:
        # A cell worth nothing (one an older kit wrote for a GPU check graded on the CPU) changes no score.
        have = {nb.name: {c.name: float(c.max_score) for c in nb.grade_cells if c.max_score}
                for nb in gb.find_assignment(assignment).notebooks}
    except MissingEntry:
        return []
    want = {ex: {grade_cell_name(c): points for c, points in checks.items()} for ex, checks in layout.items()}
    lines = []
    if set(want) - set(have):
        lines.append(f"notebooks the assignment does not have: {', '.join(sorted(set(want) - set(have)))}")
    if set(have) - set(want):
        lines.append(f"notebooks of the assignment with no results: {', '.join(sorted(set(have) - set(want)))}")
    for notebook in sorted(set(want) & set(have)):
        cells, ours = have[notebook], want[notebook]
        if set(ours) - set(cells):
            lines.append(f"{notebook}: grade cells it does not have: {', '.join(sorted(set(ours) - set(cells)))}")
        if set(cells) - set(ours):
            lines.append(f"{notebook}: grade cells with no result: {', '.join(sorted(set(cells) - set(ours)))}")
        lines += [f"{notebook}: {name} is worth {cells[name]:g} points there, {ours[name]:g} in the results"
                  for name in sorted(set(ours) & set(cells)) if cells[name] != ours[name]]
    if lines:
        total = sum(sum(c.values()) for c in have.values())
        merged = {**have, **{nb: {**have.get(nb, {}), **cells} for nb, cells in want.items()}}
        lines.append(f"maximum score {total:g} -> {sum(sum(c.values()) for c in merged.values()):g}")
    return lines


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


def write_gradebook(results: list[SubmissionResult], db_url: str, assignment: str = "dlkit", *,
                    timestamps: dict[str, datetime] | None = None, force: bool = False) -> None:
    """Write students, ``assignment``, its notebooks/grade cells and every check's score into the gradebook.

    ``db_url`` is an SQLAlchemy URL (``sqlite:///course/gradebook.db``); tables are created when absent.
    Scores go to ``Grade.auto_score``; ``manual_score`` and comments are left as they are. ``timestamps``
    (learner id -> time, from :func:`course.export.lateness.submission_time`) become the submissions'
    timestamps. Results whose shape differs from the assignment already there raise
    :class:`GradebookMismatch`, unless ``force``.
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
        problems = mismatch(gb, assignment, layout)
        if problems and not force:
            raise GradebookMismatch(f"the results do not match assignment {assignment!r} in the gradebook ("
                                    + "; ".join(problems) + "); nothing was written. Grade the assignment's "
                                    "exercises only (course grade -e ...), or force it to change shape "
                                    "(course nbgrader gradebook --force)")
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
            if (timestamps or {}).get(result.submission):     # nbgrader keeps naive UTC times
                submission.timestamp = timestamps[result.submission].astimezone(timezone.utc).replace(tzinfo=None)
            for exercise in result.exercises:
                try:
                    notebook = gb.find_submission_notebook(exercise.id, assignment, result.submission)
                except MissingEntry:     # an exercise added after this learner was first written
                    notebook = SubmittedNotebook(notebook=gb.find_notebook(exercise.id, assignment),
                                                 assignment=submission)
                    gb.db.add(notebook)
                grades = {g.name: g for g in notebook.grades}
                for check in (c for c in exercise.checks if c.id in layout[exercise.id]):
                    name = grade_cell_name(check.id)
                    grade = grades.get(name)
                    if grade is None:    # a check added after this learner was first written
                        grade = Grade(cell=gb.find_grade_cell(name, exercise.id, assignment), notebook=notebook)
                        gb.db.add(grade)
                    grade.auto_score = check.score
                    grade.needs_manual_grade = False
            gb.db.commit()
