"""演習 5: 誤差逆伝播法で学習する 2 層ニューラルネット / Exercise 5: a two-layer net trained by backprop.

Affine → Relu → Affine → SoftmaxWithLoss; the layers share their arrays with ``params``.
"""
import numpy as np

from common import numerical_gradient as _numerical_gradient
from layers import Affine, Relu, SoftmaxWithLoss


class TwoLayerNet:
    """2 層ネット。params は W1 b1 W2 b2。 / A two-layer net; params holds W1 b1 W2 b2."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        self.layers = [Affine(self.params["W1"], self.params["b1"]), Relu(),
                       Affine(self.params["W2"], self.params["b2"])]
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        """softmax 前のスコアを返す。 / The scores before softmax."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        """x と t (ラベルか one-hot) の損失。 / The loss of x against t (labels or one-hot)."""
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        """正解率 (0〜1)。 / The fraction of samples whose top score is the true class."""
        predicted = np.argmax(self.predict(x), axis=1)
        t = np.asarray(t)
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        return float(np.mean(predicted == labels))

    def numerical_gradient(self, x, t):
        """数値微分による勾配 (params と同じキーの dict)。 / Gradients by numerical differentiation."""
        loss = lambda _: self.loss(x, t)
        return {key: _numerical_gradient(loss, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        """誤差逆伝播法による勾配 (params と同じキーの dict)。 / Gradients by backpropagation."""
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        first, second = self.layers[0], self.layers[2]
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}
