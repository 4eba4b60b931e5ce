"""演習 5: 計算グラフのレイヤ / Exercise 5: the layers of a computational graph.

Each layer remembers what its backward pass needs during ``forward`` and returns the gradient with
respect to its input(s) from ``backward(dout)``; parameter gradients go to attributes (``dW``, ``db``).
"""
import numpy as np

from common import cross_entropy_error, softmax


class MulLayer:
    """乗算ノード z = x·y。 / The multiplication node z = x·y."""

    def __init__(self):
        self.x = self.y = None

    def forward(self, x, y):
        """x·y を返す。 / Return x·y."""
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """(dout·y, dout·x) を返す。 / Return (dout·y, dout·x): each input gets the other one."""
        return dout * self.y, dout * self.x


class AddLayer:
    """加算ノード z = x + y。 / The addition node z = x + y."""

    def forward(self, x, y):
        """x + y を返す。 / Return x + y."""
        return x + y

    def backward(self, dout):
        """(dout, dout) を返す。 / Return (dout, dout): addition passes the gradient through."""
        return dout, dout


class Relu:
    """ReLU レイヤ (x ≤ 0 で勾配 0)。 / The ReLU layer (gradient 0 where x ≤ 0)."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """max(0, x) を返す。 / Return max(0, x)."""
        self.mask = x <= 0
        return np.where(self.mask, 0.0, x)

    def backward(self, dout):
        """x ≤ 0 の位置の勾配を 0 にした dout を返す。 / dout with the positions where x ≤ 0 zeroed."""
        return np.where(self.mask, 0.0, dout)


class Sigmoid:
    """Sigmoid レイヤ。 / The sigmoid layer."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """1 / (1 + exp(-x)) を返す。 / Return 1 / (1 + exp(-x))."""
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, dout):
        """dout·y(1−y) を返す (y は順伝播の出力)。 / Return dout·y(1−y), y being the forward output."""
        return dout * (1.0 - self.out) * self.out


class Affine:
    """全結合レイヤ x·W + b (W の形状は (in, out))。 / The affine layer x·W + b, W shaped (in, out)."""

    def __init__(self, W, b):
        # Keep the very arrays given: an optimizer updating them in place must reach this layer.
        self.W, self.b = W, b
        self.x = self.x_shape = None
        self.dW = self.db = None

    def forward(self, x):
        """(N, ...) の入力を (N, in) に平らにして x·W + b を返す。
        Flatten an (N, ...) input to (N, in) and return x·W + b."""
        self.x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        """dW, db (バッチの和) を保存し、x と同じ形状の dx を返す。
        Store dW and db (a sum over the batch); return dx shaped like the input x."""
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return (dout @ self.W.T).reshape(self.x_shape)


class SoftmaxWithLoss:
    """Softmax と交差エントロピー誤差をまとめたレイヤ。 / Softmax followed by the cross-entropy error."""

    def __init__(self):
        self.y = self.t = None
        self.loss = None

    def forward(self, x, t):
        """バッチ x (N, C) と正解 t (ラベルか one-hot) の損失を返す。
        The loss of a batch x (N, C) against t (class labels or one-hot rows)."""
        self.y = softmax(x)
        t = np.asarray(t)
        self.t = t.argmax(axis=1) if t.ndim == 2 else t
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        """(y − t) / N を返す。 / Return (y − t) / N; dout is 1 at the end of the graph."""
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dout * dx / n
