"""演習 2: パーセプトロン / Exercise 2: the perceptron.

README.md の説明を読んで、各関数とメソッドの ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise2
"""
import numpy as np


def AND(x1, x2):
    """重みとバイアスで作る AND ゲート。0 か 1 (int) を返す。
    The AND gate from weights and a bias; returns the int 0 or 1."""
    # TODO
    raise NotImplementedError


def NAND(x1, x2):
    """重みとバイアスで作る NAND ゲート。0 か 1 (int) を返す。
    The NAND gate from weights and a bias; returns the int 0 or 1."""
    # TODO
    raise NotImplementedError


def OR(x1, x2):
    """重みとバイアスで作る OR ゲート。0 か 1 (int) を返す。
    The OR gate from weights and a bias; returns the int 0 or 1."""
    # TODO
    raise NotImplementedError


def XOR(x1, x2):
    """AND・NAND・OR を組み合わせて作る XOR ゲート。0 か 1 (int) を返す。
    The XOR gate built from AND, NAND and OR; returns the int 0 or 1."""
    # TODO
    raise NotImplementedError


class Perceptron:
    """学習するパーセプトロン: X·w + b > 0 のとき 1 を出力する。
    A trainable perceptron: outputs 1 where X·w + b > 0."""

    def __init__(self, n_inputs, lr=0.1):
        """重み self.w (形状 (n_inputs,)) とバイアス self.b をともに 0 で用意し、学習率 lr を覚える。
        Set self.w (shape (n_inputs,)) and self.b to 0 and keep the learning rate lr."""
        # TODO
        raise NotImplementedError

    def predict(self, X):
        """X の各行について X·w + b > 0 なら 1、そうでなければ 0 の int 配列を返す。
        An int array with 1 for each row of X where X·w + b > 0, else 0."""
        # TODO
        raise NotImplementedError

    def fit(self, X, y, epochs=10):
        """今の w, b から、各エポックでサンプルを順に見て w += lr·(y_i − ŷ_i)·x_i, b += lr·(y_i − ŷ_i)。self を返す。
        From the current w, b, visit the samples in order each epoch: w += lr·(y_i − ŷ_i)·x_i,
        b += lr·(y_i − ŷ_i). Returns self."""
        # TODO
        raise NotImplementedError
