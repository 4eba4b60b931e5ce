"""Every planted mistake is caught and named; every catalogued code has a planted mistake."""
import importlib.util

import pytest

from course import registry
from course.grading.run import grade_exercise
from course.mistakes import catalogue
from course.planted import make_submission, planted

HAVE_TORCH = importlib.util.find_spec("torch") is not None
ENGINE_CODES = {m.code for m in catalogue().values() if "*" in m.exercises}


def _cuda() -> bool:
    if not HAVE_TORCH:
        return False
    import torch
    return torch.cuda.is_available()


def _params():
    """Every planted mistake on the CPU, and the PyTorch ones once more on CUDA (GPU-marked), where torch's
    errors and the learner's device handling differ."""
    for p in planted():
        torch_exercise = registry.get(p.exercise).torch
        marks = [pytest.mark.skipif(torch_exercise and not HAVE_TORCH, reason="needs torch")]
        yield pytest.param(p, "cpu", id=f"{p.exercise}-{p.code}", marks=marks)
        if torch_exercise:
            yield pytest.param(p, "cuda", id=f"{p.exercise}-{p.code}-cuda", marks=[
                pytest.mark.gpu, pytest.mark.skipif(not _cuda(), reason="no CUDA on this machine")])


@pytest.mark.parametrize("mistake, device", list(_params()))
def test_planted_mistake_is_named(mistake, device, tmp_path):
    root = make_submission(tmp_path, [mistake], exercises=[mistake.exercise])
    result = grade_exercise(root, registry.get(mistake.exercise), device=device)
    named = {c.diagnosis for c in result.checks if c.status != "passed"}
    assert mistake.code in named, [(c.id, c.status, c.diagnosis, c.message[:200])
                                   for c in result.checks if c.status != "passed"]
    assert result.score < result.max_score
    # A check that cannot tell gives no diagnosis; it never names a mistake that was not made.
    assert named <= {mistake.code, None}, [(c.id, c.diagnosis) for c in result.checks if c.status != "passed"]


def test_every_catalogued_code_has_a_planted_mistake():
    planted_codes = {p.code for p in planted()}
    missing = [code for code in catalogue() if code not in ENGINE_CODES and code not in planted_codes]
    assert not missing


def test_every_planted_code_is_catalogued():
    assert {p.code for p in planted()} <= set(catalogue())
