"""Exercise 3 hidden checks: extremes, more shapes, and inputs left unchanged."""
import numpy as np

from course.checks import CheckFailure, check, tr
from course.checks.diagnose import replayed
# pytest imports graders by their path under graders/ (--import-mode=importlib), so the public module's
# helpers are importable here by that name.
from exercise3.test_activations import expect_like_reference, reference_on, sigmoid_slips, softmax_slips

X_STEP_MATRIX = np.array([[0.0, 1e-12, -1e-12], [5.0, 0.0, -5.0]])
X_EXTREMES = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
X_GRAD_BATCH = np.array([[0.0, 4.0], [-4.0, 0.1]])
X_LARGE_ROWS = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.5]])
X_ONE_ROW = np.array([[0.5, -1.0, 2.0, 0.0]])


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
@reference_on("step_function", X_STEP_MATRIX)
def test_step_matrix(learner, expected):
    """step_function on a 2-D array with zeros keeps the shape"""
    x = X_STEP_MATRIX
    expect_like_reference(learner, expected, "step_function", x, dtype_kind="iu",
                          diagnose=lambda got: replayed(got, {"step-zero-is-one": (x >= 0).astype(np.int64)}))


@check("sigmoid.extremes", 1, hidden=True, ja="sigmoid: ±1000 でも NaN にならない")
@reference_on("sigmoid", X_EXTREMES)
def test_sigmoid_extremes(learner, expected):
    """sigmoid at ±50 and ±1000 is 0 or 1, never NaN"""
    expect_like_reference(learner, expected, "sigmoid", X_EXTREMES, diagnose=lambda g: replayed(g, sigmoid_slips(X_EXTREMES)))


@check("sigmoid_grad.batch", 1, hidden=True, ja="sigmoid_grad: 2 次元の入力",
       hint=tr("s = sigmoid(x); return s * (1 - s)", "s = sigmoid(x) として s * (1 - s) を返します"))
@reference_on("sigmoid_grad", X_GRAD_BATCH)
def test_sigmoid_grad_batch(learner, expected):
    """sigmoid_grad on a 2-D array, 0.25 at x = 0"""
    x = X_GRAD_BATCH
    expect_like_reference(learner, expected, "sigmoid_grad", x,
                          diagnose=lambda got: "sigmoid-grad-of-output" if np.allclose(got, x * (1 - x)) else None)


@check("softmax.batch_large", 1, hidden=True, ja="softmax: 行ごとに大きさの違う大きな値",
       hint=tr("subtract each row's own maximum (axis=-1, keepdims=True), not the maximum of the whole batch",
               "バッチ全体ではなく各行の最大値 (axis=-1, keepdims=True) を引きます"))
@reference_on("softmax", X_LARGE_ROWS)
def test_softmax_batch_large(learner, expected):
    """softmax of rows around +1000 and −1000 in one batch"""
    x = X_LARGE_ROWS
    expect_like_reference(learner, expected, "softmax", x,
                          diagnose=lambda got: replayed(got, softmax_slips(x)))


@check("softmax.one_row_batch", 1, hidden=True, ja="softmax: 1 行のバッチ (形状 (1, 4))")
@reference_on("softmax", X_ONE_ROW)
def test_softmax_one_row(learner, expected):
    """softmax of a (1, 4) batch keeps its shape"""
    expect_like_reference(learner, expected, "softmax", X_ONE_ROW)


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
