"""Exercise 3: activation functions (reference solution)."""
import numpy as np


def identity_function(x):
    """x unchanged (the output layer's activation for regression)."""
    return x


def step_function(x):
    """Int 1 where x > 0, else 0 (so 0 at exactly 0)."""
    return np.array(x > 0, dtype=np.int64)


def sigmoid(x):
    """1 / (1 + exp(−x)), elementwise.

    For x ≪ 0, exp(−x) overflows to inf and NumPy warns, but 1 / inf is the correct limit 0.
    """
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    """The derivative of sigmoid at x: s·(1 − s) with s = sigmoid(x) (x is the input, not the output)."""
    s = sigmoid(x)
    return s * (1 - s)


def relu(x):
    """max(0, x), elementwise."""
    return np.maximum(0, x)


def relu_grad(x):
    """1.0 where x > 0, else 0.0 (the derivative at exactly 0 is taken as 0)."""
    return np.where(x > 0, 1.0, 0.0)


def tanh(x):
    """The hyperbolic tangent, elementwise."""
    return np.tanh(x)


def softmax(x):
    """exp(x) normalised to sum to 1 along the last axis: each row of a batch on its own.

    Subtracting each row's maximum first leaves the result unchanged (it cancels in the ratio) and keeps
    exp from overflowing for large logits such as 1000.
    """
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
