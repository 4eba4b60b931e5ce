"""Gradescope's ``results.json`` (gradescope/autograder_samples, docs/specs.md) from one result model.

Public checks are ``visible``; hidden checks are ``after_published``, so learners see them only once the
instructor publishes grades. Gradescope knows only ``passed`` and ``failed``: ``error`` and ``timeout`` are
failures whose output says which; a ``skipped`` check gives no status and Gradescope derives it from the score.
"""
from __future__ import annotations

import json

from course.export import check_name, check_text
from course.result import SubmissionResult

VISIBILITY = {"public": "visible", "hidden": "after_published"}


def results_json(result: SubmissionResult, execution_time: float | None = None) -> dict:
    """The results.json object for one graded submission."""
    tests = []
    for n_ex, exercise in enumerate(result.exercises, 1):
        for n_check, check in enumerate(exercise.checks, 1):
            test = {"name": check_name(exercise.id, check), "number": f"{n_ex}.{n_check}",
                    "score": check.score, "max_score": check.max_score,
                    "visibility": VISIBILITY.get(check.visibility, "after_published"),
                    "output": check_text(check) if check.status != "passed" or check.message else "",
                    "tags": [exercise.id] + ([check.diagnosis] if check.diagnosis else [])}
            if check.status != "skipped":
                test["status"] = "passed" if check.status == "passed" else "failed"
            if check.status in ("error", "timeout"):
                test["output"] = f"({check.status}) {test['output']}".strip()
            tests.append(test)
    lines = [f"{e.id}: {e.score:g}/{e.max_score:g}" for e in result.exercises]
    doc = {"score": result.score, "output": "\n".join(lines), "output_format": "text",
           "test_output_format": "text", "test_name_format": "text", "stdout_visibility": "hidden",
           "tests": tests}
    if execution_time is not None:
        doc["execution_time"] = round(execution_time)
    return doc


def dumps(result: SubmissionResult, execution_time: float | None = None) -> str:
    """results.json as text (UTF-8 kept readable, ``\\n`` line endings as the specification asks)."""
    return json.dumps(results_json(result, execution_time), ensure_ascii=False, indent=1) + "\n"
