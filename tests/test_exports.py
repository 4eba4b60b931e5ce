"""Exports checked against the published formats: Gradescope, GitHub Classroom, JUnit, nbgrader's CSV."""
import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from course import paths, planted
from course.export import classroom, csv_export, gradescope, junit
from course.result import CheckResult, ExerciseResult, SubmissionResult

KIT = Path(__file__).resolve().parent.parent


def _result() -> SubmissionResult:
    checks = [CheckResult("softmax.rows", "passed", 1.0, 1.0, "public", title="rows sum to 1"),
              CheckResult("softmax.batch", "failed", 0.0, 1.5, "hidden", "softmax-sum-over-batch", "sums over batch",
                          hint="axis=-1"),
              CheckResult("softmax.big", "timeout", 0.0, 1.0, "public", message="no answer within 20 s"),
              CheckResult("softmax.gpu", "skipped", 0.0, 0.0, "public", message="no CUDA"),
              CheckResult("softmax.raise", "error", 0.0, 0.5, "hidden", message="ValueError")]
    return SubmissionResult("alice", [ExerciseResult("exercise3", checks, isolation="namespaces")])


def test_gradescope_results_json_has_the_required_keys_and_types():
    doc = json.loads(gradescope.dumps(_result(), execution_time=3.2))
    assert isinstance(doc["score"], float) and doc["score"] == 1.0 and isinstance(doc["execution_time"], int)
    assert len(doc["tests"]) == 5
    for test in doc["tests"]:
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert test["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert test.get("status", "passed") in ("passed", "failed")
    by_name = {t["name"].split(" › ")[1].split(" ")[0]: t for t in doc["tests"]}
    assert by_name["softmax.batch"]["visibility"] == "after_published"
    assert by_name["softmax.rows"]["visibility"] == "visible"
    batch = by_name["softmax.batch"]
    assert batch["status"] == "failed" and "softmax-sum-over-batch" in batch["output"]
    assert by_name["softmax.big"]["status"] == "failed" and "timeout" in by_name["softmax.big"]["output"]
    # A GPU check that could not run is reported, with its reason, and never as passed.
    gpu = by_name["softmax.gpu"]
    assert gpu["status"] == "failed" and gpu["max_score"] == 0 and gpu["name"].startswith("(not run)")
    assert "no CUDA" in gpu["output"]
    assert doc["extra_data"]["isolation"] == {"exercise3": "namespaces"} and "isolation: namespaces" in doc["output"]


def test_classroom_notices_are_what_the_reporter_prints_and_keep_fractions():
    text = classroom.notices([_result()])
    lines = text.splitlines()
    assert "::notice title=Autograding complete::Points 1/4" in lines
    # The official reporter's summary table: a row per runner (here: per exercise), the weighted total.
    assert lines[0] == "Test runner summary"
    assert "│ Test Runner Name   │ Test Score  │ Max Score   │ Weight   │" in lines
    assert "│ exercise3          │ 1           │ 4           │ 100.00   │" in lines
    assert "│ Total:             │ ----        │ ----        │ 25.00%   │" in lines
    assert {len(l) for l in lines[1:8]} == {61} and lines[8] == ""
    # One test per check; a hidden check's inputs stay out of the log the learner reads.
    assert "✅ softmax.rows — rows sum to 1" in lines and "❌ softmax.big" in lines
    assert "Error: (failed) hidden check [softmax-sum-over-batch]" in lines and "sums over batch" not in text
    assert "Total points for exercise3: 1/4" in lines and lines[-1] == "::error::Some tests failed."
    report = [l for l in lines if l.startswith("::notice title=Autograding report::")]
    assert json.loads(report[0].split("::", 2)[2]) == {"totalPoints": 1, "maxPoints": 4}
    half = SubmissionResult("x", [ExerciseResult("e", [CheckResult("c", "passed", 0.5, 1.25)])])
    assert '{"totalPoints":0.5,"maxPoints":1.25}' in classroom.notices([half])
    full = SubmissionResult("x", [ExerciseResult("e", [CheckResult("c", "passed", 1.0, 1.0)])])
    assert "::error::" not in classroom.notices([full]) and not classroom.below_maximum([full])


def test_junit_xml_validates_against_the_junit_10_schema_and_counts_each_status():
    xmlschema = pytest.importorskip("xmlschema")
    text = junit.to_xml([_result(), _result()])
    schema = xmlschema.XMLSchema(str(KIT / "tests" / "data" / "junit-10.xsd"))
    assert [str(e) for e in schema.iter_errors(text)] == []
    root = ET.fromstring(text)
    assert root.tag == "testsuites" and "skipped" not in root.attrib
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "2", "4")
    suite = root.find("testsuite")
    assert suite.get("name") == "alice.exercise3" and (suite.get("tests"), suite.get("skipped")) == ("5", "1")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props == {"learner": "alice", "exercise": "exercise3", "score": "1", "max_score": "4",
                     "isolation": "namespaces"}
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert all(c.find("properties") is None for c in cases.values())
    assert cases["softmax.batch"].find("failure").get("type") == "softmax-sum-over-batch"
    assert cases["softmax.big"].find("error").get("type") == "timeout"
    assert cases["softmax.gpu"].find("skipped").get("message") == "no CUDA"
    assert cases["softmax.rows"].find("failure") is None and cases["softmax.rows"].find("error") is None
    assert cases["softmax.batch"].find("system-out").text.startswith("points 0/1.5 (hidden)")


def test_the_schema_rejects_what_strict_readers_reject():
    """The test above can fail: the old layout (properties in a testcase, skipped on testsuites) is refused."""
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(KIT / "tests" / "data" / "junit-10.xsd"))
    bad = ('<testsuites skipped="1"><testsuite name="s" tests="1"><testcase name="c">'
           '<properties><property name="score" value="1"/></properties></testcase></testsuite></testsuites>')
    assert len(list(schema.iter_errors(bad))) == 2


def _lateness(**kw):
    from datetime import datetime, timezone
    from course.export.csv_export import Lateness
    from course.export.lateness import LateRule
    due = datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)
    times = {"alice": datetime(2026, 12, 1, 19, 40, tzinfo=timezone.utc),     # 2 h 40 min late
             "bob": datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)}
    return Lateness(times, due, LateRule.parse(kw.get("rule", "none")))


def _class():
    bob = SubmissionResult("bob", [ExerciseResult("exercise3", [CheckResult("c", "passed", 3.0, 4.0)]),
                                   ExerciseResult("exercise4", [CheckResult("d", "passed", 2.0, 2.0)])])
    return [_result(), bob]


def test_csv_has_nbgraders_export_columns_timestamps_and_a_column_per_exercise():
    rows = list(csv.DictReader(io.StringIO(csv_export.to_csv(_class(), "ps3", _lateness()))))
    assert list(rows[0])[:11] == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                                  "email", "raw_score", "late_submission_penalty", "score", "max_score"]
    assert list(rows[0])[11:] == ["exercise3", "exercise3_max", "exercise4", "exercise4_max"]
    alice, bob = rows
    assert alice["assignment"] == "ps3" and alice["student_id"] == "alice"
    assert alice["duedate"] == "2026-12-01 17:00:00+00:00" and alice["timestamp"] == "2026-12-01 19:40:00+00:00"
    assert float(alice["score"]) == 1.0 and float(alice["max_score"]) == 4.0 and alice["exercise4"] == ""
    assert (bob["exercise3"], bob["exercise3_max"], bob["exercise4"]) == ("3.0", "4.0", "2.0")


@pytest.mark.parametrize("rule, alice_penalty, bob_penalty", [("none", 0, 0), ("zero", 1.0, 0),
                                                               ("0.25/hour", 0.75, 0), ("10/day", 0, 0),
                                                               ("1/hour", 1.0, 0)])
def test_late_penalty_follows_nbgraders_rules(rule, alice_penalty, bob_penalty):
    """2 h 40 min late rounds to 3 hours (nbgrader's SubMarks); a penalty never exceeds the raw score."""
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(
        csv_export.to_csv(_class(), "ps3", _lateness(rule=rule))))}
    assert float(rows["alice"]["late_submission_penalty"]) == alice_penalty
    assert float(rows["alice"]["score"]) == 1.0 - alice_penalty and float(rows["alice"]["raw_score"]) == 1.0
    assert float(rows["bob"]["late_submission_penalty"]) == bob_penalty


def test_bad_due_dates_and_rules_are_refused_with_the_forms_that_work():
    from course.export.lateness import LateRule, LatenessError, parse_time
    with pytest.raises(LatenessError, match="1/hour"):
        LateRule.parse("1 per hour")
    with pytest.raises(LatenessError, match="2026-12-01 17:00"):
        parse_time("next friday")
    assert parse_time("2026-12-01 17:00:00.000000 UTC") == parse_time("2026-12-02T02:00+09:00")


def test_nbgraders_timestamp_txt_is_the_submission_time(tmp_path):
    from course.export.lateness import parse_time, submission_time
    (tmp_path / "exercise3").mkdir()
    (tmp_path / "exercise3" / "activations.py").write_text("x = 1\n")
    os.utime(tmp_path / "exercise3" / "activations.py", (1_700_000_000, 1_700_000_000))
    assert submission_time(tmp_path).timestamp() == 1_700_000_000
    (tmp_path / "timestamp.txt").write_text("2026-12-01 18:30:00.000000 UTC")
    assert submission_time(tmp_path) == parse_time("2026-12-01 18:30")


def test_canvas_and_moodle_csvs_have_their_documented_columns():
    from course.export import lms
    canvas = list(csv.reader(io.StringIO(lms.canvas(_class(), "DL week 3", _lateness(rule="zero")))))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "DL week 3"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", "6"]
    assert canvas[2] == ["alice", "", "", "alice", "", "0"] and canvas[3] == ["bob", "", "", "bob", "", "5"]
    moodle = list(csv.reader(io.StringIO(lms.moodle(_class(), "DL week 3", _lateness(rule="zero")))))
    assert moodle[0] == ["Username", "DL week 3 (Real)", "DL week 3 (Feedback)"]
    assert moodle[1] == ["alice", "0", "exercise3 1/4; late penalty -1"]
    assert moodle[2] == ["bob", "5", "exercise3 3/4; exercise4 2/2"]


def _run(args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "course", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(KIT), **(env or {})})


needs_ex0 = pytest.mark.skipif(not paths.graders_dir("exercise0").is_dir(), reason="exercise0 graders absent")


@needs_ex0
def test_run_autograder_from_the_built_zip_grades_loose_files_and_writes_results_json(tmp_path):
    built = _run(["gradescope", "build", "-e", "exercise0", "-o", tmp_path / "autograder.zip"], tmp_path)
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
        names = zf.namelist()
        assert {"setup.sh", "run_autograder", "kit/pyproject.toml"} <= set(names)
        assert any(n.startswith("kit/graders/exercise0/") for n in names)
        assert zf.getinfo("run_autograder").external_attr >> 16 & 0o111
        zf.extractall(tmp_path / "ag" / "source")
    # A learner who uploads just the module file, with a planted mistake.
    sub = planted.make_submission(tmp_path / "made", planted.planted("exercise0")[:1], exercises=["exercise0"])
    (tmp_path / "ag" / "submission").mkdir()
    for module in (sub / "exercise0").glob("*.py"):
        (tmp_path / "ag" / "submission" / module.name).write_bytes(module.read_bytes())
    env = {"AUTOGRADER_ROOT": str(tmp_path / "ag"), "COURSE_PYTHON": sys.executable}
    env.pop("COURSE_ROOT", None)
    proc = subprocess.run(["bash", tmp_path / "ag" / "source" / "run_autograder"], capture_output=True, text=True,
                          timeout=300, env={**{k: v for k, v in os.environ.items() if k != "COURSE_ROOT"}, **env})
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "ag" / "results" / "results.json").read_text())
    assert 0 < doc["score"] < sum(t["max_score"] for t in doc["tests"])
    assert any(t.get("status") == "failed" for t in doc["tests"])


def test_run_autograder_with_an_empty_upload_still_writes_results_json(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("oops")
    proc = _run(["gradescope", "run", "--root", tmp_path], tmp_path)
    assert proc.returncode == 0
    doc = json.loads((tmp_path / "results" / "results.json").read_text())
    assert doc["score"] == 0.0 and "No exercise found" in doc["output"]


@needs_ex0
def test_grade_format_classroom_and_gradescope_from_the_command(tmp_path):
    planted.make_submission(tmp_path / "alice", exercises=["exercise0"])
    proc = _run(["grade", tmp_path / "alice", "-e", "exercise0", "--no-store", "--format", "classroom"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = re.search(r"^::notice title=Autograding report::(.*)$", proc.stdout, re.M)
    points = json.loads(report.group(1))
    assert points["totalPoints"] == points["maxPoints"] > 0
    assert not (tmp_path / "grades.sqlite").exists()
    bob = planted.make_submission(tmp_path / "bob", planted.planted("exercise0")[:1], exercises=["exercise0"])
    below = _run(["grade", bob, "-e", "exercise0", "--no-store", "--format", "classroom"], tmp_path)
    assert below.returncode == 4 and "::error::Some tests failed." in below.stdout, below.stderr
    proc = _run(["grade", tmp_path / "alice", "-e", "exercise0", "--no-store", "--format", "gradescope",
                 "-o", "r.json"], tmp_path)
    assert json.loads((tmp_path / "r.json").read_text())["score"] == points["totalPoints"]
    late = _run(["grade", tmp_path / "alice", "-e", "exercise0", "--no-store", "--csv", "g.csv", "--due",
                 "2000-01-01 00:00", "--late-penalty", "zero", "--format", "canvas", "-o", "canvas.csv"], tmp_path)
    assert late.returncode == 0, late.stderr
    row = next(csv.DictReader((tmp_path / "g.csv").open()))
    assert float(row["raw_score"]) == points["totalPoints"] and float(row["score"]) == 0
    assert row["timestamp"] > "2020" and row["duedate"] == "2000-01-01 00:00:00+00:00"
    assert (tmp_path / "canvas.csv").read_text().splitlines()[2] == "alice,,,alice,,0"
    bad = _run(["grade", tmp_path / "alice", "--no-store", "--due", "soon"], tmp_path)
    assert bad.returncode == 2 and "not a date and time" in bad.stderr


def test_classroom_workflow_is_written_with_the_kit_and_the_grading_step(tmp_path):
    proc = _run(["classroom", "--kit-repo", "uni/dl-kit", "--kit-ref", "v1", "-e", "exercise0"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / ".github" / "workflows" / "classroom.yml").read_text()
    assert "repository: uni/dl-kit" in text and "ref: v1" in text
    assert "course grade exercises --no-store --format classroom -e exercise0" in text
    steps = yaml.safe_load(text)["jobs"]["autograding"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 2 and all(s["with"]["persist-credentials"] is False for s in checkouts)
    grading = next(s for s in steps if s.get("name") == "Grade")
    assert "COURSE_KIT_TOKEN" not in json.dumps(grading)   # the token reaches the kit's checkout only
    run = [s["run"] for s in steps if "run" in s]
    assert any("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in r for r in run)
    assert any("pip install -c .course-kit/constraints.txt" in r for r in run)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip" and "constraints.txt" in python["with"]["cache-dependency-path"]
    assert "@" not in re.sub(r"actions/[\w-]+@v\d+", "", text).replace("github-classroom[bot]", "")
    bad = _run(["classroom", "--kit-repo", "nonsense"], tmp_path)
    assert bad.returncode == 2 and "owner/name" in bad.stderr
