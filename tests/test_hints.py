"""Hint ladders: the rungs come from @check, `course hint` reveals one per call and remembers it in the
learner's folder, and no public check's first rung gives the answer away."""
import json
import os
import shutil
import subprocess
import sys

from course import paths, registry
from course.checks import check, hint_ladder, tr
from course.checks.hints import STATE_FILE, HintState, ladders
from course.checks.marks import marks_of

KIT = paths.kit_root()


def test_check_keeps_one_hint_and_a_ladder():
    rungs = [tr("look at the shapes", "形状を見る"), tr("sum over axis 0", "axis=0 で和"), tr("np.sum(d, axis=0)", "同")]
    spec = marks_of(check("x.y", hint=rungs)(lambda: None))["check"]
    assert spec["hint"] == rungs[0] and spec["hints"] == tuple(rungs)
    assert hint_ladder(tr("one", "一つ")) == (tr("one", "一つ"),) and hint_ladder(None) == ()


def test_state_advances_stops_at_the_top_and_survives_a_broken_file(tmp_path):
    (tmp_path / "exercises").mkdir()
    state = HintState(tmp_path / "exercises")
    assert [state.advance("exercise3", "softmax.large_logits", 3) for _ in range(4)] == [1, 2, 3, 3]
    assert HintState(tmp_path / "exercises").reached("exercise3", "softmax.large_logits") == 3
    (tmp_path / STATE_FILE).write_text("{not json")
    assert HintState(tmp_path / "exercises").reached("exercise3", "softmax.large_logits") == 0


def test_every_public_check_has_a_ladder_whose_first_rung_is_no_code():
    """A nudge names no code: no call with arguments, no `return`, no assignment."""
    for ex in registry.exercises():
        rungs, _ = ladders(ex.id)
        assert rungs, ex.id
        for check_id, ladder in rungs.items():
            assert len(ladder) >= 2, f"{check_id}: a ladder needs at least a nudge and an idea"
            for lang in ("en", "ja"):
                first = ladder[0][lang]
                assert "return " not in first and "np." not in first and " = " not in first, (check_id, first)


def _course(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_EXERCISES")}
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_course_hint_reveals_one_rung_per_call_for_the_first_failing_check(tmp_path):
    shutil.copytree(KIT / "exercises" / "exercise1", tmp_path / "exercises" / "exercise1")
    first = _course("hint", "exercise1", "--lang", "en", cwd=tmp_path)
    second = _course("hint", "exercise1", "--lang", "en", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert "hint 1/" in first.stdout and "hint 2/" not in first.stdout
    assert "hint 1/" in second.stdout and "hint 2/" in second.stdout
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert list(state["exercise1"].values()) == [2]
    assert _course("hint", "exercise1", "--reset", cwd=tmp_path).returncode == 0
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {}


def test_course_hint_names_the_checks_when_asked_for_an_unknown_one(tmp_path):
    shutil.copytree(KIT / "exercises" / "exercise1", tmp_path / "exercises" / "exercise1")
    done = _course("hint", "exercise1", "no.such", cwd=tmp_path)
    assert done.returncode == 2 and "numerical_diff.book" in done.stderr
