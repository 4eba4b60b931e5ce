"""Exporters: each turns result models (:mod:`course.result`) into one published format, and nothing else.

- :mod:`~course.export.gradescope`: Gradescope's ``results.json`` (one submission);
- :mod:`~course.export.classroom`: GitHub Classroom's points notices;
- :mod:`~course.export.junit`: JUnit XML, which any CI can show;
- :mod:`~course.export.csv_export`: nbgrader's grade export columns;
- ``gradebook`` (nbgrader's database) lives beside them and is imported only when asked for.
"""
from __future__ import annotations

import json

from course.result import SubmissionResult


def to_json(results: list[SubmissionResult]) -> str:
    """The contract's JSON array of result models, one per submission, in the order given."""
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n"


def check_name(exercise: str, check) -> str:
    """The name every export shows for a check: exercise, check id and, when there is one, its title."""
    return f"{exercise} › {check.id}" + (f" — {check.title}" if check.title else "")


def check_text(check) -> str:
    """The learner-facing explanation of a check's verdict: message, diagnosis code and hint."""
    parts = [check.message.strip()] if check.message.strip() else []
    if check.diagnosis:
        parts.append(f"[{check.diagnosis}]")
    if check.hint and check.status != "passed":
        parts.append(f"hint: {check.hint}")
    return "\n".join(parts)
