"""演習 9: PyTorch で MNIST を学習する / Exercise 9: a PyTorch MNIST trainer.

README.md を読んでから始めてください。 Read README.md first.
"""
import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    """784-300-10 の多層パーセプトロン (Linear → ReLU → Linear)。forward はロジットを返します。

    784-300-10 multilayer perceptron (Linear → ReLU → Linear); forward returns logits.
    """

    def __init__(self, in_dim=784, hidden=300, out_dim=10):
        super().__init__()
        # TODO: self.l1 = nn.Linear(in_dim, hidden), ReLU, self.l2 = nn.Linear(hidden, out_dim)
        raise NotImplementedError("MLP.__init__")

    def forward(self, x):
        """(N, 1, 28, 28) または (N, 784) の入力からロジット (N, out_dim) を返します。

        Logits (N, out_dim) for inputs (N, 1, 28, 28) or (N, 784).
        """
        # TODO: 平坦化してから l1 → ReLU → l2 / flatten, then l1 → ReLU → l2
        raise NotImplementedError("MLP.forward")


def train_one_epoch(model, loader, optimizer, device):
    """loader を 1 周して学習し、各バッチの平均損失のさらに平均を float で返します。

    Train for one pass over loader; return the mean over batches of each batch's mean loss (a float).
    """
    # TODO: model.train(); バッチを device へ; zero_grad → cross_entropy → backward → step
    raise NotImplementedError("train_one_epoch")


def evaluate(model, loader, device):
    """loader 全体での正解率 (0 〜 1 の float) を返します。

    Accuracy over the whole loader, a float in [0, 1].
    """
    # TODO: model.eval(); torch.no_grad() の中で正解数を数える / count correct predictions under no_grad
    raise NotImplementedError("evaluate")


def fit(model, train_loader, test_loader, epochs=10, lr=1e-3, device="cpu"):
    """Adam で epochs 回学習し、{"loss": [...], "accuracy": [...]} (エポックごと) を返します。

    Train with Adam for ``epochs``; return {"loss": [...], "accuracy": [...]} per epoch.
    """
    # TODO: model.to(device); Adam; train_one_epoch と evaluate を繰り返す / repeat both
    raise NotImplementedError("fit")


def save_model(model, path):
    """モデルの state_dict を path に保存します。 Save the model's state_dict to path."""
    # TODO: torch.save(model.state_dict(), path)
    raise NotImplementedError("save_model")


def load_model(path, **kwargs):
    """MLP(**kwargs) を作り、path の state_dict を読み込んで返します。 A new MLP(**kwargs) loaded from path."""
    # TODO: MLP(**kwargs) に load_state_dict(torch.load(path))
    raise NotImplementedError("load_model")
