"""演習 5 の補助関数 (採点対象外) / Helpers for exercise 5 (given, not graded).

softmax, cross_entropy_error and numerical_gradient as in the earlier exercises, ready to import:
``from common import softmax, cross_entropy_error, numerical_gradient``.
"""
import numpy as np


def softmax(x):
    """行ごとの softmax (オーバーフロー対策済み)。 / Row-wise softmax over the last axis, overflow-safe."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """交差エントロピー誤差 (バッチ平均、t はラベルか one-hot)。
    Cross-entropy error averaged over the batch; t holds class labels or one-hot rows."""
    y = np.atleast_2d(y)
    t = np.asarray(t)
    if t.size == y.size:
        t = t.reshape(y.shape).argmax(axis=1)
    t = t.reshape(-1)
    n = y.shape[0]
    # 1e-7 keeps log finite when a probability is exactly 0.
    return -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n


def numerical_gradient(f, x):
    """中心差分 (h=1e-4) による f の x についての勾配。x は元の値に戻る。
    Central-difference gradient of f at x (h=1e-4); x holds its original values afterwards."""
    h = 1e-4
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        x[idx] = saved + h
        above = f(x)
        x[idx] = saved - h
        below = f(x)
        x[idx] = saved
        grad[idx] = (above - below) / (2 * h)
    return grad
