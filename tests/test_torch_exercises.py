"""Exercises 8–9 through the learner's CLI: a correct trainer passes in seconds, a planted mistake is named,
and hidden grading of exercise 9 stays within its budget."""
import importlib.util
import os
import subprocess
import sys
import time

import pytest

from course import paths, registry
from course.grading.run import grade_exercise
from course.planted import make_submission, planted

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")


def _course_check(exercise, path):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "course", "check", exercise, "--path", str(path), "--lang", "en"],
                          capture_output=True, text=True, timeout=180, cwd=paths.kit_root(),
                          env={**os.environ, "COLUMNS": "200"})
    return proc, time.monotonic() - started


def test_course_check_passes_a_correct_trainer_in_seconds():
    proc, seconds = _course_check("exercise9", paths.kit_root() / "solutions")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "7/7" in proc.stdout
    assert seconds < 60


def test_course_check_names_softmax_before_cross_entropy(tmp_path):
    mistake = next(p for p in planted("exercise9") if p.code == "softmax-before-cross-entropy")
    root = make_submission(tmp_path, [mistake], exercises=["exercise9"])
    proc, _ = _course_check("exercise9", root)
    assert proc.returncode == 1
    assert "softmax-before-cross-entropy" in proc.stdout, proc.stdout[-2000:]


def test_hidden_grading_of_exercise9_within_30_seconds():
    result = grade_exercise(paths.kit_root() / "solutions", registry.get("exercise9"))
    assert result.score == result.max_score
    assert result.duration < 30, result.duration
    assert next(c for c in result.checks if c.id == "fit.accuracy_90").status == "passed"
