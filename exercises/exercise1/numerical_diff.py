"""演習 1: 数値微分 / Exercise 1: numerical differentiation.

README.md の説明を読んで、各関数の ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise1
"""
import numpy as np


def numerical_diff(f, x):
    """数 x における f の微分を中心差分 (f(x+h) − f(x−h)) / 2h (h = 1e-4) で返す。
    The derivative of f at the number x by the central difference (f(x+h) − f(x−h)) / 2h, h = 1e-4."""
    # TODO
    raise NotImplementedError


def numerical_gradient(f, x):
    """float 配列 x (形状は任意) における f の勾配を中心差分 (h = 1e-4) で求め、x と同じ形状の配列で返す。
    x の要素をその場で動かして元に戻すこと: f は引数を使わず x を直接読むことがある (lambda w: net.loss(x, t))。
    The gradient of f at the float array x (any shape) by central differences (h = 1e-4), shaped like x.
    Change x's elements in place and put them back: f may ignore its argument and read x itself."""
    # TODO
    raise NotImplementedError


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """init_x から x ← x − lr·∇f(x) を step_num 回繰り返した後の x を返す。
    x after step_num steps of x ← x − lr·∇f(x) starting from init_x."""
    # TODO
    raise NotImplementedError
