"""No false green: for every planted mistake, `course check` in a freshly built learner bundle fails exactly
when the kit's does and names the same mistakes.

The bundle is built once for the session; every planted submission is graded in it by one process that runs
the bundle's own package (nothing of the kit on its path), the way `course check` grades, and here in the
kit with the same public checks.
"""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from course import planted, registry
from course.grading.run import grade_exercise
from course.release.bundle import build

HAVE_TORCH = importlib.util.find_spec("torch") is not None
EXERCISES = [ex.id for ex in registry.exercises() if HAVE_TORCH or not ex.torch]
PLANTS = [p for p in planted.planted() if p.exercise in EXERCISES]

# What `course check` does for one exercise, run by the bundle's package: the result and its exit status.
DRIVER = """
import json, sys
from pathlib import Path
from course import registry
from course.grading.run import grade_exercise
out = []
for exercise, folder in json.loads(sys.stdin.read()):
    result = grade_exercise(Path(folder), registry.get(exercise), public_only=True)
    out.append({"exit": 0 if result.passed else 1, "checks": [c.__dict__ for c in result.checks]})
print(json.dumps(out))
"""


def verdicts(checks) -> dict:
    """Each check's status and diagnosis: what must agree between the kit and the bundle."""
    return {c["id"]: (c["status"], c["diagnosis"]) for c in checks}


@pytest.fixture(scope="session")
def submissions(tmp_path_factory):
    """One submission per planted mistake (the solution with that mistake), made from the kit."""
    root = tmp_path_factory.mktemp("planted")
    return [planted.make_submission(root / f"{i}-{p.code}", [p], exercises=[p.exercise])
            for i, p in enumerate(PLANTS)]


@pytest.fixture(scope="session")
def bundle_results(tmp_path_factory, submissions):
    """The bundle's `course check` verdict on every planted submission, from one process in the bundle."""
    bundle = tmp_path_factory.mktemp("release") / "bundle"
    build(bundle, EXERCISES, allow_dirty=True)     # the stubs as they are in this checkout
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(bundle)
    jobs = [(p.exercise, str(s)) for p, s in zip(PLANTS, submissions)]
    proc = subprocess.run([sys.executable, "-c", DRIVER], input=json.dumps(jobs), cwd=bundle, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("index", range(len(PLANTS)), ids=[f"{p.exercise}-{p.code}" for p in PLANTS])
def test_bundle_and_kit_agree_on_planted_mistake(index, submissions, bundle_results):
    mistake = PLANTS[index]
    kit = grade_exercise(submissions[index], registry.get(mistake.exercise), public_only=True)
    kit_checks = [c.__dict__ for c in kit.checks]
    there = bundle_results[index]
    assert there["exit"] == (0 if kit.passed else 1)
    assert verdicts(there["checks"]) == verdicts(kit_checks)
    # Nothing in the bundle is undecided (every public check has its expected values there), and neither side
    # agrees by failing to load its graders.
    assert not [c["id"] for c in there["checks"] if c["diagnosis"] == "cannot-decide"]
    assert not [c["id"] for c in there["checks"] + kit_checks if c["id"].startswith("grader.")]
