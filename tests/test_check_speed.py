"""`course check` of a NumPy exercise stays light: it never imports torch (about 1.5 s of import alone), nor
pytest (more than the whole check's budget of 3x `import numpy`: the public checks run without it).

Timing itself is measured apart, by bench/bench_check.py; this is the behaviour that keeps it fast.
"""
import json
import subprocess
import sys

import pytest

from course import paths

# Runs the CLI in a fresh interpreter and reports what it left in sys.modules.
RUNNER = """
import json, sys
from course.cli import main
try:
    main(["check", sys.argv[1], "--path", sys.argv[2]])
    status = 0
except SystemExit as exc:
    status = exc.code
heavy = ("torch", "pytest", "_pytest")
print(json.dumps({"status": status, **{name: sorted(m for m in sys.modules if m.split(".")[0] == name) for name in heavy}}))
"""


@pytest.mark.parametrize("exercise", ["exercise1", "exercise3"])
def test_numpy_check_never_imports_torch_or_pytest(exercise):
    done = subprocess.run([sys.executable, "-c", RUNNER, exercise, str(paths.kit_root() / "solutions")],
                          capture_output=True, text=True, timeout=120, cwd=paths.kit_root())
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["status"] == 0, done.stdout[-2000:]
    assert report["torch"] == [], f"course check {exercise} imported {report['torch'][:5]}"
    assert report["pytest"] == report["_pytest"] == [], f"course check {exercise} imported pytest"
