"""The cells of a ``course nbgrader init`` notebook, by nbgrader grade id: what the builder writes and what the
graders read back (:mod:`course.batch.notebooks`). Needs neither nbformat nor nbgrader."""
from __future__ import annotations

from pathlib import Path

from course import registry
from course.export.gradebook import grade_cell_name

# First line of a graded module cell: ``%%module exerciseN name`` (the cell magic of course.nbgrader.cell).
MODULE_MAGIC = "%%module"


def intro_id(exercise: str) -> str:
    """The grade id of the instructions cell."""
    return f"{exercise}-intro"


def setup_id(exercise: str) -> str:
    """The grade id of the cell that loads the kit's cell magic."""
    return f"{exercise}-setup"


def module_id(exercise: str, module: str) -> str:
    """The grade id of the solution cell that holds graded module ``module``."""
    return f"{exercise}-{module}"


def module_header(exercise: str, module: str) -> str:
    """The first line of a graded module cell."""
    return f"{MODULE_MAGIC} {exercise} {module}"


def assignment_ids(exercise: registry.Exercise, check_ids: list[str]) -> set[str]:
    """Every grade id an exercise's notebook has: instructions, setup, module cells and one per check."""
    return {intro_id(exercise.id), setup_id(exercise.id), *(module_id(exercise.id, m) for m in exercise.modules),
            *(grade_cell_name(c) for c in check_ids)}


def course_private(folder: Path) -> list[Path]:
    """Where ``folder`` is a student's assignment in an nbgrader course (``submitted/<student>/<assignment>`` or
    ``autograded/…``), the course folders learner code must not see: the source notebooks hold the solutions,
    and submitted/, autograded/ and feedback/ every classmate's work."""
    folder = Path(folder).resolve()
    if folder.parent.parent.name not in ("autograded", "submitted"):
        return []
    course = folder.parents[2]
    return [course / name for name in ("source", "submitted", "autograded", "feedback") if (course / name).is_dir()]
