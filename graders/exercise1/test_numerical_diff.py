"""Exercise 1 public checks: central differences, gradients of arrays, x left as it was, gradient descent.

The functions being differentiated are built in the learner's process (learner code calls them there) and,
from the same source, here for the reference.
"""
import numpy as np

from course.checks import CheckFailure, check, compare, constant_ratio, expect_close, tr
from course.checks.cases import cases, which_mistake

H = 1e-4
# Tolerances. A forward (backward) difference is off by +h·f''/2 (−h·f''/2) only to first order in h.
SIGNATURE_RTOL, SIGNATURE_ATOL = 0.05, 1e-12
# A constant ratio that names a slip (h² for "(a − b) / 2 * h") is exact up to the differences' round-off.
RATIO_RTOL = 1e-4
# x is written back from a saved copy: only the last bits may differ (x[i] + h − h).
RESTORED_RTOL, RESTORED_ATOL = 1e-12, 1e-15
# Twenty steps along a numerical gradient: the learner's differences may round differently at each step.
DESCENT_RTOL = 1e-6
SUM_SQUARES = "lambda x: float(np.sum(x ** 2))"
BOOK = "lambda x: 0.01 * x ** 2 + 0.1 * x"
X_VECTOR = np.array([3.0, 4.0])
X_MATRIX = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]])
READS_X = "lambda w: float(np.sum(x ** 2))"
X_READ = np.array([1.0, -2.0, 0.5])
INIT_X = np.array([-3.0, 4.0])
# The derivative of x at 0 is 1 for any step that moves x at all: there a vanishing step (1e-50) still works.
PROBE_AT_ZERO = "lambda x: float(np.sum(x))"
HINT_CENTRAL = tr("use the central difference (f(x+h) − f(x−h)) / (2h) with h = 1e-4",
                  "中心差分 (f(x+h) − f(x−h)) / (2h) を h = 1e-4 で使います")


def learner_function(learner, source, **names):
    """The lambda ``source`` (which may use ``np`` and ``names``) made in the learner's process."""
    return learner.module("builtins").eval(source, {"np": learner.module("numpy"), **names})


def local_function(source, **names):
    """The same lambda made here, for the reference."""
    return eval(source, {"np": np, **names})


def reference_gradient(ref, source, x, *, reads_x=False):
    """The reference's numerical_gradient of the lambda ``source`` at a copy of ``x`` (which ``source`` may
    read as ``x``, as in the book's ``lambda w: net.loss(x, t)``)."""
    x = x.copy()
    f = local_function(source, x=x) if reads_x else local_function(source)
    return ref.module("numerical_diff").numerical_gradient(f, x)


def step_vanishes(learner, gradient=False):
    """True when the learner's difference at 0 is right although it is 0 elsewhere: a step so small that
    x + h == x except at x = 0 (1e-50), rather than a result that is never computed or stored."""
    from course.sandbox.remote import LearnerError

    module = learner.module("numerical_diff")
    f = learner_function(learner, PROBE_AT_ZERO)
    try:
        got = module.numerical_gradient(f, np.zeros(1)) if gradient else module.numerical_diff(f, 0.0)
        return bool(np.allclose(np.asarray(got, dtype=np.float64), 1.0))
    except (LearnerError, TypeError, ValueError):
        return False


def difference_diagnosis(got, exact, half_h_f2, vanishes=None):
    """Name what the learner's difference computes, each confirmed by its own signature: a forward
    difference (off by +h·f''/2), a backward one (off by −h·f''/2), (a − b) / 2 * h (exactly h² times the
    derivative), or a step so small that x + h == x (all zeros, while ``vanishes()`` shows it works at 0)."""
    got, exact = np.asarray(got, dtype=np.float64), np.asarray(exact, dtype=np.float64)
    if not np.any(got) and np.any(exact):
        return "h-too-small" if vanishes is not None and vanishes() else None
    off = got - exact
    if np.allclose(off, half_h_f2, rtol=SIGNATURE_RTOL, atol=SIGNATURE_ATOL):
        return "forward-difference"
    if np.allclose(off, -np.asarray(half_h_f2), rtol=SIGNATURE_RTOL, atol=SIGNATURE_ATOL):
        return "backward-difference"
    ratio = constant_ratio(got, exact, rtol=RATIO_RTOL)
    return "h-precedence" if ratio is not None and np.isclose(ratio, H * H, rtol=RATIO_RTOL) else None


@check("numerical_diff.book", 1, ja="numerical_diff: 0.01x² + 0.1x の微分 (x = 5, 10)",
       hint=[tr("A derivative is a limit of (change in f) / (change in x); try a small h on both sides of x.",
                "微分は (f の変化) / (x の変化) の極限です。x の両側に小さな h を取ってみます。"),
             tr("The central difference f'(x) ≈ (f(x+h) − f(x−h)) / 2h is much more accurate than the forward "
                "one; h = 1e-4 avoids rounding error (1e-50 rounds to 0).",
                "中心差分 f'(x) ≈ (f(x+h) − f(x−h)) / 2h は前方差分よりずっと正確です。h = 1e-4 なら丸め誤差も出ません (1e-50 は 0 に丸められます)。"),
             HINT_CENTRAL])
@cases(**{f"x{x:g}": lambda ref, x=x: ref.module("numerical_diff").numerical_diff(local_function(BOOK), x)
           for x in (5.0, 10.0)})
def test_numerical_diff_book(learner, expected):
    """numerical_diff of 0.01x² + 0.1x at 5 and 10 (the book's example)"""
    f = learner_function(learner, BOOK)
    for x in (5.0, 10.0):
        expect_close(learner.module("numerical_diff").numerical_diff(f, x), expected[f"x{x:g}"],
                     call=f"numerical_diff(f, {x})", inputs={"f": BOOK},
                     diagnose=lambda got: difference_diagnosis(got, 0.02 * x + 0.1, H * 0.02 / 2,
                                                               lambda: step_vanishes(learner)))


@check("numerical_gradient.vector", 1, ja="numerical_gradient: x0² + x1² の勾配 (3, 4)",
       hint=[tr("The gradient is one partial derivative per element of x.",
                "勾配は x の要素ごとの偏微分を並べたものです。"),
             tr("For each i, change only x[i] by ±h, keep the other elements fixed, and take the central "
                "difference.",
                "各 i について x[i] だけを ±h ずらし、他の要素は固定して中心差分を取ります。"),
             HINT_CENTRAL])
@cases(at_3_4=lambda ref: reference_gradient(ref, SUM_SQUARES, X_VECTOR))
def test_numerical_gradient_vector(learner, expected):
    """numerical_gradient of x0² + x1² at (3, 4) is (6, 8)"""
    got = learner.module("numerical_diff").numerical_gradient(learner_function(learner, SUM_SQUARES), X_VECTOR)
    expect_close(got, expected["at_3_4"], call="numerical_gradient(f, x)", inputs={"f": SUM_SQUARES, "x": X_VECTOR},
                 diagnose=lambda g: difference_diagnosis(g, 2 * X_VECTOR, H, lambda: step_vanishes(learner, True)))


@check("numerical_gradient.matrix", 1, ja="numerical_gradient: 2 次元配列 (形状を保つ)",
       hint=[tr("The gradient has exactly the shape of x, whatever its number of dimensions.",
                "勾配は、何次元であっても x とまったく同じ形状です。"),
             tr("Visit every index of x (not only the first axis) and store each partial derivative at the same "
                "index.",
                "x のすべてのインデックス (最初の軸だけでなく) を回り、偏微分を同じ位置に格納します。"),
             tr("loop over every index of x (np.nditer or np.ndindex) and return an array of x's shape",
                "x のすべての要素を (np.nditer や np.ndindex で) 回り、x と同じ形状の配列を返します")])
@cases(two_by_three=lambda ref: reference_gradient(ref, SUM_SQUARES, X_MATRIX))
def test_numerical_gradient_matrix(learner, expected):
    """numerical_gradient works on a 2-D array and returns its shape"""
    got = learner.module("numerical_diff").numerical_gradient(learner_function(learner, SUM_SQUARES), X_MATRIX)
    expect_close(got, expected["two_by_three"], call="numerical_gradient(f, x)",
                 inputs={"f": SUM_SQUARES, "x": X_MATRIX},
                 diagnose=lambda g: difference_diagnosis(g, 2 * X_MATRIX, H, lambda: step_vanishes(learner, True)))


@check("numerical_gradient.restores_x", 1, ja="numerical_gradient: 終了後の x が元の値のまま",
       hint=[tr("What does x hold after your function returns?",
                "関数が終わったとき、x には何が入っていますか?"),
             tr("You change x[idx] in place to evaluate f(x+h) and f(x−h); the caller's x must hold its original "
                "values afterwards.",
                "f(x+h) と f(x−h) を求めるために x[idx] をその場で書き換えます。終わったら呼び出し側の x は元の値に戻っている必要があります。"),
             tr("save x[idx] before changing it and write the saved value back after computing f(x+h) and f(x−h)",
                "x[idx] を変える前に保存し、f(x+h) と f(x−h) を計算した後に元の値へ戻します")])
def test_numerical_gradient_restores_x(learner):
    """numerical_gradient leaves x holding its original values"""
    original = np.array([3.0, 4.0, -0.1])
    x = learner.new(original.copy())
    learner.module("numerical_diff").numerical_gradient(learner_function(learner, SUM_SQUARES), x)
    after = x.get()
    cmp = compare(after, original, rtol=RESTORED_RTOL, atol=RESTORED_ATOL)
    if not cmp.close:
        raise CheckFailure(tr("x was left changed after numerical_gradient returned",
                              "numerical_gradient の実行後、x が元の値に戻っていません"),
                           call="numerical_gradient(f, x)", inputs={"f": SUM_SQUARES}, expected=original,
                           got=after, error=cmp.summary(), diagnosis="x-not-restored")


@check("numerical_gradient.reads_x", 1, ja="numerical_gradient: f が x を直接読む場合 (lambda w: net.loss(x, t))",
       hint=[tr("f may not use its argument at all: it may read the array x from outside.",
                "f は引数を使わないかもしれません。外側の配列 x を直接読むことがあります。"),
             tr("So move x itself: write into the elements of the very array you were given, not into a copy.",
                "ですから x 自身を動かします。コピーではなく、渡された配列そのものの要素を書き換えます。"),
             tr("change the elements of x itself (x[idx] = tmp + h), not of a copy: f may ignore its argument and "
                "read x directly, as in the book's lambda w: net.loss(x, t)",
                "コピーではなく x 自身の要素を書き換えます (x[idx] = tmp + h)。本の lambda w: net.loss(x, t) のように、f は引数を使わずに x "
                "を直接読むことがあります")])
@cases(reads_x=lambda ref: reference_gradient(ref, READS_X, X_READ, reads_x=True))
def test_numerical_gradient_reads_x(learner, expected):
    """numerical_gradient works for an f that ignores its argument and reads x (the book's idiom)"""
    x = learner.new(X_READ.copy())
    module = learner.module("numerical_diff")
    got = module.numerical_gradient(learner_function(learner, READS_X, x=x), x)
    want = expected["reads_x"]

    def diagnose(g):
        if np.any(g) or not np.any(want):
            return difference_diagnosis(g, 2 * X_READ, H)
        # All zeros: either f never saw a change (a copy was perturbed) or the step vanished (x + h == x).
        plain = module.numerical_gradient(learner_function(learner, SUM_SQUARES), X_READ)
        if np.any(plain):
            return "gradient-perturbs-copy"
        return "h-too-small" if step_vanishes(learner, gradient=True) else None

    expect_close(got, want, call="numerical_gradient(lambda w: np.sum(x ** 2), x)", inputs={"x": X_READ},
                 diagnose=diagnose)


@check("gradient_descent.steps", 1, ja="gradient_descent: (−3, 4) から lr=0.1 で 20 ステップ",
       hint=[tr("Gradient descent walks downhill: a small step against the gradient, many times.",
                "勾配降下法は坂を下ります: 勾配と逆向きに小さく一歩、を何度も。"),
             tr("x ← x − η ∇f(x), repeated step_num times with the η = lr you are given; it returns the final x.",
                "x ← x − η ∇f(x) を与えられた η = lr で step_num 回繰り返し、最後の x を返します。"),
             tr("repeat step_num times: x -= lr * numerical_gradient(f, x); use the lr and step_num you are given",
                "step_num 回 x -= lr * numerical_gradient(f, x) を繰り返します。与えられた lr と step_num を使います")])
@cases(lr_0_1=lambda ref: ref.module("numerical_diff").gradient_descent(
           local_function(SUM_SQUARES), INIT_X.copy(), lr=0.1, step_num=20),
       ignores_lr=lambda ref: ref.module("numerical_diff").gradient_descent(
           local_function(SUM_SQUARES), INIT_X.copy(), step_num=20),
       **{f"steps_{n}": lambda ref, n=n: ref.module("numerical_diff").gradient_descent(
           local_function(SUM_SQUARES), INIT_X.copy(), lr=0.1, step_num=n) for n in (19, 21)})
def test_gradient_descent(learner, expected):
    """gradient_descent from (−3, 4) with lr=0.1 for 20 steps"""
    got = learner.module("numerical_diff").gradient_descent(learner_function(learner, SUM_SQUARES), INIT_X,
                                                            lr=0.1, step_num=20)
    expect_close(got, expected["lr_0_1"], rtol=DESCENT_RTOL,
                 call="gradient_descent(f, init_x, lr=0.1, step_num=20)",
                 inputs={"f": SUM_SQUARES, "init_x": INIT_X},
                 diagnose=lambda g: which_mistake(g, {"gd-ignores-lr": expected["ignores_lr"]}, rtol=DESCENT_RTOL) or (
                     "off-by-one-step" if any(which_mistake(g, {True: expected[f"steps_{n}"]}, rtol=DESCENT_RTOL)
                                              for n in (19, 21)) else None))

