"""Exercise 6 hidden checks: tiny gradients (where ε sits), state per key and across calls, hyperparameters."""
import numpy as np

from course.checks import check, tr
from course.checks.cases import cases
from exercise6.helpers import STATEFUL, check_steps, problem, steps_cases

RNG_SEED = 66
TINY = problem(np.random.default_rng(RNG_SEED), {"W": (2, 2), "b": (2,)}, grad_scale=1e-4)
SAME_SHAPES = problem(np.random.default_rng(RNG_SEED + 1), {"W1": (2, 2), "W2": (2, 2)})
FIVE_CALLS = problem(np.random.default_rng(RNG_SEED + 2), {"w": (4,)}, steps=5)
OTHER = problem(np.random.default_rng(RNG_SEED + 3), {"W": (3, 2)})
TINY_NAMES = ("AdaGrad", "RMSprop", "Adam")
HYPERPARAMETERS = (("SGD", {"lr": 0.2}), ("Momentum", {"lr": 0.05, "momentum": 0.5}),
                   ("Nesterov", {"lr": 0.05, "momentum": 0.5}), ("AdaGrad", {"lr": 0.3}),
                   ("RMSprop", {"lr": 0.05, "decay_rate": 0.9}), ("Adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99}))


def each(names_kwargs, problem_):
    """The cases of several optimizers on one problem, each optimizer's prefixed by its name."""
    return cases(**{k: v for name, kwargs in names_kwargs
                    for k, v in steps_cases(name, kwargs, *problem_, prefix=f"{name}.").items()})


@check("optimizers.tiny_gradients", 2, hidden=True, ja="AdaGrad/RMSprop/Adam: 小さな勾配 (1e-4) での更新",
       hint=tr("add 1e-7 outside the square root: g / (np.sqrt(h) + 1e-7)",
               "1e-7 は平方根の外に足します: g / (np.sqrt(h) + 1e-7)"))
@each([(name, {}) for name in TINY_NAMES], TINY)
def test_tiny_gradients(learner, expected):
    """AdaGrad, RMSprop and Adam put ε outside the square root (visible with gradients of 1e-4)"""
    for name in TINY_NAMES:
        check_steps(learner, expected, name, {}, *TINY, prefix=f"{name}.")


@check("optimizers.state_per_key", 1, hidden=True, ja="最適化: 状態をキーごとに持つ",
       hint=tr("keep a dict of states keyed like params (self.v[key]), created on first use",
               "params と同じキーの dict で状態を持ちます (self.v[key])"))
@each([(name, {}) for name in STATEFUL], SAME_SHAPES)
def test_state_per_key(learner, expected):
    """Stateful optimizers keep one state per parameter, even when two parameters have the same shape"""
    for name in STATEFUL:
        check_steps(learner, expected, name, {}, *SAME_SHAPES, prefix=f"{name}.")


@check("optimizers.state_across_calls", 1, hidden=True, ja="最適化: 状態を呼び出しをまたいで保持",
       hint=tr("create the state once (in __init__ or on the first call), never at the start of every update",
               "状態は一度だけ (__init__ か最初の呼び出しで) 作り、update のたびに作り直しません"))
@each([(name, {}) for name in STATEFUL], FIVE_CALLS)
def test_state_across_calls(learner, expected):
    """Stateful optimizers carry their state over five calls"""
    for name in STATEFUL:
        check_steps(learner, expected, name, {}, *FIVE_CALLS, prefix=f"{name}.")


@check("optimizers.hyperparameters", 1, hidden=True, ja="最適化: 既定以外のハイパーパラメータ",
       hint=tr("use the constructor's arguments (lr, momentum, decay_rate, beta1, beta2), not fixed numbers",
               "コンストラクタの引数 (lr, momentum, decay_rate, beta1, beta2) を使い、数値を直書きしません"))
@each(HYPERPARAMETERS, OTHER)
def test_hyperparameters(learner, expected):
    """Every optimizer uses the hyperparameters it was given"""
    for name, kwargs in HYPERPARAMETERS:
        check_steps(learner, expected, name, kwargs, *OTHER, prefix=f"{name}.")
