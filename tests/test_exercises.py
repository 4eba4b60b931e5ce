"""Every exercise: the reference scores full marks, the untouched stubs score 0 as "not implemented"."""
import importlib.util

import pytest

from course import paths, registry
from course.grading.run import grade_exercise

HAVE_TORCH = importlib.util.find_spec("torch") is not None
EXERCISES = [pytest.param(ex, id=ex.id, marks=[pytest.mark.skipif(ex.torch and not HAVE_TORCH, reason="needs torch")])
             for ex in registry.exercises() if paths.graders_dir(ex.id).is_dir()]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_scores_full_marks(exercise):
    result = grade_exercise(paths.kit_root() / "solutions", exercise)
    bad = [(c.id, c.status, c.message[:300]) for c in result.checks if c.status not in ("passed", "skipped")]
    assert not bad
    assert result.max_score > 0 and result.score == result.max_score


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stubs_score_zero_as_not_implemented(exercise):
    result = grade_exercise(paths.kit_root() / "exercises", exercise)
    assert result.score == 0
    graded = [c for c in result.checks if c.status != "skipped"]
    assert graded and all(c.diagnosis == "not-implemented" for c in graded), \
        [(c.id, c.status, c.diagnosis, c.message[:200]) for c in graded if c.diagnosis != "not-implemented"]
