"""Planted mistakes: every one is caught, none is ever named by another mistake's code, and at least 80 % are
named by their own (diagnosis coverage); every catalogued code has a plant and a look-alike plant."""
import importlib.util

import pytest

from course import planted as planting, registry
from course.mistakes import catalogue, engine

HAVE_TORCH = importlib.util.find_spec("torch") is not None
ENGINE_CODES = {m.code for m in engine.MISTAKES}
TARGET = 0.8            # named correctly / planted (issue 11)
ALL = planting.planted()
IDS = planting.unique_ids(ALL)


def _cuda() -> bool:
    if not HAVE_TORCH:
        return False
    import torch
    return torch.cuda.is_available()


def _gradable(mistake) -> bool:
    return HAVE_TORCH or not registry.get(mistake.exercise).torch


_outcomes: dict = {}


def outcome(mistake, device="cpu"):
    """The graded plant, once per session (the coverage test reuses what the per-plant tests graded)."""
    key = (IDS[ALL.index(mistake)], device)
    if key not in _outcomes:
        _outcomes[key] = planting.grade(mistake, device)
    return _outcomes[key]


def _params():
    """Every planted mistake on the CPU, and the PyTorch ones once more on CUDA (GPU-marked), where torch's
    errors and the learner's device handling differ."""
    for pid, p in zip(IDS, ALL):
        torch_exercise = registry.get(p.exercise).torch
        marks = [pytest.mark.skipif(torch_exercise and not HAVE_TORCH, reason="needs torch")]
        yield pytest.param(p, "cpu", id=pid, marks=marks)
        if torch_exercise:
            yield pytest.param(p, "cuda", id=f"{pid}-cuda", marks=[
                pytest.mark.gpu, pytest.mark.skipif(not _cuda(), reason="no CUDA on this machine")])


@pytest.mark.parametrize("mistake, device", list(_params()))
def test_planted_mistake_is_caught_and_never_misnamed(mistake, device):
    result = outcome(mistake, device)
    assert result.caught, f"{mistake.id} passes every check: {result.named}"
    # A check that cannot tell gives no diagnosis; it never names a mistake that was not made.
    assert not result.wrong, result.named
    assert not set(mistake.lookalike) & result.codes, result.named


def test_diagnosis_coverage():
    """At least 80 % of the planted mistakes are named by their own code (and nothing else), none wrongly."""
    cov = planting.Coverage([outcome(p) for p in ALL if _gradable(p)])
    print("\n" + cov.report())
    assert not cov.confusions(), cov.report()
    assert cov.fraction >= TARGET, cov.report()


def test_every_catalogued_code_has_a_planted_mistake():
    planted_codes = {p.code for p in ALL}
    missing = [code for code in catalogue() if code not in ENGINE_CODES and code not in planted_codes]
    assert not missing


def test_every_catalogued_code_has_a_look_alike():
    """Each code is tried against a mistake that shares its symptom, which must not get it: a plant listing it
    as a look-alike, or a plant of another code in the same exercise's group of that symptom."""
    covered = {code for p in ALL for code in p.lookalike}
    missing = [code for code in catalogue() if code not in ENGINE_CODES and code not in covered]
    assert not missing


def test_every_planted_code_is_catalogued():
    codes = set(catalogue())
    assert {p.code for p in ALL} <= codes
    assert {c for p in ALL for c in p.lookalike} <= codes


def test_coverage_counts_confusions_and_misses():
    """The coverage arithmetic itself: a plant named by another code is a confusion, an unnamed one a miss."""
    a, b = ALL[0], ALL[1]
    cov = planting.Coverage([planting.Outcome(a, 0, 1, [("x", a.code)]), planting.Outcome(b, 0, 1, [("y", None)]),
                             planting.Outcome(b, 0, 1, [("z", a.code), ("w", b.code)])])
    assert cov.named == 1 and cov.fraction == pytest.approx(1 / 3)
    assert cov.confusions() == ({(b.code, a.code): 1} if a.code != b.code else {})


def test_two_mistakes_each_check_names_the_one_its_expression_shows(tmp_path):
    """A wrong reflected subtraction and overwritten gradients together: a check whose expression has no
    subtraction names the overwriting, not the subtraction (true of the code, but not why that check failed)."""
    from course.grading.run import grade_exercise
    ex7 = [p for p in ALL if p.exercise == "exercise7"]
    both = [next(p for p in ex7 if p.code == "op-value"), next(p for p in ex7 if p.code == "grad-overwritten")]
    root = planting.make_submission(tmp_path, both, exercises=["exercise7"])
    named = {c.id: c.diagnosis for c in grade_exercise(root, registry.get("exercise7"), public_only=True).checks}
    assert named["value.operations"] == "op-value"
    assert named["value.grad_accumulates"] == "grad-overwritten"
