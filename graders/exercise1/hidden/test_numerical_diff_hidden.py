"""Exercise 1 hidden checks: x = 0 exactly, a non-polynomial f, a non-separable f, default arguments."""
import numpy as np

from course.checks import check, expect_close, tr
# pytest imports graders by their path under graders/ (--import-mode=importlib), so the public module's
# helpers are importable here by that name.
from exercise1.test_numerical_diff import (DESCENT_RTOL, H, difference_diagnosis, learner_function, local_function,
                                           step_vanishes)

LOG_SUM_EXP = "lambda x: float(np.log(np.sum(np.exp(x))))"


@check("numerical_diff.at_zero", 1, hidden=True, ja="numerical_diff: x² の x = 0 での微分は 0",
       hint=tr("a central difference of x² at 0 is exactly 0; a forward difference gives h",
               "x² の 0 での中心差分はちょうど 0 です。前進差分だと h になります"))
def test_numerical_diff_at_zero(learner, reference):
    """numerical_diff of x² at exactly 0 is 0"""
    source = "lambda x: x ** 2"
    expect_close(learner.module("numerical_diff").numerical_diff(learner_function(learner, source), 0.0),
                 reference.module("numerical_diff").numerical_diff(local_function(source), 0.0),
                 call="numerical_diff(f, 0.0)", inputs={"f": source},
                 diagnose=lambda g: difference_diagnosis(g, 0.0, H))


@check("numerical_diff.exp", 1, hidden=True, ja="numerical_diff: exp(x) の x = 1 での微分",
       hint=tr("(f(x+h) − f(x−h)) / (2h) with h = 1e-4", "(f(x+h) − f(x−h)) / (2h)、h = 1e-4"))
def test_numerical_diff_exp(learner, reference):
    """numerical_diff of exp at 1 is e"""
    got = learner.module("numerical_diff").numerical_diff(learner.module("numpy").exp, 1.0)
    expect_close(got, reference.module("numerical_diff").numerical_diff(np.exp, 1.0),
                 call="numerical_diff(np.exp, 1.0)",
                 diagnose=lambda g: difference_diagnosis(g, np.e, H * np.e / 2, lambda: step_vanishes(learner)))


@check("numerical_gradient.non_separable", 1, hidden=True, ja="numerical_gradient: log Σ exp(x) (3×2 配列)",
       hint=tr("perturb one element at a time and put it back before the next one",
               "要素を 1 つずつ動かし、次の要素に進む前に元へ戻します"))
def test_numerical_gradient_non_separable(learner, reference):
    """numerical_gradient of log Σ exp(x) on a 3×2 array (every element affects every partial derivative)"""
    x = np.array([[0.2, -1.0], [1.5, 0.0], [-0.3, 0.7]])
    got = learner.module("numerical_diff").numerical_gradient(learner_function(learner, LOG_SUM_EXP), x)
    expect_close(got, reference.module("numerical_diff").numerical_gradient(local_function(LOG_SUM_EXP), x.copy()),
                 call="numerical_gradient(f, x)", inputs={"f": LOG_SUM_EXP, "x": x},
                 diagnose=lambda g: "h-too-small" if not np.any(g) and step_vanishes(learner, gradient=True) else None)


@check("gradient_descent.defaults", 1, hidden=True, ja="gradient_descent: 既定値 lr=0.01, step_num=100",
       hint=tr("the defaults are lr=0.01 and step_num=100", "既定値は lr=0.01, step_num=100 です"))
def test_gradient_descent_defaults(learner, reference):
    """gradient_descent with its default lr=0.01 and step_num=100"""
    source = "lambda x: float(np.sum(x ** 2))"
    init = np.array([[-3.0, 4.0], [1.0, 0.5]])
    got = learner.module("numerical_diff").gradient_descent(learner_function(learner, source), init)
    expect_close(got, reference.module("numerical_diff").gradient_descent(local_function(source), init.copy()),
                 rtol=DESCENT_RTOL, call="gradient_descent(f, init_x)", inputs={"f": source, "init_x": init})
