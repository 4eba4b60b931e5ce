"""Exercise 1: numerical differentiation (reference solution)."""
import numpy as np

# DLFS's step: the central difference's truncation error is O(h²) ≈ 1e-8 while float64 round-off,
# about 1e-16·|f| / h, stays near 1e-12; much smaller steps trade the first for the second.
H = 1e-4


def numerical_diff(f, x):
    """The derivative of f at the number x by the central difference (f(x+h) − f(x−h)) / 2h."""
    return (f(x + H) - f(x - H)) / (2 * H)


def numerical_gradient(f, x):
    """The gradient of the scalar function f at the float array x (any shape), by central differences.

    Each element of x is perturbed in place and put back, because f may ignore its argument and read x
    itself (the book's ``lambda w: net.loss(x, t)``); x holds its original values when this returns.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        x[idx] = saved + H
        f_plus = f(x)
        x[idx] = saved - H
        f_minus = f(x)
        x[idx] = saved  # back before the next element, so every difference is taken around the caller's x
        grad[idx] = (f_plus - f_minus) / (2 * H)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """x after step_num steps of x ← x − lr·∇f(x) from init_x (init_x itself is left unchanged)."""
    x = np.array(init_x, dtype=np.float64)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
