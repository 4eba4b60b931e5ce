"""What exercise 8's public and hidden checks share: the linear-regression replay and the trajectory verdict."""
import copy
from types import SimpleNamespace

import pytest
import torch

from course.checks import CheckFailure, expect_close, tr
from course.mistakes.pytorch import recognise_errors

# Learning rates a learner might have written in place of the ``lr`` argument.
OTHER_LRS = (0.1, 0.01, 0.001, 0.0001, 1.0)


def replay_linear_regression(x, y, lr, epochs, *, zero_grads=True):
    """The contract's loop in float64, optionally without zeroing the gradients, as (W, B, losses)."""
    W = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    B = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((W * x + B - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            B -= lr * B.grad
        if zero_grads:
            W.grad.zero_()
            B.grad.zero_()
        losses.append(loss.item())
    return W.item(), B.item(), losses


def _close(a, b, rtol=1e-5):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=rtol, atol=1e-8))


def _diagnose(losses, x, y, lr, epochs):
    if _close(losses, replay_linear_regression(x, y, lr, epochs, zero_grads=False)[2]):
        return "grad-accumulates"
    if any(_close(losses, replay_linear_regression(x, y, other, epochs)[2]) for other in OTHER_LRS if other != lr):
        return "wrong-learning-rate"
    return None


def check_linear_regression(learner, x, y, **kwargs):
    """Run the learner's fit_linear_regression(x, y, **kwargs) and fail, naming the mistake, unless it
    follows the reference trajectory (losses per epoch, final W and B)."""
    lr, epochs = kwargs.get("lr", 0.001), kwargs.get("epochs", 500)
    call = f"fit_linear_regression(x, y{''.join(f', {k}={v}' for k, v in kwargs.items())})"
    with recognise_errors(call, "update-outside-no-grad"):
        got = learner.module("torch_basics").fit_linear_regression(x, y, **kwargs)
    W, B, losses = replay_linear_regression(x, y, lr, epochs)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise CheckFailure(tr("must return a tuple (W, B, losses)", "タプル (W, B, losses) を返します"),
                           call=call, got=repr(got)[:200])
    gW, gB, glosses = got
    types_ok = all(type(v) is float for v in (gW, gB)) and isinstance(glosses, list) and all(
        type(v) is float for v in glosses)
    if not types_ok:
        raise CheckFailure(tr("W and B must be Python floats and losses a list of Python floats (use .item())",
                              "W と B は Python の float、losses は float のリストで返します (.item() を使います)"),
                           call=call, got=f"W: {type(gW).__name__}, B: {type(gB).__name__}, losses: "
                                          f"{type(glosses).__name__} of {sorted({type(v).__name__ for v in glosses}) if isinstance(glosses, list) else '?'}")
    if len(glosses) != epochs:
        raise CheckFailure(tr(f"losses must hold one loss per epoch ({epochs})",
                              f"losses にはエポックごとに 1 つ ({epochs} 個) の損失を入れます"),
                           call=call, expected=f"{epochs} values", got=f"{len(glosses)} values")
    for what, g, e in (("losses", glosses, losses), ("W", gW, W), ("B", gB, B)):
        if not _close(g, e):
            bad = next((i for i, (a, b) in enumerate(zip(glosses, losses)) if not _close(a, b)), None)
            raise CheckFailure(
                tr(f"{what} differs from the reference" + (f" from epoch {bad} on" if bad is not None else ""),
                   f"{what} が参照解と違います" + (f" (エポック {bad} から)" if bad is not None else "")),
                call=call, expected=e if what != "losses" else losses[:6], got=g if what != "losses" else glosses[:6],
                diagnosis=_diagnose(glosses, x, y, lr, epochs))


def keeps_graph(t) -> bool:
    """True when a tensor that crossed from the learner still had autograd history or requires_grad."""
    info = getattr(t, "_wire_info", {})
    return bool(info.get("requires_grad") or info.get("has_grad_fn"))


def expect_detached(got, call):
    """Fail (naming result-keeps-graph) when a returned tensor still carries autograd history."""
    if any(keeps_graph(t) for t in got):
        raise CheckFailure(tr("returned tensors must not carry autograd history (requires_grad/grad_fn)",
                              "返すテンソルに計算グラフ (requires_grad / grad_fn) を残さないでください"),
                           call=call, got=[getattr(t, "_wire_info", None) for t in got],
                           diagnosis="result-keeps-graph")


def expect_grad_of(learner, f_learner, f_here, x, call):
    """Grade grad_of(f, x) on a live x in the learner's process that requires grad and holds a .grad."""
    x_l = learner.new(x)
    x_l.grad = x.grad
    got = learner.module("torch_basics").grad_of(f_learner, x_l)
    want = _autograd(f_here, x)
    after, grad_after, flag_after = x_l.get(), x_l.grad, x_l.requires_grad
    if not isinstance(grad_after, torch.Tensor) or not torch.equal(grad_after.detach(), x.grad) or \
            not torch.equal(after.detach(), x.detach()) or flag_after is not True:
        raise CheckFailure(tr("the caller's x (its values, requires_grad or .grad) was changed",
                              "呼び出し側の x (値・requires_grad・.grad) が変更されました"),
                           call=call, expected=f"x.grad stays {x.grad.flatten()[:4].tolist()}…",
                           got=f"x.grad = {grad_after if grad_after is None else grad_after.flatten()[:4].tolist()}…",
                           diagnosis="input-mutated")
    expect_close(got.detach() if isinstance(got, torch.Tensor) else got, want, call=call,
                 inputs={"x": x.detach()}, rtol=1e-6, atol=1e-9)


def _autograd(f, x):
    x = x.detach().clone().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]


def _stale_grads(model):
    """Gradients as if an earlier batch's backward had not been cleared."""
    return {name: torch.full_like(p, 0.5) for name, p in torch.nn.Sequential(*_layers(model)).named_parameters()}


def expect_train_step(learner, model, optimizer, options, loss, x, y, steps):
    """Grade ``steps`` calls of train_step on a copy of ``model`` in the learner's process, whose parameters
    start with stale gradients, against the same calls here (with and without zero_grad)."""
    torch_l = learner.module("torch")
    model_l = torch_l.nn.Sequential(*[getattr(torch_l.nn, type(m).__name__)(*_shape_args(m)) for m in _layers(model)])
    model_l.load_state_dict(_plain_state(model))
    stale = _stale_grads(model)
    for name, grad in stale.items():
        model_l.ref.get_parameter.ref(name).grad = grad
    opt_l = getattr(torch_l.optim, optimizer)(model_l.ref.parameters(), **options)
    loss_l = getattr(torch_l.nn, loss)()
    call = f"train_step(model, torch.optim.{optimizer}(model.parameters(), ...), nn.{loss}(), x, y)"
    want = {flag: _replay_steps(model, optimizer, options, loss, x, y, steps, stale, zero=flag) for flag in (True, False)}
    for step in range(steps):
        got = learner.module("torch_basics").train_step(model_l, opt_l, loss_l, x, y)
        if isinstance(got, torch.Tensor):
            raise CheckFailure(tr("the loss must be returned as a Python float (loss.item()), not a tensor",
                                  "損失はテンソルではなく Python の float (loss.item()) で返します"),
                               call=call, got=f"tensor {got.detach()}", diagnosis="loss-not-float")
        if type(got) is not float:
            raise CheckFailure(tr("the loss must be returned as a Python float", "損失は Python の float で返します"),
                               call=call, got=repr(got)[:200])
        expect_close(got, want[True][0][step], call=call, what=f"loss of step {step + 1}", rtol=1e-5, atol=1e-7)
    params = _plain_state(model_l.state_dict())
    if not _state_close(params, want[True][1]):
        raise CheckFailure(tr("the parameters after the update differ from the reference",
                              "更新後のパラメータが参照解と違います"), call=call,
                           expected={k: v.flatten()[:3].tolist() for k, v in want[True][1].items()},
                           got={k: v.flatten()[:3].tolist() for k, v in params.items()},
                           diagnosis="missing-zero-grad" if _state_close(params, want[False][1]) else None)


def _layers(model):
    return list(model) if isinstance(model, torch.nn.Sequential) else [model]


def _shape_args(module):
    return (module.in_features, module.out_features) if isinstance(module, torch.nn.Linear) else ()


def _plain_state(model_or_state):
    """A state_dict with plain keys of a Sequential, whatever the model's structure."""
    state = model_or_state if isinstance(model_or_state, dict) else torch.nn.Sequential(*_layers(model_or_state)).state_dict()
    return {k: v.detach().clone() for k, v in state.items()}


def _state_close(a, b):
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], rtol=1e-5, atol=1e-7) for k in a)


def _replay_steps(model, optimizer, options, loss, x, y, steps, stale, *, zero):
    """(losses, final state) of the contract's steps here, clearing the stale gradients or not."""
    here = copy.deepcopy(torch.nn.Sequential(*_layers(model)))
    for name, grad in stale.items():
        here.get_parameter(name).grad = grad.clone()
    opt = getattr(torch.optim, optimizer)(here.parameters(), **options)
    loss_fn, losses = getattr(torch.nn, loss)(), []
    for _ in range(steps):
        if zero:
            opt.zero_grad()
        value = loss_fn(here(x), y)
        value.backward()
        opt.step()
        losses.append(value.item())
    return losses, _plain_state(here.state_dict())


@pytest.fixture(scope="session")
def graders():
    """The shared verdict helpers, as a fixture because pytest imports grader files apart from each other."""
    return SimpleNamespace(linear_regression=check_linear_regression, expect_grad_of=expect_grad_of,
                           expect_detached=expect_detached, expect_train_step=expect_train_step, replay=replay_linear_regression)
