"""Limits measure the learner, not the machine: correct code keeps full marks on a machine that is busy."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import paths

KIT = paths.kit_root()
BUSY = 8   # CPU-bound processes beside the grading, four per core on the 2-core CI machines


@pytest.mark.slow
def test_correct_code_scores_full_marks_beside_cpu_bound_processes(tmp_path):
    for learner in ("ann", "ben"):
        for exercise in ("exercise0", "exercise3"):
            shutil.copytree(paths.solutions_dir(exercise), tmp_path / "class" / learner / "exercises" / exercise,
                            ignore=shutil.ignore_patterns("planted.toml", "__pycache__"))
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(BUSY)]
    try:
        proc = subprocess.run([sys.executable, "-m", "course", "grade", str(tmp_path / "class"), "--jobs", "2",
                               "-e", "exercise0", "-e", "exercise3", "--no-store", "--json", "out.json",
                               "--timeout", "20"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "PYTHONPATH": str(KIT)})
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "out.json").read_text())
    assert [(r["submission"], r["score"]) for r in results] == [(r["submission"], r["max_score"]) for r in results]
