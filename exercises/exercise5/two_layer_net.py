"""演習 5: 誤差逆伝播法で学習する 2 層ニューラルネット / Exercise 5: a two-layer net trained by backprop.

Affine → Relu → Affine → SoftmaxWithLoss. Check your work with:  course check exercise5
"""
import numpy as np

from common import numerical_gradient as _numerical_gradient
from layers import Affine, Relu, SoftmaxWithLoss


class TwoLayerNet:
    """2 層ネット。params は W1 b1 W2 b2。 / A two-layer net; params holds W1 b1 W2 b2."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        """params (W は weight_init_std × 標準正規乱数、b は 0) とレイヤを作る。レイヤは params の配列そのものを使う。
        Create params (W: weight_init_std × standard normal, b: zeros) and the layers, which use the params'
        arrays themselves."""
        # TODO
        raise NotImplementedError

    def predict(self, x):
        """softmax 前のスコアを返す。 / The scores before softmax."""
        # TODO
        raise NotImplementedError

    def loss(self, x, t):
        """損失 (t はラベルか one-hot)。 / The loss (t: labels or one-hot)."""
        # TODO
        raise NotImplementedError

    def accuracy(self, x, t):
        """正解率 (0〜1、t はラベルか one-hot)。 / The accuracy in [0, 1] (t: labels or one-hot)."""
        # TODO
        raise NotImplementedError

    def numerical_gradient(self, x, t):
        """数値微分による勾配 (W1 b1 W2 b2 の dict)。 / Gradients by numerical differentiation (a dict)."""
        # TODO
        raise NotImplementedError

    def gradient(self, x, t):
        """誤差逆伝播法による勾配 (W1 b1 W2 b2 の dict)。 / Gradients by backpropagation (a dict)."""
        # TODO
        raise NotImplementedError
