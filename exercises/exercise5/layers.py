"""演習 5: 計算グラフのレイヤ / Exercise 5: the layers of a computational graph.

README.md の説明を読んで、各メソッドの ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise5   (and see the graph:  course explain exercise5)
"""
import numpy as np

from common import cross_entropy_error, softmax


class MulLayer:
    """乗算ノード z = x·y。 / The multiplication node z = x·y."""

    def forward(self, x, y):
        """x·y を返す (逆伝播のために x, y を保存)。 / Return x·y (keep x and y for backward)."""
        # TODO
        raise NotImplementedError

    def backward(self, dout):
        """(dx, dy) を返す。 / Return (dx, dy)."""
        # TODO
        raise NotImplementedError


class AddLayer:
    """加算ノード z = x + y。 / The addition node z = x + y."""

    def forward(self, x, y):
        """x + y を返す。 / Return x + y."""
        # TODO
        raise NotImplementedError

    def backward(self, dout):
        """(dx, dy) を返す。 / Return (dx, dy)."""
        # TODO
        raise NotImplementedError


class Relu:
    """ReLU レイヤ (x ≤ 0 で勾配 0)。 / The ReLU layer (gradient 0 where x ≤ 0)."""

    def forward(self, x):
        """max(0, x) を返す。 / Return max(0, x)."""
        # TODO
        raise NotImplementedError

    def backward(self, dout):
        """x ≤ 0 の位置の勾配を 0 にして返す。 / Return dout with the positions where x ≤ 0 set to 0."""
        # TODO
        raise NotImplementedError


class Sigmoid:
    """Sigmoid レイヤ。 / The sigmoid layer."""

    def forward(self, x):
        """1 / (1 + exp(-x)) を返す。 / Return 1 / (1 + exp(-x))."""
        # TODO
        raise NotImplementedError

    def backward(self, dout):
        """dout·y(1−y) を返す (y は順伝播の出力)。 / Return dout·y(1−y), y being the forward output."""
        # TODO
        raise NotImplementedError


class Affine:
    """全結合レイヤ x·W + b (W の形状は (in, out))。 / The affine layer x·W + b, W shaped (in, out)."""

    def __init__(self, W, b):
        """W と b を (コピーせずに) 保持する。 / Keep W and b themselves (not copies)."""
        # TODO
        raise NotImplementedError

    def forward(self, x):
        """(N, ...) の x を (N, in) に平らにして x·W + b を返す。
        Flatten x from (N, ...) to (N, in) and return x·W + b."""
        # TODO
        raise NotImplementedError

    def backward(self, dout):
        """self.dW, self.db (バッチ方向の和) を設定し、x と同じ形状の dx を返す。
        Set self.dW and self.db (a sum over the batch); return dx shaped like x."""
        # TODO
        raise NotImplementedError


class SoftmaxWithLoss:
    """Softmax と交差エントロピー誤差のレイヤ。 / Softmax followed by the cross-entropy error."""

    def forward(self, x, t):
        """x (N, C) と t (ラベルか one-hot) の損失を返す。 / The loss of x (N, C) against t (labels or one-hot)."""
        # TODO
        raise NotImplementedError

    def backward(self, dout=1):
        """(y − t) / N を返す。 / Return (y − t) / N."""
        # TODO
        raise NotImplementedError
