"""Exercise 1 public checks: central differences, gradients of arrays, x left as it was, gradient descent.

The functions being differentiated are built in the learner's process (learner code calls them there) and,
from the same source, here for the reference.
"""
import numpy as np

from course.checks import CheckFailure, check, compare, expect_close, tr

H = 1e-4
SUM_SQUARES = "lambda x: float(np.sum(x ** 2))"
HINT_CENTRAL = tr("use the central difference (f(x+h) − f(x−h)) / (2h) with h = 1e-4",
                  "中心差分 (f(x+h) − f(x−h)) / (2h) を h = 1e-4 で使います")


def learner_function(learner, source, **names):
    """The lambda ``source`` (which may use ``np`` and ``names``) made in the learner's process."""
    return learner.module("builtins").eval(source, {"np": learner.module("numpy"), **names})


def local_function(source, **names):
    """The same lambda made here, for the reference."""
    return eval(source, {"np": np, **names})


def difference_diagnosis(got, exact, half_h_f2):
    """Name a one-sided difference (off by h·f''/2) or a step so small that x + h == x (all zeros)."""
    got, exact = np.asarray(got, dtype=np.float64), np.asarray(exact, dtype=np.float64)
    if not np.any(got) and np.any(exact):
        return "h-too-small"
    if np.allclose(np.abs(got - exact), np.abs(half_h_f2), rtol=0.05, atol=1e-12):
        return "forward-difference"
    return None


@check("numerical_diff.book", 1, ja="numerical_diff: 0.01x² + 0.1x の微分 (x = 5, 10)", hint=HINT_CENTRAL)
def test_numerical_diff_book(learner, reference):
    """numerical_diff of 0.01x² + 0.1x at 5 and 10 (the book's example)"""
    source = "lambda x: 0.01 * x ** 2 + 0.1 * x"
    f, f_here = learner_function(learner, source), local_function(source)
    for x in (5.0, 10.0):
        expect_close(learner.module("numerical_diff").numerical_diff(f, x),
                     reference.module("numerical_diff").numerical_diff(f_here, x),
                     call=f"numerical_diff(f, {x})", inputs={"f": source},
                     diagnose=lambda got: difference_diagnosis(got, 0.02 * x + 0.1, H * 0.02 / 2))


@check("numerical_gradient.vector", 1, ja="numerical_gradient: x0² + x1² の勾配 (3, 4)", hint=HINT_CENTRAL)
def test_numerical_gradient_vector(learner, reference):
    """numerical_gradient of x0² + x1² at (3, 4) is (6, 8)"""
    x = np.array([3.0, 4.0])
    got = learner.module("numerical_diff").numerical_gradient(learner_function(learner, SUM_SQUARES), x)
    expect_close(got, reference.module("numerical_diff").numerical_gradient(local_function(SUM_SQUARES), x.copy()),
                 call="numerical_gradient(f, x)", inputs={"f": SUM_SQUARES, "x": x},
                 diagnose=lambda g: difference_diagnosis(g, 2 * x, H))


@check("numerical_gradient.matrix", 1, ja="numerical_gradient: 2 次元配列 (形状を保つ)",
       hint=tr("loop over every index of x (np.nditer or np.ndindex) and return an array of x's shape",
               "x のすべての要素を (np.nditer や np.ndindex で) 回り、x と同じ形状の配列を返します"))
def test_numerical_gradient_matrix(learner, reference):
    """numerical_gradient works on a 2-D array and returns its shape"""
    x = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]])
    got = learner.module("numerical_diff").numerical_gradient(learner_function(learner, SUM_SQUARES), x)
    expect_close(got, reference.module("numerical_diff").numerical_gradient(local_function(SUM_SQUARES), x.copy()),
                 call="numerical_gradient(f, x)", inputs={"f": SUM_SQUARES, "x": x},
                 diagnose=lambda g: difference_diagnosis(g, 2 * x, H))


@check("numerical_gradient.restores_x", 1, ja="numerical_gradient: 終了後の x が元の値のまま",
       hint=tr("save x[idx] before changing it and write the saved value back after computing f(x+h) and f(x−h)",
               "x[idx] を変える前に保存し、f(x+h) と f(x−h) を計算した後に元の値へ戻します"))
def test_numerical_gradient_restores_x(learner):
    """numerical_gradient leaves x holding its original values"""
    original = np.array([3.0, 4.0, -0.1])
    x = learner.new(original.copy())
    learner.module("numerical_diff").numerical_gradient(learner_function(learner, SUM_SQUARES), x)
    after = x.get()
    cmp = compare(after, original, rtol=1e-12, atol=1e-15)
    if not cmp.close:
        raise CheckFailure(tr("x was left changed after numerical_gradient returned",
                              "numerical_gradient の実行後、x が元の値に戻っていません"),
                           call="numerical_gradient(f, x)", inputs={"f": SUM_SQUARES}, expected=original,
                           got=after, error=cmp.summary(), diagnosis="x-not-restored")


@check("numerical_gradient.reads_x", 1, ja="numerical_gradient: f が x を直接読む場合 (lambda w: net.loss(x, t))",
       hint=tr("change the elements of x itself (x[idx] = tmp + h), not of a copy: f may ignore its argument "
               "and read x directly, as in the book's lambda w: net.loss(x, t)",
               "コピーではなく x 自身の要素を書き換えます (x[idx] = tmp + h)。本の lambda w: net.loss(x, t) のように、"
               "f は引数を使わずに x を直接読むことがあります"))
def test_numerical_gradient_reads_x(learner, reference):
    """numerical_gradient works for an f that ignores its argument and reads x (the book's idiom)"""
    source = "lambda w: float(np.sum(x ** 2))"
    start = np.array([1.0, -2.0, 0.5])
    x = learner.new(start.copy())
    module = learner.module("numerical_diff")
    got = module.numerical_gradient(learner_function(learner, source, x=x), x)
    x_here = start.copy()
    expected = reference.module("numerical_diff").numerical_gradient(local_function(source, x=x_here), x_here)

    def diagnose(g):
        if np.any(g) or not np.any(expected):
            return difference_diagnosis(g, 2 * start, H)
        # All zeros: either f never saw a change (a copy was perturbed) or the step vanished (x + h == x).
        plain = module.numerical_gradient(learner_function(learner, SUM_SQUARES), start)
        return "h-too-small" if not np.any(plain) else "gradient-perturbs-copy"

    expect_close(got, expected, call="numerical_gradient(lambda w: np.sum(x ** 2), x)", inputs={"x": start},
                 diagnose=diagnose)


@check("gradient_descent.steps", 1, ja="gradient_descent: (−3, 4) から lr=0.1 で 20 ステップ",
       hint=tr("repeat step_num times: x -= lr * numerical_gradient(f, x); use the lr and step_num you are given",
               "step_num 回 x -= lr * numerical_gradient(f, x) を繰り返します。与えられた lr と step_num を使います"))
def test_gradient_descent(learner, reference):
    """gradient_descent from (−3, 4) with lr=0.1 for 20 steps"""
    init = np.array([-3.0, 4.0])
    got = learner.module("numerical_diff").gradient_descent(learner_function(learner, SUM_SQUARES), init,
                                                            lr=0.1, step_num=20)
    ref = reference.module("numerical_diff")
    f_here = local_function(SUM_SQUARES)
    expect_close(got, ref.gradient_descent(f_here, init.copy(), lr=0.1, step_num=20), rtol=1e-6,
                 call="gradient_descent(f, init_x, lr=0.1, step_num=20)", inputs={"f": SUM_SQUARES, "init_x": init},
                 diagnose=lambda g: "gd-ignores-lr" if np.allclose(
                     g, ref.gradient_descent(f_here, init.copy(), step_num=20), rtol=1e-6) else None)

