"""The pytest plugin that runs one exercise's graders for :class:`~course.grading.verdicts.Verdicts`.

It provides the graders' fixtures (``learner``, ``reference``, ``expected``, ``device``), keeps hidden checks
out of learner runs, runs public checks before hidden ones, and hands each check's outcome to the verdicts,
which give it its budget beforehand and its status afterwards.
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from course.checks.collect import grader_of, prepare
from course.grading.expected import Expected
from course.grading.verdicts import Verdicts
from course.sandbox.remote import LearnerSession


class GradingPlugin(Verdicts):
    """Collects the results of one exercise's checks for one submission, run by pytest."""

    # -- fixtures (pytest finds them by attribute name on the plugin; Verdicts.fixture says what each is) --
    @pytest.fixture(scope="session")
    def learner(self) -> LearnerSession:
        """The learner's modules, run in the sandbox."""
        return self.session

    @pytest.fixture(scope="session")
    def reference(self):
        """The kit's reference solution."""
        return self.reference_session

    @pytest.fixture
    def expected(self, request) -> Expected:
        """The expected values of this check's cases."""
        return self.fixture("expected", grader_of(request.node.obj))

    @pytest.fixture(scope="session")
    def device(self) -> str:
        """The torch device that grading runs on."""
        return self.device_name

    # -- hooks ----------------------------------------------------------------------------------------
    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {report.longreprtext[-1500:]}")

    def pytest_collection_modifyitems(self, session, config, items):
        keep = self.choose(items, lambda item: grader_of(item.obj))
        drop = [item for item in items if item not in keep]
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep

    def pytest_runtest_setup(self, item):
        skip = self.before(grader_of(item.obj))
        if skip is not None:
            pytest.skip(skip)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and not report.passed):
            exc, skipped = None, None
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                skipped = reason.removeprefix("Skipped: ")
            elif not report.passed:     # a failure is never recorded as a pass, whatever pytest kept of it
                exc = call.excinfo.value if call.excinfo else RuntimeError("the check failed without an error")
            self.record(grader_of(item.obj), exc, call.duration, skipped)


def run(graders: Path, plugin: GradingPlugin) -> None:
    """Run the grader folder ``graders`` under pytest, reporting to ``plugin``."""
    prepare(graders)
    # Plugins the graders do not use cost time per exercise; unraisableexception runs gc.collect() at the end
    # of each session, 0.2 s once torch is imported in this process.
    args = [str(graders), "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:unraisableexception",
            "-p", "no:logging", "-p", "no:doctest", "-p", "no:pastebin", "-p", "no:junitxml",
            "--rootdir", str(graders.parent), "-c", os.devnull, "--import-mode=importlib", "-W", "ignore",
            "--disable-warnings", "--continue-on-collection-errors"]   # one broken file: the others still run
    # pytest reports through the plugin; its own terminal output is not for learners.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pytest.main(args, plugins=[plugin])
