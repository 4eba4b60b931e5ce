"""Exercise 3 hidden checks: extremes, more shapes, and inputs left unchanged."""
import numpy as np

from course.checks import CheckFailure, check, tr
# pytest imports graders by their path under graders/ (--import-mode=importlib), so the public module's
# helpers are importable here by that name.
from exercise3.test_activations import expect_like_reference


def expect_input_kept(learner, name, x):
    """Fail with 'input-mutated' when the learner's ``name`` changes the array it is given."""
    live = learner.new(x.copy())
    getattr(learner.module("activations"), name)(live)
    after = live.get()
    if not np.array_equal(after, x):
        raise CheckFailure(tr(f"{name} changed the array it was given", f"{name} が引数の配列を書き換えました"),
                           call=f"{name}(x)", inputs={"x": x}, expected=x, got=after, diagnosis="input-mutated")


@check("step.matrix", 1, hidden=True, ja="step_function: 2 次元、0 を含む", hint=tr(
    "np.array(x > 0, dtype=int) works for any shape", "np.array(x > 0, dtype=int) はどの形状でも使えます"))
def test_step_matrix(learner, reference):
    """step_function on a 2-D array with zeros keeps the shape"""
    x = np.array([[0.0, 1e-12, -1e-12], [5.0, 0.0, -5.0]])
    expect_like_reference(learner, reference, "step_function", x, dtype_kind="iu",
                          diagnose=lambda got: "step-zero-is-one" if np.any(np.asarray(got)[x == 0] == 1) else None)


@check("sigmoid.extremes", 1, hidden=True, ja="sigmoid: ±1000 でも NaN にならない")
def test_sigmoid_extremes(learner, reference):
    """sigmoid at ±50 and ±1000 is 0 or 1, never NaN"""
    expect_like_reference(learner, reference, "sigmoid", np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))


@check("sigmoid_grad.batch", 1, hidden=True, ja="sigmoid_grad: 2 次元の入力",
       hint=tr("s = sigmoid(x); return s * (1 - s)", "s = sigmoid(x) として s * (1 - s) を返します"))
def test_sigmoid_grad_batch(learner, reference):
    """sigmoid_grad on a 2-D array, 0.25 at x = 0"""
    x = np.array([[0.0, 4.0], [-4.0, 0.1]])
    expect_like_reference(learner, reference, "sigmoid_grad", x,
                          diagnose=lambda got: "sigmoid-grad-of-output" if np.allclose(got, x * (1 - x)) else None)


@check("softmax.batch_large", 1, hidden=True, ja="softmax: 行ごとに大きさの違う大きな値",
       hint=tr("subtract each row's own maximum (axis=-1, keepdims=True), not the maximum of the whole batch",
               "バッチ全体ではなく各行の最大値 (axis=-1, keepdims=True) を引きます"))
def test_softmax_batch_large(learner, reference):
    """softmax of rows around +1000 and −1000 in one batch"""
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.5]])
    expect_like_reference(learner, reference, "softmax", x,
                          diagnose=lambda got: None if np.all(np.isfinite(got)) else "softmax-no-max-shift")


@check("softmax.one_row_batch", 1, hidden=True, ja="softmax: 1 行のバッチ (形状 (1, 4))")
def test_softmax_one_row(learner, reference):
    """softmax of a (1, 4) batch keeps its shape"""
    expect_like_reference(learner, reference, "softmax", np.array([[0.5, -1.0, 2.0, 0.0]]))


@check("softmax.leaves_input", 1, hidden=True, ja="softmax: 引数の配列を書き換えない",
       hint=tr("write x = x - np.max(...), not x -= np.max(...): the in-place form changes the caller's array",
               "x -= np.max(...) ではなく x = x - np.max(...) と書きます (その場で書き換えると呼び出し元の配列が変わります)"))
def test_softmax_leaves_input(learner):
    """softmax leaves the array it is given unchanged"""
    expect_input_kept(learner, "softmax", np.array([[1.0, 2.0, 3.0], [4.0, 0.0, -1.0]]))


@check("relu.leaves_input", 1, hidden=True, ja="relu: 引数の配列を書き換えない",
       hint=tr("return np.maximum(0, x) instead of setting x[x < 0] = 0 in place",
               "x[x < 0] = 0 と書き換えず np.maximum(0, x) を返します"))
def test_relu_leaves_input(learner):
    """relu leaves the array it is given unchanged"""
    expect_input_kept(learner, "relu", np.array([-2.0, 0.0, 3.0]))
