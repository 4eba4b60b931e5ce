"""Running an exercise's graders without pytest: the learner's ``course check``, watch mode, the notebook
magic, and grading with the hidden checks.

Importing pytest and starting a session (plugins, configuration, collection) costs more than a whole cold
check of a NumPy exercise may (3× ``python -c "import numpy"``), and about 60 ms of every graded exercise in
a class run; the graders need nothing of it: plain functions taking the kit's fixtures. So they are called
here, one after another, in the order and with the outcomes pytest gives (:mod:`course.checks.collect`,
:mod:`course.grading.verdicts`; ``tests/test_direct.py`` holds both runners to the same results, public and
hidden, on every planted mistake). A graders folder with a ``conftest.py`` defines fixtures of its own, which
only pytest provides: it is run under pytest.
"""
from __future__ import annotations

import inspect
import time
import warnings
from pathlib import Path

from course.checks.collect import Grader, collect
from course.grading.verdicts import Verdicts

CONFTEST = "conftest.py"


def supports(graders: Path) -> bool:
    """True when the graders in ``graders`` need no fixture but the kit's (no ``conftest.py``)."""
    return not (Path(graders) / CONFTEST).exists()


def run(graders: Path, verdicts: Verdicts) -> None:
    """Run the checks in ``graders`` (the public ones where ``verdicts.public_only``), reporting to
    ``verdicts``."""
    found = collect(graders)
    verdicts.collect_errors += found.errors
    chosen = verdicts.choose(found.graders)
    # Warnings raised while comparing (a learner's NaN) are not the learner's output, as under pytest's -W ignore.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for grader in chosen:
            _run_one(grader, verdicts)


def _run_one(grader: Grader, verdicts: Verdicts) -> None:
    started = time.perf_counter()
    try:
        skipped = verdicts.before(grader)
        if skipped is not None:
            verdicts.record(grader, None, 0.0, skipped)
            return
        arguments = {name: verdicts.fixture(name, grader) for name in inspect.signature(grader.function).parameters}
        started = time.perf_counter()
        grader.function(**arguments)
    except Exception as exc:     # what ended the check is its verdict; KeyboardInterrupt still stops the run
        verdicts.record(grader, exc, time.perf_counter() - started)
    else:
        verdicts.record(grader, None, time.perf_counter() - started)

