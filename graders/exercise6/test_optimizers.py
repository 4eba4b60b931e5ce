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


@check("sgd.steps", 1, ja="SGD: 3 ステップ後のパラメータ",
       hint=[tr("SGD moves each parameter a little against its gradient, in place.",
                "SGD は各パラメータを勾配と逆向きに少し、その場で動かします。"),
             tr("W ← W − η ∂L/∂W for every key of params, with η = lr; change the arrays in the dict, do not "
                "return new ones.",
                "params のすべてのキーについて W ← W − η ∂L/∂W (η = lr)。辞書の配列を書き換え、新しい配列を返しません。"),
             HINTS["SGD"]])
@three_steps("SGD")
def test_sgd_steps(learner, expected):
    """SGD with its default learning rate moves W and b like the reference over three steps"""
    check_steps(learner, expected, "SGD", {}, *THREE_STEPS)


@check("momentum.steps", 1, ja="Momentum: 3 ステップ後のパラメータ",
       hint=[tr("Momentum remembers a velocity between calls, one per parameter.",
                "Momentum は呼び出しの間で速度を覚えます。パラメータごとに一つです。"),
             tr("v ← αv − η ∂L/∂W, then W ← W + v; α = momentum, v starts at zeros shaped like W.",
                "v ← αv − η ∂L/∂W、その後 W ← W + v。α = momentum、v は W と同じ形状の 0 から始めます。"),
             HINTS["Momentum"]])
@three_steps("Momentum")
def test_momentum_steps(learner, expected):
    """Momentum with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "Momentum", {}, *THREE_STEPS)


@check("nesterov.steps", 1, ja="Nesterov: 3 ステップ後のパラメータ",
       hint=[tr("Nesterov looks ahead: it uses the velocity before it is updated.",
                "Nesterov は先読みします: 更新前の速度を使います。"),
             tr("With α = momentum: W ← W + α²v − (1 + α)η∂L/∂W, then v ← αv − η∂L/∂W (one v per key, kept across "
                "calls).",
                "α = momentum として W ← W + α²v − (1 + α)η∂L/∂W、その後 v ← αv − η∂L/∂W (キーごとに v を持ち、呼び出し間で保持)。"),
             HINTS["Nesterov"]])
@three_steps("Nesterov")
def test_nesterov_steps(learner, expected):
    """Nesterov with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "Nesterov", {}, *THREE_STEPS)


@check("adagrad.steps", 1, ja="AdaGrad: 3 ステップ後のパラメータ",
       hint=[tr("AdaGrad slows down the parameters that have already moved a lot.",
                "AdaGrad は、すでに大きく動いたパラメータほど遅くします。"),
             tr("h ← h + (∂L/∂W)², W ← W − η ∂L/∂W / (√h + ε) with ε = 1e-7; h is kept per key across calls.",
                "h ← h + (∂L/∂W)²、W ← W − η ∂L/∂W / (√h + ε)、ε = 1e-7。h はキーごとに呼び出し間で保持します。"),
             HINTS["AdaGrad"]])
@three_steps("AdaGrad")
def test_adagrad_steps(learner, expected):
    """AdaGrad with its default learning rate moves W and b like the reference over three steps"""
    check_steps(learner, expected, "AdaGrad", {}, *THREE_STEPS)


@check("rmsprop.steps", 1, ja="RMSprop: 3 ステップ後のパラメータ",
       hint=[tr("RMSprop is AdaGrad that forgets old gradients.",
                "RMSprop は古い勾配を忘れる AdaGrad です。"),
             tr("h ← ρh + (1 − ρ)(∂L/∂W)² with ρ = decay_rate, then W ← W − η ∂L/∂W / (√h + ε).",
                "h ← ρh + (1 − ρ)(∂L/∂W)² (ρ = decay_rate)、その後 W ← W − η ∂L/∂W / (√h + ε)。"),
             HINTS["RMSprop"]])
@three_steps("RMSprop")
def test_rmsprop_steps(learner, expected):
    """RMSprop with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "RMSprop", {}, *THREE_STEPS)


@check("adam.steps", 2, ja="Adam: 3 ステップ後のパラメータ",
       hint=[tr("Adam keeps two running averages per parameter and corrects their start-up bias.",
                "Adam はパラメータごとに 2 つの移動平均を持ち、始めの偏りを補正します。"),
             tr("m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², step counter t starting at 1, W ← W − η·√(1 − β₂ᵗ)/(1 "
                "− β₁ᵗ)·m / (√v + ε).",
                "m ← β₁m + (1 − β₁)g、v ← β₂v + (1 − β₂)g²、ステップ数 t は 1 から。W ← W − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m / (√v + "
                "ε)。"),
             HINTS["Adam"]])
@three_steps("Adam")
def test_adam_steps(learner, expected):
    """Adam with its defaults moves W and b like the reference over three steps"""
    check_steps(learner, expected, "Adam", {}, *THREE_STEPS)


# lr per optimizer as in DLFS's comparison on this function; 60 steps reach f < 0.05 from (−7, 2).
MINIMISE = {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.1, "Adam": 0.3}


@check("optimizers.minimise", 1, ja="最適化: f(x, y) = x²/20 + y² の最小化",
       hint=[tr("If an optimizer passes its three-step check but fails here, look at what it changes: the "
                "caller's arrays?",
                "3 ステップのチェックは通るのにここで失敗するなら、何を変えているかを見ます: 呼び出し側の配列ですか?"),
             tr("Each update must move the parameters downhill, against the gradient, by writing into the arrays "
                "of params (−=, +=, or [...] =).",
                "各更新は params の配列に書き込んで (−=, +=, [...] =)、勾配と逆向きに坂を下る必要があります。"),
             tr("each update must move params against the gradient, in place",
                "各 update はパラメータを勾配の逆方向に、その場で動かします")])
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
                               call=tr(f"{name}(lr={lr}).update(params, grads) ×60 from (x, y) = (-7, 2)",
                                       f"(x, y) = (-7, 2) から {name}(lr={lr}).update(params, grads) ×60"),
                               expected="f(x, y) < 0.05", got=f"(x, y) = ({x:.4g}, {y:.4g}), f = {f:.4g}")
