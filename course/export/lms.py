"""Gradebook-import CSVs of two LMSs, one row per learner with the assignment's score after any late penalty.

- **Canvas** (Grades → Import): the columns of Canvas's own gradebook export, ``Student, ID, SIS User ID,
  SIS Login ID, Section``, then one column per assignment; a second row ``Points Possible`` gives its maximum.
  Canvas matches a row to a student by ID, SIS User ID or SIS Login ID: the learner id is written as the
  SIS Login ID (use the LMS login as the learner id); a new column name creates a new assignment.
- **Moodle** (Grades → Import → CSV file): any columns, mapped on the import page: ``Username`` (map from
  Username to username), the grade column ``<assignment> (Real)`` and its ``(Feedback)`` column (Moodle
  overwrites an item's grades when its feedback is imported, so both are given).
"""
from __future__ import annotations

import csv
import io

from course.export.csv_export import Lateness
from course.result import SubmissionResult

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def _points(x: float) -> str:
    return f"{round(x, 2):g}"


def _writer(out):
    return csv.writer(out, lineterminator="\n")


def canvas(results: list[SubmissionResult], assignment: str, lateness: Lateness = Lateness()) -> str:
    """Canvas's gradebook-import CSV."""
    out = io.StringIO()
    w = _writer(out)
    w.writerow([*CANVAS_COLUMNS, assignment])
    w.writerow(["    Points Possible", "", "", "", "", _points(max((r.max_score for r in results), default=0))])
    for r in results:
        w.writerow([r.submission, "", "", r.submission, "", _points(r.score - lateness.penalty(r))])
    return out.getvalue()


def _feedback(result: SubmissionResult, penalty: float) -> str:
    parts = [f"{e.id} {_points(e.score)}/{_points(e.max_score)}" for e in result.exercises]
    if penalty:
        parts.append(f"late penalty -{_points(penalty)}")
    return "; ".join(parts)


def moodle(results: list[SubmissionResult], assignment: str, lateness: Lateness = Lateness()) -> str:
    """Moodle's CSV grade import file."""
    out = io.StringIO()
    w = _writer(out)
    w.writerow(["Username", f"{assignment} (Real)", f"{assignment} (Feedback)"])
    for r in results:
        penalty = lateness.penalty(r)
        w.writerow([r.submission, _points(r.score - penalty), _feedback(r, penalty)])
    return out.getvalue()
