"""The expected values the learner bundle ships: each public check's cases, computed from the solution.

The public graders are collected (not run), every case they declare is computed with the live reference,
and the values are written beside the bundle's public graders by :func:`course.grading.expected.write`.
Hidden checks are never collected, so none of their values can be written.
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from course import paths, registry
from course.grading import expected
from course.grading.reference import ReferenceSession


class _Collector:
    """Keeps the collected checks' ids and case declarations."""

    def __init__(self):
        self.declared: dict[str, dict] = {}
        self.errors: list[str] = []

    def pytest_configure(self, config):
        for marker in ("check", "gpu", "cases"):
            config.addinivalue_line("markers", f"{marker}: a grader marker")

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext[-800:]}")

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            check, declared = item.get_closest_marker("check"), item.get_closest_marker("cases")
            if check is not None and declared is not None and not check.kwargs.get("hidden"):
                self.declared[check.kwargs["id"]] = declared.kwargs


def public_cases(exercise: registry.Exercise) -> dict[str, dict]:
    """``{check id: {case: compute}}`` for the public checks of ``exercise`` (collected, not run)."""
    graders = paths.graders_dir(exercise.id)
    collector = _Collector()
    args = [str(graders), "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", str(graders.parent),
            "-c", os.devnull, "--import-mode=importlib", "--ignore", str(graders / "hidden"), "-W", "ignore"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pytest.main(args, plugins=[collector])
    if collector.errors:
        raise RuntimeError(f"{exercise.id}: the public graders could not be collected: {collector.errors[0]}")
    return collector.declared


def write(exercise: registry.Exercise, graders_out: Path) -> int:
    """Compute every public case of ``exercise`` with its solution and write them into ``graders_out``;
    returns how many cases were written."""
    live = expected.LiveSource(ReferenceSession(paths.solutions_dir(exercise.id)))
    values = {check: {case: live.value(check, case, compute) for case, compute in declared.items()}
              for check, declared in public_cases(exercise).items()}
    return expected.write(graders_out, exercise.id, values)
