"""What checks an exercise has (id, points, public or hidden, title), read from its graders' ``@check``."""
from __future__ import annotations

from dataclasses import dataclass

from course import paths
from course.checks.collect import collect


@dataclass(frozen=True)
class CheckInfo:
    """One check as its ``@check`` marker declares it."""

    id: str
    points: float
    hidden: bool
    title: str
    gpu: bool = False      # runs only where the exercise is graded with --device cuda


def checks(exercise: str) -> list[CheckInfo]:
    """Every check of ``exercise`` in grading order (public first, then hidden, each in file order)."""
    graders = paths.graders_dir(exercise)
    if not graders.is_dir():
        raise FileNotFoundError(f"{exercise} has no graders (looked in {graders})")
    found = collect(graders)
    if found.errors:
        raise RuntimeError(f"{exercise}: graders could not be collected:\n" + "\n".join(found.errors))
    return [CheckInfo(id=g.id, points=g.points, hidden=g.hidden, title=g.titles["en"], gpu=g.gpu)
            for g in found.graders if "check" in g.marks]
