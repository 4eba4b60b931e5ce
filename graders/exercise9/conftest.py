"""Exercise 9 fixtures shared by the public and hidden checks (the helpers are in helpers.py)."""
from types import SimpleNamespace

import pytest

from exercise9.helpers import mnist as bundled_mnist, reference_trained_state


@pytest.fixture(scope="session")
def mnist():
    """The bundled subset as tensors: ``mnist.train`` (4000) and ``mnist.test`` (1000), normalised."""
    train, test = bundled_mnist()
    return SimpleNamespace(train=train, test=test)


@pytest.fixture(scope="session")
def trained_state(reference):
    """The reference MLP (784-300-10) after one epoch of its own training, for the hidden evaluation checks
    (public checks get the smaller model's state as a case: :data:`SMALL`)."""
    return reference_trained_state(reference)
