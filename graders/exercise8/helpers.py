"""Exercise 8 helpers shared by the public and hidden checks (``from exercise8.helpers import ...``).

The training checks compare the learner's trajectory with the kit's reference on fixed data: the reference
runs in the kit (with a planted mistake for the replays that name one) and its results are the checks'
cases, which the learner bundle ships as data. No training loop is written out here.
"""
import torch

from course.checks import CheckFailure, expect_close, tr
from course.checks.cases import which_mistake
from course.mistakes.pytorch import recognise_errors

# Learning rates a learner might have written in place of the ``lr`` argument.
OTHER_LRS = (0.1, 0.01, 0.001, 0.0001, 1.0)
# A trajectory of float32/float64 steps against the reference's: rounding only.
TRAJECTORY_RTOL, TRAJECTORY_ATOL = 1e-5, 1e-8
# Tolerances, float32 throughout. A formula's values (2x² + 2, 4x) next to the learner's autograd.
FORMULA_RTOL, FORMULA_ATOL = 1e-6, 1e-6
# A gradient autograd gives for the same function on the same float32 input: rounding only.
GRADIENT_RTOL, GRADIENT_ATOL = 1e-6, 1e-9
# One training step's loss and parameters next to the reference's: the same operations, possibly reordered.
STEP_RTOL, STEP_ATOL = 1e-5, 1e-7
# The gradients an earlier batch left behind, which train_step must clear before its backward.
STALE_GRAD = 0.5


# -- fit_linear_regression --------------------------------------------------------------------------------

def regression_cases(x, y, **kwargs):
    """The cases of a fit_linear_regression check: the reference's (W, B, losses) on (x, y, **kwargs), the
    same without zeroing the gradients (planted ``grad-accumulates``), with the summed instead of the mean
    loss (``loss-summed``), and with each other learning rate."""
    lr, epochs = kwargs.get("lr", 0.001), kwargs.get("epochs", 500)

    def fit(mistake=None, **options):
        def compute(ref):
            source = ref.with_mistake(mistake) if mistake else ref
            return source.module("torch_basics").fit_linear_regression(x.clone(), y.clone(), **options)
        return compute

    return {"right": fit(**kwargs), "accumulates": fit("grad-accumulates", **kwargs),
            "summed": fit("loss-summed", **kwargs),
            **{f"lr={other:g}": fit(lr=other, epochs=epochs) for other in OTHER_LRS if other != lr}}


def _close(a, b):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=TRAJECTORY_RTOL, atol=TRAJECTORY_ATOL))


def check_linear_regression(learner, expected, x, y, **kwargs):
    """Run the learner's fit_linear_regression(x, y, **kwargs) and fail, naming the mistake, unless it
    follows the reference trajectory (the cases of :func:`regression_cases`: losses per epoch, W and B)."""
    epochs = kwargs.get("epochs", 500)
    call = f"fit_linear_regression(x, y{''.join(f', {k}={v}' for k, v in kwargs.items())})"
    with recognise_errors(call, "update-outside-no-grad"):
        got = learner.module("torch_basics").fit_linear_regression(x, y, **kwargs)
    W, B, losses = expected["right"]
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
    variants = [("grad-accumulates", expected["accumulates"][2]), ("loss-summed", expected["summed"][2])] + [
        ("wrong-learning-rate", expected[case][2]) for case in expected.cases() if case.startswith("lr=")]
    for what, g, e in (("losses", glosses, losses), ("W", gW, W), ("B", gB, B)):
        if not _close(g, e):
            bad = next((i for i, (a, b) in enumerate(zip(glosses, losses)) if not _close(a, b)), None)
            raise CheckFailure(
                tr(f"{what} differs from the reference" + (f" from epoch {bad} on" if bad is not None else ""),
                   f"{what} が参照解と違います" + (f" (エポック {bad} から)" if bad is not None else "")),
                call=call, expected=e if what != "losses" else losses[:6], got=g if what != "losses" else glosses[:6],
                diagnosis=which_mistake(glosses, variants, rtol=TRAJECTORY_RTOL, atol=TRAJECTORY_ATOL))


# -- quadratic_with_grad, grad_of -------------------------------------------------------------------------

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


def expect_grad_of(learner, f_learner, want, x, call):
    """Grade grad_of(f, x) on a live x in the learner's process that requires grad and holds a .grad;
    ``want`` is the reference's gradient."""
    x_l = learner.new(x)
    x_l.grad = x.grad
    got = learner.module("torch_basics").grad_of(f_learner, x_l)
    after, grad_after, flag_after = x_l.get(), x_l.grad, x_l.requires_grad
    if not isinstance(grad_after, torch.Tensor) or not torch.equal(grad_after.detach(), x.grad) or \
            not torch.equal(after.detach(), x.detach()) or flag_after is not True:
        raise CheckFailure(tr("the caller's x (its values, requires_grad or .grad) was changed",
                              "呼び出し側の x (値・requires_grad・.grad) が変更されました"),
                           call=call, expected=f"x.grad stays {x.grad.flatten()[:4].tolist()}…",
                           got=f"x.grad = {grad_after if grad_after is None else grad_after.flatten()[:4].tolist()}…",
                           diagnosis="input-mutated")
    expect_close(got.detach() if isinstance(got, torch.Tensor) else got, want, call=call,
                 inputs={"x": x.detach()}, rtol=GRADIENT_RTOL, atol=GRADIENT_ATOL)


# -- train_step -------------------------------------------------------------------------------------------

def build(torch_module, spec):
    """An nn.Sequential of ``spec`` — ("Linear", in, out) and ("ReLU",) entries — built with
    ``torch_module`` (torch here, or the learner's torch for a model in the learner's process)."""
    return torch_module.nn.Sequential(*[getattr(torch_module.nn, name)(*args) for name, *args in spec])


def train_step_problem(spec, seed, x_shape, classes=None):
    """(initial state, x, y) for a train_step check, drawn from ``seed`` without touching torch's global
    generator: y is regression targets of shape (N, out), or labels below ``classes``."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        state = {k: v.detach().clone() for k, v in build(torch, spec).state_dict().items()}
        x = torch.randn(*x_shape)
        y = torch.randint(0, classes, (x_shape[0],)) if classes else torch.randn(x_shape[0], spec[-1][2])
    return state, x, y


def train_step_cases(spec, problem, optimizer, options, loss, steps):
    """The cases of a train_step check: the reference's losses and final state over ``steps`` calls from
    stale gradients, and the same with the planted ``missing-zero-grad``."""
    def run(mistake=None):
        def compute(ref):
            source = ref.with_mistake(mistake) if mistake else ref
            model, (state, x, y) = build(torch, spec), problem
            model.load_state_dict(state)
            for p in model.parameters():
                p.grad = torch.full_like(p, STALE_GRAD)
            opt = getattr(torch.optim, optimizer)(model.parameters(), **options)
            loss_fn = getattr(torch.nn, loss)()
            losses = [source.module("torch_basics").train_step(model, opt, loss_fn, x.clone(), y.clone())
                      for _ in range(steps)]
            return {"losses": losses, "state": _state(model)}
        return compute
    return {"right": run(), "no_zero_grad": run("missing-zero-grad")}


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def expect_train_step(learner, expected, spec, problem, optimizer, options, loss, steps):
    """Grade ``steps`` calls of train_step on the model ``spec`` built in the learner's process from
    ``problem``'s state, with stale gradients, against the cases of :func:`train_step_cases`."""
    state, x, y = problem
    torch_l = learner.module("torch")
    model_l = build(torch_l, spec)
    model_l.load_state_dict(state)
    for name, value in state.items():
        model_l.ref.get_parameter.ref(name).grad = torch.full_like(value, STALE_GRAD)
    opt_l = getattr(torch_l.optim, optimizer)(model_l.ref.parameters(), **options)
    loss_l = getattr(torch_l.nn, loss)()
    call = f"train_step(model, torch.optim.{optimizer}(model.parameters(), ...), nn.{loss}(), x, y)"
    want = expected["right"]
    for step in range(steps):
        got = learner.module("torch_basics").train_step(model_l, opt_l, loss_l, x, y)
        if isinstance(got, torch.Tensor):
            raise CheckFailure(tr("the loss must be returned as a Python float (loss.item()), not a tensor",
                                  "損失はテンソルではなく Python の float (loss.item()) で返します"),
                               call=call, got=f"tensor {got.detach()}", diagnosis="loss-not-float")
        if type(got) is not float:
            raise CheckFailure(tr("the loss must be returned as a Python float", "損失は Python の float で返します"),
                               call=call, got=repr(got)[:200])
        expect_close(got, want["losses"][step], call=call, rtol=STEP_RTOL, atol=STEP_ATOL,
                     what=tr(f"loss of step {step + 1}", f"ステップ {step + 1} の損失"))
    params = {k: v.detach().clone() for k, v in model_l.state_dict().items()}
    if not _state_close(params, want["state"]):
        raise CheckFailure(tr("the parameters after the update differ from the reference",
                              "更新後のパラメータが参照解と違います"), call=call,
                           expected={k: v.flatten()[:3].tolist() for k, v in want["state"].items()},
                           got={k: v.flatten()[:3].tolist() for k, v in params.items()},
                           diagnosis=which_mistake(params, {"missing-zero-grad": expected["no_zero_grad"]["state"]},
                                                   rtol=STEP_RTOL, atol=STEP_ATOL))


def _state_close(a, b):
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], rtol=STEP_RTOL, atol=STEP_ATOL) for k in a)
