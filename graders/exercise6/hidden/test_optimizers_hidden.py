"""Exercise 6 hidden checks: tiny gradients (where ε sits), state per key and across calls, hyperparameters."""
import numpy as np

from course.checks import check, tr

RNG_SEED = 66


@check("optimizers.tiny_gradients", 2, hidden=True, ja="AdaGrad/RMSprop/Adam: 小さな勾配 (1e-4) での更新",
       hint=tr("add 1e-7 outside the square root: g / (np.sqrt(h) + 1e-7)",
               "1e-7 は平方根の外に足します: g / (np.sqrt(h) + 1e-7)"))
def test_tiny_gradients(learner, reference, ex6):
    """AdaGrad, RMSprop and Adam put ε outside the square root (visible with gradients of 1e-4)"""
    rng = np.random.default_rng(RNG_SEED)
    params0, grads = ex6.problem(rng, {"W": (2, 2), "b": (2,)}, grad_scale=1e-4)
    for name in ("AdaGrad", "RMSprop", "Adam"):
        ex6.check_steps(learner, reference, name, {}, params0, grads)


@check("optimizers.state_per_key", 1, hidden=True, ja="最適化: 状態をキーごとに持つ",
       hint=tr("keep a dict of states keyed like params (self.v[key]), created on first use",
               "params と同じキーの dict で状態を持ちます (self.v[key])"))
def test_state_per_key(learner, reference, ex6):
    """Stateful optimizers keep one state per parameter, even when two parameters have the same shape"""
    rng = np.random.default_rng(RNG_SEED + 1)
    params0, grads = ex6.problem(rng, {"W1": (2, 2), "W2": (2, 2)})
    for name in ex6.STATEFUL:
        ex6.check_steps(learner, reference, name, {}, params0, grads)


@check("optimizers.state_across_calls", 1, hidden=True, ja="最適化: 状態を呼び出しをまたいで保持",
       hint=tr("create the state once (in __init__ or on the first call), never at the start of every update",
               "状態は一度だけ (__init__ か最初の呼び出しで) 作り、update のたびに作り直しません"))
def test_state_across_calls(learner, reference, ex6):
    """Stateful optimizers carry their state over five calls"""
    rng = np.random.default_rng(RNG_SEED + 2)
    params0, grads = ex6.problem(rng, {"w": (4,)}, steps=5)
    for name in ex6.STATEFUL:
        ex6.check_steps(learner, reference, name, {}, params0, grads)


@check("optimizers.hyperparameters", 1, hidden=True, ja="最適化: 既定以外のハイパーパラメータ",
       hint=tr("use the constructor's arguments (lr, momentum, decay_rate, beta1, beta2), not fixed numbers",
               "コンストラクタの引数 (lr, momentum, decay_rate, beta1, beta2) を使い、数値を直書きしません"))
def test_hyperparameters(learner, reference, ex6):
    """Every optimizer uses the hyperparameters it was given"""
    rng = np.random.default_rng(RNG_SEED + 3)
    params0, grads = ex6.problem(rng, {"W": (3, 2)})
    for name, kwargs in (("SGD", {"lr": 0.2}), ("Momentum", {"lr": 0.05, "momentum": 0.5}),
                         ("Nesterov", {"lr": 0.05, "momentum": 0.5}), ("AdaGrad", {"lr": 0.3}),
                         ("RMSprop", {"lr": 0.05, "decay_rate": 0.9}),
                         ("Adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99})):
        ex6.check_steps(learner, reference, name, kwargs, params0, grads)
