"""The learner bundle: nothing that gives answers away, and `course check` works inside it offline with the
expected values of the public checks' cases, written as data at release."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import planted
from course.grading import expected
from course.release import leaks
from course.release.bundle import ReleaseError, build

KIT = Path(__file__).resolve().parents[1]
# How many hidden checks exercise 0 has (the bundle says so without shipping them).
HIDDEN0 = sum(p.read_text(encoding="utf-8").count("@check(") for p in (KIT / "graders/exercise0/hidden").glob("*.py"))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "bundle"
    reports = build(out, ["exercise0"], allow_dirty=True)   # the refusal of dirty stubs: test_learner_package
    assert [(r.id, r.public, r.hidden, r.answers) for r in reports] == [("exercise0", 4, HIDDEN0, 2)]
    return out


@pytest.fixture(scope="module")
def bundle9(tmp_path_factory):
    """A learner bundle of exercise 9 alone (torch, and checks that train models: apart from exercise 0's)."""
    pytest.importorskip("torch")
    out = tmp_path_factory.mktemp("release9") / "bundle"
    reports = build(out, ["exercise9"], allow_dirty=True)
    # The reference's training on fixed data: train_one_epoch's three cases and evaluate's trained state.
    assert [(r.id, r.public, r.hidden, r.answers) for r in reports] == [("exercise9", 6, 7, 4)]
    return out


def course_check(bundle: Path, exercise: str = "exercise0", lang: str = "en") -> tuple[int, dict]:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_ROOT"}
    env["PYTHONPATH"] = str(bundle)
    proc = subprocess.run([sys.executable, "-m", "course", "check", exercise, "--json", "--lang", lang], cwd=bundle,
                          env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode, json.loads(proc.stdout)["exercises"][0]


def test_bundle_has_no_solution_hidden_check_or_compiled_file(bundle):
    assert not (bundle / "solutions").exists() and not (bundle / "graders/exercise0/hidden").exists()
    files = [p for p in bundle.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix == ".pyc" or p.name == "planted.toml"]
    assert not (bundle / "course/planted.py").exists() and not (bundle / "course/cli/grade.py").exists()
    # Independently of leaks.secrets: the solution's function bodies and the hidden graders' check code.
    stub = (KIT / "exercises/exercise0/basics.py").read_text()
    solution_lines = {ln.strip() for ln in (KIT / "solutions/exercise0/basics.py").read_text().splitlines()
                      if len(ln.strip()) > 20 and ln.strip() not in stub}
    hidden = "".join(p.read_text() for p in (KIT / "graders/exercise0/hidden").glob("*.py"))
    public = (KIT / "graders/exercise0/test_basics.py").read_text()
    hidden_lines = {ln.strip() for ln in hidden.splitlines()
                    if ln.strip().startswith(("@check", "expect", "def ")) and ln.strip() not in public}
    assert solution_lines and hidden_lines
    blob = b"\n".join(p.read_bytes() for p in files)     # code, the expected values, every data file
    assert [s for s in solution_lines | hidden_lines if s.encode() in blob] == []
    assert (bundle / "graders/exercise0/hidden-checks.txt").read_text().strip() == str(HIDDEN0)
    data = json.loads((bundle / "graders/exercise0" / expected.DATA_JSON).read_text(encoding="utf-8"))
    assert data["exercise"] == "exercise0" and set(data["checks"]) == {"normalize_rows.unit", "one_hot.basic"}


def test_scan_finds_a_planted_leak(bundle, tmp_path):
    copy = tmp_path / "b"
    shutil.copytree(bundle, copy)
    body = (KIT / "solutions/exercise0/basics.py").read_text()
    (copy / "course/data/notes.txt").write_text(body)
    (copy / "course/__pycache__").mkdir()
    found = leaks.scan(copy, ["exercise0"])
    assert any("notes.txt: contains" in p for p in found) and any("__pycache__" in p for p in found)


def test_course_check_in_bundle_stub_fails_solution_passes(bundle, tmp_path):
    learner = tmp_path / "learner"
    shutil.copytree(bundle, learner)
    rc, ex = course_check(learner)
    assert rc == 1 and {c["diagnosis"] for c in ex["checks"]} == {"not-implemented"}
    assert ex["hidden_not_run"] == HIDDEN0
    shutil.copy(KIT / "solutions/exercise0/basics.py", learner / "exercises/exercise0/basics.py")
    rc, ex = course_check(learner)
    assert rc == 0 and [c["status"] for c in ex["checks"]] == ["passed"] * 4


def test_bundle_still_diagnoses_with_shipped_values(bundle, tmp_path):
    learner = tmp_path / "learner"
    shutil.copytree(bundle, learner)
    mistake = next(m for m in planted.planted("exercise0") if m.code == "norm-over-whole-array")
    shutil.copy(KIT / "solutions/exercise0/basics.py", learner / "exercises/exercise0/basics.py")
    mistake.apply(learner / "exercises/exercise0")
    rc, ex = course_check(learner)
    by_id = {c["id"]: c for c in ex["checks"]}
    assert rc == 1 and by_id["normalize_rows.unit"]["diagnosis"] == "norm-over-whole-array"


def test_exercise9_in_bundle_stub_fails_solution_passes_mistakes_named(bundle9, tmp_path):
    """The trainer's checks replay its training here without the solution, and still name mistakes."""
    learner = tmp_path / "learner"
    shutil.copytree(bundle9, learner)
    assert not (learner / "solutions").exists() and not (learner / "graders/exercise9/hidden").exists()
    rc, ex = course_check(learner, "exercise9")
    assert rc == 1 and {c["diagnosis"] for c in ex["checks"]} == {"not-implemented"}
    shutil.copy(KIT / "solutions/exercise9/mnist_trainer.py", learner / "exercises/exercise9/mnist_trainer.py")
    rc, ex = course_check(learner, "exercise9")
    assert rc == 0 and [c["status"] for c in ex["checks"]] == ["passed"] * 6
    # One submission, two mistakes (the first way each is planted): each is named by a check whose expected
    # values are the reference's, shipped as data.
    for code in ("missing-zero-grad", "accuracy-batch-mean"):
        next(m for m in planted.planted("exercise9") if m.code == code).apply(learner / "exercises/exercise9")
    rc, ex = course_check(learner, "exercise9")
    named = {c["id"]: c["diagnosis"] for c in ex["checks"] if c["status"] != "passed"}
    assert rc == 1 and named == {"train_one_epoch.sgd": "missing-zero-grad",
                                 "evaluate.short_last_batch": "accuracy-batch-mean"}


def test_a_check_without_its_expected_value_is_not_passed(bundle, tmp_path):
    """A case the release did not write (a grader changed after release) is never a green: the check is not
    decided, says why in the learner's language, and the exit status is 1."""
    learner = tmp_path / "learner"
    shutil.copytree(bundle, learner)
    shutil.copy(KIT / "solutions/exercise0/basics.py", learner / "exercises/exercise0/basics.py")
    index = learner / "graders/exercise0" / expected.DATA_JSON
    data = json.loads(index.read_text(encoding="utf-8"))
    del data["checks"]["one_hot.basic"]
    index.write_text(json.dumps(data), encoding="utf-8")
    for lang, words in (("en", "cannot be decided here"), ("ja", "判定できません")):
        rc, ex = course_check(learner, lang=lang)
        by_id = {c["id"]: c for c in ex["checks"]}
        assert rc == 1 and ex["score"] == 3 and ex["max_score"] == 4
        assert by_id["one_hot.basic"]["status"] == "error" and by_id["one_hot.basic"]["diagnosis"] == "cannot-decide"
        assert words in by_id["one_hot.basic"]["message"] and "|" not in by_id["one_hot.basic"]["message"]
        if lang == "ja":
            assert "expected value" not in by_id["one_hot.basic"]["message"]


def test_shipped_values_are_the_kits_and_no_hidden_checks(bundle):
    """The data holds exactly the public checks' cases, equal to what the kit computes live."""
    from course import registry
    from course.grading.reference import ReferenceSession
    from course.release.expected import public_cases

    shipped = expected.ShippedSource(bundle / "graders/exercise0")
    live = expected.LiveSource(ReferenceSession(KIT / "solutions/exercise0"))
    declared = public_cases(registry.get("exercise0"))
    hidden_ids = set(leaks.secrets("exercise0"))
    assert declared and not set(declared) & hidden_ids
    for check, cases in declared.items():
        for case, compute in cases.items():
            got, want = shipped.value(check, case, compute), live.value(check, case, compute)
            assert type(got) is type(want) and (got == want).all()


def test_scan_finds_solution_lines_copied_as_a_run(bundle, tmp_path):
    """A grader that re-types a stretch of the solution (as exercise 8's conftest once replayed its training
    loop) is a leak even when every line alone also occurs in something shipped anyway."""
    runs = leaks.solution_runs("exercise0")
    assert runs
    window = next(iter(runs))
    copy = tmp_path / "b"
    shutil.copytree(bundle, copy)
    (copy / "graders/exercise0/replay.py").write_text(
        "def replay(a):\n" + "".join(f"        {line}\n" for line in window), encoding="utf-8")
    found = leaks.scan(copy, ["exercise0"])
    assert [p for p in found if p.startswith("graders/exercise0/replay.py: copies 3 lines of exercise0's solution")]
    assert leaks.scan(bundle, ["exercise0"]) == []


def test_release_refuses_non_empty_target_and_loses_nothing(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="not empty"):
        build(tmp_path, ["exercise0"])
    assert (tmp_path / "keep.txt").read_text() == "mine"
