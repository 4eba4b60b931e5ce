"""Exercise 4 hidden checks: a label for one sample, batch averaging, N == C, extremes, inputs unchanged."""
import numpy as np

from course.checks import CheckFailure, check, expect_close, tr
from course.checks.cases import cases
from course.checks.diagnose import replayed
# pytest imports graders by their path under graders/ (--import-mode=importlib), so the public module's
# helpers are importable here by that name.
from exercise4.test_losses import HINT_CE, cross_entropy_cases, expect_cross_entropy, reference_loss, squares_diagnosis

Y_SINGLE, T_SINGLE = np.array([0.1, 0.05, 0.6, 0.0, 0.25]), np.array(2)
Y_FIVE = np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25]])
T_FIVE = np.array([0, 2, 1, 0, 1])
Y_SQUARE, T_SQUARE = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]]), np.array([0, 2, 1])
YP_EXTREMES, YT_EXTREMES = np.array([0.0, 1.0, 1.0, 0.0, 0.5]), np.array([1.0, 0.0, 1.0, 0.0, 1.0])
Y_SSE, T_SSE = np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]]), np.array([[0.0, 2.0], [1.0, 1.0], [0.0, 1.0]])


@check("ce.label_single", 1, hidden=True, ja="cross_entropy_error: 1 サンプル、ラベル (整数)", hint=HINT_CE)
@cross_entropy_cases(Y_SINGLE, T_SINGLE)
def test_ce_label_single(learner, expected):
    """cross_entropy_error of one sample whose target is the label 2 (a 0-d int array, as t.reshape needs)"""
    expect_cross_entropy(learner, expected, Y_SINGLE, T_SINGLE)


@check("ce.batch_mean", 1, hidden=True, ja="cross_entropy_error: バッチ (N=5) の平均",
       hint=tr("divide the sum by the batch size N = y.shape[0]", "和をバッチサイズ N = y.shape[0] で割ります"))
@cross_entropy_cases(Y_FIVE, T_FIVE)
def test_ce_batch_mean(learner, expected):
    """cross_entropy_error averages over a batch of 5 (not the sum)"""
    expect_cross_entropy(learner, expected, Y_FIVE, T_FIVE)


@check("ce.square_batch", 1, hidden=True, ja="cross_entropy_error: N = C のバッチ (ラベル)", hint=HINT_CE)
@cross_entropy_cases(Y_SQUARE, T_SQUARE)
def test_ce_square_batch(learner, expected):
    """cross_entropy_error with labels when the batch size equals the number of classes (3×3)"""
    expect_cross_entropy(learner, expected, Y_SQUARE, T_SQUARE)


@check("ce.leaves_input", 1, hidden=True, ja="cross_entropy_error: 引数の配列を書き換えない",
       hint=tr("write np.log(y + delta), not y += delta", "y += delta ではなく np.log(y + delta) と書きます"))
def test_ce_leaves_input(learner):
    """cross_entropy_error leaves y unchanged"""
    y0 = np.array([[0.7, 0.3], [0.0, 1.0]])
    y = learner.new(y0.copy())
    learner.module("losses").cross_entropy_error(y, np.array([0, 1]))
    after = y.get()
    if not np.array_equal(after, y0):
        raise CheckFailure(tr("cross_entropy_error changed y", "cross_entropy_error が y を書き換えました"),
                           call="cross_entropy_error(y, t)", inputs={"y": y0}, expected=y0, got=after,
                           diagnosis="input-mutated")


@check("bce.extremes", 1, hidden=True, ja="binary_cross_entropy: 確率 0 と 1 でも有限 (delta)",
       hint=tr("add 1e-7 inside both logs: log(yp + 1e-7) and log(1 - yp + 1e-7)",
               "両方の log の中に 1e-7 を足します: log(yp + 1e-7) と log(1 - yp + 1e-7)"))
@cases(extremes=reference_loss("binary_cross_entropy", YP_EXTREMES, YT_EXTREMES))
def test_bce_extremes(learner, expected):
    """binary_cross_entropy stays finite for predictions of exactly 0 and 1"""
    yp, yt = YP_EXTREMES, YT_EXTREMES
    expect_close(learner.module("losses").binary_cross_entropy(yp, yt), expected["extremes"],
                 call="binary_cross_entropy(yp, yt)", inputs={"yp": yp, "yt": yt}, sizes={"N": yp.size},
                 diagnose=lambda g: replayed(g, [("ce-no-delta", bce_without_delta(yp, yt))]))


def bce_without_delta(yp, yt):
    """Binary cross entropy with no delta in the logs: what a learner who left it out gets (inf or NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.mean(yt * np.log(yp) + (1 - yt) * np.log(1 - yp))


@check("sse.batch", 1, hidden=True, ja="sum_squared_error: 2 次元でも全要素の和の半分",
       hint=tr("0.5 * np.sum((y - t) ** 2) sums over every element", "0.5 * np.sum((y - t) ** 2) は全要素の和です"))
@cases(batch=reference_loss("sum_squared_error", Y_SSE, T_SSE))
def test_sse_batch(learner, expected):
    """sum_squared_error of a 3×2 batch sums over every element"""
    y, t = Y_SSE, T_SSE
    want = expected["batch"]
    expect_close(learner.module("losses").sum_squared_error(y, t), want, call="sum_squared_error(y, t)",
                 inputs={"y": y, "t": t}, sizes={"n": y.size},
                 diagnose=lambda g: squares_diagnosis(g, want, y.size, sse=True))
