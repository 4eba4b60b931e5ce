"""演習 6: 最適化手法 / Exercise 6: optimizers.

README.md の式に従って、各メソッドの ``raise NotImplementedError`` を実装に置き換えてください。
Implement each method following the formulas in README.md (replace ``raise NotImplementedError``).
``update(params, grads)`` updates the arrays of ``params`` IN PLACE and keeps the state per key across calls.
Check your work with:  course check exercise6
"""
import numpy as np


class SGD:
    """確率的勾配降下法 p ← p − lr·g。 / Stochastic gradient descent: p ← p − lr·g."""

    def __init__(self, lr=0.01):
        """ハイパーパラメータを保存し、状態を用意する。 / Keep the hyperparameters; prepare the state."""
        # TODO
        raise NotImplementedError

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        # TODO
        raise NotImplementedError


class Momentum:
    """v ← m·v − lr·g; p ← p + v。 / Momentum: v ← m·v − lr·g; p ← p + v."""

    def __init__(self, lr=0.01, momentum=0.9):
        """ハイパーパラメータを保存し、状態を用意する。 / Keep the hyperparameters; prepare the state."""
        # TODO
        raise NotImplementedError

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        # TODO
        raise NotImplementedError


class Nesterov:
    """Nesterov の加速勾配法 (DLFS の形)。 / Nesterov's accelerated gradient, in the DLFS form."""

    def __init__(self, lr=0.01, momentum=0.9):
        """ハイパーパラメータを保存し、状態を用意する。 / Keep the hyperparameters; prepare the state."""
        # TODO
        raise NotImplementedError

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        # TODO
        raise NotImplementedError


class AdaGrad:
    """h ← h + g²; p ← p − lr·g / (√h + ε)。 / AdaGrad: h ← h + g²; p ← p − lr·g / (√h + ε)."""

    def __init__(self, lr=0.01):
        """ハイパーパラメータを保存し、状態を用意する。 / Keep the hyperparameters; prepare the state."""
        # TODO
        raise NotImplementedError

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        # TODO
        raise NotImplementedError


class RMSprop:
    """h ← ρ·h + (1−ρ)·g²; p ← p − lr·g / (√h + ε)。 / RMSprop with decay rate ρ."""

    def __init__(self, lr=0.01, decay_rate=0.99):
        """ハイパーパラメータを保存し、状態を用意する。 / Keep the hyperparameters; prepare the state."""
        # TODO
        raise NotImplementedError

    def update(self, params, grads):
        """params をその場で更新する。 / Update params in place."""
        # TODO
        raise NotImplementedError


class Adam:
    """Adam (DLFS のバイアス補正付き lr_t の形)。 / Adam in the DLFS bias-corrected ``lr_t`` form."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        """ハイパーパラメータを保存し、状態を用意する。 / Keep the hyperparameters; prepare the state."""
        # TODO
        raise NotImplementedError

    def update(self, params, grads):
        """params をその場で更新する (t は呼び出しごとに 1 増える)。 / Update params in place; t counts calls."""
        # TODO
        raise NotImplementedError
