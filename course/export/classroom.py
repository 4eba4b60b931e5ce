"""GitHub Classroom's report, in the format of its official reporter (education/autograding-grading-reporter).

That reporter prints a "Test runner summary" table (runner, score, max score, weight), then a ✅/❌ line per
test with the failure's message, each runner's and the grand total, and two workflow annotations:
``::notice title=Autograding complete::Points X/Y`` for people and
``::notice title=Autograding report::{"totalPoints":X,"maxPoints":Y}``, which Classroom parses for the points.
Here each exercise is a runner and each of its checks a test, so a learner sees which exercise lost points and
why. Points keep up to two decimals, so fractional scores are neither rounded away nor garbled (the official
reporter's #10). The job fails below full marks, as the reporter's ``core.setFailed`` makes it.
"""
from __future__ import annotations

import json

from course.result import ExerciseResult, SubmissionResult

# The reporter's table (cli-table3 with its column widths, padding included).
_HEAD = ("Test Runner Name", "Test Score", "Max Score", "Weight")
_WIDTHS = (20, 13, 13, 10)


def _points(x: float) -> float | int:
    x = round(x, 2)
    return int(x) if x == int(x) else x


def _border(left: str, mid: str, right: str) -> str:
    return left + mid.join("─" * w for w in _WIDTHS) + right


def _row(cells) -> str:
    return "│" + "│".join(f" {str(c)[:w - 2]:<{w - 2}} " for c, w in zip(cells, _WIDTHS)) + "│"


def summary_table(exercises: list[ExerciseResult]) -> str:
    """The reporter's "Test runner summary": one row per exercise and the weighted total (percent)."""
    overall = sum(e.max_score for e in exercises)
    rows = [_HEAD]
    percent = 0.0
    for e in exercises:
        weight = 100 * e.max_score / overall if overall else 0.0
        percent += weight * (e.score / e.max_score if e.max_score else 0.0)
        rows.append((e.id, _points(e.score), _points(e.max_score), f"{round(weight):.2f}"))
    rows.append(("Total: ", "----", "----", f"{percent:.2f}%"))
    lines = [_border("┌", "┬", "┐")]
    for n, row in enumerate(rows):
        lines.append(_row(row))
        lines.append(_border("├", "┼", "┤") if n < len(rows) - 1 else _border("└", "┴", "┘"))
    return "Test runner summary\n" + "\n".join(lines)


def _tests(exercise: ExerciseResult) -> list[str]:
    lines = [f"🔄 Processing: {exercise.id}"]
    for check in exercise.checks:
        name = f"{check.id}" + (f" — {check.title}" if check.title else "")
        if check.status == "passed":
            lines.append(f"✅ {name}")
        else:
            # The log is the learner's to read: a hidden check shows its verdict and diagnosis, not its inputs.
            first = ("hidden check" if check.visibility == "hidden"
                     else (check.message.strip().splitlines() or [check.status])[0])
            code = f" [{check.diagnosis}]" if check.diagnosis else ""
            lines += [f"❌ {name}", f"Error: ({check.status}) {first}{code}"]
    lines.append(f"Total points for {exercise.id}: {_points(exercise.score)}/{_points(exercise.max_score)}")
    return lines


def below_maximum(results: list[SubmissionResult]) -> bool:
    """True when some points were lost: the job fails then, as the official reporter's does."""
    return sum(r.score for r in results) < sum(r.max_score for r in results)


def notices(results: list[SubmissionResult]) -> str:
    """The whole report for ``results`` (normally the one repository's submission), annotations last."""
    exercises = [e for r in results for e in r.exercises]
    total = _points(sum(r.score for r in results))
    maximum = _points(sum(r.max_score for r in results))
    lines = [summary_table(exercises), ""]
    for e in exercises:
        lines += _tests(e) + [""]
    lines.append(f"🏆 Grand total points: {total}/{maximum}")
    lines.append(f"::notice title=Autograding complete::Points {total}/{maximum}")
    report = json.dumps({"totalPoints": total, "maxPoints": maximum}, separators=(",", ":"))
    lines.append(f"::notice title=Autograding report::{report}")
    if below_maximum(results):
        lines.append("::error::Some tests failed.")
    return "\n".join(lines) + "\n"
