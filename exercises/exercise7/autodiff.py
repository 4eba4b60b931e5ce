"""演習 7: 自動微分を作る / Exercise 7: build your own automatic differentiation.

README.md の説明を読んで、各メソッドの ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise7
"""
import math


class Value:
    """スカラー値の計算グラフのノード。 / A scalar node of a computational graph."""

    def __init__(self, data, _children=(), _op=""):
        """data (数値) と grad (0.0) を持ち、入力ノードと逆伝播の関数を覚える。
        Hold data (a number) and grad (0.0); remember the input nodes and how to pass the gradient back."""
        # TODO
        raise NotImplementedError

    def __add__(self, other):
        """self + other (other は Value か数値) / self + other (a Value or a number)"""
        # TODO
        raise NotImplementedError

    def __mul__(self, other):
        """self · other"""
        # TODO
        raise NotImplementedError

    def __pow__(self, exponent):
        """self ** exponent (exponent は数値) / self ** exponent (a number)"""
        # TODO
        raise NotImplementedError

    def __sub__(self, other):
        """self − other"""
        # TODO
        raise NotImplementedError

    def __truediv__(self, other):
        """self / other"""
        # TODO
        raise NotImplementedError

    def __radd__(self, other):
        """other + self (other が数値のとき) / other + self, other a number"""
        # TODO
        raise NotImplementedError

    def __rsub__(self, other):
        """other − self"""
        # TODO
        raise NotImplementedError

    def __rmul__(self, other):
        """other · self"""
        # TODO
        raise NotImplementedError

    def __rtruediv__(self, other):
        """other / self"""
        # TODO
        raise NotImplementedError

    def exp(self):
        """e ** self"""
        # TODO
        raise NotImplementedError

    def log(self):
        """自然対数 / the natural logarithm of self"""
        # TODO
        raise NotImplementedError

    def tanh(self):
        """tanh(self)"""
        # TODO
        raise NotImplementedError

    def relu(self):
        """max(0, self) (self > 0 のとき勾配 1、それ以外 0) / max(0, self): gradient 1 where self > 0, else 0"""
        # TODO
        raise NotImplementedError

    def backward(self):
        """トポロジカル順の逆に全ノードの grad を求める (このノードの grad は 1)。
        Fill in every node's grad in reverse topological order, starting from grad 1 at this node."""
        # TODO
        raise NotImplementedError
