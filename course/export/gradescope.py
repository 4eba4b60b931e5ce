"""Gradescope's ``results.json`` (gradescope/autograder_samples, docs/specs.md) from one result model.

Public checks are ``visible``; hidden checks are ``after_published``, so learners see them only once the
instructor publishes grades. Gradescope knows only ``passed`` and ``failed``: ``error`` and ``timeout`` are
failures whose output says which. A ``skipped`` check (a GPU check on a machine without CUDA) was not run, so it
is not passed either: it is ``failed`` with 0 points of 0 and its reason, its name marked "not run".
The isolation each exercise ran under is in the output and in ``extra_data``.
"""
from __future__ import annotations

import json

from course.export import check_name, check_text
from course.i18n import pick, tr
from course.result import SubmissionResult

VISIBILITY = {"public": "visible", "hidden": "after_published"}
NOT_RUN = tr("not run", "未実行")


def _test(number: str, exercise_id: str, check, lang: str) -> dict:
    test = {"name": check_name(exercise_id, check), "number": number,
            "score": check.score, "max_score": check.max_score,
            "visibility": VISIBILITY.get(check.visibility, "after_published"),
            "output": check_text(check) if check.status != "passed" or check.message else "",
            "tags": [exercise_id] + ([check.diagnosis] if check.diagnosis else []),
            "status": "passed" if check.status == "passed" else "failed"}
    if check.status in ("error", "timeout"):
        test["output"] = f"({check.status}) {test['output']}".strip()
    if check.status == "skipped":
        test["name"] = f"({pick(NOT_RUN, lang)}) {test['name']}"
        test["output"] = f"({pick(NOT_RUN, lang)}) {check.message or 'skipped'}"
    return test


def results_json(result: SubmissionResult, execution_time: float | None = None, lang: str = "en") -> dict:
    """The results.json object for one graded submission."""
    tests = [_test(f"{n_ex}.{n_check}", exercise.id, check, lang)
             for n_ex, exercise in enumerate(result.exercises, 1)
             for n_check, check in enumerate(exercise.checks, 1)]
    isolation = pick(tr("isolation", "隔離"), lang)
    lines = [f"{e.id}: {e.score:g}/{e.max_score:g} ({isolation}: {e.isolation or '?'})" for e in result.exercises]
    doc = {"score": result.score, "output": "\n".join(lines), "output_format": "text",
           "test_output_format": "text", "test_name_format": "text", "stdout_visibility": "hidden",
           "extra_data": {"isolation": {e.id: e.isolation for e in result.exercises}},
           "tests": tests}
    if execution_time is not None:
        doc["execution_time"] = round(execution_time)
    return doc


def dumps(result: SubmissionResult, execution_time: float | None = None, lang: str = "en") -> str:
    """results.json as text (UTF-8 kept readable, ``\\n`` line endings as the specification asks)."""
    return json.dumps(results_json(result, execution_time, lang), ensure_ascii=False, indent=1) + "\n"
