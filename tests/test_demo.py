"""`course demo` (the README's main job) grades the sample class end to end, into nbgrader's gradebook too."""
import csv
import importlib.util
import json
import shlex
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
    assert set(results) == {"alice", "bob", "carol", "dave", "erin", "frank", "gwen"}
    assert results["alice"]["score"] == results["alice"]["max_score"] > 0
    assert results["frank"]["score"] == 0
    codes = {c["diagnosis"] for c in (check for e in results["bob"]["exercises"] for check in e["checks"])}
    assert "softmax-no-max-shift" in codes
    assert "softmax-no-max-shift" in run.stdout
    # Quiet: no packaging warnings, no nbgrader INFO lines.
    assert "INFO" not in run.stdout + run.stderr and "Warning" not in run.stdout + run.stderr
    # gwen handed in dave's exercise3 and exercise4 as her own: flagged, and nobody else.
    flagged = [l for l in run.stdout.splitlines() if "↔" in l]
    assert flagged and all(l.startswith("dave ↔ gwen:") for l in flagged)
    if importlib.util.find_spec("matplotlib"):
        assert (out / "report.html").stat().st_size > 1000
        assert (out / "feedback" / "alice.html").is_file() and 'href="feedback/alice.html"' in \
            (out / "report.html").read_text()
    if not importlib.util.find_spec("nbgrader"):   # without the instructor extra: no gradebook, and it says so
        assert not (out / "gradebook.db").exists() and "nbgrader is not installed" in run.stdout
        return
    with open(out / "nbgrader-grades.csv") as f:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
    assert exported == {name: r["score"] for name, r in results.items()}


def test_demo_commands_are_continued_between_arguments_only():
    from course.cli.demo import COMMAND_WIDTH, command_line
    argv = ["grade", "demo-class/class", "--store", "demo-class/grades.sqlite", "--json", "demo-class/results.json",
            "--csv", "demo-class/grades.csv", "--lang", "en", "--gradebook", "sqlite:///demo-class/gradebook.db",
            "--title", "a title with spaces"]
    text = command_line("course", argv)
    lines = text.splitlines()
    assert len(lines) > 1 and all(len(line) <= COMMAND_WIDTH for line in lines)
    assert all(line.endswith(" \\") for line in lines[:-1])
    assert not any(line[:-2].split()[-1].startswith("-") for line in lines[:-1])   # options keep their values
    assert shlex.split(text.replace("\\\n", " "))[1:] == ["course", *argv]


def test_the_demo_class_is_built_from_the_committed_solutions():
    from course import paths
    from course.demo import committed_kit
    kit_before = paths.kit_root()
    head = subprocess.run(["git", "-C", str(kit_before), "show", "HEAD:solutions/exercise3/activations.py"],
                          capture_output=True, text=True)
    if head.returncode:
        pytest.skip("not a git checkout")
    with committed_kit() as kit:
        assert paths.kit_root() == kit != kit_before
        assert (kit / "solutions" / "exercise3" / "activations.py").read_text() == head.stdout
    assert paths.kit_root() == kit_before
