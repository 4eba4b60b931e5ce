"""Exercise 3 public checks: each activation on inputs that include exact zeros, batches and large logits."""
import numpy as np

from course.checks import check, expect_array, expect_close, tr
from course.checks.cases import cases
from course.checks.diagnose import replayed

X_MIXED = np.array([[-3.0, -0.5, 0.0], [0.25, 1.0, 4.0]])
X_STEP = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
X_SIGMOID = np.linspace(-5.0, 5.0, 11)
X_SIGMOID_GRAD = np.array([-3.0, -1.0, 0.0, 0.5, 2.0])
X_TANH = np.linspace(-3.0, 3.0, 7)
X_BOOK = np.array([0.3, 2.9, 4.0])
X_BATCH = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
X_LARGE = np.array([1010.0, 1000.0, 990.0])


def softmax_slips(x):
    """What the usual softmax slips compute on x, each a (code, value) to match: no shift (overflows), the
    whole batch's maximum subtracted (the book's 1-D form on a batch), one sum over the whole batch, and the
    normalisation along the first axis."""
    def softmax(v, shift_axis, sum_axis):
        shift = 0.0 if shift_axis == "none" else np.max(v, axis=shift_axis, keepdims=True)
        e = np.exp(v - shift)
        return e / np.sum(e, axis=sum_axis, keepdims=sum_axis is not None)

    with np.errstate(all="ignore"):
        slips = [("softmax-no-max-shift", softmax(x, "none", -1)), ("softmax-batch-max", softmax(x, None, -1))]
        if x.ndim == 2:
            slips += [("softmax-sum-over-batch", softmax(x, -1, None)), ("softmax-sum-over-batch", softmax(x, None, None)),
                      ("softmax-sum-over-batch", softmax(x, "none", None)), ("wrong-axis", softmax(x, 0, 0))]
    return slips


def sigmoid_slips(x):
    """The sigmoid with the sign of the exponent flipped, 1 / (1 + exp(x)), as a (code, value) to match."""
    with np.errstate(over="ignore"):
        return [("sigmoid-exp-sign", 1 / (1 + np.exp(x)))]


def reference_on(name, x):
    """The case "values": the reference activation ``name`` on a copy of ``x``."""
    return cases(values=lambda ref: getattr(ref.module("activations"), name)(x.copy()))


def expect_like_reference(learner, expected, name, x, *, diagnose=None, dtype_kind=None):
    """Fail unless the learner's activation ``name`` gives the reference's values (case "values") on x."""
    expect_close(getattr(learner.module("activations"), name)(x), expected["values"],
                 call=f"{name}(x)", inputs={"x": x}, diagnose=diagnose, dtype_kind=dtype_kind)


@check("identity.values", 1, ja="identity_function: 入力をそのまま返す",
       hint=[tr("The identity function changes nothing.",
                "恒等関数は何も変えません。"),
             tr("Return the input as it is (the output layer of a regression uses it).",
                "入力をそのまま返します (回帰の出力層で使います)。"),
             tr("return x",
                "return x")])
@reference_on("identity_function", X_MIXED)
def test_identity(learner, expected):
    """identity_function returns its input"""
    expect_like_reference(learner, expected, "identity_function", X_MIXED)


@check("step.zero", 1, ja="step_function: x = 0 では 0、int の配列",
       hint=[tr("Is step(0) 0 or 1? And what type are the values you return?",
                "step(0) は 0 ですか 1 ですか? 返す値の型は何ですか?"),
             tr("step(x) = 1 for x > 0 (strictly) and 0 otherwise; the comparison gives booleans, which must "
                "become ints.",
                "step(x) は x > 0 (厳密に) のとき 1、それ以外は 0 です。比較の結果は bool なので int に変換します。"),
             tr("return np.array(x > 0, dtype=int): strictly greater, so step(0) = 0",
                "np.array(x > 0, dtype=int) を返します (等号なしなので step(0) = 0)")])
@reference_on("step_function", X_STEP)
def test_step(learner, expected):
    """step_function is 0 for x ≤ 0 (0 at exactly 0) and 1 for x > 0, as ints"""
    expect_like_reference(learner, expected, "step_function", X_STEP, dtype_kind="iu",
                          diagnose=lambda got: replayed(got, {"step-zero-is-one": (X_STEP >= 0).astype(np.int64)}))


@check("sigmoid.values", 1, ja="sigmoid: −5 から 5 までの値",
       hint=[tr("sigmoid squeezes any real number into (0, 1).",
                "シグモイドは任意の実数を (0, 1) に押し込めます。"),
             tr("h(x) = 1 / (1 + exp(−x)), elementwise on the array.",
                "h(x) = 1 / (1 + exp(−x)) を配列の要素ごとに計算します。"),
             tr("return 1 / (1 + np.exp(-x))",
                "return 1 / (1 + np.exp(-x))")])
@reference_on("sigmoid", X_SIGMOID)
def test_sigmoid(learner, expected):
    """sigmoid on −5 … 5"""
    expect_like_reference(learner, expected, "sigmoid", X_SIGMOID, diagnose=lambda g: replayed(g, sigmoid_slips(X_SIGMOID)))


@check("sigmoid_grad.values", 1, ja="sigmoid_grad: 入力 x での微分",
       hint=[tr("The derivative of the sigmoid can be written with the sigmoid itself.",
                "シグモイドの微分はシグモイド自身で書けます。"),
             tr("h'(x) = h(x)·(1 − h(x)); your function receives x, so compute h(x) first.",
                "h'(x) = h(x)·(1 − h(x)) です。関数が受け取るのは x なので、先に h(x) を計算します。"),
             tr("sigmoid_grad takes x, not the sigmoid's output: s = sigmoid(x); return s * (1 - s)",
                "sigmoid_grad が受け取るのは出力ではなく x です: s = sigmoid(x) として s * (1 - s) を返します")])
@reference_on("sigmoid_grad", X_SIGMOID_GRAD)
def test_sigmoid_grad(learner, expected):
    """sigmoid_grad(x) = sigmoid(x)·(1 − sigmoid(x))"""
    x = X_SIGMOID_GRAD
    expect_like_reference(learner, expected, "sigmoid_grad", x,
                          diagnose=lambda got: "sigmoid-grad-of-output" if np.allclose(got, x * (1 - x)) else None)


@check("relu.values", 1, ja="relu: 負・0・正の値 (2 次元)",
       hint=[tr("ReLU keeps positive values and replaces the others.",
                "ReLU は正の値を残し、それ以外を置き換えます。"),
             tr("relu(x) = max(0, x) elementwise (not the maximum of the whole array).",
                "relu(x) = max(0, x) を要素ごとに (配列全体の最大値ではありません)。"),
             tr("return np.maximum(0, x)",
                "return np.maximum(0, x)")])
@reference_on("relu", X_MIXED)
def test_relu(learner, expected):
    """relu on a 2-D array with negatives, a zero and positives"""
    expect_like_reference(learner, expected, "relu", X_MIXED)


@check("relu_grad.values", 1, ja="relu_grad: x > 0 で 1、x < 0 で 0",
       hint=[tr("ReLU has slope 1 on one side of 0 and slope 0 on the other.",
                "ReLU の傾きは 0 の片側で 1、反対側で 0 です。"),
             tr("The gradient is 1 where x > 0 and 0 where x < 0, with x's shape; at exactly 0 either value is "
                "accepted.",
                "勾配は x > 0 で 1、x < 0 で 0、形状は x と同じです。ちょうど 0 ではどちらでも構いません。"),
             tr("1 where x > 0 and 0 where x < 0 (either value at exactly 0)",
                "x > 0 で 1、x < 0 で 0 です (x がちょうど 0 ならどちらでも可)")])
@reference_on("relu_grad", X_MIXED)
def test_relu_grad(learner, expected):
    """relu_grad is 1 for x > 0 and 0 for x < 0; at exactly 0 either 0 or 1 is accepted"""
    got = expect_array(learner.module("activations").relu_grad(X_MIXED), X_MIXED, call="relu_grad(x)",
                       inputs={"x": X_MIXED})
    at_zero = (X_MIXED == 0) & np.isin(got, (0, 1))
    expect_close(got, np.where(at_zero, got, expected["values"]), call="relu_grad(x)", inputs={"x": X_MIXED},
                 diagnose=lambda g: "relu-grad-inverted" if np.array_equal(g[X_MIXED != 0], (X_MIXED < 0)[X_MIXED != 0])
                 else None)


@check("tanh.values", 1, ja="tanh: −3 から 3 までの値",
       hint=[tr("tanh squeezes any real number into (−1, 1).",
                "tanh は任意の実数を (−1, 1) に押し込めます。"),
             tr("tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ), elementwise; NumPy has it built in.",
                "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ) を要素ごとに。NumPy に組み込みがあります。"),
             tr("return np.tanh(x)",
                "return np.tanh(x)")])
@reference_on("tanh", X_TANH)
def test_tanh(learner, expected):
    """tanh on −3 … 3"""
    expect_like_reference(learner, expected, "tanh", X_TANH)


@check("softmax.vector", 1, ja="softmax: 1 次元の入力",
       hint=[tr("softmax turns scores into probabilities: positive, and summing to 1.",
                "softmax はスコアを確率に変えます: 正で、和が 1。"),
             tr("y_k = exp(a_k) / Σ_i exp(a_i).",
                "y_k = exp(a_k) / Σ_i exp(a_i)。"),
             tr("e = np.exp(x - np.max(x, axis=-1, keepdims=True)); return e / np.sum(e, axis=-1, keepdims=True)",
                "e = np.exp(x - np.max(x, axis=-1, keepdims=True)); return e / np.sum(e, axis=-1, keepdims=True)")])
@reference_on("softmax", X_BOOK)
def test_softmax_vector(learner, expected):
    """softmax of the book's (0.3, 2.9, 4.0)"""
    expect_like_reference(learner, expected, "softmax", X_BOOK)


@check("softmax.batch_rows", 1, ja="softmax: バッチの各行の和が 1",
       hint=[tr("In a batch, every row is its own sample: does each row sum to 1?",
                "バッチでは各行が別々のサンプルです。各行の和は 1 になっていますか?"),
             tr("Sum (and take the maximum) over the last axis only, keeping that axis so that it broadcasts back "
                "over each row.",
                "和 (と最大値) は最後の軸だけで取り、その軸を残したままにして各行にブロードキャストします。"),
             tr("normalise over the last axis only: np.sum(..., axis=-1, keepdims=True)",
                "最後の軸だけで正規化します: np.sum(..., axis=-1, keepdims=True)")])
@reference_on("softmax", X_BATCH)
def test_softmax_batch_rows(learner, expected):
    """softmax normalises each row of a batch separately"""
    expect_like_reference(learner, expected, "softmax", X_BATCH,
                          diagnose=lambda got: replayed(got, softmax_slips(X_BATCH)))


@check("softmax.large_logits", 1, ja="softmax: 大きな値 (1010, 1000, 990) でもオーバーフローしない",
       hint=[tr("What does exp(1010) give in floating point?",
                "浮動小数点で exp(1010) はいくつになりますか?"),
             tr("softmax(a) = softmax(a − C) for any constant C: choose C = max(a) so the largest exponent is "
                "exp(0) = 1.",
                "任意の定数 C について softmax(a) = softmax(a − C) です。C = max(a) とすれば最大の指数は exp(0) = 1 になります。"),
             tr("subtract the maximum of each row before np.exp: softmax(x) = softmax(x − max(x))",
                "np.exp の前に各行の最大値を引きます: softmax(x) = softmax(x − max(x))")])
@reference_on("softmax", X_LARGE)
def test_softmax_large_logits(learner, expected):
    """softmax of (1010, 1000, 990) has no NaN or inf"""
    expect_like_reference(learner, expected, "softmax", X_LARGE,
                          diagnose=lambda got: replayed(got, softmax_slips(X_LARGE)))
