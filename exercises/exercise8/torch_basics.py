"""演習 8: PyTorch のテンソル・自動微分・学習ループ / Exercise 8: PyTorch tensors, autograd and the training loop.

README.md を読んでから始めてください。 Read README.md first.
"""
import torch


def quadratic_with_grad(x):
    """y = 2x² + 2 とその微分 dy/dx を自動微分で計算します (x のコピーを使う)。y と dy/dx を計算グラフなしで返します。

    y = 2x² + 2 and dy/dx by autograd on a copy of x; return both without autograd history.
    """
    # TODO: x を detach/clone して requires_grad_(True)、y.sum().backward() / copy x, then y.sum().backward()
    raise NotImplementedError("quadratic_with_grad")


def grad_of(f, x):
    """f(x).sum() の x についての勾配を自動微分で返します。呼び出し側の x とその .grad は変更しません。

    The gradient of f(x).sum() with respect to x, by autograd; the caller's x and its .grad stay untouched.
    """
    # TODO: x のコピーで torch.autograd.grad を使う / use torch.autograd.grad on a copy of x
    raise NotImplementedError("grad_of")


def fit_linear_regression(x, y, lr=0.001, epochs=500):
    """W*x + B を勾配降下法で手書きして当てはめ、(W, B, losses) を Python の float で返します。

    Fit W*x + B by hand-written gradient descent (W = B = 1.0 at the start); return (W, B, losses) as floats,
    losses holding each epoch's MSE before its update.
    """
    # TODO: 各エポック: MSE → backward → no_grad の中で更新 → 勾配を 0 に / per epoch: MSE, backward, update, zero
    raise NotImplementedError("fit_linear_regression")


def train_step(model, optimizer, loss_fn, x, y):
    """予測 → 損失 → 逆伝播 → 更新 を 1 回行い、損失を Python の float で返します。

    One step of predict → loss → backward → update; return the loss as a Python float.
    """
    # TODO: optimizer.zero_grad(), loss_fn(model(x), y), backward, optimizer.step(), loss.item()
    raise NotImplementedError("train_step")
