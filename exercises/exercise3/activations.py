"""演習 3: 活性化関数 / Exercise 3: activation functions.

README.md の説明を読んで、各関数の ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise3
"""
import numpy as np


def identity_function(x):
    """x をそのまま返す。 / Return x unchanged."""
    # TODO
    raise NotImplementedError


def step_function(x):
    """x > 0 で 1、それ以外 (x = 0 を含む) で 0 の int 配列を返す。
    An int array: 1 where x > 0, else 0 (0 at exactly 0)."""
    # TODO
    raise NotImplementedError


def sigmoid(x):
    """要素ごとの 1 / (1 + exp(−x))。 / 1 / (1 + exp(−x)), elementwise."""
    # TODO
    raise NotImplementedError


def sigmoid_grad(x):
    """入力 x における sigmoid の微分 (出力ではなく x を受け取る)。
    The derivative of sigmoid at the input x (x, not the sigmoid's output)."""
    # TODO
    raise NotImplementedError


def relu(x):
    """要素ごとの max(0, x)。引数の配列は書き換えない。 / max(0, x), elementwise, leaving x unchanged."""
    # TODO
    raise NotImplementedError


def relu_grad(x):
    """x > 0 で 1、x < 0 で 0 の配列 (x = 0 ではどちらでもよい)。
    1 where x > 0 and 0 where x < 0 (either at exactly 0)."""
    # TODO
    raise NotImplementedError


def tanh(x):
    """要素ごとの双曲線正接。 / The hyperbolic tangent, elementwise."""
    # TODO
    raise NotImplementedError


def softmax(x):
    """最後の軸に沿った softmax (1 次元、または 2 次元のバッチの各行)。大きな値でもオーバーフローしないこと。
    softmax along the last axis (a 1-D vector, or each row of a 2-D batch), safe for large values."""
    # TODO
    raise NotImplementedError
