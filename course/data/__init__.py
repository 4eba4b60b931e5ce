"""Data sets the kit ships or finds offline: real MNIST (full via torchvision, or the bundled 5,000 digits)."""
from course.data.mnist import MNIST_MEAN, MNIST_STD, Mnist, load_mnist, tensor_loader, to_tensors

__all__ = ["MNIST_MEAN", "MNIST_STD", "Mnist", "load_mnist", "tensor_loader", "to_tensors"]
