"""Exercise 2 hidden checks: float inputs to the gates, fit's defaults, order, continuation and 3 inputs."""
import numpy as np

from course.checks import check, expect_close, expect_equal, tr
from course.checks.cases import which_mistake

PAIRS = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
X_PAIRS = np.array(PAIRS)
HINT_RULE = tr("each epoch visits the samples in the given order, starting from the current w and b; "
               "w += lr·(y_i − ŷ_i)·x_i, b += lr·(y_i − ŷ_i)",
               "各エポックで与えられた順にサンプルを見て、今の w と b から w += lr·(y_i − ŷ_i)·x_i, "
               "b += lr·(y_i − ŷ_i) と更新します")


def expect_same_fit(learner, reference, n_inputs, X, y, *, lr=None, epochs=None, start=None):
    """Train the learner's and the reference perceptron alike and compare w and b.

    Inputs and learning rates are dyadic (0, 1, 0.5, 0.25), so every sum is exact and both implementations
    meet the same ties X·w + b == 0.
    """
    kwargs = {} if lr is None else {"lr": lr}
    fit_kwargs = {} if epochs is None else {"epochs": epochs}
    p = learner.module("perceptron").Perceptron(n_inputs, **kwargs)
    ref = reference.module("perceptron").Perceptron(n_inputs, **kwargs)
    if start is not None:
        p.w, p.b = start[0].copy(), start[1]
        ref.w, ref.b = start[0].copy(), start[1]
    p.fit(X, y, **fit_kwargs)
    ref.fit(X, y, **fit_kwargs)
    slips = fit_slips(reference, n_inputs, X, y, kwargs, fit_kwargs, start)
    args = ", ".join([str(n_inputs)] + [f"{k}={v}" for k, v in kwargs.items()])
    fit = f"fit(X, y{''.join(f', {k}={v}' for k, v in fit_kwargs.items())})"
    start_at = tr(f" with w = {start[0].tolist()}, b = {start[1]}", f" (w = {start[0].tolist()}, b = {start[1]} から)") \
        if start else tr("", "")
    call = tr(f"Perceptron({args}){start_at['en']}, {fit}", f"Perceptron({args}){start_at['ja']}, {fit}")
    got = {"w": p.w, "b": p.b}

    def diagnose(_):
        return which_mistake(got, slips)

    # Weights at the end of training follow a path: a ratio or zeros there are not a cause (structure=False).
    expect_close(got["w"], ref.w, call=call, inputs={"X": X, "y": y}, what="w", diagnose=diagnose, structure=False)
    expect_close(got["b"], ref.b, call=call, inputs={"X": X, "y": y}, what="b", diagnose=diagnose, structure=False)


def fit_slips(reference, n_inputs, X, y, kwargs, fit_kwargs, start):
    """w and b as the usual mistakes of fit leave them, each replayed with the reference: the update's sign
    flipped (a negative learning rate does exactly that), firing at X·w + b >= 0, and restarting from zero."""
    def trained(session=reference, sign=1.0, from_start=True):
        lr = sign * kwargs.get("lr", 0.1)
        model = session.module("perceptron").Perceptron(n_inputs, lr=lr)
        if start is not None and from_start:
            model.w, model.b = start[0].copy(), start[1]
        model.fit(X, y, **fit_kwargs)
        return {"w": model.w, "b": model.b}

    slips = {"perceptron-update-sign": trained(sign=-1.0),
             "perceptron-threshold-ge": trained(reference.with_mistake("perceptron-threshold-ge"))}
    if start is not None:
        slips["perceptron-fit-resets"] = trained(from_start=False)
    return slips


@check("gates.float_inputs", 1, hidden=True, ja="ゲート: float の 0.0 / 1.0 を入力しても int を返す")
def test_gates_float_inputs(learner):
    """the four gates give their truth tables for float inputs too"""
    module = learner.module("perceptron")
    tables = {"AND": (0, 0, 0, 1), "NAND": (1, 1, 1, 0), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}
    for name, outputs in tables.items():
        for (x1, x2), want in zip(PAIRS, outputs):
            expect_equal(getattr(module, name)(x1, x2), want, call=f"{name}({x1}, {x2})")


@check("perceptron.default_lr", 1, hidden=True, ja="Perceptron: 既定の lr=0.1 で 1 回更新",
       hint=tr("the default learning rate is lr=0.1", "学習率の既定値は lr=0.1 です"))
def test_perceptron_default_lr(learner, reference):
    """one update with the default lr=0.1 moves w and b by 0.1"""
    expect_same_fit(learner, reference, 2, np.array([[1.0, 0.0]]), np.array([1]), epochs=1)


@check("perceptron.default_epochs", 1, hidden=True, ja="Perceptron.fit: 既定の epochs=10", hint=HINT_RULE)
def test_perceptron_default_epochs(learner, reference):
    """fit runs 10 epochs by default (XOR data never converges, so every epoch counts)"""
    expect_same_fit(learner, reference, 2, X_PAIRS, np.array([0, 1, 1, 0]), lr=0.25)


@check("perceptron.continues", 1, hidden=True, ja="Perceptron.fit: 今の w, b から学習を続ける", hint=HINT_RULE)
def test_perceptron_continues(learner, reference):
    """fit continues from the w and b the perceptron already has"""
    expect_same_fit(learner, reference, 2, X_PAIRS, np.array([0, 1, 1, 1]), lr=0.5, epochs=1,
                    start=(np.array([-1.0, 0.5]), 0.5))


@check("perceptron.order", 1, hidden=True, ja="Perceptron.fit: サンプルを与えられた順に 1 つずつ更新",
       hint=HINT_RULE)
def test_perceptron_order(learner, reference):
    """fit updates after every sample, in the given order (reversed data gives other weights)"""
    X = X_PAIRS[::-1].copy()
    expect_same_fit(learner, reference, 2, X, np.array([0, 1, 1, 0]), lr=0.5, epochs=3)


@check("perceptron.three_inputs", 1, hidden=True, ja="Perceptron: 3 入力の多数決を学習", hint=HINT_RULE)
def test_perceptron_three_inputs(learner, reference):
    """a 3-input perceptron learns majority vote with lr=0.5"""
    X = np.array([[a, b, c] for a in (0.0, 1.0) for b in (0.0, 1.0) for c in (0.0, 1.0)])
    y = (X.sum(axis=1) >= 2).astype(np.int64)
    expect_same_fit(learner, reference, 3, X, y, lr=0.5, epochs=10)
    p = learner.module("perceptron").Perceptron(3, lr=0.5).fit(X, y, epochs=10)
    expect_equal(p.predict(X), y, call="predict(X) after fit", inputs={"X": X})
