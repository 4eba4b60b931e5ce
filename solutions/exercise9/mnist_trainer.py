"""Exercise 9 (reference): a 784-300-10 MLP trained on MNIST with PyTorch, on the CPU or a GPU."""
import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    """784-300-10 multilayer perceptron: Linear → ReLU → Linear, returning logits."""

    def __init__(self, in_dim=784, hidden=300, out_dim=10):
        super().__init__()
        self.l1 = nn.Linear(in_dim, hidden)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(hidden, out_dim)

    def forward(self, x):
        """Logits (N, out_dim) for images (N, 1, 28, 28) or flat inputs (N, 784)."""
        x = x.flatten(start_dim=1)
        return self.l2(self.relu(self.l1(x)))


def train_one_epoch(model, loader, optimizer, device):
    """One pass over ``loader``; returns the mean over batches of each batch's mean loss."""
    model.train()
    total, batches = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches


def evaluate(model, loader, device):
    """Accuracy of ``model`` on ``loader`` (a float in [0, 1])."""
    model.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            count += labels.numel()
    return correct / count


def fit(model, train_loader, test_loader, epochs=10, lr=1e-3, device="cpu"):
    """Train with Adam for ``epochs``; returns {"loss": [...], "accuracy": [...]} per epoch."""
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        history["loss"].append(train_one_epoch(model, train_loader, optimizer, device))
        history["accuracy"].append(evaluate(model, test_loader, device))
    return history


def save_model(model, path):
    """Save the model's state_dict to ``path``."""
    torch.save(model.state_dict(), path)


def load_model(path, **kwargs):
    """A new ``MLP(**kwargs)`` with the state_dict saved at ``path``."""
    model = MLP(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu"))
    return model
