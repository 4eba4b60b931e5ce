"""What checks an exercise has (id, points, public or hidden, title), read from its graders' markers."""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass

import pytest

from course import paths


@dataclass(frozen=True)
class CheckInfo:
    """One check as its ``@check`` marker declares it."""

    id: str
    points: float
    hidden: bool
    title: str
    gpu: bool = False      # runs only where the exercise is graded with --device cuda


class _Collector:
    def __init__(self):
        self.checks: list[CheckInfo] = []
        self.errors: list[str] = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext[-800:]}")

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            mark = item.get_closest_marker("check")
            if mark is None:
                continue
            doc = (item.obj.__doc__ or item.name).strip().splitlines()[0]
            self.checks.append(CheckInfo(id=mark.kwargs["id"], points=float(mark.kwargs.get("points", 0)),
                                         hidden=bool(mark.kwargs.get("hidden")), title=doc,
                                         gpu=item.get_closest_marker("gpu") is not None))


def checks(exercise: str) -> list[CheckInfo]:
    """Every check of ``exercise`` in grading order (public first, then hidden, each in file order)."""
    graders = paths.graders_dir(exercise)
    if not graders.is_dir():
        raise FileNotFoundError(f"{exercise} has no graders (looked in {graders})")
    collector = _Collector()
    args = [str(graders), "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", str(graders.parent),
            "-c", os.devnull, "--import-mode=importlib", "-W", "ignore"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pytest.main(args, plugins=[collector])
    if collector.errors:
        raise RuntimeError(f"{exercise}: graders could not be collected:\n" + "\n".join(collector.errors))
    return sorted(collector.checks, key=lambda c: c.hidden)
