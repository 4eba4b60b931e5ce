"""Exercise 4: loss functions (reference solution)."""
import numpy as np

# Added inside every log so that a predicted probability of exactly 0 costs −log(1e-7) ≈ 16.1, not inf.
DELTA = 1e-7


def sum_squared_error(y, t):
    """0.5·Σ(y − t)² over every element (the ½ cancels the 2 of the derivative)."""
    return 0.5 * np.sum((y - t) ** 2)


def mean_squared_error(y, t):
    """The mean of (y − t)² over every element."""
    return np.mean((y - t) ** 2)


def cross_entropy_error(y, t):
    """−Σ t·log(y + δ) averaged over the batch.

    y holds probabilities: one sample (C,) or a batch (N, C). t holds one-hot rows of y's shape or class
    labels (a number, or (N,)); one-hot rows are turned into labels, as only the true class's term is not 0.
    """
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    labels = t.reshape(-1)
    n = y.shape[0]
    return -np.sum(np.log(y[np.arange(n), labels] + DELTA)) / n


def binary_cross_entropy(yp, yt):
    """−mean(yt·log(yp + δ) + (1 − yt)·log(1 − yp + δ)) for predicted probabilities yp and 0/1 targets yt."""
    return -np.mean(yt * np.log(yp + DELTA) + (1 - yt) * np.log(1 - yp + DELTA))
