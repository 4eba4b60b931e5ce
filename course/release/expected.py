"""The expected values the learner bundle ships: each public check's cases, computed from the solution.

The public graders are collected (not run), every case they declare is computed with the live reference,
and the values are written beside the bundle's public graders by :func:`course.grading.expected.write`.
Hidden checks are never collected, so none of their values can be written.
"""
from __future__ import annotations

from pathlib import Path

from course import paths, registry
from course.grading import expected
from course.checks.collect import collect
from course.grading.reference import ReferenceSession


def public_cases(exercise: registry.Exercise) -> dict[str, dict]:
    """``{check id: {case: compute}}`` for the public checks of ``exercise`` (collected, not run)."""
    found = collect(paths.graders_dir(exercise.id), hidden=False)
    if found.errors:
        raise RuntimeError(f"{exercise.id}: the public graders could not be collected: {found.errors[0]}")
    return {g.id: g.cases for g in found.graders if "check" in g.marks and not g.hidden and g.cases is not None}


def write(exercise: registry.Exercise, graders_out: Path) -> int:
    """Compute every public case of ``exercise`` with its solution and write them into ``graders_out``;
    returns how many cases were written."""
    live = expected.LiveSource(ReferenceSession(paths.solutions_dir(exercise.id)))
    values = {check: {case: live.value(check, case, compute) for case, compute in declared.items()}
              for check, declared in public_cases(exercise).items()}
    return expected.write(graders_out, exercise.id, values)
