"""What exercise 9's checks share: the bundled MNIST subset, loaders built in the learner's process, and
replays of the contract's training loop here (with and without the mistakes the graders name).

The replays use :func:`contract_mlp`, the architecture the learner's instructions state, built from plain
torch rather than taken from the reference solution: a model trained step by step here has no recorded
answers to replay in the learner bundle, and this way the public checks need none.
"""
from collections import OrderedDict
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course.checks import CheckFailure, tr
from course.data import load_mnist, tensor_loader, to_tensors

SOFTMAX_FLOOR = 1.4611   # -ln(e / (e + 9)): cross_entropy of softmax outputs for 10 classes never goes below


@pytest.fixture(scope="session")
def mnist():
    """The bundled subset as tensors: train (4000) and held-out test (1000), normalised."""
    data = load_mnist(source="bundled")
    return SimpleNamespace(train=to_tensors(data.train_images, data.train_labels),
                           test=to_tensors(data.test_images, data.test_labels))


def learner_loader(learner, images, labels, batch_size=100, shuffle=False, seed=0):
    """A DataLoader over (images, labels), built in the learner's process."""
    return tensor_loader(images, labels, batch_size=batch_size, shuffle=shuffle, seed=seed,
                         torch=learner.module("torch"))


def learner_mlp(learner, seed=0, **kwargs):
    """The learner's MLP(**kwargs), its weights drawn after seeding the learner's torch."""
    learner.module("torch").manual_seed(seed)
    return learner.module("mnist_trainer").MLP(**kwargs)


def state_of(model):
    """A model's state_dict as plain CPU tensors here (a learner model's crosses by value)."""
    return {k: v.detach().to("cpu").clone() for k, v in model.state_dict().items()}


def contract_mlp(in_dim=784, hidden=300, out_dim=10):
    """The contract's MLP: flatten, ``l1``, ReLU, ``l2``, giving logits; its state_dict keys are the learner's."""
    return nn.Sequential(OrderedDict(flatten=nn.Flatten(), l1=nn.Linear(in_dim, hidden), relu=nn.ReLU(),
                                     l2=nn.Linear(hidden, out_dim)))


def mlp_here(state):
    """The contract's MLP with ``state`` loaded, in the verdict process."""
    sizes = state["l1.weight"].shape[1], state["l1.weight"].shape[0], state["l2.weight"].shape[0]
    model = contract_mlp(*sizes)
    model.load_state_dict(state)
    return model


def accuracy_here(state, images, labels):
    """Held-out accuracy of a state_dict, computed here."""
    with torch.no_grad():
        return (mlp_here(state)(images).argmax(1) == labels).double().mean().item()


def epoch_here(model, batches, opt, *, softmax=False, zero=True):
    """Mean batch loss of one epoch of ``model`` over ``batches`` here, as the contract trains or, with
    ``softmax`` or without ``zero``, with that named mistake."""
    losses = []
    for images, labels in batches:
        if zero:
            opt.zero_grad()
        logits = model(images)
        loss = F.cross_entropy(torch.softmax(logits, 1) if softmax else logits, labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def replay_epoch(state, batches, lr, *, stale=None, softmax=False, zero=True):
    """(mean batch loss, final state) of one SGD epoch here from ``state`` (gradients ``stale`` left over)."""
    model = mlp_here(state)
    for p in model.parameters():
        p.grad = None if stale is None else torch.full_like(p, stale)
    loss = epoch_here(model, batches, torch.optim.SGD(model.parameters(), lr=lr), softmax=softmax, zero=zero)
    return loss, state_of(model)


def at_softmax_floor(losses) -> bool:
    """True when per-epoch losses fall steadily towards cross_entropy's floor on softmax outputs (1.4612 for
    10 classes) and stay above it, as a trainer that applies softmax first does. A trainer that never zeroes
    its gradients also ends near 1.6, but its losses jump around (1.76, 2.95, 2.50, 1.58, 1.63)."""
    numbers = [v for v in losses if isinstance(v, float)]
    return (bool(numbers) and len(numbers) == len(losses) and min(numbers) >= SOFTMAX_FLOOR and numbers[-1] < 1.7
            and all(a > b for a, b in zip(numbers, numbers[1:])))


def states_close(a, b, rtol=1e-4, atol=1e-6):
    """True when two state_dicts hold the same keys and close values."""
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], rtol=rtol, atol=atol) for k in a)


def expect_number(value, call, what, code):
    """Fail with ``code`` when ``value`` is a tensor, and without one when it is not a Python number."""
    if isinstance(value, torch.Tensor):
        raise CheckFailure(tr(f"{what} must be a Python number (.item()), not a tensor",
                              f"{what} はテンソルではなく Python の数 (.item()) で返します"),
                           call=call, got=f"tensor {value.detach()}", diagnosis=code)
    if type(value) not in (float, int) or isinstance(value, bool):
        raise CheckFailure(tr(f"{what} must be a Python float", f"{what} は Python の float で返します"),
                           call=call, got=repr(value)[:200])


def meta_outcome(run):
    """Run learner code on the data-less "meta" device: None when it moved everything there (it then fails
    only where a value is read), else the learner error that revealed CPU tensors meeting meta ones."""
    from course.sandbox.remote import LearnerError

    try:
        run()
    except LearnerError as exc:
        return exc
    return None


@pytest.fixture(scope="session")
def ex9():
    """The shared helpers, as a fixture because pytest imports grader files apart from each other."""
    return SimpleNamespace(loader=learner_loader, local_loader=tensor_loader, mlp=learner_mlp, state_of=state_of, mlp_here=mlp_here,
                           accuracy_here=accuracy_here, replay_epoch=replay_epoch, states_close=states_close,
                           at_softmax_floor=at_softmax_floor,
                           expect_number=expect_number, meta_outcome=meta_outcome)


@pytest.fixture(scope="session")
def trained_state(mnist):
    """The state of the contract's MLP trained here with Adam for one epoch (about 90 % accurate), for
    evaluation checks."""
    torch.manual_seed(9)
    model = contract_mlp()
    epoch_here(model, tensor_loader(*mnist.train, shuffle=True), torch.optim.Adam(model.parameters(), lr=1e-3))
    return state_of(model)
