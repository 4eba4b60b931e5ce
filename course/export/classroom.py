"""GitHub Classroom's points: the two workflow annotations its reporter prints and Classroom reads.

``::notice title=Autograding complete::Points X/Y`` is what people read in the run's log;
``::notice title=Autograding report::{"totalPoints":X,"maxPoints":Y}`` is what Classroom parses.
Points are printed with up to two decimals, so fractional scores are neither rounded away nor garbled.
"""
from __future__ import annotations

import json

from course.result import SubmissionResult


def _points(x: float) -> float | int:
    x = round(x, 2)
    return int(x) if x == int(x) else x


def notices(results: list[SubmissionResult]) -> str:
    """The annotation lines for the total over ``results`` (normally the one repository's submission)."""
    total = _points(sum(r.score for r in results))
    maximum = _points(sum(r.max_score for r in results))
    lines = [f"{'✅' if e.score == e.max_score else '❌'} {e.id}: {e.score:g}/{e.max_score:g}"
             for r in results for e in r.exercises]
    lines.append(f"::notice title=Autograding complete::Points {total}/{maximum}")
    report = json.dumps({"totalPoints": total, "maxPoints": maximum}, separators=(",", ":"))
    lines.append(f"::notice title=Autograding report::{report}")
    return "\n".join(lines) + "\n"
