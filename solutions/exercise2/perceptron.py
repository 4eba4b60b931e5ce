"""Exercise 2: the perceptron (reference solution)."""
import numpy as np


def _fires(x1, x2, w1, w2, b):
    """1 when w1·x1 + w2·x2 + b > 0, else 0: a two-input perceptron with fixed weights."""
    return int(w1 * x1 + w2 * x2 + b > 0)


def AND(x1, x2):
    """1 only when both inputs are 1."""
    return _fires(x1, x2, 0.5, 0.5, -0.7)


def NAND(x1, x2):
    """0 only when both inputs are 1 (AND with every sign flipped)."""
    return _fires(x1, x2, -0.5, -0.5, 0.7)


def OR(x1, x2):
    """1 when at least one input is 1."""
    return _fires(x1, x2, 0.5, 0.5, -0.2)


def XOR(x1, x2):
    """1 when exactly one input is 1: no single perceptron can do it, two layers of gates can."""
    return AND(NAND(x1, x2), OR(x1, x2))


class Perceptron:
    """A trainable perceptron: output 1 where X·w + b > 0, learned by Rosenblatt's rule."""

    def __init__(self, n_inputs, lr=0.1):
        """Weights w (n_inputs,) and bias b start at 0; lr is the learning rate."""
        self.w = np.zeros(n_inputs, dtype=np.float64)
        self.b = 0.0
        self.lr = lr

    def predict(self, X):
        """Int 0/1 for each row of X (or for a single sample); 0 where X·w + b is exactly 0."""
        return (np.asarray(X, dtype=np.float64) @ self.w + self.b > 0).astype(np.int64)

    def fit(self, X, y, epochs=10):
        """Run epochs passes over the samples in order, updating w and b after each one; returns self."""
        X = np.asarray(X, dtype=np.float64)
        for _ in range(epochs):
            for xi, yi in zip(X, y):
                error = yi - self.predict(xi)
                self.w += self.lr * error * xi
                self.b += self.lr * error
        return self
