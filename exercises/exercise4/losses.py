"""演習 4: 損失関数 / Exercise 4: loss functions.

README.md の説明を読んで、各関数の ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise4
"""
import numpy as np


def sum_squared_error(y, t):
    """2 乗和誤差 0.5·Σ(y − t)² (全要素の和)。 / The sum of squares 0.5·Σ(y − t)² over every element."""
    # TODO
    raise NotImplementedError


def mean_squared_error(y, t):
    """平均 2 乗誤差: 全要素の (y − t)² の平均。 / The mean of (y − t)² over every element."""
    # TODO
    raise NotImplementedError


def cross_entropy_error(y, t):
    """交差エントロピー誤差 −Σ t·log(y + 1e-7) のバッチ平均。y は確率 (1 サンプル (C,) かバッチ (N, C))、
    t は one-hot (y と同じ形状) か正解ラベル (整数、または (N,))。
    Cross-entropy −Σ t·log(y + 1e-7) averaged over the batch. y: probabilities, one sample (C,) or a batch
    (N, C); t: one-hot (y's shape) or class labels (a number, or (N,))."""
    # TODO
    raise NotImplementedError


def binary_cross_entropy(yp, yt):
    """2 値交差エントロピー −mean(yt·log(yp + δ) + (1 − yt)·log(1 − yp + δ))、δ = 1e-7。
    Binary cross-entropy −mean(yt·log(yp + δ) + (1 − yt)·log(1 − yp + δ)) with δ = 1e-7."""
    # TODO
    raise NotImplementedError
