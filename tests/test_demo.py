"""`course demo` (the README's main job) grades the sample class end to end, into nbgrader's gradebook too."""
import csv
import importlib.util
import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_demo_grades_the_sample_class_end_to_end(tmp_path):
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "course", "demo", "--out", str(out), "-e", "exercise0",
                          "-e", "exercise3", "--lang", "en"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    results = {r["submission"]: r for r in json.loads((out / "results.json").read_text())}
    assert set(results) == {"alice", "bob", "carol", "dave", "erin", "frank"}
    assert results["alice"]["score"] == results["alice"]["max_score"] > 0
    assert results["frank"]["score"] == 0
    codes = {c["diagnosis"] for c in (check for e in results["bob"]["exercises"] for check in e["checks"])}
    assert "softmax-no-max-shift" in codes
    assert "softmax-no-max-shift" in run.stdout
    if importlib.util.find_spec("matplotlib"):
        assert (out / "report.html").stat().st_size > 1000
    if not importlib.util.find_spec("nbgrader"):   # without the instructor extra: no gradebook, and it says so
        assert not (out / "gradebook.db").exists() and "nbgrader is not installed" in run.stdout
        return
    with open(out / "nbgrader-grades.csv") as f:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
    assert exported == {name: r["score"] for name, r in results.items()}
