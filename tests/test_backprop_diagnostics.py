"""The diagnostics of exercises 5–6 on planted mistakes, checked for their content: the worst index, the
ratio, the code, and the per-parameter table in the message `course check` shows."""
import numpy as np
import pytest

from course import registry
from course.grading.run import grade_exercise
from course.planted import make_submission, planted


def _graded(tmp_path, exercise, code):
    mistake = next(p for p in planted(exercise) if p.code == code)
    root = make_submission(tmp_path, [mistake], exercises=[exercise])
    return {c.id: c for c in grade_exercise(root, registry.get(exercise), public_only=True).checks}


def test_db_averaged_names_the_parameter_the_ratio_and_the_worst_index(tmp_path):
    checks = _graded(tmp_path, "exercise5", "db-averaged")
    affine = checks["affine.backward"]
    assert affine.status == "failed" and affine.diagnosis == "db-averaged"
    rows = {r["name"]: r for r in affine.details["gradients"]}
    assert rows["dx"]["ok"] and rows["dW"]["ok"] and not rows["db"]["ok"]
    assert rows["db"]["ratio"] == pytest.approx(1 / 3)
    # The worst entry is where |db| is largest: averaging shrinks it most there.
    expected_at, got_at = rows["db"]["expected_at"], rows["db"]["got_at"]
    assert got_at == pytest.approx(expected_at / 3)
    assert rows["db"]["numerical_at"] == pytest.approx(expected_at, rel=1e-6)
    for text in ("db", "1/3", "max abs err", "worst idx", "right: dx, dW", f"[{rows['db']['worst_index'][0]}]"):
        assert text in affine.message
    # Every other layer is untouched, and the net shows the mistake on both biases only.
    net = checks["two_layer_net.gradient"]
    assert net.diagnosis == "db-averaged"
    assert {r["name"] for r in net.details["gradients"] if not r["ok"]} == {"b1", "b2"}
    assert checks["relu.backward"].status == "passed"


def test_missing_batch_division_ratio_is_the_batch_size(tmp_path):
    checks = _graded(tmp_path, "exercise5", "missing-batch-division")
    softmax = checks["softmax_with_loss.backward"]
    assert softmax.diagnosis == "missing-batch-division"
    (row,) = softmax.details["gradients"]
    assert row["ratio"] == pytest.approx(3.0)       # the batch of 3 in the public check
    assert "exactly 3 ×" in softmax.message


def test_adam_without_bias_correction_first_step_ratio(tmp_path):
    checks = _graded(tmp_path, "exercise6", "adam-no-bias-correction")
    adam = checks["adam.steps"]
    assert adam.diagnosis == "adam-no-bias-correction"
    ratios = [r["ratio"] for r in adam.details["gradients"]]
    assert ratios and all(r == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-4) for r in ratios)
    assert "3.162" in adam.message and "×1" in adam.message      # caught at the first step
    assert all(checks[f"{n}.steps"].status == "passed" for n in ("sgd", "momentum", "adagrad"))
