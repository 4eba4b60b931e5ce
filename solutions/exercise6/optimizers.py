"""演習 6: 最適化手法 / Exercise 6: optimizers.

Every optimizer updates ``params`` (a dict of arrays) in place from ``grads`` (same keys), keeping its
state (velocities, squared-gradient sums, moments) per key across calls, as DLFS ``common/optimizer.py``.
"""
import numpy as np

EPS = 1e-7  # keeps the division finite when the accumulated squared gradient is 0


def _scaled_step(params, key, lr, g, h):
    """p ← p − lr·g / (√h + ε), in place: the step AdaGrad and RMSprop share."""
    params[key] -= lr * g / (np.sqrt(h) + EPS)


def _slot(state, key, like):
    """The state array for ``key``, created as zeros shaped like ``like`` on first use."""
    if key not in state:
        state[key] = np.zeros_like(like, dtype=np.float64)
    return state[key]


class SGD:
    """確率的勾配降下法 p ← p − lr·g。 / Stochastic gradient descent: p ← p − lr·g."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """v ← m·v − lr·g; p ← p + v。 / Momentum: v ← m·v − lr·g; p ← p + v."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = {}

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        for key in params:
            v = _slot(self.v, key, params[key])
            v *= self.momentum
            v -= self.lr * grads[key]
            params[key] += v


class Nesterov:
    """Nesterov の加速勾配法 (DLFS の形)。 / Nesterov's accelerated gradient, in the DLFS form."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = {}

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        m = self.momentum
        for key in params:
            v = _slot(self.v, key, params[key])
            params[key] += m * m * v
            params[key] -= (1 + m) * self.lr * grads[key]
            v *= m
            v -= self.lr * grads[key]


class AdaGrad:
    """h ← h + g²; p ← p − lr·g / (√h + ε)。 / AdaGrad: h ← h + g²; p ← p − lr·g / (√h + ε)."""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = {}

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        for key in params:
            h = _slot(self.h, key, params[key])
            h += grads[key] * grads[key]
            _scaled_step(params, key, self.lr, grads[key], h)


class RMSprop:
    """h ← ρ·h + (1−ρ)·g²; p ← p − lr·g / (√h + ε)。 / RMSprop with decay rate ρ."""

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate = lr, decay_rate
        self.h = {}

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        for key in params:
            h = _slot(self.h, key, params[key])
            h *= self.decay_rate
            h += (1 - self.decay_rate) * grads[key] * grads[key]
            _scaled_step(params, key, self.lr, grads[key], h)


class Adam:
    """Adam (DLFS のバイアス補正付き lr_t の形)。 / Adam in the DLFS bias-corrected ``lr_t`` form."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        """params をその場で更新する (t は呼び出しごとに 1 増える)。 / Update params in place; t counts calls."""
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        for key in params:
            g = grads[key]
            m = _slot(self.m, key, params[key])
            v = _slot(self.v, key, params[key])
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            params[key] -= lr_t * m / (np.sqrt(v) + EPS)
