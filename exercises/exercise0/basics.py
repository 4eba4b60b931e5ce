"""演習 0: Python と NumPy のウォームアップ / Exercise 0: Python and NumPy warm-up.

README.md の説明を読んで、各関数の ``raise NotImplementedError`` を実装に置き換えてください。
Read README.md, then replace each ``raise NotImplementedError`` with your implementation.
Check your work with:  course check exercise0
"""
import numpy as np


def sign(x):
    """x の符号: 正なら 1、負なら -1、0 なら 0 を返す。 / The sign of x: 1, -1 or 0."""
    # TODO
    raise NotImplementedError


def tentimes(numlist):
    """各要素を 10 倍した新しいリストを返す (元のリストは変えない)。
    A new list with every element multiplied by 10 (leave numlist unchanged)."""
    # TODO
    raise NotImplementedError


def normalize_rows(a):
    """2 次元配列 a の各行を L2 ノルムで割った配列を返す。すべて 0 の行は 0 のまま。
    Each row of the 2-D array a divided by its L2 norm; all-zero rows stay zero."""
    # TODO
    raise NotImplementedError


def one_hot(labels, n_classes):
    """ラベル (整数) の配列を形状 (N, n_classes) の int 配列の one-hot 表現にする。
    The labels as an int array of shape (N, n_classes) with a 1 at each label's column."""
    # TODO
    raise NotImplementedError
