"""Exercise 9 helpers shared by the public and hidden checks (``from exercise9.helpers import ...``): the
bundled MNIST subset, loaders built in the learner's process, and the reference's training on fixed data.

Training expectations come from the kit's reference run here on fixed data and a fixed starting state (the
checks' cases, shipped to learners as data); :func:`contract_mlp`, the architecture the instructions state,
only computes what a state predicts. No training loop is written out here.
"""
import functools
import os
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from course.checks import CheckFailure, tr
from course.i18n import value_name
from course.data import load_mnist, tensor_loader, to_tensors

SOFTMAX_FLOOR = 1.4611   # -ln(e / (e + 9)): cross_entropy of softmax outputs for 10 classes never goes below


# The small MLP the training checks use (the contract's sizes are arguments): its states are 25,450 numbers.
SMALL = {"hidden": 32}
# fit on relabelled digits: a model that learned them scores far above chance (0.1); one trained elsewhere
# on the true labels scores at chance.
LEARNED = 0.5
# Tolerances, float32 throughout. What a model trained here and there gives (the same batches and seed; CPU
# kernels may sum in another order): parameters, outputs, losses.
TRAINED_RTOL, TRAINED_ATOL = 1e-4, 1e-6
# Logits are tens, not probabilities: their absolute rounding is larger.
LOGITS_ATOL = 1e-5
# An accuracy is a count over N samples: the same predictions give the same fraction up to float rounding.
ACCURACY_ATOL = 1e-6
# history["accuracy"][-1] against the model's accuracy recomputed here, on fit's 500 test digits: a sample or two
# (a digit the learner's and this process's float32 sums put on either side of a tie).
HISTORY_ATOL = 0.005
GRADING_SEED = "COURSE_GRADING_SEED"


@functools.lru_cache(maxsize=None)
def mnist():
    """The bundled subset as tensors: train (4000) and held-out test (1000), normalised."""
    data = load_mnist(source="bundled")
    return (to_tensors(data.train_images, data.train_labels), to_tensors(data.test_images, data.test_labels))


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


def initial_state(seed, **sizes):
    """A starting state of the contract's MLP(**sizes), drawn from ``seed`` without touching torch's global
    generator: the same numbers in the kit and in the learner bundle."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return state_of(contract_mlp(**sizes_of(sizes)))


def sizes_of(kwargs):
    """MLP keyword arguments as contract_mlp's (in_dim, hidden, out_dim)."""
    return {"in_dim": kwargs.get("in_dim", 784), "hidden": kwargs.get("hidden", 300),
            "out_dim": kwargs.get("out_dim", 10)}


def reference_model(ref, state, mistake=None):
    """The reference MLP holding ``state`` (with the planted ``mistake`` made in the reference)."""
    source = ref.with_mistake(mistake) if mistake else ref
    shapes = {"in_dim": state["l1.weight"].shape[1], "hidden": state["l1.weight"].shape[0],
              "out_dim": state["l2.weight"].shape[0]}
    model = source.module("mnist_trainer").MLP(**shapes)
    model.load_state_dict(state)
    return source.module("mnist_trainer"), model


def reference_epoch(ref, state, batches, lr, *, stale=None, mistake=None):
    """{"loss", "state"} of the reference's train_one_epoch with SGD(lr) from ``state`` over ``batches``
    (gradients ``stale`` left over from before), with the planted ``mistake`` if one is named."""
    trainer, model = reference_model(ref, state, mistake)
    for p in model.parameters():
        p.grad = None if stale is None else torch.full_like(p, stale)
    loss = trainer.train_one_epoch(model, batches, torch.optim.SGD(model.parameters(), lr=lr), "cpu")
    return {"loss": loss, "state": state_of(model)}


def reference_trained_state(ref, seed=9, **sizes):
    """The state of the reference MLP(**sizes) after one epoch of the reference's train_one_epoch with
    Adam(1e-3) on the shuffled bundled training digits (about 90 % accurate), for evaluation checks."""
    trainer = ref.module("mnist_trainer")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = trainer.MLP(**sizes)
        train, _ = mnist()
        trainer.train_one_epoch(model, tensor_loader(*train, shuffle=True, seed=seed),
                                torch.optim.Adam(model.parameters(), lr=1e-3), "cpu")
    return state_of(model)


def grading_rng():
    """The generator of what a check draws at grading time (relabellings, chosen digits): fresh entropy, or
    ``$COURSE_GRADING_SEED`` to reproduce one grading exactly (golden tests, a disputed grade). Never set it
    when grading for real: whoever knows the seed knows the labels."""
    seed = os.environ.get(GRADING_SEED)
    return np.random.default_rng(int(seed) if seed else None)


def relabelling(rng):
    """A permutation of the 10 classes that moves every class (a derangement), drawn from ``rng``."""
    while True:
        perm = rng.permutation(10)
        if not np.any(perm == np.arange(10)):
            return torch.as_tensor(perm)


def relabelled_mnist(rng):
    """The bundled (train, test) digits with every class renamed by one derangement drawn from ``rng``: the
    same learning problem, but weights trained on the true labels score at chance on it."""
    relabel = relabelling(rng)
    (x, t), (xt, tt) = mnist()
    return (x, relabel[t]), (xt, relabel[tt])


def at_softmax_floor(losses) -> bool:
    """True when per-epoch losses fall steadily towards cross_entropy's floor on softmax outputs (1.4612 for
    10 classes) and stay above it, as a trainer that applies softmax first does. A trainer that never zeroes
    its gradients also ends near 1.6, but its losses jump around (1.76, 2.95, 2.50, 1.58, 1.63)."""
    numbers = [v for v in losses if isinstance(v, float)]
    return (bool(numbers) and len(numbers) == len(losses) and min(numbers) >= SOFTMAX_FLOOR and numbers[-1] < 1.7
            and all(a > b for a, b in zip(numbers, numbers[1:])))


def states_close(a, b, rtol=TRAINED_RTOL, atol=TRAINED_ATOL):
    """True when two state_dicts hold the same keys and close values."""
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], rtol=rtol, atol=atol) for k in a)


def expect_number(value, call, what, code):
    """Fail with ``code`` when ``value`` is a tensor, and without one when it is not a Python number."""
    name = value_name(what)
    if isinstance(value, torch.Tensor):
        raise CheckFailure(tr(f"{name['en']} must be a Python number (.item()), not a tensor",
                              f"{name['ja']} はテンソルではなく Python の数 (.item()) で返します"),
                           call=call, got=f"tensor {value.detach()}", diagnosis=code)
    if type(value) not in (float, int) or isinstance(value, bool):
        raise CheckFailure(tr(f"{name['en']} must be a Python float", f"{name['ja']} は Python の float で返します"),
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
