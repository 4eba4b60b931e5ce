"""Exercise 6 public checks: each optimizer's parameter changes over three steps, in-place updates, and a
short minimisation of f(x, y) = x²/20 + y²."""
import numpy as np

from course.checks import CheckFailure, check, tr
from course.checks.cases import cases
from exercise6.helpers import check_steps, problem, steps_cases

RNG_SEED = 6
SHAPES = {"W": (2, 3), "b": (3,)}
# Every optimizer's check starts from the same params and gradients (one generator, drawn once).
THREE_STEPS = problem(np.random.default_rng(RNG_SEED), SHAPES)
HINTS = {
    "SGD": tr("params[key] -= lr * grads[key]", "params[key] -= lr * grads[key]"),
    "Momentum": tr("v = momentum*v - lr*g; p += v, with one v per key kept across calls",
                   "v = momentum*v - lr*g; p += v (v はキーごとに持ち、呼び出しをまたいで保持)"),
    "Nesterov": tr("p += m*m*v; p -= (1+m)*lr*g; v = m*v - lr*g (v per key, kept across calls)",
                   "p += m*m*v; p -= (1+m)*lr*g; v = m*v - lr*g (v はキーごとに保持)"),
    "AdaGrad": tr("h += g*g; p -= lr*g / (sqrt(h) + 1e-7)", "h += g*g; p -= lr*g / (sqrt(h) + 1e-7)"),
    "RMSprop": tr("h = decay_rate*h + (1-decay_rate)*g*g; p -= lr*g / (sqrt(h) + 1e-7)",
                  "h = decay_rate*h + (1-decay_rate)*g*g; p -= lr*g / (sqrt(h) + 1e-7)"),
    "Adam": tr("t += 1 first; lr_t = lr*sqrt(1-beta2**t)/(1-beta1**t); m += (1-beta1)*(g-m); "
               "v += (1-beta2)*(g*g-v); p -= lr_t*m/(sqrt(v) + 1e-7)",
               "まず t += 1。lr_t = lr*sqrt(1-beta2**t)/(1-beta1**t); m += (1-beta1)*(g-m); "
               "v += (1-beta2)*(g*g-v); p -= lr_t*m/(sqrt(v) + 1e-7)"),
}


def three_steps(name):
    """The cases of optimizer ``name``'s check: THREE_STEPS with its default hyperparameters."""
    return cases(**steps_cases(name, {}, *THREE_STEPS))


@check("sgd.steps", 1, ja="SGD: 3 ステップ後のパラメータ", hint=HINTS["SGD"])
@three_steps("SGD")
def test_sgd_steps(learner, expected):
    """SGD with its default learning rate moves W and b like the reference over three steps"""
    check_steps(learner, expected, "SGD", {}, *THREE_STEPS)


@check("momentum.steps", 1, ja="Momentum: 3 ステップ後のパラメータ", hint=HINTS["Momentum"])
@three_steps("Momentum")
def test_momentum_steps(learner, expected):
    """Momentum with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "Momentum", {}, *THREE_STEPS)


@check("nesterov.steps", 1, ja="Nesterov: 3 ステップ後のパラメータ", hint=HINTS["Nesterov"])
@three_steps("Nesterov")
def test_nesterov_steps(learner, expected):
    """Nesterov with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "Nesterov", {}, *THREE_STEPS)


@check("adagrad.steps", 1, ja="AdaGrad: 3 ステップ後のパラメータ", hint=HINTS["AdaGrad"])
@three_steps("AdaGrad")
def test_adagrad_steps(learner, expected):
    """AdaGrad with its default learning rate moves W and b like the reference over three steps"""
    check_steps(learner, expected, "AdaGrad", {}, *THREE_STEPS)


@check("rmsprop.steps", 1, ja="RMSprop: 3 ステップ後のパラメータ", hint=HINTS["RMSprop"])
@three_steps("RMSprop")
def test_rmsprop_steps(learner, expected):
    """RMSprop with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "RMSprop", {}, *THREE_STEPS)


@check("adam.steps", 2, ja="Adam: 3 ステップ後のパラメータ", hint=HINTS["Adam"])
@three_steps("Adam")
def test_adam_steps(learner, expected):
    """Adam with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "Adam", {}, *THREE_STEPS)


# lr per optimizer as in DLFS's comparison on this function; 60 steps reach f < 0.05 from (−7, 2).
MINIMISE = {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.1, "Adam": 0.3}


@check("optimizers.minimise", 1, ja="最適化: f(x, y) = x²/20 + y² の最小化",
       hint=tr("each update must move params against the gradient, in place",
               "各 update はパラメータを勾配の逆方向に、その場で動かします"))
def test_minimise(learner):
    """Every optimizer brings f(x, y) = x²/20 + y² from (−7, 2) close to its minimum at (0, 0) in 60 steps"""
    module = learner.module("optimizers")
    for name, lr in MINIMISE.items():
        opt = getattr(module, name)(lr=lr)
        params = learner.new({"xy": np.array([-7.0, 2.0])})
        for _ in range(60):
            x, y = params.get()["xy"]
            opt.update(params, {"xy": np.array([x / 10.0, 2.0 * y])})
        x, y = params.get()["xy"]
        f = x ** 2 / 20 + y ** 2
        if not f < 0.05:
            raise CheckFailure(tr(f"{name}(lr={lr}) did not get close to the minimum of x²/20 + y² in 60 steps",
                                  f"{name}(lr={lr}) が 60 ステップで x²/20 + y² の最小値に近づきません"),
                               call=f"{name}(lr={lr}).update(params, grads) ×60 from (x, y) = (-7, 2)",
                               expected="f(x, y) < 0.05", got=f"(x, y) = ({x:.4g}, {y:.4g}), f = {f:.4g}")
