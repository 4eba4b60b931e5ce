"""A CSV with nbgrader's grade export columns (``nbgrader export``), one row per learner.

Fields the kit does not know (due date, names, e-mail) are left empty, as nbgrader leaves them for students
without them; the timestamp is when the row was written. The kit has no late penalty, so it is 0.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from course.result import SubmissionResult

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score")


def to_csv(results: list[SubmissionResult], assignment: str = "dlkit") -> str:
    """The CSV text for ``results`` (header included)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    stamp = datetime.now(timezone.utc).isoformat(sep=" ", timespec="seconds")
    for result in results:
        writer.writerow({"assignment": assignment, "duedate": "", "timestamp": stamp,
                         "student_id": result.submission, "last_name": "", "first_name": "", "email": "",
                         "raw_score": result.score, "late_submission_penalty": 0.0, "score": result.score,
                         "max_score": result.max_score})
    return out.getvalue()
