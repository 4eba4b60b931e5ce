"""The bundled MNIST subset and its loader: real digits, balanced split, offline, fast tensor batches."""
import socket

import numpy as np
import pytest

from course.data import load_mnist, mnist


def test_bundled_subset_is_a_balanced_uint8_split():
    data = load_mnist(source="bundled")
    assert data.source == "bundled"
    assert data.train_images.shape == (4000, 28, 28) and data.test_images.shape == (1000, 28, 28)
    assert data.train_images.dtype == np.uint8 and data.train_labels.dtype == np.int64
    assert np.bincount(data.train_labels).tolist() == [400] * 10
    assert np.bincount(data.test_labels).tolist() == [100] * 10
    # Real MNIST digits: mean intensity near the full set's 0.1307, many pixels exactly 0 at the borders.
    assert abs(data.train_images.mean() / 255 - 0.1307) < 0.01
    assert (data.train_images[:, 0, :] == 0).mean() > 0.99


def test_train_and_test_share_no_digit():
    data = load_mnist(source="bundled")
    train = {img.tobytes() for img in data.train_images}
    assert not any(img.tobytes() in train for img in data.test_images)


def test_auto_without_torchvision_files_falls_back_offline(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert load_mnist(tmp_path, source="auto").source == "bundled"
    monkeypatch.delenv(mnist.ROOT_ENV, raising=False)
    assert load_mnist().source == "bundled"


def test_torchvision_source_insists_on_the_full_set(tmp_path):
    pytest.importorskip("torchvision")
    with pytest.raises(RuntimeError):
        load_mnist(tmp_path, source="torchvision")


def test_tensor_loader_yields_contract_batches_with_a_short_last_one():
    torch = pytest.importorskip("torch")
    data = load_mnist(source="bundled")
    x, y = mnist.to_tensors(data.test_images[:250], data.test_labels[:250])
    assert abs(x.mean().item()) < 0.1   # normalised like transforms.Normalize((0.1307,), (0.3081,))
    batches = list(mnist.tensor_loader(x, y, batch_size=100))
    assert [len(b[1]) for b in batches] == [100, 100, 50]
    images, labels = batches[0]
    assert images.shape == (100, 1, 28, 28) and images.dtype == torch.float32 and labels.dtype == torch.int64
    assert torch.equal(torch.cat([b[1] for b in batches]), y)
    shuffled = [b[1] for b in mnist.tensor_loader(x, y, batch_size=100, shuffle=True, seed=3)]
    again = [b[1] for b in mnist.tensor_loader(x, y, batch_size=100, shuffle=True, seed=3)]
    assert all(torch.equal(a, b) for a, b in zip(shuffled, again))
    assert not torch.equal(torch.cat(shuffled), y) and torch.equal(torch.cat(shuffled).sort().values, y.sort().values)
