"""A CSV with nbgrader's grade export columns (``nbgrader export``), one row per learner, then one column per
exercise (its points and maximum) so a spreadsheet shows where points were lost.

``timestamp`` is the submission's (:func:`course.export.lateness.submission_time`), ``duedate`` the one given
with ``--due``, and ``late_submission_penalty`` follows the ``--late-penalty`` rule with nbgrader's semantics;
``score`` is ``raw_score`` minus the penalty. Names and e-mail, which the kit does not know, are left empty as
nbgrader leaves them for students without them.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from course.export.lateness import LateRule, seconds_late
from course.result import SubmissionResult

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score")


@dataclass(frozen=True)
class Lateness:
    """When each learner handed in, the due date and the penalty rule."""

    timestamps: dict[str, datetime | None] = field(default_factory=dict)
    due: datetime | None = None
    rule: LateRule = LateRule()

    def penalty(self, result: SubmissionResult) -> float:
        """Points ``result`` loses for being late."""
        late = seconds_late(self.timestamps.get(result.submission), self.due)
        return round(self.rule.penalty(result.score, late), 6)


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat(sep=" ", timespec="seconds") if moment else ""


def exercise_columns(results: list[SubmissionResult]) -> list[str]:
    """The exercises any result holds, in the order first seen."""
    return list(dict.fromkeys(e.id for r in results for e in r.exercises))


def to_csv(results: list[SubmissionResult], assignment: str = "dlkit", lateness: Lateness = Lateness()) -> str:
    """The CSV text for ``results`` (header included)."""
    exercises = exercise_columns(results)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, *(f"{e}{s}" for e in exercises for s in ("", "_max"))],
                            lineterminator="\n")
    writer.writeheader()
    for result in results:
        penalty = lateness.penalty(result)
        row = {"assignment": assignment, "duedate": _stamp(lateness.due),
               "timestamp": _stamp(lateness.timestamps.get(result.submission)),
               "student_id": result.submission, "last_name": "", "first_name": "", "email": "",
               "raw_score": result.score, "late_submission_penalty": penalty,
               "score": round(result.score - penalty, 6), "max_score": result.max_score}
        for e in result.exercises:
            row[e.id], row[f"{e.id}_max"] = e.score, e.max_score
        writer.writerow(row)
    return out.getvalue()
